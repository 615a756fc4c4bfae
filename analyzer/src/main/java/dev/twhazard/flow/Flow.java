package dev.twhazard.flow;

import dev.twhazard.decode.IpAddress;

/**
 * Everything kept for one quadruple: its two endpoints in canonical order (A is the lower of the
 * two by address then port, so both directions find the same flow), the incarnation in progress,
 * and a compact summary of the last finished incarnation, which is what TIME_WAIT protects and
 * what a reuse is judged against. The summary is plain fields, not an {@link Incarnation}, so
 * that the many quadruples in TIME_WAIT cost little memory.
 */
public final class Flow {

    /** How the last finished incarnation ended. */
    public enum CloseKind {
        /** Both FINs sent and acknowledged (RFC 9293 3.6). */
        FIN,
        /** Torn down by an accepted RST: no TIME_WAIT. */
        RESET,
        /** Replaced by a new SYN, or expired, before any close was seen. */
        UNCLOSED
    }

    final long aHi;
    final long aLo;
    final long bHi;
    final long bLo;
    final int aPort;
    final int bPort;
    final int hash;

    Incarnation active;
    int incarnations;
    long lastSeen;
    /** The second the expiry wheel will look at this flow, or Long.MIN_VALUE. */
    long dueSecond = Long.MIN_VALUE;
    /** Forgotten by the tracker (expired or evicted). */
    boolean removed;

    // Summary of the last finished incarnation ("prev").
    boolean prevValid;
    int prevNumber;
    int prevClientSide;
    CloseKind prevCloseKind;
    /** Bit 0: side A holds TIME_WAIT; bit 1: side B. */
    int prevHolders;
    long prevTwStartA;
    long prevTwStartB;
    long prevTwFrame;
    /** When the TIME_WAIT first started (restarts aside), and the holder's live count then. */
    long prevTwEntered;
    int prevTwLiveAtEntry;
    /** The occupancy record the counted TIME_WAIT belongs to. */
    TimeWaitLedger.TupleTw twTuple;
    /** The occupancy record of this quadruple's (client, server, port), and its client side. */
    TimeWaitLedger.TupleTw tuple;
    int tupleClientSide = -1;
    /** Incremented whenever a TIME_WAIT of this flow ends early or restarts, for the ledger. */
    int twEpoch;
    /** Bit per side: this side's TIME_WAIT is counted in the ledger right now. */
    int twCounted;
    /** The TIME_WAIT is known to be gone before its time (RST, takeover, overflow). */
    boolean prevTwGone;
    long prevTwGoneTime;
    int prevMinSeqA;
    int prevMinSeqB;
    int prevSndNxtA;
    int prevSndNxtB;
    int prevFinSeqA;
    int prevFinSeqB;
    int prevLastTsA;
    int prevLastTsB;
    long prevLastTsTimeA;
    long prevLastTsTimeB;
    /** Bit per side: that side sent timestamps in the last incarnation. */
    int prevTsSeen;
    long prevEndTime;

    // A late segment from the passive side that the TIME_WAIT holder should answer.
    int triggerSide = -1;
    long triggerFrame;
    long triggerTime;
    int triggerAck;
    boolean triggerHadAck;
    boolean triggerFinRetransmit;

    // One-entry duplicate filter for segments that arrive when no incarnation is active.
    long lastSig;
    long lastSigTime = Long.MIN_VALUE;

    Flow(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort, int hash) {
        this.aHi = aHi;
        this.aLo = aLo;
        this.aPort = aPort;
        this.bHi = bHi;
        this.bLo = bLo;
        this.bPort = bPort;
        this.hash = hash;
    }

    /** Address (high half) of a side: 0 is A, 1 is B. */
    public long hi(int side) {
        return side == 0 ? aHi : bHi;
    }

    public long lo(int side) {
        return side == 0 ? aLo : bLo;
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
        return prevValid;
    }

    public int prevNumber() {
        return prevNumber;
    }

    public int prevClientSide() {
        return prevClientSide;
    }

    public CloseKind prevCloseKind() {
        return prevCloseKind;
    }

