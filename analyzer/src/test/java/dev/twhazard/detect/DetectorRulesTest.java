package dev.twhazard.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.decode.TcpSegment;
import dev.twhazard.flow.EndpointState;
import dev.twhazard.flow.SegmentEvent;
import dev.twhazard.report.Finding;
import dev.twhazard.report.OldIncarnationSegmentFinding;
import dev.twhazard.report.PawsNatRegressionFinding;
import dev.twhazard.report.TimeWaitReuseFinding;
import dev.twhazard.report.TwOverflowRstFinding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One rule per test, on hand-scripted segments (see {@link Conversation}). The detectors'
 * evidence on real kernels is in the samples module.
 */
class DetectorRulesTest {

    static final String CLIENT = "10.0.1.2";
    static final String SERVER = "10.0.2.2";

    record Result(List<Finding> findings, AnalysisStats stats, List<String> states) {
        List<Finding> of(HazardId type) {
            return findings.stream().filter(f -> f.type() == type).toList();
        }

        List<Finding> hazards() {
            return findings.stream().filter(f -> f.type().isHazard()).toList();
        }
    }

    static Result analyze(List<TcpSegment> segments) {
        List<Finding> findings = new ArrayList<>();
        List<String> states = new ArrayList<>();
        HazardAnalyzer analyzer = new HazardAnalyzer(AnalyzerConfig.defaults(), findings::add);
        for (TcpSegment s : segments) {
            SegmentEvent e = analyzer.accept(s);
            states.add(e.incarnationNumber() + ":" + e.role() + ":" + e.state(0) + "/" + e.state(1));
        }
        analyzer.finish();
        return new Result(findings, analyzer.stats(), states);
    }

    static Conversation conn(Conversation.Wire w, int clientPort) {
        return new Conversation(w, CLIENT, clientPort, SERVER, 80).clocks(1_000_000, 50_000_000);
    }

    @Nested
    class CleanClose {
        @Test
        void clientCloseLeavesTimeWaitOnClientAndNoHazard() {
            Conversation.Wire w = new Conversation.Wire();
            conn(w, 40000).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 2000).clientCloses(0.02);
            Result r = analyze(w.segments);
            assertTrue(r.hazards().isEmpty(), r.findings().toString());
            String last = r.states().get(r.states().size() - 1);
            // Side A is 10.0.1.2 (lower address): the client, in TIME_WAIT; the server CLOSED.
            assertTrue(last.endsWith(EndpointState.TIME_WAIT + "/" + EndpointState.CLOSED), last);
            assertEquals(1, r.stats().topTimeWaitHosts().get(0).peak());
        }

