package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Flow} keeps its small fields packed in one int, and values that nearly always follow from
 * others as a flag with the exceptions aside: random sequences of the operations that set them,
 * against a model holding each in a field of its own, so that a field that spills into its
 * neighbour's bits, a side kept without its + 1, or an exception lost (by a summary, or by the
 * quadruple's tuple changing under a counted TIME_WAIT) shows.
 */
class FlowFieldsTest {

    /** The packed fields as plain values. */
    static final class Model {
        boolean removed;
        boolean twGone;
        Flow.CloseKind close;
        int clientSide;
        int holders;
        int tsSeen;
        int twHostSide = -1;
        int tupleClientSide = -1;
        int twCounted;
        TimeWaitLedger.TupleTw tuple;
        TimeWaitLedger.TupleTw twTuple;
        long twStart;
        final int[] finSeq = new int[2];
    }

    private static final TimeWaitLedger.TupleTw[] TUPLES = {
        null, new TimeWaitLedger.TupleTw(0, 1, 0, 2, 80), new TimeWaitLedger.TupleTw(0, 2, 0, 1, 80)};

    static void assertAgrees(Model m, Flow f, int step) {
        String at = "step " + step;
        assertEquals(m.removed, f.removed(), at);
        assertEquals(m.twGone, f.prevTwGone(), at);
        assertEquals(m.close, f.prevCloseKind(), at);
        assertEquals(m.close != null, f.prevValid(), at);
        if (m.close != null) {
            assertEquals(m.clientSide, f.prevClientSide(), at);
        }
        assertEquals(m.holders, f.prevHolders(), at);
        for (int side = 0; side < 2; side++) {
            assertEquals((m.holders & 1 << side) != 0, f.prevHolds(side), at);
            assertEquals((m.tsSeen & 1 << side) != 0, f.prevTsSeen(side), at);
        }
        assertEquals(m.twHostSide, f.twHostSide(), at);
        assertEquals(m.tupleClientSide, f.tupleClientSide(), at);
        assertEquals(m.twCounted, f.twCounted(), at);
        assertEquals(m.tuple, f.tuple(), at);
        assertEquals(m.twTuple, f.twTuple(), at);
        for (int side = 0; side < 2; side++) {
            assertEquals((m.holders & 1 << side) != 0 ? m.twStart : 0, f.prevTwStart(side), at);
            if (m.close != null) {
                assertEquals(m.finSeq[side], f.prevFinSeq(side), at);
            }
        }
    }

