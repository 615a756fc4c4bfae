package dev.twhazard.flow;

/**
 * One incarnation of a connection on a quadruple: from its SYN (or, for a connection first seen
 * mid-stream, its first segment) to its close. Holds both endpoints' tracks, the handshake as the
 * wire showed it, and how each end closed. Side 0 is the quadruple's endpoint A, side 1 is B
 * ({@link Flow}). Pooled and reused by the engine: do not keep references past
 * {@link TrackerListener#onIncarnationEnd}.
 */
public final class Incarnation {

    /** Evidence frames kept per attempt in full; later ones are only counted. */
    static final int MAX_ATTEMPT_FRAMES = 16;

    int number;
    /** The side that sent the SYN, or the guessed client for a partial incarnation. */
    int clientSide;
    boolean partial;
    long startTime;
    long firstFrame;
    final EndpointTrack[] ep = {new EndpointTrack(), new EndpointTrack()};
    /** Both SYNs carried the window scale option, so later windows are scaled (RFC 7323 2.2). */
    boolean windowScaling;
    /** Both SYNs carried timestamps (RFC 7323 3.2), or both ends sent them mid-stream. */
    boolean timestamps;

    // The connection attempt (RFC 9293 3.5 handshake) as seen on the wire.
    int synCount;
    long synFirstTime;
    long synLastTime;
    /** When the SYN before the last one was sent (0 with a single SYN): the latest retry gap. */
    long synPrevTime;
    long synFirstFrame;
    final long[] attemptFrames = new long[MAX_ATTEMPT_FRAMES];
    int attemptFrameCount;
    SynAnswer firstAnswer;
    /** The first SYN got its answer (or was retransmitted without one). */
    boolean firstSynSettled;
    int staleAcks;
    int lastStaleAckAck;
    long lastStaleAckTime;
    boolean synAckSeen;
    long synAckTime;
    boolean established;
    long establishedTime;
    boolean refused;

    // The close (RFC 9293 3.6).
    /** Side that sent the first FIN, -1 before any FIN. */
    int firstCloser = -1;
    boolean simultaneousClose;
    boolean reset;
    int resetBy = -1;
    long resetTime;
    long resetFrame;
    boolean closed;
    long closedTime;
    /** When each side entered TIME_WAIT (it ACKed the peer's FIN after its own FIN), or 0. */
    final long[] timeWaitStart = new long[2];
    final long[] timeWaitFrame = new long[2];
    /** The holder's live TIME_WAIT count when this one started, itself included. */
    final int[] timeWaitLiveAtStart = new int[2];

    /** The (client, server, port) occupancy record this attempt counts in. */
    TimeWaitLedger.TupleTw tuple;
    /** This connection is counted as holding its client port (not its quadruple's TIME_WAIT). */
    boolean occupiesPort;

    // Per-incarnation finding budgets (the first few in full, the rest counted).
    int oldSegmentFindings;
    int pawsFindings;

    /**
     * A record a detector looked up for this incarnation and needs again at its end, kept to spare
     * a second lookup. Unlike an attachment it leaves the incarnation's segments uneventful.
     */
    private Object memo;

    /** Per-detector attachments for state that follows an attempt until its outcome is known. */
    private final Object[] attachments = new Object[ATTACHMENT_SLOTS];
    public static final int ATTACHMENT_SLOTS = 2;

    void reset() {
        number = 0;
        clientSide = -1;
        partial = false;
        startTime = firstFrame = 0;
        ep[0].reset();
        ep[1].reset();
        windowScaling = timestamps = false;
        synCount = 0;
        synFirstTime = synLastTime = synPrevTime = synFirstFrame = 0;
        attemptFrameCount = 0;
        firstAnswer = null;
        firstSynSettled = false;
        staleAcks = 0;
        lastStaleAckAck = 0;
        lastStaleAckTime = 0;
        synAckSeen = established = refused = false;
        synAckTime = establishedTime = 0;
        firstCloser = -1;
        simultaneousClose = reset = closed = false;
        resetBy = -1;
        resetTime = resetFrame = closedTime = 0;
        timeWaitStart[0] = timeWaitStart[1] = 0;
        timeWaitFrame[0] = timeWaitFrame[1] = 0;
        timeWaitLiveAtStart[0] = timeWaitLiveAtStart[1] = 0;
        oldSegmentFindings = pawsFindings = 0;
        java.util.Arrays.fill(attachments, null);
        memo = null;
        tuple = null;
        occupiesPort = false;
    }

