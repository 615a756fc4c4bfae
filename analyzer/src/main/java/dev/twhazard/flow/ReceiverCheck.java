package dev.twhazard.flow;

import dev.twhazard.decode.TcpSegment;

/**
 * Would the receiver of an incarnation accept a segment? The checks a Linux receiver applies, in
 * order: PAWS (RFC 7323 5.3, {@code tcp_paws_discard}); the sequence check ({@code tcp_sequence}:
 * the segment must end at or after rcv_nxt and start no later than the right edge of the window;
 * a RST must carry exactly rcv_nxt, RFC 5961 3.2); the ACK bit (a non-RST segment without it is
 * dropped, RFC 9293 3.10.7.4); and the ACK range (RFC 5961 5.2: SND.UNA - MAX.SND.WND <= SEG.ACK
 * <= SND.NXT, else the segment is dropped). The receiver's state is what the wire showed of it.
 */
public final class ReceiverCheck {

    private ReceiverCheck() {
    }

    /** Why the receiver would drop the segment from side {@code s}, or null when it would accept it. */
    public static String rejection(Incarnation inc, int s, TcpSegment seg) {
        EndpointTrack sender = inc.ep[s];
        EndpointTrack receiver = inc.ep[1 - s];
        if (inc.timestamps && seg.hasTimestamps && sender.tsSeen && Seq.diff(sender.lastTsVal, seg.tsVal) > 1) {
            return "PAWS: its TSval " + Seq.unsigned(seg.tsVal) + " is older than TS.Recent " + Seq.unsigned(sender.lastTsVal);
        }
        int rcvNxt = receiver.ackSent ? receiver.maxAckSent : sender.isn + 1;
        // RFC 7323 2.2: windows after the SYNs are scaled by the receiver's announced shift (at most 14).
        int shift = inc.windowScaling ? Math.max(0, Math.min(14, receiver.windowScaleOffered)) : 0;
        long wnd = (long) receiver.window << shift;
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
        int sndUna = sender.ackSent ? sender.maxAckSent : receiver.isn + 1;
        long maxWnd = Math.max(sender.maxWindowScaled, 1);
        if (Seq.after(seg.ack, receiver.sndNxt)) {
            return "it acknowledges data never sent";
        }
        if (Seq.before(seg.ack, sndUna - (int) Math.min(maxWnd, 1L << 30))) {
            return "its ACK is older than the window allows";
        }
        return null;
    }
}
