package dev.twhazard.flow;

import dev.twhazard.decode.TcpSegment;

/**
 * The close tracker's verdict on one segment, handed to the detectors. Reused for every
 * segment: detectors must copy what they keep.
 */
public final class SegmentEvent {

    Flow flow;
    Incarnation incarnation;
    int side;
    TcpSegment segment;
    SegmentRole role;
    /** The receiver held TS.Recent = this before the segment (the sender's newest TSval). */
    int tsRecentBefore;
    boolean tsRegressed;
    /** The previous incarnation's TIME_WAIT was alive when this SYN arrived. */
    boolean metTimeWait;
    /** A RST without ACK whose seq is the ACK of the peer's last segment: the no-socket answer. */
    boolean rstAnswersPeer;
    /** After the close: the TIME_WAIT was already known gone before this segment. */
    boolean twGoneBefore;
    int incarnationNumber;
    /** For an old-incarnation segment: why the current receiver would drop it, or null if it would take it. */
    String rejection;

    void reset(Flow flow, int side, TcpSegment segment) {
        this.flow = flow;
        this.side = side;
        this.segment = segment;
        this.incarnation = flow.active;
        this.role = null;
        this.tsRecentBefore = 0;
        this.tsRegressed = false;
        this.metTimeWait = false;
        this.rstAnswersPeer = false;
        this.twGoneBefore = false;
        this.incarnationNumber = 0;
        this.rejection = null;
    }

    public Flow flow() {
        return flow;
    }

    /** The incarnation the segment was counted in; null after the close (see {@link Flow}). */
    public Incarnation incarnation() {
        return incarnation;
    }

    /** The sender's side: 0 is the flow's endpoint A, 1 is B. */
    public int side() {
        return side;
    }

    public TcpSegment segment() {
        return segment;
    }

    public SegmentRole role() {
        return role;
    }

    public long time() {
        return segment.timestampNanos;
    }

    public long frame() {
        return segment.frame;
    }

    public int tsRecentBefore() {
        return tsRecentBefore;
    }

    /** The segment's TSval is older than the receiver's TS.Recent (RFC 7323 5.3). */
    public boolean tsRegressed() {
        return tsRegressed;
    }

    public boolean rstAnswersPeer() {
        return rstAnswersPeer;
    }

    /** For {@link SegmentRole#OLD_INCARNATION}: why the receiver would drop it, null if it would accept it. */
    public String rejection() {
        return rejection;
    }

    public boolean twGoneBefore() {
        return twGoneBefore;
    }

    /** The endpoint's state after the segment. */
    public EndpointState state(int side) {
        Incarnation inc = flow.active;
        if (inc != null) {
            return inc.state(side);
        }
        if (!flow.prevValid()) {
            return EndpointState.UNKNOWN;
        }
        return switch (flow.prevCloseKind()) {
            case RESET -> EndpointState.RESET;
            case UNCLOSED -> EndpointState.UNKNOWN;
            case FIN -> flow.prevHolds(side) && (flow.twCounted() & (1 << side)) != 0
                    ? EndpointState.TIME_WAIT : EndpointState.CLOSED;
        };
    }

    /** 1-based incarnation number the segment belongs to, as far as the tracker can tell. */
    public int incarnationNumber() {
        return incarnationNumber;
    }

    void settleIncarnationNumber() {
        if (role == SegmentRole.OLD_INCARNATION) {
            incarnationNumber = flow.prevNumber;
        } else if (incarnation != null) {
            incarnationNumber = incarnation.number;
        } else {
            incarnationNumber = flow.prevValid() ? flow.prevNumber : 0;
        }
    }
}