    Incarnation() {
        reset();
    }

    void addAttemptFrame(long frame) {
        if (attemptFrameCount < MAX_ATTEMPT_FRAMES) {
            attemptFrames[attemptFrameCount++] = frame;
        }
    }

    public int oldSegmentFindings() {
        return oldSegmentFindings;
    }

    public void countOldSegmentFinding() {
        oldSegmentFindings++;
    }

    public int pawsFindings() {
        return pawsFindings;
    }

    public void countPawsFinding() {
        pawsFindings++;
    }

    /** True when some detector follows this incarnation. */
    public boolean hasAttachments() {
        for (Object o : attachments) {
            if (o != null) {
                return true;
            }
        }
        return false;
    }

    /** The (client, server, port) record of this connection, while it is in progress (else null). */
    public TimeWaitLedger.TupleTw tuple() {
        return tuple;
    }

    public Object memo() {
        return memo;
    }

    public void memo(Object value) {
        memo = value;
    }

    public Object attachment(int slot) {
        return attachments[slot];
    }

    public void attach(int slot, Object value) {
        attachments[slot] = value;
    }

    public int number() {
        return number;
    }

    public int clientSide() {
        return clientSide;
    }

    public boolean partial() {
        return partial;
    }

    public EndpointTrack endpoint(int side) {
        return ep[side];
    }

    public boolean windowScaling() {
        return windowScaling;
    }

    public boolean timestamps() {
        return timestamps;
    }

    public int synCount() {
        return synCount;
    }

    public long synFirstTime() {
        return synFirstTime;
    }

    public long synLastTime() {
        return synLastTime;
    }

    public long synPrevTime() {
        return synPrevTime;
    }

    public long synFirstFrame() {
        return synFirstFrame;
    }

    /** Evidence frames of the attempt: SYNs and their answers, in order (at most 16). */
    public long[] attemptFrames() {
        return java.util.Arrays.copyOf(attemptFrames, attemptFrameCount);
    }

    public SynAnswer firstAnswer() {
        return firstAnswer;
    }

    public int staleAcks() {
        return staleAcks;
    }

    public boolean synAckSeen() {
        return synAckSeen;
    }

    public boolean established() {
        return established;
    }

    public long establishedTime() {
        return establishedTime;
    }

    public boolean refused() {
        return refused;
    }

    public int firstCloser() {
        return firstCloser;
    }

    public boolean simultaneousClose() {
        return simultaneousClose;
    }

    public int resetBy() {
        return resetBy;
    }

    public boolean closed() {
        return closed;
    }

    public long timeWaitStart(int side) {
        return timeWaitStart[side];
    }

    /** True when the side is an active closer: it sent its FIN before it had the peer's. */
    public boolean activeCloser(int side) {
        return firstCloser == side || (simultaneousClose && ep[side].finSent);
    }

    /** The endpoint's state as the wire shows it (RFC 9293 3.3.2 names). */
    public EndpointState state(int side) {
        EndpointTrack me = ep[side];
        EndpointTrack peer = ep[1 - side];
        if (reset) {
            return EndpointState.RESET;
        }
        if (!me.finSent && !peer.finSent) {
            if (partial) {
                return EndpointState.PARTIAL;
            }
            if (established) {
                return EndpointState.ESTABLISHED;
            }
            if (side == clientSide) {
                return synCount > 0 ? (synAckSeen ? EndpointState.ESTABLISHED : EndpointState.SYN_SENT) : EndpointState.UNKNOWN;
            }
            return synAckSeen ? EndpointState.SYN_RECEIVED : EndpointState.LISTEN;
        }
        if (me.finSent) {
            if (activeCloser(side)) {
                if (timeWaitStart[side] != 0) {
                    return EndpointState.TIME_WAIT;
                }
                if (me.finAcked) {
                    return EndpointState.FIN_WAIT_2;
                }
                return peer.finSent ? EndpointState.CLOSING : EndpointState.FIN_WAIT_1;
            }
            return me.finAcked ? EndpointState.CLOSED : EndpointState.LAST_ACK;
        }
        return peer.finAcked ? EndpointState.CLOSE_WAIT : EndpointState.ESTABLISHED;
    }
}
