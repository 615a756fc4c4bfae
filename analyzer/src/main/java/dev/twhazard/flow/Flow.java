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
 * made only when a late segment or an early TIME_WAIT end needs them. Values that nearly always
 * follow from others are kept as a flag saying so, with the exceptions in that object too: the
 * TIME_WAIT start (the close's time unless the timer restarted), each side's FIN (its last
 * sequence number, or none) and the tuple the TIME_WAIT is counted in (the quadruple's own). An
 * IPv4 quadruple (both addresses IPv4-mapped, {@link IpAddress#isV4}) keeps only the 32 bits that
 * differ; {@link Ipv6Flow} holds any other.
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
     * answer comes, to tell a TIME_WAIT's ACK from a stateless RST), when the TIME_WAIT was
     * known to be gone before its time, and the values that do not follow from others (see the
     * class comment).
     */
    static final class Late {
        int side = -1;
        long frame;
        long time;
        int ack;
        boolean hadAck;
        boolean finRetransmit;
        long twGoneTime;
        /** The TIME_WAIT start, when it is not {@link #prevEndTime} (a restarted timer). */
        long twStart;
        /** Each side's FIN sequence number, when it is neither 0 nor that side's snd_nxt - 1. */
        int finSeqA;
        int finSeqB;
        /** The tuple the TIME_WAIT is counted in, when it is not {@link #tuple}. */
        TimeWaitLedger.TupleTw twTuple;
        /** The newest signature's time, when it is not {@link #lastSeen} (a capture out of time order). */
        long sigTime;

        /** Forgets what described the incarnation a new summary replaces; the ledger's and the duplicate filter's values stay. */
        void clearSummary() {
            side = -1;
            frame = time = twGoneTime = twStart = 0;
            ack = finSeqA = finSeqB = 0;
            hadAck = finRetransmit = false;
        }
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
     * The small fields, in one int instead of a byte apiece (a million flows spend 11 bytes less
     * each): five flags, named by their masks, and ten two-bit fields, named by their shifts. A
     * side is kept as side + 1, so that 0 stands for none.
     */
    private int bits;
    private static final int REMOVED = 1;
    private static final int PREV_TW_GONE = 1 << 1;
    /** The TIME_WAIT started when the last incarnation closed: {@link Late#twStart} is not used. */
    private static final int TW_START_AT_END = 1 << 14;
    /** The TIME_WAIT is counted in {@link #tuple}: {@link Late#twTuple} is not used. */
    private static final int TW_TUPLE_IS_TUPLE = 1 << 15;
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
    /** Bit per side: this side's TIME_WAIT is counted in the ledger right now. */
    private static final int TW_COUNTED = 16;
    /** Side A's FIN sequence number: {@link #FIN_NONE}, {@link #FIN_LAST} or {@link #FIN_LATE}. */
    private static final int FIN_SEQ_A = 18;
    private static final int FIN_SEQ_B = 20;
    /** The sequence number is 0, as kept for a side that sent no FIN. */
    private static final int FIN_NONE = 0;
    /** The FIN took the last sequence number the side sent: snd_nxt - 1. */
    private static final int FIN_LAST = 1;
    /** Any other: in {@link Late}. */
    private static final int FIN_LATE = 2;
    /** The side + 1 whose signature is the newest of the duplicate filter's two. */
    private static final int SIG_NEWEST = 22;
    /** The newest signature's time is in {@link Late#sigTime}, not {@link #lastSeen}. */
    private static final int SIG_NEWEST_LATE = 1 << 24;
    private static final CloseKind[] CLOSE_KINDS = CloseKind.values();

    // Summary of the last finished incarnation ("prev").
    int prevNumber;
    long prevTwFrame;
    /** The holder's live TIME_WAIT count when it started, this one included. */
    int prevTwLiveAtEntry;
    /** The TIME_WAIT holder's host record and side, kept so that expiry needs no lookup. */
    TimeWaitLedger.HostTw twHost;
    /** This quadruple's (client, server, port) record, and the client side it was made for. */
    private TimeWaitLedger.TupleTw tuple;
    /** Incremented whenever a TIME_WAIT of this flow ends early or restarts, for the ledger. */
    int twEpoch;
    int prevMinSeqA;
    int prevMinSeqB;
    int prevSndNxtA;
    int prevSndNxtB;
    int prevLastTsA;
    int prevLastTsB;
    /** When the last incarnation closed: for a FIN close, when its TIME_WAIT began. */
    long prevEndTime;

    Late late;

    // Duplicate filter for segments that arrive when no incarnation is active: the last
    // signature per side, so that a mirror copy of one side's FIN captured behind the other
    // side's final ACK is still recognised. The newer of the two came with the flow's last
    // segment, so in a capture in time order its time is lastSeen: only the older one's is kept.
    private int lastSigA;
    private int lastSigB;
    /** When the side without the newest signature sent its last segment, or Long.MIN_VALUE. */
    private long olderSigTime = Long.MIN_VALUE;

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
        prevTwFrame = 0;
        prevTwLiveAtEntry = 0;
        twHost = null;
        tuple = null;
        twEpoch++;
        prevMinSeqA = prevMinSeqB = prevSndNxtA = prevSndNxtB = 0;
        prevLastTsA = prevLastTsB = 0;
        prevEndTime = 0;
        late = null;
        lastSigA = lastSigB = 0;
        olderSigTime = Long.MIN_VALUE;
    }

    /**
     * A segment from {@code side}, sent at {@code time}, arrived with the capture's clock at
     * {@code clock}: sets {@link #lastSeen}, records the segment's folded signature for its side,
     * and says whether it repeats that side's previous segment within {@code window} nanoseconds.
     */
    boolean seen(int side, int sig, long time, long clock, long window) {
        int newest = field(SIG_NEWEST) - 1;
        long newestTime = newest < 0 ? Long.MIN_VALUE : (bits & SIG_NEWEST_LATE) != 0 ? late.sigTime : lastSeen;
        long lastTime = newest == side ? newestTime : olderSigTime;
        int last = side == 0 ? lastSigA : lastSigB;
        if (newest != side) {
            olderSigTime = newestTime;
        }
        setField(SIG_NEWEST, side + 1);
        if (time == clock) {
            bits &= ~SIG_NEWEST_LATE;
        } else {
            bits |= SIG_NEWEST_LATE;
            late().sigTime = time;
        }
        lastSeen = clock;
        if (side == 0) {
            lastSigA = sig;
        } else {
            lastSigB = sig;
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
        if (!prevHolds(side)) {
            return 0;
        }
        return (bits & TW_START_AT_END) != 0 ? prevEndTime : late.twStart;
    }

    /** The holder's TIME_WAIT (re)started at {@code time}. */
    void timeWaitStartedAt(long time) {
        if (time == prevEndTime) {
            bits |= TW_START_AT_END;
        } else {
            bits &= ~TW_START_AT_END;
            late().twStart = time;
        }
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
        bits = bits & ~(3 << shift) | value << shift;
    }

    /** Bit per side: that side's TIME_WAIT is counted in the ledger right now. */
    int twCounted() {
        return field(TW_COUNTED);
    }

    void twCounted(int sides) {
        setField(TW_COUNTED, sides);
    }

    /** This quadruple's (client, server, port) record, or null. */
    TimeWaitLedger.TupleTw tuple() {
        return tuple;
    }

    /** Makes {@code t} the quadruple's record, for {@code clientSide}; a TIME_WAIT counted in the old one stays there. */
    void tuple(TimeWaitLedger.TupleTw t, int clientSide) {
        if ((bits & TW_TUPLE_IS_TUPLE) != 0 && t != tuple) {
            bits &= ~TW_TUPLE_IS_TUPLE;
            late().twTuple = tuple;
        }
        tuple = t;
        setField(TUPLE_CLIENT_SIDE, clientSide + 1);
    }

    /** The (client, server, port) record the counted TIME_WAIT belongs to, or null. */
    TimeWaitLedger.TupleTw twTuple() {
        if ((bits & TW_TUPLE_IS_TUPLE) != 0) {
            return tuple;
        }
        return late == null ? null : late.twTuple;
    }

    void twTuple(TimeWaitLedger.TupleTw t) {
        boolean own = t != null && t == tuple;
        bits = own ? bits | TW_TUPLE_IS_TUPLE : bits & ~TW_TUPLE_IS_TUPLE;
        if (!own && t != null) {
            late().twTuple = t;
        } else if (late != null) {
            late.twTuple = null;
        }
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
        return switch (field(side == 0 ? FIN_SEQ_A : FIN_SEQ_B)) {
            case FIN_NONE -> 0;
            case FIN_LAST -> prevSndNxt(side) - 1;
            default -> side == 0 ? late.finSeqA : late.finSeqB;
        };
    }

    /** Keeps a side's FIN sequence number; call after its snd_nxt is in place. */
    private void prevFinSeq(int side, int finSeq) {
        int kind = finSeq == prevSndNxt(side) - 1 ? FIN_LAST : finSeq == 0 ? FIN_NONE : FIN_LATE;
        setField(side == 0 ? FIN_SEQ_A : FIN_SEQ_B, kind);
        if (kind == FIN_LATE) {
            if (side == 0) {
                late().finSeqA = finSeq;
            } else {
                late().finSeqB = finSeq;
            }
        }
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
        long twStart = 0;
        prevTwFrame = 0;
        prevTwLiveAtEntry = 0;
        bits &= ~PREV_TW_GONE;
        if (late != null) {
            late.clearSummary();
        }
        if (kind == CloseKind.FIN) {
            for (int side = 0; side < 2; side++) {
                if (inc.timeWaitStart[side] != 0) {
                    holders |= 1 << side;
                    twStart = Math.max(twStart, inc.timeWaitStart[side]);
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
        prevFinSeq(0, a.finSeq);
        prevFinSeq(1, b.finSeq);
        setField(PREV_TS_SEEN, (a.tsSeen ? 1 : 0) | (b.tsSeen ? 2 : 0));
        prevLastTsA = a.lastTsVal;
        prevLastTsB = b.lastTsVal;
        prevEndTime = endTime;
        // Without holders nothing reads the start: the flag keeps Late unmade.
        timeWaitStartedAt(holders == 0 ? endTime : twStart);
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
