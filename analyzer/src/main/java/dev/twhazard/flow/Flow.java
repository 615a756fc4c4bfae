package dev.twhazard.flow;

import dev.twhazard.decode.IpAddress;

/**
 * Everything kept for one quadruple: its two endpoints in canonical order (A is the lower of the
 * two by address then port, so both directions find the same flow), the incarnation in progress,
 * and a compact summary of the last finished incarnation, which is what TIME_WAIT protects and
 * what a reuse is judged against.
 *
 * <p>Most flows at any moment are quadruples in TIME_WAIT (at 20 k new connections per second a
 * 60 s TIME_WAIT holds 1.2 M of them), so the summary is plain, narrow fields: one TIME_WAIT
 * start for the holder(s) (both ends of a simultaneous close enter it together), 16-bit ports,
 * flags and sides packed two bits each, and the rare late-segment details in a separate object
 * made only when a late segment or an early TIME_WAIT end needs them. An IPv4 quadruple (both
 * addresses IPv4-mapped, {@link IpAddress#isV4}) keeps only the 32 bits that differ;
 * {@link Ipv6Flow} holds any other.
 */
public sealed class Flow permits Ipv6Flow {

    /** How the last finished incarnation ended. */
    public enum CloseKind {
        /** Both FINs sent and acknowledged (RFC 9293 3.6). */
        FIN,
        /** Torn down by an accepted RST: no TIME_WAIT. */
        RESET,
        /** Replaced by a new SYN, or expired, before any close was seen. */
        UNCLOSED
    }

    /**
     * What only some closed quadruples need, in an object made when first needed: the late
     * segment from the passive closer that the TIME_WAIT holder should answer (kept until the
     * answer comes, to tell a TIME_WAIT's ACK from a stateless RST), and when the TIME_WAIT was
     * known to be gone before its time.
     */
    static final class Late {
        int side = -1;
        long frame;
        long time;
        int ack;
        boolean hadAck;
        boolean finRetransmit;
        long twGoneTime;
    }

    /** The IPv4 addresses: the low 32 bits of their mapped low halves. */
    private int a4;
    private int b4;
    private char aPort;
    private char bPort;

    Incarnation active;
    int incarnations;
    long lastSeen;
    /** The second the expiry wheel will look at this flow, as the wheel counts them, or {@link ExpiryWheel#NOT_DUE}. */
    int dueSecond = ExpiryWheel.NOT_DUE;
    /** Where in that second's slot of the wheel the flow sits. */
    int wheelIndex;
    /**
     * The small fields, in one char instead of a byte apiece (a million flows spend 5 bytes less
     * each): two flags, named by their masks, and six two-bit fields, named by their shifts. A
     * side is kept as side + 1, so that 0 stands for none.
     */
    private char bits;
    private static final int REMOVED = 1;
    private static final int PREV_TW_GONE = 1 << 1;
    /** How the last incarnation closed: 0 while there is none, else the {@link CloseKind}'s ordinal + 1. */
    private static final int PREV_CLOSE = 2;
    /** The last incarnation's client side + 1. */
    private static final int PREV_CLIENT = 4;
    /** Bit per side: that side holds the last incarnation's TIME_WAIT. */
    private static final int PREV_HOLDERS = 6;
    /** Bit per side: that side sent timestamps in the last incarnation. */
    private static final int PREV_TS_SEEN = 8;
    /** The side of {@link #twHost} + 1. */
    private static final int TW_HOST_SIDE = 10;
    /** The client side + 1 that {@link #tuple} was made for. */
    private static final int TUPLE_CLIENT_SIDE = 12;
    private static final CloseKind[] CLOSE_KINDS = CloseKind.values();

    // Summary of the last finished incarnation ("prev").
    int prevNumber;
    /** When the holder's TIME_WAIT started or last restarted. */
    long prevTwStart;
    long prevTwFrame;
    /** The holder's live TIME_WAIT count when it started, this one included. */
    int prevTwLiveAtEntry;
    /** The TIME_WAIT holder's host record and side, kept so that expiry needs no lookup. */
    TimeWaitLedger.HostTw twHost;
    /** The (client, server, port) occupancy record the counted TIME_WAIT belongs to. */
    TimeWaitLedger.TupleTw twTuple;
    /** This quadruple's (client, server, port) record, and the client side it was made for. */
    TimeWaitLedger.TupleTw tuple;
    /** Incremented whenever a TIME_WAIT of this flow ends early or restarts, for the ledger. */
    int twEpoch;
    /** Bit per side: this side's TIME_WAIT is counted in the ledger right now. */
    byte twCounted;
    int prevMinSeqA;
    int prevMinSeqB;
    int prevSndNxtA;
    int prevSndNxtB;
    int prevFinSeqA;
    int prevFinSeqB;
    int prevLastTsA;
    int prevLastTsB;
    /** When the last incarnation closed: for a FIN close, when its TIME_WAIT began. */
    long prevEndTime;

