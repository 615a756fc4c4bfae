package dev.twhazard.detect;

import dev.twhazard.decode.TcpSegment;
import dev.twhazard.flow.EndpointTrack;
import dev.twhazard.flow.Flow;
import dev.twhazard.flow.Incarnation;
import dev.twhazard.flow.Seq;
import dev.twhazard.flow.SegmentEvent;
import dev.twhazard.flow.SegmentRole;
import dev.twhazard.report.Finding;
import dev.twhazard.report.OldIncarnationSegmentFinding;
import java.util.List;

/**
 * {@code old_incarnation_segment}: a segment that belongs to the previous incarnation's sequence
 * space (the tracker decides that, see {@code FlowTracker.belongsToPrevious}) arriving in the
 * current one. It is the reason TIME_WAIT exists (RFC 793, RFC 1337 hazard H1): a delayed
 * segment that falls inside the new receive window is taken as data.
 *
 * <p>{@code in_window} says whether the current incarnation's receiver would accept it, by the
 * rules a Linux receiver applies in order: PAWS (RFC 7323 5.3, {@code tcp_paws_discard}), the
 * sequence check ({@code tcp_sequence}: the segment must end at or after rcv_nxt and start no
 * later than the window's right edge; a RST must hit rcv_nxt exactly, RFC 5961 3.2), the ACK
 * check (RFC 5961 5.2: SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT, else dropped) and the ACK
 * bit (a non-RST segment without it is dropped, RFC 9293 3.10.7.4).
 */
public final class OldIncarnationDetector implements Detector {

    private final DetectorContext ctx;

    public OldIncarnationDetector(DetectorContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void onSegment(SegmentEvent e) {
        if (e.role() != SegmentRole.OLD_INCARNATION) {
            return;
        }
        Incarnation inc = e.incarnation();
        if (inc.oldSegmentFindings() >= ctx.config().findingsPerIncarnation()) {
            ctx.suppress(HazardId.OLD_INCARNATION_SEGMENT);
            return;
        }
        inc.countOldSegmentFinding();
        Flow f = e.flow();
        TcpSegment seg = e.segment();
        int s = e.side();
        boolean inWindow = wouldAccept(inc, s, seg);
        boolean fromClient = s == inc.clientSide();
        String from = Phrases.endpoint(f.address(s), f.port(s));
        String explanation = "A segment from " + from + " (seq " + Seq.unsigned(seg.seq)
                + (seg.has(TcpSegment.ACK) ? ", ack " + Seq.unsigned(seg.ack) : "") + ", " + seg.payloadLength
                + " bytes) lies in the sequence space of incarnation " + f.prevNumber() + " but arrived "
                + Phrases.duration(e.time() - inc.synFirstTime()) + " into incarnation " + inc.number() + "; "
                + (inWindow
                    ? "the new connection would accept it as its own data: this is the corruption TIME_WAIT exists to prevent."
                    : "the new connection would reject it (" + rejection(inc, s, seg) + "), so it only costs a dupe or challenge ACK.");
        Finding.FindingCore core = DetectorContext.core(HazardId.OLD_INCARNATION_SEGMENT,
                inWindow ? Severity.HIGH : Severity.LOW, f, inc.clientSide(), inc.number(), e.time(), e.time(),
                List.of(e.frame()), explanation);
        ctx.emit(new OldIncarnationSegmentFinding(core, inWindow, fromClient ? "client_to_server" : "server_to_client"));
    }

    /** Would the receiver of the current incarnation take this segment? See the class comment. */
    static boolean wouldAccept(Incarnation inc, int s, TcpSegment seg) {
        return rejection(inc, s, seg) == null;
    }

    /** Why the receiver would reject the segment, or null when it would accept it. */
    static String rejection(Incarnation inc, int s, TcpSegment seg) {
        EndpointTrack sender = inc.endpoint(s);
        EndpointTrack receiver = inc.endpoint(1 - s);
        if (inc.timestamps() && seg.hasTimestamps && sender.tsSeen() && Seq.diff(sender.lastTsVal(), seg.tsVal) > 1) {
            return "PAWS: its TSval " + Seq.unsigned(seg.tsVal) + " is older than TS.Recent " + Seq.unsigned(sender.lastTsVal());
        }
        int rcvNxt = receiver.ackSent() ? receiver.maxAckSent() : sender.isn() + 1;
        // RFC 7323 2.2: windows after the SYNs are scaled by the receiver's announced shift (at most 14).
        int shift = inc.windowScaling() ? Math.max(0, Math.min(14, receiver.windowScaleOffered())) : 0;
        long wnd = (long) receiver.window() << shift;
        if (seg.has(TcpSegment.RST)) {
            return seg.seq == rcvNxt ? null : "a RST must carry exactly rcv_nxt " + Seq.unsigned(rcvNxt);
        }
        int end = seg.seq + seg.segmentLength();
        boolean seqOk = !Seq.before(end, rcvNxt) && !Seq.after(seg.seq, rcvNxt + (int) Math.min(wnd, 1L << 30));
        if (!seqOk) {
            return "outside the receive window [" + Seq.unsigned(rcvNxt) + ", +" + wnd + ")";
        }
        if (!seg.has(TcpSegment.ACK)) {
            return "no ACK bit";
        }
        int sndNxt = receiver.sndNxt();
        int sndUna = sender.ackSent() ? sender.maxAckSent() : receiver.isn() + 1;
        long maxWnd = Math.max(sender.maxWindowScaled(), 1);
        if (Seq.after(seg.ack, sndNxt)) {
            return "it acknowledges data never sent";
        }
        if (Seq.before(seg.ack, sndUna - (int) Math.min(maxWnd, 1L << 30))) {
            return "its ACK is older than the window allows";
        }
        return null;
    }
}
