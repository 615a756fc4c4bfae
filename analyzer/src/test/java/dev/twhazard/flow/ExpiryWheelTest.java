package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The expiry wheel against a model. The wheel's contract is one-second granular: a flow scheduled
 * for {@code due} is checked when capture time enters {@code due}'s second (or, for a due time
 * beyond the wheel's 4096 s span, earlier, and then rescheduled); the check decides, from the
 * flow's real due time, whether to forget it or to name its next due time. With a check that does
 * what {@code FlowTracker} does (forget when {@code now >= due}, else return {@code due}), every
 * flow must then be forgotten by the first advance that starts a new second at or after its due
 * time: not before (it would be forgotten while its TIME_WAIT still holds), not later, and not
 * never (a lost flow stays in memory for the rest of the capture).
 */
class ExpiryWheelTest {

    static final long S = 1_000_000_000L;
    /** A 2026 capture time, as the tracker sees them (nanoseconds since the epoch). */
    static final long T0 = 1_795_420_750L * S;

    static Flow flow() {
        return new Flow(0, 0, 0, 0);
    }

    /** Flows the model expects the wheel to hand to the check, and what the check answers. */
    static final class Model {
        final Map<Flow, Long> due = new IdentityHashMap<>();
        final Set<Flow> forgotten = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Forgotten and taken out of the wheel ({@link ExpiryWheel#unschedule}), as the tracker does. */
        final Set<Flow> takenOut = Collections.newSetFromMap(new IdentityHashMap<>());
        final ExpiryWheel wheel = new ExpiryWheel();
        long processingSecond = Long.MIN_VALUE;

        void schedule(Flow f, long dueNanos) {
            due.put(f, dueNanos);
            wheel.schedule(f, dueNanos);
        }

        /** Advances both; asserts the wheel let go of exactly the flows whose due time has come. */
        void advance(long now, String when) {
            boolean newSecond = Math.floorDiv(now, S) > processingSecond;
            List<Flow> expected = new ArrayList<>();
            if (newSecond) {
                processingSecond = Math.floorDiv(now, S);
                due.forEach((f, d) -> {
                    if (d <= now) {
                        expected.add(f);
                    }
                });
            }
            Set<Flow> expired = Collections.newSetFromMap(new IdentityHashMap<>());
            wheel.advance(now, f -> {
                if (takenOut.contains(f)) {
                    fail("checked a flow taken out of the wheel " + when);
                }
                if (forgotten.contains(f)) {
                    return Long.MIN_VALUE; // removed outside the wheel, as on eviction: the check says so
                }
                Long d = due.get(f);
                if (d == null) {
                    fail("checked a flow that was already expired " + when);
                }
                if (now >= d) {
                    assertTrue(expired.add(f), () -> "checked twice in one advance " + when);
                    due.remove(f);
                    return Long.MIN_VALUE;
                }
                return d;
            });
            for (Flow f : expected) {
                assertTrue(expired.contains(f), () -> "a flow due at +" + (due.get(f) - T0) / 1e9
                        + " s is still held after advancing to +" + (now - T0) / 1e9 + " s " + when);
            }
            assertEquals(expected.size(), expired.size(), () -> "flows expired before their time " + when);
        }
    }

    /**
     * A long random run: due times from the past to far beyond the wheel's span, time advancing by
     * fractions of a second and by jumps of over an hour (the wheel wraps many times), flows
     * rescheduled earlier and later, and flows forgotten outside the wheel and reused.
     */
    @Test
    void randomScheduleAgreesWithTheModel() {
        for (long seed = 1; seed <= 4; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Model m = new Model();
            long now = T0 + random.nextLong(S);
            m.advance(now, "at start");
            List<Flow> reusable = new ArrayList<>();
            for (int step = 0; step < 4000; step++) {
                String when = "(seed " + seed + ", step " + step + ")";
                int op = random.nextInt(100);
                if (op < 40) {
                    Flow f = reusable.isEmpty() ? flow() : reusable.remove(reusable.size() - 1);
                    m.schedule(f, now + offset(random));
                } else if (op < 55 && !m.due.isEmpty()) {
                    // The flow's state changed: its due time moves (earlier or later).
                    Flow f = any(m.due, random);
                    m.schedule(f, now + offset(random));
                } else if (op < 60 && !m.due.isEmpty()) {
                    // Forgotten outside the wheel (eviction), and taken out of it or not (the check
                    // then says it is gone); later reused for another quadruple.
                    Flow f = any(m.due, random);
                    m.due.remove(f);
                    m.forgotten.add(f);
                    if (random.nextBoolean()) {
                        m.wheel.unschedule(f);
                        m.takenOut.add(f);
                    }
                    if (random.nextBoolean()) {
                        m.forgotten.remove(f);
                        m.takenOut.remove(f);
                        f.init(2, 3, 5, 6); // resets its wheel position, as the table does
                        reusable.add(f);
                    }
                } else {
                    now += random.nextInt(100) < 97 ? random.nextLong(1_500_000_000L)
                            : random.nextLong(100 * S, 10_000 * S);
                    m.advance(now, when);
                }
            }
            // Nothing is lost: far enough ahead, every flow has expired.
            long end = now;
            for (long d : m.due.values()) {
                end = Math.max(end, d);
            }
            for (long t = now + S; t <= end + 2 * S; t += 1000 * S) {
                m.advance(t, "draining (seed " + seed + ")");
            }
            m.advance(end + 2 * S, "drained (seed " + seed + ")");
            assertTrue(m.due.isEmpty(), m.due.size() + " flows never expired (seed " + seed + ")");
        }
    }

    /**
     * Busy seconds, as at thousands of closes a second: slots of up to thousands of flows, whose
     * arrays grow through the pooled sizes and come back to the pool when their second passes,
     * while flows move between busy slots and some are taken out. A pooled array handed out to two
     * slots at once would lose flows or hand the check flows that are not due.
     */
    @Test
    void busySecondsReusePooledArraysWithoutLosingFlows() {
        SplittableRandom random = new SplittableRandom(42);
        Model m = new Model();
        long now = T0;
        m.advance(now, "at start");
        List<Flow> reusable = new ArrayList<>();
        for (int round = 0; round < 60; round++) {
            String when = "(round " + round + ")";
            int burst = random.nextInt(100, 6000);
            for (int i = 0; i < burst; i++) {
                Flow f = reusable.isEmpty() ? flow() : reusable.remove(reusable.size() - 1);
                // a few busy seconds ahead, and a few beyond a wheel turn
                long ahead = random.nextInt(50) == 0 ? random.nextLong(4000 * S, 9000 * S) : random.nextLong(1, 8) * S;
                m.schedule(f, now + ahead);
            }
            for (int i = 0; i < burst / 4 && !m.due.isEmpty(); i++) {
                Flow f = any(m.due, random);
                if (random.nextBoolean()) {
                    m.schedule(f, now + random.nextLong(1, 8) * S);
                } else {
                    m.due.remove(f);
                    m.wheel.unschedule(f);
                    f.init(2, 3, 5, 6);
                    reusable.add(f);
                }
            }
            now += random.nextInt(10) == 0 ? 4000 * S : S;
            m.advance(now, when);
        }
        for (int i = 0; i < 20; i++) {
            now += 1000 * S;
            m.advance(now, "draining");
        }
        assertTrue(m.due.isEmpty(), m.due.size() + " flows never expired");
    }

    /** Due offsets: past, the same second, seconds, minutes, and beyond the 4096 s span. */
    static long offset(SplittableRandom random) {
        return switch (random.nextInt(5)) {
            case 0 -> -random.nextLong(30 * S);
            case 1 -> random.nextLong(S);
            case 2 -> random.nextLong(120 * S);
            case 3 -> random.nextLong(3600 * S);
            default -> random.nextLong(4000 * S, 20_000 * S);
        };
    }

    static Flow any(Map<Flow, Long> flows, SplittableRandom random) {
        int k = random.nextInt(flows.size());
        for (Flow f : flows.keySet()) {
            if (k-- == 0) {
                return f;
            }
        }
        throw new AssertionError();
    }

    /**
     * The wheel is O(1) per due time: a flow is looked at in its due second and, if the check finds
     * it not quite due yet, once more in the next second; never in the seconds before.
     */
    @Test
    void aFlowIsCheckedOnlyInItsDueSecondAndTheNext() {
        ExpiryWheel wheel = new ExpiryWheel();
        long start = T0 + S / 2;
        wheel.advance(start, f -> fail("nothing scheduled yet"));
        Map<Flow, Long> due = new IdentityHashMap<>();
        SplittableRandom random = new SplittableRandom(6191);
        for (int i = 0; i < 500; i++) {
            Flow f = flow();
            long d = start + random.nextLong(S, 4000 * S);
            due.put(f, d);
            wheel.schedule(f, d);
        }
        Map<Flow, List<Long>> checkedAt = new HashMap<>();
        for (long now = start + S; now <= start + 4010 * S; now += S) {
            long t = now;
            wheel.advance(t, f -> {
                checkedAt.computeIfAbsent(f, x -> new ArrayList<>()).add(t);
                return t >= due.get(f) ? Long.MIN_VALUE : due.get(f);
            });
        }
        for (Map.Entry<Flow, Long> e : due.entrySet()) {
            long d = e.getValue();
            List<Long> at = checkedAt.get(e.getKey());
            long dueSecond = Math.floorDiv(d, S);
            // advances happen at x.5 s: a due time in the first half of its second is met at once
            List<Long> expected = new ArrayList<>(List.of(dueSecond * S + S / 2));
            if (d > dueSecond * S + S / 2) {
                expected.add((dueSecond + 1) * S + S / 2);
            }
            assertEquals(expected, at, () -> "due at +" + (d - T0) / 1e9 + " s");
        }
    }

    /** Due times further ahead than the wheel spans are looked at early, then put back, and expire on time. */
    @Test
    void dueTimesBeyondTheSpanExpireOnTime() {
        Model m = new Model();
        m.advance(T0, "at start");
        Flow f = flow();
        long d = T0 + 3 * 4096 * S + S / 3; // three turns of the wheel ahead
        m.schedule(f, d);
        for (long now = T0 + 7 * S; now < d; now += 7 * S) {
            m.advance(now, "before due");
        }
        assertEquals(1, m.due.size(), "expired before its due time");
        m.advance(d, "at due");
        assertTrue(m.due.isEmpty(), "not expired at its due time");
    }

    /** A due time in the past is met at the next second, not a wheel turn later. */
    @Test
    void aDueTimeAlreadyPastExpiresAtTheNextSecond() {
        Model m = new Model();
        m.advance(T0 + 100 * S, "at start");
        m.schedule(flow(), T0 + 5 * S);
        m.advance(T0 + 101 * S, "a second later");
        assertTrue(m.due.isEmpty());
    }

    /** Rescheduling later while an earlier check is pending keeps the flow until the later time. */
    @Test
    void movingADueTimeLaterKeepsTheFlowUntilThen() {
        Model m = new Model();
        m.advance(T0, "at start");
        Flow f = flow();
        m.schedule(f, T0 + 10 * S);
        m.schedule(f, T0 + 50 * S);
        for (int s = 1; s < 50; s++) {
            m.advance(T0 + s * S, "before the later due time");
        }
        assertEquals(1, m.due.size());
        m.advance(T0 + 50 * S, "at the later due time");
        assertTrue(m.due.isEmpty());
    }

    /** Rescheduling earlier takes effect: the flow is not kept until its first due time. */
    @Test
    void movingADueTimeEarlierExpiresItEarlier() {
        Model m = new Model();
        m.advance(T0, "at start");
        Flow f = flow();
        m.schedule(f, T0 + 50 * S);
        m.schedule(f, T0 + 10 * S);
        m.advance(T0 + 10 * S, "at the earlier due time");
        assertTrue(m.due.isEmpty());
    }

    /**
     * The wheel does not know the current time before its first advance: a flow scheduled then
     * starts the wheel at its due second, so a first advance already past that second still walks
     * it and checks the flow (before that rule, the slot was skipped and the flow never checked).
     */
    @Test
    void aFlowScheduledBeforeTheFirstAdvanceIsNotLost() {
        Model m = new Model();
        m.schedule(flow(), T0 + 9 * S + S / 2);
        m.advance(T0 + 10 * S + S / 2, "first advance, a second after the due time");
        assertTrue(m.due.isEmpty(), "not checked at the first advance");
    }
}