    Late late;

    // Duplicate filter for segments that arrive when no incarnation is active: the last
    // signature per side, so that a mirror copy of one side's FIN captured behind the other
    // side's final ACK is still recognised.
    private int lastSigA;
    private int lastSigB;
    private long lastSigTimeA = Long.MIN_VALUE;
    private long lastSigTimeB = Long.MIN_VALUE;

    /** A flow for an IPv4 quadruple, its addresses given as the low halves of their mapped forms. */
    Flow(long aLo, int aPort, long bLo, int bPort) {
        init(aLo, aPort, bLo, bPort);
    }

    /**
     * Makes a forgotten flow stand for a new quadruple. Flows are recycled so that the many
     * quadruples passing through TIME_WAIT do not leave a stream of dead objects in the old
     * generation. The TIME_WAIT epoch keeps counting, so that entries the ledger still holds for
     * the flow's previous life can never match it.
     */
    void init(long aLo, int aPort, long bLo, int bPort) {
        this.a4 = (int) aLo;
        this.aPort = (char) aPort;
        this.b4 = (int) bLo;
        this.bPort = (char) bPort;
        active = null;
        incarnations = 0;
        lastSeen = 0;
        dueSecond = ExpiryWheel.NOT_DUE;
        bits = 0;
        prevNumber = 0;
        prevTwStart = 0;
        prevTwFrame = 0;
        prevTwLiveAtEntry = 0;
        twHost = null;
        twTuple = null;
        tuple = null;
        twEpoch++;
        twCounted = 0;
        prevMinSeqA = prevMinSeqB = prevSndNxtA = prevSndNxtB = 0;
        prevFinSeqA = prevFinSeqB = prevLastTsA = prevLastTsB = 0;
        prevEndTime = 0;
        late = null;
        lastSigA = lastSigB = 0;
        lastSigTimeA = lastSigTimeB = Long.MIN_VALUE;
    }

    /**
     * Records a segment's folded signature for its side and says whether it repeats that side's
     * previous segment within {@code window} nanoseconds.
     */
    boolean repeatsLast(int side, int sig, long time, long window) {
        int last = side == 0 ? lastSigA : lastSigB;
        long lastTime = side == 0 ? lastSigTimeA : lastSigTimeB;
        if (side == 0) {
            lastSigA = sig;
            lastSigTimeA = time;
        } else {
            lastSigB = sig;
            lastSigTimeB = time;
        }
        return sig == last && lastTime != Long.MIN_VALUE && time - lastTime <= window;
    }

    /** Address (high half) of a side: 0 is A, 1 is B. That of IPv4 here; {@link Ipv6Flow} keeps others. */
    public long hi(int side) {
        return IpAddress.V4_MAPPED_HI;
    }

    /** Address (low half) of a side. */
    public long lo(int side) {
        return IpAddress.v4Lo(side == 0 ? a4 : b4);
    }

    /** True if this flow is the quadruple's: the table's test, the bits that differ most first. */
    boolean hasKey(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        return a4 == (int) aLo && b4 == (int) bLo && portsAre(aPort, bPort)
                && AddressPair.bothV4(aHi, aLo, bHi, bLo);
    }

    final boolean portsAre(int aPort, int bPort) {
        return this.aPort == aPort && this.bPort == bPort;
    }

    boolean removed() {
        return (bits & REMOVED) != 0;
    }

    void markRemoved() {
        bits |= REMOVED;
    }

    public int port(int side) {
        return side == 0 ? aPort : bPort;
    }

    public String address(int side) {
        return IpAddress.format(hi(side), lo(side));
    }

    public Incarnation active() {
        return active;
    }

    public int incarnations() {
        return incarnations;
    }

    public boolean prevValid() {
        return field(PREV_CLOSE) != 0;
    }

    public int prevNumber() {
        return prevNumber;
    }

    public int prevClientSide() {
        return field(PREV_CLIENT) - 1;
    }

    /** How the last finished incarnation ended, or null if there is none. */
    public CloseKind prevCloseKind() {
        int close = field(PREV_CLOSE);
        return close == 0 ? null : CLOSE_KINDS[close - 1];
    }

    public boolean prevHolds(int side) {
        return (field(PREV_HOLDERS) & (1 << side)) != 0;
    }

    public int prevHolders() {
        return field(PREV_HOLDERS);
    }

    /** When {@code side}'s TIME_WAIT started or last restarted, or 0 if it holds none. */
    public long prevTwStart(int side) {
        return prevHolds(side) ? prevTwStart : 0;
    }

    public long prevTwFrame() {
        return prevTwFrame;
    }

    /** The holder's live TIME_WAIT count when it started, itself included. */
    public int prevTwLiveAtEntry() {
        return prevTwLiveAtEntry;
    }

