package dev.twhazard.detect;

import static dev.twhazard.detect.Conversation.A;
import static dev.twhazard.detect.Conversation.F;
import static dev.twhazard.detect.Conversation.P;
import static dev.twhazard.detect.DetectorRulesTest.analyze;
import static dev.twhazard.detect.DetectorRulesTest.conn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.decode.TcpSegment;
import dev.twhazard.detect.DetectorRulesTest.Result;
import dev.twhazard.flow.TimeWaitLedger;
import dev.twhazard.report.Finding;
import dev.twhazard.report.TimeWaitReuseFinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Captures are imperfect: packets lost before the capture point (the peer ACKs bytes the capture
 * never saw), mirror-port duplicates, and reordering across a few packets. None of these may
 * create a false hazard.
 *
 * <p>Every imperfection is applied to the first incarnation of two scripts that differ only in
 * what follows it on the same quadruple:
 * <ul>
 *   <li>{@link #HEALTHY}: a reuse of the quadruple 61 s later, after the client's 60 s Linux
 *       TIME_WAIT expired, which must stay quiet;</li>
 *   <li>{@link #HAZARD}: a reuse 1.5 s into the client's TIME_WAIT (a Linux tcp_tw_reuse
 *       takeover), which must still be reported exactly once. That positive control keeps the
 *       quiet results from passing merely because detection broke under the imperfection.</li>
 * </ul>
 * Both also carry two back-to-back connections from the same client on other ports.
 */
class CaptureImperfectionsTest {

    static final boolean HEALTHY = false;
    static final boolean HAZARD = true;

    /** The first incarnation's segments by name, so imperfections can act on them. */
    static final class Script {
        final Conversation.Wire wire = new Conversation.Wire();
        final Map<String, TcpSegment> marks = new HashMap<>();
        /** The capture as it reaches the analyzer; imperfections edit it. */
        final List<TcpSegment> capture = new ArrayList<>();

        TcpSegment mark(String name, TcpSegment s) {
            marks.put(name, s);
            return s;
        }

        TcpSegment seg(String name) {
            TcpSegment s = marks.get(name);
            if (s == null) {
                throw new IllegalArgumentException("no segment " + name);
            }
            return s;
        }

        int at(String name) {
            TcpSegment s = seg(name);
            for (int i = 0; i < capture.size(); i++) {
                if (capture.get(i) == s) {
                    return i;
                }
            }
            throw new IllegalStateException(name + " is not in the capture");
        }

        /** Lost before the capture point. */
        void drop(String... names) {
            for (String n : names) {
                capture.remove(at(n));
            }
        }

        /** A copy of the segment, {@code later} packets after it (0: right behind it, as a mirror port). */
        void duplicate(String name, int later) {
            TcpSegment copy = Conversation.Wire.copy(seg(name));
            copy.timestampNanos += 10_000;
            capture.add(at(name) + 1 + later, copy);
        }

        /** Captured just before {@code before} instead of in its place. */
        void moveBefore(String name, String before) {
            TcpSegment s = seg(name);
            capture.remove(at(name));
            capture.add(at(before), s);
        }

        /** Captured just after {@code after} instead of in its place. */
        void moveAfter(String name, String after) {
            TcpSegment s = seg(name);
            capture.remove(at(name));
            capture.add(at(after) + 1, s);
        }

        /**
         * The frames in capture order: copies, renumbered, with capture times that never go
         * backwards (a capture stamps packets as they arrive, whatever order they were sent in).
         */
        List<TcpSegment> frames() {
            List<TcpSegment> out = new ArrayList<>();
            long previous = Long.MIN_VALUE;
            for (TcpSegment s : capture) {
                TcpSegment c = Conversation.Wire.copy(s);
                c.frame = out.size() + 1;
                if (c.timestampNanos <= previous) {
                    c.timestampNanos = previous + 1_000;
                }
                previous = c.timestampNanos;
                out.add(c);
            }
            return out;
        }
    }

    /**
     * Incarnation 1 on 10.0.1.2:40000 -> 10.0.2.2:80: handshake, a request, three response
     * segments with two client ACKs, a last request segment, then the client closes (client
     * TIME_WAIT from the final ACK at 31.3 ms). TSvals tick at 1 kHz, so the data segments' TSvals
     * differ by 5 ticks and a reordering moves them backwards by more than PAWS's one tick.
     */
    static Script script(boolean hazard) {
        Script s = new Script();
        Conversation c = conn(s.wire, 40000).isns(1000, 900_000);
        s.mark("syn", c.syn(0));
        s.mark("synAck", c.synAck(0.0001));
        s.mark("hsAck", c.fromClient(0.0002, A, c.cNxt, c.sNxt, 0));
        s.mark("req", c.fromClient(0.010, P | A, c.cNxt, c.sNxt, 100));
        c.cNxt += 100;
        s.mark("data1", c.fromServer(0.015, A, c.sNxt, c.cNxt, 1000));
        c.sNxt += 1000;
        s.mark("data2", c.fromServer(0.020, A, c.sNxt, c.cNxt, 1000));
        c.sNxt += 1000;
        s.mark("ack1", c.fromClient(0.0201, A, c.cNxt, c.sNxt, 0));
        s.mark("data3", c.fromServer(0.025, P | A, c.sNxt, c.cNxt, 500));
        c.sNxt += 500;
        s.mark("ack2", c.fromClient(0.0251, A, c.cNxt, c.sNxt, 0));
        s.mark("req2", c.fromClient(0.030, P | A, c.cNxt, c.sNxt, 50));
        c.cNxt += 50;
        s.mark("cFin", c.fromClient(0.031, F | A, c.cNxt, c.sNxt, 0));
        c.cNxt++;
        s.mark("sAckOfFin", c.fromServer(0.0311, A, c.sNxt, c.cNxt, 0));
        s.mark("sFin", c.fromServer(0.0312, F | A, c.sNxt, c.cNxt, 0));
        c.sNxt++;
        s.mark("finalAck", c.fromClient(0.0313, A, c.cNxt, c.sNxt, 0));

        // Back-to-back connections from the same client on other ports: each leaves a client
        // TIME_WAIT on a quadruple of its own, and none is reused.
        conn(s.wire, 40002).isns(3_000_000, 4_000_000).handshake(0.5).exchange(0.51, 10, 10).clientCloses(0.52);
        conn(s.wire, 40004).isns(5_000_000, 6_000_000).handshake(1.0).exchange(1.01, 10, 10).clientCloses(1.02);

        if (hazard) {
            // tcp_tw_reuse: the holder takes its own TIME_WAIT over 1.5 s in, ISN old snd_nxt + 65537.
            c.isns(c.cNxt + 65535 + 2, 7_000_000).handshake(1.5).exchange(1.51, 10, 10).clientCloses(1.52);
        } else {
            // The same quadruple again once the 60 s TIME_WAIT is over: legitimate.
            c.isns(c.cNxt + 1_000_000, 7_000_000).handshake(61).exchange(61.01, 10, 10).clientCloses(61.02);
        }
        s.capture.addAll(s.wire.segments);
        return s;
    }

    /**
     * One imperfection and what the analyzer must still know despite it.
     *
     * @param closeSeen the capture still shows (or lets the tracker infer) the client's TIME_WAIT
     *     of incarnation 1, so the reuse is judged against it
     * @param duplicates segments the tracker must recognise as copies
     * @param partial incarnations the tracker must count as first seen mid-stream
     */
    record Imperfection(String name, Consumer<Script> apply, boolean closeSeen, long duplicates, long partial) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Imperfection loss(String name, boolean closeSeen, String... dropped) {
        return new Imperfection(name, s -> s.drop(dropped), closeSeen, 0, 0);
    }

    static Stream<Imperfection> losses() {
        return Stream.of(
                // ack1 and the final ACKs acknowledge data1's bytes, which the capture never saw.
                loss("data segment lost, ACKed later", true, "data1"),
                loss("last data segment before the FIN lost", true, "req2"),
                loss("SYN lost: capture starts at the SYN-ACK", true, "syn"),
                new Imperfection("whole handshake lost: capture starts mid-stream", s -> s.drop("syn", "synAck", "hsAck"),
                        true, 0, 1),
                // The client's ACK from ISN + 1 proves the unseen SYN-ACK (FlowTracker.synAckUnseen).
                loss("SYN-ACK lost", true, "synAck"),
                // The peer's ACK of one past the last byte shows the unseen FIN (FlowTracker.inferUnseenFin).
                loss("client FIN lost", true, "cFin"),
                loss("server FIN lost", true, "sFin"),
                // The server did not retransmit its FIN, so the final ACK reached it.
                loss("final ACK lost", true, "finalAck"),
                loss("pure ACK lost mid-stream", true, "ack1"));
    }

    static Imperfection dup(String name, Consumer<Script> apply, long copies) {
        return new Imperfection(name, apply, true, copies, 0);
    }

    static Stream<Imperfection> duplicates() {
        return Stream.of(
                dup("SYN twice", s -> s.duplicate("syn", 0), 1),
                dup("SYN-ACK twice", s -> s.duplicate("synAck", 0), 1),
                dup("client FIN twice", s -> s.duplicate("cFin", 0), 1),
                dup("server FIN twice", s -> s.duplicate("sFin", 0), 1),
                dup("final ACK twice", s -> s.duplicate("finalAck", 0), 1),
                dup("every segment twice", s -> {
                    List<TcpSegment> all = new ArrayList<>(s.capture);
                    s.capture.clear();
                    for (TcpSegment x : all) {
                        s.capture.add(x);
                        TcpSegment copy = Conversation.Wire.copy(x);
                        copy.timestampNanos += 10_000;
                        s.capture.add(copy);
                    }
                }, -1),
                dup("SYN copy late, after the SYN-ACK", s -> s.duplicate("syn", 1), 1),
                dup("data copy three packets late", s -> s.duplicate("data1", 3), 1),
                dup("client FIN copy late, after the server's FIN", s -> s.duplicate("cFin", 2), 1));
        // The server FIN's copy landing after the final ACK is tested on its own below.
    }

    static Imperfection reorder(String name, Consumer<Script> apply) {
        return new Imperfection(name, apply, true, 0, 0);
    }

    static Stream<Imperfection> reorderings() {
        return Stream.of(
                reorder("data segments swapped", s -> s.moveBefore("data2", "data1")),
                reorder("data segment three packets late", s -> s.moveAfter("data1", "data3")),
                reorder("FIN ahead of the last data segment", s -> s.moveBefore("cFin", "req2")),
                reorder("server FIN ahead of its ACK of the client FIN", s -> s.moveBefore("sFin", "sAckOfFin")),
                reorder("final ACK ahead of the server FIN it acknowledges", s -> s.moveBefore("finalAck", "sFin")),
                reorder("handshake ACK behind the first request", s -> s.moveAfter("hsAck", "req")),
                reorder("SYN retransmission captured ahead of the original SYN", s -> {
                    s.capture.add(s.at("syn"), synRetransmission(s));
                }),
                reorder("SYN retransmission captured after the handshake", s -> {
                    s.capture.add(s.at("hsAck") + 1, synRetransmission(s));
                }));
    }

    /**
     * The client's SYN sent again 10 ms later (Linux 6.18's TCP_TIMEOUT_MIN): same ISN, a newer
     * TSval and the next IP ID, so it is a retransmission and not a copy.
     */
    static TcpSegment synRetransmission(Script s) {
        TcpSegment retx = Conversation.Wire.copy(s.seg("syn"));
        retx.tsVal += 10;
        retx.ipId += 100;
        retx.timestampNanos += 10_000_000;
        return retx;
    }

    static Stream<Imperfection> all() {
        return Stream.of(losses(), duplicates(), reorderings()).flatMap(x -> x);
    }

    static Result run(Imperfection imperfection, boolean hazard) {
        Script s = script(hazard);
        imperfection.apply().accept(s);
        return analyze(s.frames());
    }

    static TimeWaitLedger.HostTw host(Result r, String ip) {
        long[] a = IpAddress.parse(ip);
        return r.stats().topTimeWaitHosts().stream().filter(h -> h.hi() == a[0] && h.lo() == a[1]).findFirst().orElse(null);
    }

    static long entered(Result r, String ip) {
        TimeWaitLedger.HostTw h = host(r, ip);
        return h == null ? 0 : h.entered();
    }

    // ---- Sanity of the two scripts themselves ------------------------------------------------

    @Test
    void healthyScriptAsCapturedIsQuiet() {
        Result r = analyze(script(HEALTHY).frames());
        assertTrue(r.hazards().isEmpty(), r.findings().toString());
        assertEquals(1L, r.stats().classified().get("reuse_after_time_wait_expired"));
        assertEquals(4, entered(r, DetectorRulesTest.CLIENT));
        assertEquals(0, entered(r, DetectorRulesTest.SERVER));
        assertEquals(0, r.stats().duplicateSegments());
        assertEquals(0, r.stats().partialIncarnations());
    }

    @Test
    void hazardScriptAsCapturedReportsTheReuseOnce() {
        Result r = analyze(script(HAZARD).frames());
        assertEquals(1, r.hazards().size(), r.findings().toString());
        TimeWaitReuseFinding f = (TimeWaitReuseFinding) r.of(HazardId.TIME_WAIT_REUSE).get(0);
        assertEquals("client", f.twHolder());
        assertEquals("holder", f.reusedBy());
        assertTrue(f.linuxIsnFingerprint());
    }

    // ---- The imperfections -------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void noFalseHazard(Imperfection imperfection) {
        Result r = run(imperfection, HEALTHY);
        assertTrue(r.hazards().isEmpty(), r.findings().toString());
        // Nothing the imperfection did may put a TIME_WAIT on the server, which never closed first.
        assertEquals(0, entered(r, DetectorRulesTest.SERVER), "server TIME_WAITs");
        if (imperfection.closeSeen()) {
            // The client's TIME_WAIT of incarnation 1 was still seen, and the reuse judged against it.
            assertEquals(4, entered(r, DetectorRulesTest.CLIENT), "client TIME_WAITs");
            assertEquals(1L, r.stats().classified().get("reuse_after_time_wait_expired"), r.stats().classified().toString());
        }
        long copies = imperfection.duplicates() < 0 ? script(HEALTHY).capture.size() : imperfection.duplicates();
        assertEquals(copies, r.stats().duplicateSegments(), "duplicates");
        assertEquals(imperfection.partial(), r.stats().partialIncarnations(), "partial incarnations");
    }

    static Stream<Imperfection> closeSeen() {
        return all().filter(Imperfection::closeSeen);
    }


    @ParameterizedTest(name = "{0}")
    @MethodSource("closeSeen")
    void realHazardStillReportedOnce(Imperfection imperfection) {
        assertReuseReportedOnce(run(imperfection, HAZARD));
    }

    static void assertReuseReportedOnce(Result r) {
        List<Finding> reuse = r.of(HazardId.TIME_WAIT_REUSE);
        assertEquals(1, reuse.size(), r.findings().toString());
        assertEquals(1, r.hazards().size(), r.findings().toString());
        TimeWaitReuseFinding f = (TimeWaitReuseFinding) reuse.get(0);
        assertEquals("client", f.twHolder());
        // Copies and reordering inside incarnation 1 do not turn into extra SYNs of the reuse.
        assertEquals(1, f.synPackets());
        assertEquals(2, f.core().incarnation());
    }

    // ---- Cases that need more than the shared scripts ----------------------------------------

    /** The SYN of incarnation 2 on the scripted quadruple (after the close of incarnation 1). */
    static TcpSegment reuseSyn(Script s) {
        return s.capture.stream().filter(x -> x.has(TcpSegment.SYN) && !x.has(TcpSegment.ACK)
                && x.timestampNanos > s.seg("finalAck").timestampNanos + 1_000_000_000L && x.srcPort == 40000)
                .findFirst().orElseThrow();
    }

    @Test
    void reuseSynTwiceIsStillOneSynOfOneFinding() {
        // The duplicate lands on the reuse itself, not on incarnation 1.
        Script s = script(HAZARD);
        TcpSegment reuseSyn = reuseSyn(s);
        s.mark("reuseSyn", reuseSyn);
        s.duplicate("reuseSyn", 0);
        Result r = analyze(s.frames());
        assertReuseReportedOnce(r);
        assertEquals(1, r.stats().duplicateSegments());
    }

    @Test
    void reuseSynRetransmissionCapturedAheadOfTheOriginalIsOneAttempt() {
        Script s = script(HAZARD);
        TcpSegment reuseSyn = reuseSyn(s);
        TcpSegment retx = Conversation.Wire.copy(reuseSyn);
        retx.tsVal += 10;
        retx.ipId += 100;
        s.capture.add(s.capture.indexOf(reuseSyn), retx);
        Result r = analyze(s.frames());
        List<Finding> reuse = r.of(HazardId.TIME_WAIT_REUSE);
        assertEquals(1, reuse.size(), r.findings().toString());
        assertEquals(1, r.hazards().size(), r.findings().toString());
        // Two transmissions of one attempt (same ISN), not two attempts.
        assertEquals(2, ((TimeWaitReuseFinding) reuse.get(0)).synPackets());
    }

    @Test
    void serverFinCopyAfterTheFinalAckRaisesNothing() {
        Script s = script(HEALTHY);
        s.duplicate("sFin", 1);
        Result r = analyze(s.frames());
        assertTrue(r.hazards().isEmpty(), r.findings().toString());
        assertEquals(4, entered(r, DetectorRulesTest.CLIENT));
        assertEquals(0, entered(r, DetectorRulesTest.SERVER));
        assertEquals(1L, r.stats().classified().get("reuse_after_time_wait_expired"));
        assertReuseReportedOnce(runWith(HAZARD, x -> x.duplicate("sFin", 1)));
    }

    /**
     * A mirror copy of the server's FIN captured behind the client's final ACK is a copy (the
     * closed flow keeps each side's last signature), not a FIN retransmission that would restart
     * the client's TIME_WAIT and arm an overflow trigger.
     */
    @Test
    void serverFinCopyAfterTheFinalAckIsADuplicate() {
        Script s = script(HEALTHY);
        s.duplicate("sFin", 1);
        List<TcpSegment> frames = s.frames();
        Result r = analyze(frames);
        int copy = s.at("finalAck") + 1;
        assertTrue(r.states().get(copy).contains(":DUPLICATE:"), r.states().get(copy));
        assertEquals(1, r.stats().duplicateSegments());
    }

    /**
     * The client closes first; the server ACKs and only sends its FIN 70 s later, when the
     * client's orphaned FIN_WAIT_2 has long expired (tcp_fin_timeout), so the client answers it
     * with a no-socket RST, SEQ = SEG.ACK (RFC 9293 3.10.7.1). Healthy: no TIME_WAIT is involved.
     */
    static Conversation.Wire expiredFinWait2(boolean synAckCaptured) {
        Conversation.Wire w = new Conversation.Wire();
        Conversation c = conn(w, 40000).isns(1000, 900_000);
        c.syn(0);
        if (synAckCaptured) {
            c.synAck(0.0001);
        } else {
            c.sNxt = c.sIsn + 1; // the SYN-ACK was lost before the capture point
        }
        c.fromClient(0.0002, A, c.cNxt, c.sNxt, 0);
        c.exchange(0.01, 100, 100);
        c.fromClient(0.02, F | A, c.cNxt, c.sNxt, 0);
        c.cNxt++;
        c.fromServer(0.0201, A, c.sNxt, c.cNxt, 0);
        c.fromServer(70, F | A, c.sNxt, c.cNxt, 0);
        c.fromClient(70.0001, Conversation.R, c.cNxt, 0, 0);
        conn(w, 40002).isns(5, 6).handshake(80); // the capture goes on
        return w;
    }

    @Test
    void expiredFinWait2RstIsNoHazard() {
        Result r = analyze(expiredFinWait2(true).segments);
        assertTrue(r.hazards().isEmpty(), r.findings().toString());
        assertEquals(1L, r.stats().classified().get("rst_after_fin_wait_2_maybe_expired"));
    }

    /**
     * Without the SYN-ACK in the capture, server segments acknowledging client data must not be
     * taken for stale ACKs of an older incarnation (and the client's no-socket RST for the RST
     * answering one, which would read as a failed TIME_WAIT reuse): the client's ACK from ISN + 1
     * shows the handshake completed.
     */
    @Test
    void expiredFinWait2RstIsNoHazardWhenTheSynAckWasLost() {
        Result r = analyze(expiredFinWait2(false).segments);
        assertTrue(r.hazards().isEmpty(), r.findings().toString());
    }

    static Result runWith(boolean hazard, Consumer<Script> apply) {
        Script s = script(hazard);
        apply.accept(s);
        return analyze(s.frames());
    }
}