    public boolean prevHolds(int side) {
        return (prevHolders & (1 << side)) != 0;
    }

    public int prevHolders() {
        return prevHolders;
    }

    public long prevTwStart(int side) {
        return side == 0 ? prevTwStartA : prevTwStartB;
    }

    void setPrevTwStart(int side, long t) {
        if (side == 0) {
            prevTwStartA = t;
        } else {
            prevTwStartB = t;
        }
    }

    public long prevTwFrame() {
        return prevTwFrame;
    }

    /** When the last incarnation's TIME_WAIT first started (later restarts aside). */
    public long prevTwEntered() {
        return prevTwEntered;
    }

    /** The holder's live TIME_WAIT count when it started, itself included. */
    public int prevTwLiveAtEntry() {
        return prevTwLiveAtEntry;
    }

    public boolean prevTwGone() {
        return prevTwGone;
    }

    public long prevTwGoneTime() {
        return prevTwGoneTime;
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
        return (prevTsSeen & (1 << side)) != 0;
    }

    public int prevLastTs(int side) {
        return side == 0 ? prevLastTsA : prevLastTsB;
    }

    public long prevLastTsTime(int side) {
        return side == 0 ? prevLastTsTimeA : prevLastTsTimeB;
    }

    public long prevEndTime() {
        return prevEndTime;
    }

    public int triggerSide() {
        return triggerSide;
    }

    public long triggerFrame() {
        return triggerFrame;
    }

    public long triggerTime() {
        return triggerTime;
    }

    public int triggerAck() {
        return triggerAck;
    }

    public boolean triggerHadAck() {
        return triggerHadAck;
    }

    public boolean triggerFinRetransmit() {
        return triggerFinRetransmit;
    }

    /** Copies what TIME_WAIT protects from a finished incarnation into the summary. */
    void summarize(Incarnation inc, CloseKind kind, long endTime) {
        prevValid = true;
        prevNumber = inc.number;
        prevClientSide = inc.clientSide;
        prevCloseKind = kind;
        prevHolders = 0;
        prevTwStartA = prevTwStartB = 0;
        prevTwFrame = 0;
        prevTwEntered = 0;
        prevTwLiveAtEntry = 0;
        prevTwGone = false;
        prevTwGoneTime = 0;
        if (kind == CloseKind.FIN) {
            for (int side = 0; side < 2; side++) {
                if (inc.timeWaitStart[side] != 0) {
                    prevHolders |= 1 << side;
                    setPrevTwStart(side, inc.timeWaitStart[side]);
                    prevTwFrame = Math.max(prevTwFrame, inc.timeWaitFrame[side]);
                    prevTwEntered = Math.max(prevTwEntered, inc.timeWaitStart[side]);
                    prevTwLiveAtEntry = Math.max(prevTwLiveAtEntry, inc.timeWaitLiveAtStart[side]);
                }
            }
        }
        EndpointTrack a = inc.ep[0];
        EndpointTrack b = inc.ep[1];
        prevMinSeqA = a.isnKnown ? a.isn : a.minSeq;
        prevMinSeqB = b.isnKnown ? b.isn : b.minSeq;
        prevSndNxtA = a.sndNxt;
        prevSndNxtB = b.sndNxt;
        prevFinSeqA = a.finSeq;
        prevFinSeqB = b.finSeq;
        prevTsSeen = (a.tsSeen ? 1 : 0) | (b.tsSeen ? 2 : 0);
        prevLastTsA = a.lastTsVal;
        prevLastTsB = b.lastTsVal;
        prevLastTsTimeA = a.lastTsTime;
        prevLastTsTimeB = b.lastTsTime;
        prevEndTime = endTime;
        triggerSide = -1;
    }

    boolean sameKey(long sHi, long sLo, int sPort, long dHi, long dLo, int dPort) {
        return (sHi == aHi && sLo == aLo && sPort == aPort && dHi == bHi && dLo == bLo && dPort == bPort)
                || (sHi == bHi && sLo == bLo && sPort == bPort && dHi == aHi && dLo == aLo && dPort == aPort);
    }
}