    /** The TIME_WAIT is known to be gone before its time (RST, takeover, overflow). */
    public boolean prevTwGone() {
        return (bits & PREV_TW_GONE) != 0;
    }

    /** The TIME_WAIT is gone before its time, at {@code time}. */
    void markPrevTwGone(long time) {
        bits |= PREV_TW_GONE;
        late().twGoneTime = time;
    }

    private int field(int shift) {
        return bits >>> shift & 3;
    }

    private void setField(int shift, int value) {
        bits = (char) (bits & ~(3 << shift) | value << shift);
    }

    /** The side of {@link #twHost}, or -1. */
    int twHostSide() {
        return field(TW_HOST_SIDE) - 1;
    }

    void twHostSide(int side) {
        setField(TW_HOST_SIDE, side + 1);
    }

    /** The client side {@link #tuple} was made for, or -1. */
    int tupleClientSide() {
        return field(TUPLE_CLIENT_SIDE) - 1;
    }

    void tupleClientSide(int side) {
        setField(TUPLE_CLIENT_SIDE, side + 1);
    }

    /** A TIME_WAIT thought gone proved alive. */
    void revivePrevTw() {
        bits &= ~PREV_TW_GONE;
    }

    /** When the TIME_WAIT was known to be gone before its time, or 0. */
    public long prevTwGoneTime() {
        return late == null ? 0 : late.twGoneTime;
    }

    private Late late() {
        if (late == null) {
            late = new Late();
        }
        return late;
    }

    public int prevMinSeq(int side) {
        return side == 0 ? prevMinSeqA : prevMinSeqB;
    }

    public int prevSndNxt(int side) {
        return side == 0 ? prevSndNxtA : prevSndNxtB;
    }

    public int prevFinSeq(int side) {
        return side == 0 ? prevFinSeqA : prevFinSeqB;
    }

    public boolean prevTsSeen(int side) {
        return (field(PREV_TS_SEEN) & (1 << side)) != 0;
    }

    public int prevLastTs(int side) {
        return side == 0 ? prevLastTsA : prevLastTsB;
    }

    /** When the last incarnation closed (for a FIN close, when its TIME_WAIT began). */
    public long prevEndTime() {
        return prevEndTime;
    }

    /** The side of the late segment the holder should answer, or -1 if there is none. */
    public int triggerSide() {
        return late == null ? -1 : late.side;
    }

    public long triggerFrame() {
        return triggerSide() < 0 ? 0 : late.frame;
    }

    public long triggerTime() {
        return triggerSide() < 0 ? 0 : late.time;
    }

    public boolean triggerFinRetransmit() {
        return triggerSide() >= 0 && late.finRetransmit;
    }

    /** The holder answered the late segment. */
    void clearTrigger() {
        if (late != null) {
            late.side = -1;
        }
    }

    /** Copies what TIME_WAIT protects from a finished incarnation into the summary. */
    void summarize(Incarnation inc, CloseKind kind, long endTime) {
        setField(PREV_CLOSE, kind.ordinal() + 1);
        prevNumber = inc.number;
        setField(PREV_CLIENT, inc.clientSide + 1);
        int holders = 0;
        prevTwStart = 0;
        prevTwFrame = 0;
        prevTwLiveAtEntry = 0;
        bits &= ~PREV_TW_GONE;
        late = null;
        if (kind == CloseKind.FIN) {
            for (int side = 0; side < 2; side++) {
                if (inc.timeWaitStart[side] != 0) {
                    holders |= 1 << side;
                    prevTwStart = Math.max(prevTwStart, inc.timeWaitStart[side]);
                    prevTwFrame = Math.max(prevTwFrame, inc.timeWaitFrame[side]);
                    prevTwLiveAtEntry = Math.max(prevTwLiveAtEntry, inc.timeWaitLiveAtStart[side]);
                }
            }
        }
        setField(PREV_HOLDERS, holders);
        EndpointTrack a = inc.ep[0];
        EndpointTrack b = inc.ep[1];
        prevMinSeqA = a.isnKnown ? a.isn : a.minSeq;
        prevMinSeqB = b.isnKnown ? b.isn : b.minSeq;
        prevSndNxtA = a.sndNxt;
        prevSndNxtB = b.sndNxt;
        prevFinSeqA = a.finSeq;
        prevFinSeqB = b.finSeq;
        setField(PREV_TS_SEEN, (a.tsSeen ? 1 : 0) | (b.tsSeen ? 2 : 0));
        prevLastTsA = a.lastTsVal;
        prevLastTsB = b.lastTsVal;
        prevEndTime = endTime;
    }

    /** Records a late segment from {@code side} that the holder should answer. */
    void noteTrigger(int side, long frame, long time, int ack, boolean hadAck, boolean finRetransmit) {
        Late t = late();
        t.side = side;
        t.frame = frame;
        t.time = time;
        t.ack = ack;
        t.hadAck = hadAck;
        t.finRetransmit = finRetransmit;
    }
}