    @Test
    void packedFieldsAgreeWithPlainOnes() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int run = 0; run < 200; run++) {
            Flow f = new Flow(1, 2, 3, 4);
            Model m = new Model();
            for (int step = 0; step < 60; step++) {
                switch (rnd.nextInt(10)) {
                    case 0 -> {
                        Incarnation inc = new Incarnation();
                        Flow.CloseKind kind = Flow.CloseKind.values()[rnd.nextInt(3)];
                        inc.clientSide = rnd.nextInt(3) - 1;
                        int holders = rnd.nextInt(4);
                        // Mostly the close's time, as a real close gives; sometimes earlier.
                        long end = 5_000;
                        m.twStart = 0;
                        for (int side = 0; side < 2; side++) {
                            long start = rnd.nextBoolean() ? end : 1_000 + side;
                            inc.timeWaitStart[side] = (holders & 1 << side) != 0 ? start : 0;
                            m.twStart = Math.max(m.twStart, inc.timeWaitStart[side]);
                            EndpointTrack ep = inc.ep[side];
                            ep.tsSeen = rnd.nextBoolean();
                            ep.sndNxt = rnd.nextInt(3) == 0 ? rnd.nextInt(3) : rnd.nextInt();
                            int fin = rnd.nextInt(3);
                            ep.finSeq = fin == 0 ? 0 : fin == 1 ? ep.sndNxt - 1 : rnd.nextInt();
                            m.finSeq[side] = ep.finSeq;
                        }
                        f.summarize(inc, kind, end);
                        m.close = kind;
                        m.clientSide = inc.clientSide;
                        m.holders = kind == Flow.CloseKind.FIN ? holders : 0;
                        m.tsSeen = (inc.ep[0].tsSeen ? 1 : 0) | (inc.ep[1].tsSeen ? 2 : 0);
                        m.twGone = false;
                    }
                    case 7 -> {
                        int sides = rnd.nextInt(4);
                        f.twCounted(sides);
                        m.twCounted = sides;
                        TimeWaitLedger.TupleTw t = rnd.nextBoolean() ? f.tuple() : TUPLES[rnd.nextInt(3)];
                        f.twTuple(t);
                        m.twTuple = t;
                    }
                    case 8 -> {
                        long time = rnd.nextBoolean() ? 5_000 : 6_000 + step;
                        f.timeWaitStartedAt(time);
                        m.twStart = time;
                    }
                    case 1 -> {
                        f.markPrevTwGone(7_000);
                        m.twGone = true;
                    }
                    case 2 -> {
                        f.revivePrevTw();
                        m.twGone = false;
                    }
                    case 3 -> {
                        int side = rnd.nextInt(2);
                        f.twHostSide(side);
                        m.twHostSide = side;
                    }
                    case 4 -> {
                        int side = rnd.nextInt(3) - 1;
                        TimeWaitLedger.TupleTw t = TUPLES[rnd.nextInt(3)];
                        f.tuple(t, side);
                        m.tupleClientSide = side;
                        m.tuple = t;
                    }
                    case 5 -> {
                        f.markRemoved();
                        m.removed = true;
                    }
                    default -> {
                        if (rnd.nextInt(10) == 0) {
                            f.init(1, 2, 3, 4);
                            m = new Model();
                        }
                    }
                }
                assertAgrees(m, f, step);
            }
        }
    }

    /**
     * The duplicate filter keeps one time where it kept two (the newest signature's time is
     * lastSeen in a capture in time order): against the plain filter, with one time per side, on
     * random segments, some out of time order, among summaries and Late objects made and cleared.
     */
    @Test
    void duplicateFilterAgreesWithOneTimePerSide() {
        SplittableRandom rnd = new SplittableRandom(12);
        int repeats = 0;
        for (int run = 0; run < 300; run++) {
            Flow f = new Flow(1, 2, 3, 4);
            int[] lastSig = new int[2];
            long[] lastTime = {Long.MIN_VALUE, Long.MIN_VALUE};
            long clock = 1_000_000_000L;
            for (int step = 0; step < 80; step++) {
                switch (rnd.nextInt(12)) {
                    case 0 -> f.summarize(new Incarnation(), Flow.CloseKind.FIN, clock);
                    case 1 -> f.markPrevTwGone(clock);
                    case 2 -> f.noteTrigger(rnd.nextInt(2), step, clock, 0, true, false);
                    case 3 -> {
                        if (rnd.nextInt(8) == 0) {
                            f.init(1, 2, 3, 4);
                            lastSig[0] = lastSig[1] = 0;
                            lastTime[0] = lastTime[1] = Long.MIN_VALUE;
                        }
                    }
                    default -> {
                        int side = rnd.nextInt(2);
                        int sig = rnd.nextInt(3);
                        long window = rnd.nextBoolean() ? 2_000_000L : 1_000_000_000L;
                        clock += rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(3_000_000_000L);
                        long time = rnd.nextInt(5) == 0 ? clock - rnd.nextLong(2_500_000_000L) : clock;
                        boolean expected = sig == lastSig[side] && lastTime[side] != Long.MIN_VALUE
                                && time - lastTime[side] <= window;
                        lastSig[side] = sig;
                        lastTime[side] = time;
                        assertEquals(expected, f.seen(side, sig, time, clock, window), "run " + run + " step " + step);
                        assertEquals(clock, f.lastSeen);
                        repeats += expected ? 1 : 0;
                    }
                }
            }
        }
        // The sequences must exercise both answers for the comparison to mean anything.
        org.junit.jupiter.api.Assertions.assertTrue(repeats > 1000, "repeats: " + repeats);
    }
}
