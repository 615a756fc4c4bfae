package dev.twhazard.detect;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.decode.TcpSegment;
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
 * <p>{@code in_window} says whether the current incarnation's receiver would accept it
 * ({@link dev.twhazard.flow.ReceiverCheck}).
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
        boolean inWindow = e.rejection() == null;
        boolean fromClient = s == inc.clientSide();
        String from = IpAddress.endpoint(f.address(s), f.port(s));
        String explanation = "A segment from " + from + " (seq " + Seq.unsigned(seg.seq)
                + (seg.has(TcpSegment.ACK) ? ", ack " + Seq.unsigned(seg.ack) : "") + ", " + seg.payloadLength
                + " bytes) lies in the sequence space of incarnation " + f.prevNumber() + " but arrived "
                + Phrases.duration(e.time() - inc.synFirstTime()) + " into incarnation " + inc.number() + "; "
                + (inWindow
                    ? "the new connection would accept it as its own data: this is the corruption TIME_WAIT exists to prevent."
                    : "the new connection would reject it (" + e.rejection() + "), so it only costs a dupe or challenge ACK.");
        Finding.FindingCore core = DetectorContext.core(HazardId.OLD_INCARNATION_SEGMENT,
                inWindow ? Severity.HIGH : Severity.LOW, f, inc.clientSide(), inc.number(), e.time(), e.time(),
                List.of(e.frame()), explanation);
        ctx.emit(new OldIncarnationSegmentFinding(core, inWindow, fromClient ? "client_to_server" : "server_to_client"));
    }
}