        @Test
        void mirrorDuplicatesChangeNothing() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40000).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 2000).clientCloses(0.02);
            c.isns(c.cNxt + 65536 + 1, 5_000_000).handshake(1.5);
            Result once = analyze(w.segments);
            Result twice = analyze(w.duplicated());
            assertEquals(once.findings().size(), twice.findings().size());
            TimeWaitReuseFinding a = (TimeWaitReuseFinding) once.of(HazardId.TIME_WAIT_REUSE).get(0);
            TimeWaitReuseFinding b = (TimeWaitReuseFinding) twice.of(HazardId.TIME_WAIT_REUSE).get(0);
            assertEquals(1, b.synPackets());
            assertEquals(a.result(), b.result());
            assertEquals(w.segments.size(), twice.stats().duplicateSegments());
        }
    }

    @Nested
    class TimeWaitReuse {
        @Test
        void holderTakeoverWithLinuxIsnIsProtectedAndLow() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40000).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 2000).clientCloses(0.02);
            int oldSndNxt = c.cNxt;
            c.isns(oldSndNxt + 65535 + 2, 7_000_000).handshake(1.5).exchange(1.6, 10, 10);
            Result r = analyze(w.segments);
            List<Finding> reuse = r.of(HazardId.TIME_WAIT_REUSE);
            assertEquals(1, reuse.size());
            TimeWaitReuseFinding f = (TimeWaitReuseFinding) reuse.get(0);
            assertEquals("client", f.twHolder());
            assertEquals("holder", f.reusedBy());
            assertEquals("syn_ack", f.answer());
            assertEquals("established", f.result());
            assertEquals("timestamps", f.protection());
            assertTrue(f.linuxIsnFingerprint());
            assertEquals(Severity.LOW, f.severity());
            assertEquals(2, f.core().incarnation());
            assertEquals(60.0, f.twLengthSeconds());
            assertTrue(f.sinceTwStartSeconds() > 1.4 && f.sinceTwStartSeconds() < 1.5, "" + f.sinceTwStartSeconds());
        }

        @Test
        void peerSynAcceptedByServerTimeWaitCarriesFingerprintOnSynAck() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 5000).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 2000).serverCloses(0.02, true);
            int serverOld = c.sNxt;
            c.isns(50_000_000, serverOld + 65537).handshake(2.0);
            Result r = analyze(w.segments);
            TimeWaitReuseFinding f = (TimeWaitReuseFinding) r.of(HazardId.TIME_WAIT_REUSE).get(0);
            assertEquals("server", f.twHolder());
            assertEquals("peer", f.reusedBy());
            assertTrue(f.linuxIsnFingerprint());
            assertEquals("established", f.result());
            assertEquals(Severity.LOW, f.severity());
        }

        @Test
        void staleAckRstAndRetryIsDelayedMedium() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 5000).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 2000)
                    .serverCloses(0.02, true).noTimestamps();
            int oldClientNxt = c.cNxt;
            int oldServerNxt = c.sNxt;
            c.isns(500, 77_000_000);
            c.syn(0.5);
            c.fromServer(0.5001, Conversation.A, oldServerNxt, oldClientNxt, 0); // stale ACK from TIME_WAIT
            c.fromClient(0.5002, Conversation.R, oldClientNxt, 0, 0);            // RST with SEQ = SEG.ACK
            c.syn(0.51);                                                          // retry, same ISN
            c.synAck(0.5101);
            c.fromClient(0.5102, Conversation.A, c.cNxt, c.sNxt, 0);
            Result r = analyze(w.segments);
            TimeWaitReuseFinding f = (TimeWaitReuseFinding) r.of(HazardId.TIME_WAIT_REUSE).get(0);
            assertEquals("stale_ack", f.answer());
            assertEquals("established_after_retry", f.result());
            assertEquals(2, f.synPackets());
            assertEquals(1, f.staleAcks());
            assertEquals("none", f.protection());
            assertEquals(Severity.MEDIUM, f.severity());
            assertFalse(f.core().frames().isEmpty());
        }

        @Test
        void reuseAfterTimeWaitExpiredIsNotReported() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40000).isns(1000, 900_000).handshake(0).clientCloses(0.02);
            c.isns(c.cNxt + 1_000_000, 7_000_000).handshake(61);
            Result r = analyze(w.segments);
            assertTrue(r.of(HazardId.TIME_WAIT_REUSE).isEmpty());
            assertEquals(1L, r.stats().classified().get("reuse_after_time_wait_expired"));
        }

        @Test
        void staleAckSignatureWithoutEarlierIncarnationInCapture() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 5000).isns(1000, 900_000).noTimestamps();
            c.syn(0);
            c.fromServer(0.0001, Conversation.A, 123_456_789, 42_000_000, 0);
            c.fromClient(0.0002, Conversation.R, 42_000_000, 0, 0);
            c.syn(1.0);
            c.synAck(1.0001);
            c.fromClient(1.0002, Conversation.A, c.cNxt, c.sNxt, 0);
            Result r = analyze(w.segments);
            TimeWaitReuseFinding f = (TimeWaitReuseFinding) r.of(HazardId.TIME_WAIT_REUSE).get(0);
            assertEquals("server", f.twHolder());
            assertNull(f.sinceTwStartSeconds());
            assertEquals("stale_ack", f.answer());
            assertEquals("established_after_retry", f.result());
        }

        @Test
        void failedAttemptIsHigh() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 5000).isns(1000, 900_000).handshake(0).serverCloses(0.02, true).noTimestamps();
            int oldClientNxt = c.cNxt;
            int oldServerNxt = c.sNxt;
            c.isns(500, 0);
            for (int i = 0; i < 3; i++) {
                double t = 0.5 + i;
                c.syn(t);
                c.fromServer(t + 0.0001, Conversation.A, oldServerNxt, oldClientNxt, 0);
                c.fromClient(t + 0.0002, Conversation.R, oldClientNxt, 0, 0);
            }
            // Unrelated traffic keeps the capture going for a while after the client gave up.
            conn(w, 6000).isns(1, 2).handshake(20);
            Result r = analyze(w.segments);
            TimeWaitReuseFinding f = (TimeWaitReuseFinding) r.of(HazardId.TIME_WAIT_REUSE).get(0);
            assertEquals("failed", f.result());
            assertEquals(3, f.synPackets());
            assertEquals(3, f.staleAcks());
            assertEquals(Severity.HIGH, f.severity());
        }
    }

    @Nested
    class Overflow {
        @Test
        void rstAnsweringRetransmittedFinIsOverflow() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40001).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 2000)
                    .serverCloses(0.02, true);
            int clientFin = c.cNxt - 1;
            c.fromClient(0.25, Conversation.F | Conversation.A, clientFin, c.sNxt, 0); // FIN again
            c.fromServer(0.2501, Conversation.R, c.sNxt, 0, 0);                        // RST, SEQ = SEG.ACK
            conn(w, 40002).isns(5, 6).handshake(10);                                     // time passes
            Result r = analyze(w.segments);
            List<Finding> of = r.of(HazardId.TW_OVERFLOW_RST);
            assertEquals(1, of.size(), r.findings().toString());
            TwOverflowRstFinding f = (TwOverflowRstFinding) of.get(0);
            assertEquals(SERVER, f.host());
            assertEquals("fin_retransmit", f.trigger());
            assertEquals(0, f.concurrentTimeWaitEstimate());
        }

        @Test
        void timeWaitReAckIsHealthy() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40001).isns(1000, 900_000).handshake(0).serverCloses(0.02, true);
            c.fromClient(0.25, Conversation.F | Conversation.A, c.cNxt - 1, c.sNxt, 0);
            c.fromServer(0.2501, Conversation.A, c.sNxt, c.cNxt, 0);
            Result r = analyze(w.segments);
            assertTrue(r.hazards().isEmpty(), r.findings().toString());
        }

        @Test
        void abortiveCloseIsNotOverflow() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40001).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 100);
            c.fromServer(0.02, Conversation.R | Conversation.A, c.sNxt, c.cNxt, 0);
            Result r = analyze(w.segments);
            assertTrue(r.hazards().isEmpty());
            assertEquals(1L, r.stats().classified().get("abortive_close_rst"));
        }

        @Test
        void finWait2WithoutBucketRstsThePeersFinAtOnce() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40003).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 100);
            c.fromServer(0.02, Conversation.F | Conversation.A, c.sNxt, c.cNxt, 0);
            c.sNxt++;
            c.fromClient(0.0201, Conversation.A, c.cNxt, c.sNxt, 0);
            c.fromClient(0.1, Conversation.F | Conversation.A, c.cNxt, c.sNxt, 0);
            c.fromServer(0.1001, Conversation.R, c.sNxt, 0, 0);
            conn(w, 40004).isns(5, 6).handshake(10);
            Result r = analyze(w.segments);
            TwOverflowRstFinding f = (TwOverflowRstFinding) r.of(HazardId.TW_OVERFLOW_RST).get(0);
            assertEquals("late_segment", f.trigger());
        }

        @Test
        void dataAfterTheFinIsResetByALiveSocketToo() {
            // http_espn-like TLS close: the client sends a close_notify after the server's FIN.
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40003).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 100);
            c.fromServer(0.02, Conversation.F | Conversation.A, c.sNxt, c.cNxt, 0);
            c.sNxt++;
            c.fromClient(0.0201, Conversation.A, c.cNxt, c.sNxt, 0);
            c.fromClient(0.0202, Conversation.P | Conversation.A, c.cNxt, c.sNxt, 53);
            c.cNxt += 53;
            c.fromClient(0.0203, Conversation.F | Conversation.A, c.cNxt, c.sNxt, 0);
            c.fromServer(0.11, Conversation.R, c.sNxt, 0, 0);
            conn(w, 40004).isns(5, 6).handshake(10);
            Result r = analyze(w.segments);
            assertTrue(r.of(HazardId.TW_OVERFLOW_RST).isEmpty(), r.findings().toString());
            assertEquals(1L, r.stats().classified().get("rst_on_data_after_close"));
        }

        @Test
        void keepAliveLongAfterFinWait2MayMeetAnExpiredFinWait2() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40003).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 100);
            c.fromServer(0.02, Conversation.F | Conversation.A, c.sNxt, c.cNxt, 0);
            c.sNxt++;
            c.fromClient(0.0201, Conversation.A, c.cNxt, c.sNxt, 0);
            c.fromClient(45.0, Conversation.A, c.cNxt - 1, c.sNxt, 0); // TCP keep-alive
            c.fromServer(45.02, Conversation.R, c.sNxt, 0, 0);
            conn(w, 40004).isns(5, 6).handshake(60);
            Result r = analyze(w.segments);
            assertTrue(r.of(HazardId.TW_OVERFLOW_RST).isEmpty(), r.findings().toString());
        }

        @Test
        void rstAfterTimeWaitExpiredIsNotOverflow() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40001).isns(1000, 900_000).handshake(0).serverCloses(0.02, true);
            c.fromClient(70, Conversation.F | Conversation.A, c.cNxt - 1, c.sNxt, 0);
            c.fromServer(70.0001, Conversation.R, c.sNxt, 0, 0);
            Result r = analyze(w.segments);
            assertTrue(r.of(HazardId.TW_OVERFLOW_RST).isEmpty());
        }
    }

    @Nested
    class OldIncarnation {
        @Test
        void oldDataSegmentAfterReuseIsReportedOutOfWindow() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40000).isns(1000, 900_000).handshake(0).exchange(0.01, 1000, 2000).clientCloses(0.02);
            int oldDataSeq = 1001;
            int oldAck = 900_001;
            c.isns(c.cNxt + 65537, 7_000_000).handshake(1.5).exchange(1.6, 10, 10);
            TcpSegment old = c.fromClient(2.0, Conversation.P | Conversation.A, oldDataSeq, oldAck, 500);
            old.tsVal = 1_000_000 + 10; // the old TSval it carried
            Result r = analyze(w.segments);
            List<Finding> of = r.of(HazardId.OLD_INCARNATION_SEGMENT);
            assertEquals(1, of.size(), r.findings().toString());
            OldIncarnationSegmentFinding f = (OldIncarnationSegmentFinding) of.get(0);
            assertFalse(f.inWindow());
            assertEquals("client_to_server", f.direction());
            assertEquals(Severity.LOW, f.severity());
        }

        @Test
        void oldSegmentInsideNewWindowIsHigh() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 5000).isns(1000, 900_000).noTimestamps().handshake(0)
                    .exchange(0.01, 5_000_000, 3_000_000).serverCloses(0.02, true);
            // New incarnation: both ISNs inside the old spaces (what an unprotected reuse allows).
            c.isns(2_000_000, 1_900_000).handshake(1.0).exchange(1.1, 10, 10);
            int rcvNxt = c.cNxt;
            int serverNxt = c.sNxt;
            // An old client segment whose seq is the server's rcv_nxt and whose ACK is in the
            // old server space and acceptable to the new one.
            c.fromClient(2.0, Conversation.P | Conversation.A, rcvNxt, serverNxt - 100, 100);
            Result r = analyze(w.segments);
            OldIncarnationSegmentFinding f = (OldIncarnationSegmentFinding) r.of(HazardId.OLD_INCARNATION_SEGMENT).get(0);
            assertTrue(f.inWindow());
            assertEquals(Severity.HIGH, f.severity());
        }
    }

    @Nested
    class Paws {
        @Test
        void synOlderThanTimeWaitTsRecentIsTimeWaitScope() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation a = conn(w, 5000).isns(1000, 900_000).clocks(2_000_000_000, 50_000_000)
                    .handshake(0).exchange(0.01, 100, 100).serverCloses(0.02, true);
            int oldClientNxt = a.cNxt;
            int oldServerNxt = a.sNxt;
            // Another host behind the same NAT address: a much lower clock.
            Conversation b = conn(w, 5000).isns(oldClientNxt + 1_000_000, 0).clocks(10_000, 50_000_000);
            b.syn(1.0);
            b.fromServer(1.0001, Conversation.A, oldServerNxt, oldClientNxt, 0);
            b.fromClient(1.0002, Conversation.R, oldClientNxt, 0, 0);
            b.syn(1.01);
            b.isns(b.cIsn, 3_000_000).synAck(1.0101);
            b.fromClient(1.0102, Conversation.A, b.cNxt, b.sNxt, 0);
            Result r = analyze(w.segments);
            PawsNatRegressionFinding f = (PawsNatRegressionFinding) r.of(HazardId.PAWS_NAT_REGRESSION).get(0);
            assertEquals("time_wait", f.scope());
            assertEquals("stale_ack", f.answer());
            // The retry came after the client's RST killed the TIME_WAIT: only the first SYN met it
            // (the kernel counts one TcpExtPAWSTimewait).
            assertEquals(1, f.packets());
            assertEquals(2, f.clocksBehindIp());
            assertEquals(Severity.MEDIUM, f.severity());
        }

        @Test
        void sourceIpScopeWhenTheIpsClocksAreComparable() {
            // Host A's stack uses one clock for all its connections (old Linux, tcp_timestamps=2,
            // Windows): its TSvals are comparable across quadruples. Host B, behind the same NAT
            // address, has a clock 100 s behind: its SYN regresses against A's newest TSval.
            Conversation.Wire w = new Conversation.Wire();
            for (int i = 0; i < 4; i++) {
                conn(w, 41000 + i).clocks(500_000_000, 7_000_000).isns(1000 * i, 9000 * i)
                        .handshake(i).exchange(i + 0.01, 10, 10).clientCloses(i + 0.02);
            }
            Conversation b = conn(w, 42000).clocks(500_000_000 - 100_000, 7_000_000).isns(77, 88);
            b.syn(5);
            b.synAck(5.0001);
            b.fromClient(5.0002, Conversation.A, b.cNxt, b.sNxt, 0);
            Result r = analyze(w.segments);
            List<Finding> paws = r.of(HazardId.PAWS_NAT_REGRESSION);
            assertEquals(1, paws.size(), r.findings().toString());
            PawsNatRegressionFinding f = (PawsNatRegressionFinding) paws.get(0);
            assertEquals("source_ip", f.scope());
            assertEquals("syn_ack", f.answer());
            assertEquals(Severity.LOW, f.severity(), "accepted: a latent hazard for per-host PAWS checks");
            assertEquals(2, f.clocksBehindIp());
        }

        @Test
        void noSourceIpScopeWhenEveryConnectionHasItsOwnOffset() {
            // Linux 6.x: a random TSval offset per 4-tuple, so different quadruples' TSvals are
            // unrelated and say nothing about hosts behind the address.
            Conversation.Wire w = new Conversation.Wire();
            java.util.Random random = new java.util.Random(42);
            for (int i = 0; i < 20; i++) {
                conn(w, 41000 + i).clocks(random.nextInt(), 7_000_000).isns(1000 * i, 9000 * i)
                        .handshake(i).exchange(i + 0.01, 10, 10).clientCloses(i + 0.02);
            }
            Result r = analyze(w.segments);
            assertTrue(r.of(HazardId.PAWS_NAT_REGRESSION).isEmpty(), r.findings().toString());
        }

        @Test
        void tsvalGoingBackwardsInsideConnection() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40000).isns(1000, 900_000).handshake(0).exchange(0.5, 10, 10);
            TcpSegment back = c.fromClient(0.6, Conversation.P | Conversation.A, c.cNxt, c.sNxt, 10);
            back.tsVal -= 5000; // five seconds of clock backwards
            c.fromServer(0.6001, Conversation.A, c.sNxt, c.cNxt, 0); // dup ACK: not acknowledged
            Result r = analyze(w.segments);
            PawsNatRegressionFinding f = (PawsNatRegressionFinding) r.of(HazardId.PAWS_NAT_REGRESSION).get(0);
            assertEquals("connection", f.scope());
            assertEquals("stale_ack", f.answer());
        }

        @Test
        void reorderedSegmentsAreNotARegression() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40000).isns(1000, 900_000).handshake(0);
            TcpSegment first = c.fromClient(0.100, Conversation.A, c.cNxt, c.sNxt, 100);
            TcpSegment second = c.fromClient(0.105, Conversation.A, c.cNxt + 100, c.sNxt, 100);
            c.cNxt += 200;
            // Captured in the opposite order.
            w.segments.set(w.segments.indexOf(first), second);
            w.segments.set(w.segments.lastIndexOf(second), first);
            first.timestampNanos = second.timestampNanos + 1000;
            Result r = analyze(w.segments);
            assertTrue(r.of(HazardId.PAWS_NAT_REGRESSION).isEmpty(), r.findings().toString());
        }
    }

    @Nested
    class Capture {
        @Test
        void finLostBeforeTheCaptureIsInferredFromThePeersAck() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40000).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 100);
            c.cNxt++; // the client's FIN, lost before the capture point
            c.fromServer(0.0201, Conversation.A, c.sNxt, c.cNxt, 0);
            c.fromServer(0.0202, Conversation.F | Conversation.A, c.sNxt, c.cNxt, 0);
            c.sNxt++;
            c.fromClient(0.0203, Conversation.A, c.cNxt, c.sNxt, 0);
            c.isns(c.cNxt + 65536 + 1, 5_000_000).handshake(1.5); // tcp_tw_reuse takeover
            Result r = analyze(w.segments);
            TimeWaitReuseFinding f = (TimeWaitReuseFinding) r.of(HazardId.TIME_WAIT_REUSE).get(0);
            assertEquals("client", f.twHolder());
            assertTrue(f.linuxIsnFingerprint(), "the ISN is the old snd_nxt (past the unseen FIN) + 65537");
        }

        @Test
        void byteLostBeforeTheCaptureFollowedByMoreDataIsNoFin() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40000).isns(1000, 900_000).handshake(0).exchange(0.01, 100, 100);
            c.cNxt++; // one byte of data, lost before the capture point
            c.fromServer(0.0201, Conversation.A, c.sNxt, c.cNxt, 0); // one past the last byte seen
            c.exchange(0.03, 50, 50); // more data from the client: that was no FIN
            c.fromServer(0.04, Conversation.F | Conversation.A, c.sNxt, c.cNxt, 0);
            c.sNxt++;
            c.fromClient(0.0401, Conversation.A, c.cNxt, c.sNxt, 0); // then silent in CLOSE-WAIT
            conn(w, 40002).isns(5, 6).handshake(1000); // later traffic: the idle incarnation ends
            Result r = analyze(w.segments);
            assertTrue(r.hazards().isEmpty(), r.findings().toString());
            // Taking the lost byte for a FIN would make the client the first closer, in TIME_WAIT.
            assertTrue(r.stats().topTimeWaitHosts().stream().allMatch(h -> h.entered() == 0),
                    r.stats().topTimeWaitHosts().toString());
        }

        @Test
        void midStreamStartIsPartialAndStillTracksTheClose() {
            Conversation.Wire w = new Conversation.Wire();
            Conversation c = conn(w, 40000).isns(1000, 900_000);
            c.cNxt = 5000;
            c.sNxt = 905_000;
            c.exchange(0, 100, 100).clientCloses(0.1);
            Result r = analyze(w.segments);
            assertEquals(1L, r.stats().partialIncarnations());
            assertTrue(r.states().get(0).contains("PARTIAL_START"), r.states().get(0));
            assertTrue(r.states().get(r.states().size() - 1).endsWith("TIME_WAIT/CLOSED"));
        }
    }
}
