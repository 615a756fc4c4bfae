package dev.twhazard.flow;

import dev.twhazard.decode.TcpSegment;
import java.util.ArrayDeque;

/**
 * The close tracker: rebuilds connections by quadruple from decoded segments in time order,
 * splits them into incarnations, and follows how both endpoints open and close, as far as a
 * capture point in the middle of the path can tell. For each segment it returns a
 * {@link SegmentEvent} saying what the segment was ({@link SegmentRole}); detectors read hazards
 * from those events.
 *
 * <p>The observer's rules, with the RFC or kernel behaviour they follow:
 * <ul>
 *   <li>A SYN with an ISN new to the quadruple starts an incarnation; the same ISN again is a
 *       retransmission (RFC 9293 3.5). An attempt that never got a SYN-ACK is replaced by the
 *       next one without becoming "the previous incarnation".</li>
 *   <li>The endpoint whose FIN goes first is the active closer; if each FIN leaves before its
 *       sender had the other (neither acknowledges the other), both are (simultaneous close,
 *       RFC 9293 3.6). An active closer enters TIME_WAIT when it has ACKed the peer's FIN and its
 *       own FIN is acknowledged.</li>
 *   <li>After the close, the quadruple keeps a summary of the incarnation (ISNs, final sequence
 *       numbers, last TSvals, TIME_WAIT holders and start times) until TIME_WAIT plus a grace
 *       period has passed, so that reuses and late segments are judged against it.</li>
 *   <li>A segment from the TIME_WAIT's peer that carries an ACK restarts the holder's TIME_WAIT
 *       (Linux {@code tcp_timewait_state_process}: {@code inet_twsk_reschedule}).</li>
 * </ul>
 *
 * <p>Imperfect captures: copies of a packet (mirror ports) are recognised and reported as
 * {@link SegmentRole#DUPLICATE} without touching state; a connection first seen mid-stream is a
 * partial incarnation; data acknowledged but never seen is tolerated (acknowledgments are not
 * required to match what was captured).
 *
 * <p>Memory is bounded: idle incarnations expire, closed quadruples are forgotten after TIME_WAIT
 * plus grace, and beyond {@link TrackerConfig#maxFlows()} the least recently active flows are
 * evicted and counted. Not thread-safe.
 */
public final class FlowTracker {

    /** When a new flow is first checked for expiry (shorter than any TIME_WAIT). */
    private static final long FIRST_LOOK_NANOS = 20_000_000_000L;
    /** A no-socket RST answers the segment it resets within this time. */
    private static final long ANSWER_WINDOW_NANOS = 1_000_000_000L;
    /** Segments this close after the new SYN may be the old incarnation's, reordered by the capture. */
    private static final long REORDER_SLACK_NANOS = 2_000_000L;

    private final TrackerConfig config;
    private final TrackerListener listener;
    private final FlowTable table;
    private final TimeWaitLedger ledger;
    private final ExpiryWheel expiry = new ExpiryWheel();
    private final ArrayDeque<Incarnation> pool = new ArrayDeque<>();
    private final SegmentEvent event = new SegmentEvent();
    private final long graceNanos;

    private long clock = Long.MIN_VALUE;
    private Flow pendingClose;
    private Flow.CloseKind pendingKind;

    private long flowsCreated;
    private long incarnationsStarted;
    private long partialIncarnations;
    private long duplicates;
    private long flowsExpired;
    private long flowsEvicted;

    public FlowTracker(TrackerConfig config, TrackerListener listener) {
        this.config = config;
        this.listener = listener;
        // Sized for the hundreds of thousands of quadruples a busy capture keeps in TIME_WAIT, so
        // that the table rarely has to grow while packets wait.
        this.table = new FlowTable(1 << 19);
        this.ledger = new TimeWaitLedger(config.timeWait());
        this.graceNanos = config.grace().toNanos();
    }

    public TimeWaitLedger ledger() {
        return ledger;
    }

    public TrackerConfig config() {
        return config;
    }

    /** The capture time reached so far (the latest segment timestamp). */
    public long clock() {
        return clock;
    }

    public long flowsCreated() {
        return flowsCreated;
    }

    public long incarnationsStarted() {
        return incarnationsStarted;
    }

    public long partialIncarnations() {
        return partialIncarnations;
    }

    public long duplicates() {
        return duplicates;
    }

    public long flowsExpired() {
        return flowsExpired;
    }

    public long flowsEvicted() {
        return flowsEvicted;
    }

    /**
     * Tracks one segment. The returned event is valid until {@link #endSegment()}, which the
     * caller must invoke after the detectors have seen it.
     */
    public SegmentEvent track(TcpSegment seg) {
        if (seg.timestampNanos > clock) {
            clock = seg.timestampNanos;
        }
        advance(clock);
        Flow f = table.getOrCreate(seg);
        if (f.lastSeen == 0 && f.incarnations == 0 && !f.prevValid()) {
            flowsCreated++;
            // The first look comes soon: most connections have closed by then and moved to their
            // TIME_WAIT's end, so the wheel's slots minutes ahead hold only the few long ones.
            expiry.schedule(f, clock + Math.min(FIRST_LOOK_NANOS, config.idleTimeout().toNanos()));
            if (table.size() > config.maxFlows()) {
                evictOldest(f);
            }
        }
        int side = table.lastSide();
        long sig = EndpointTrack.signature(seg);
        boolean repeatsLast = f.seen(side, fold(sig), seg.timestampNanos, clock, EndpointTrack.duplicateWindow(seg));
        SegmentEvent e = event;
        e.reset(f, side, seg);
        e.twGoneBefore = f.prevTwGone();
        boolean duplicate = f.active != null ? f.active.ep[side].isDuplicate(seg, sig) : repeatsLast;
        if (duplicate) {
            duplicates++;
            e.role = SegmentRole.DUPLICATE;
            e.settleIncarnationNumber();
            return e;
        }
        if (seg.has(TcpSegment.SYN)) {
            if (seg.has(TcpSegment.RST)) {
                e.role = SegmentRole.INVALID;
            } else if (seg.has(TcpSegment.ACK)) {
                synAck(e);
            } else {
                syn(e);
            }
        } else if (f.active != null) {
            inConnection(e);
        } else if (f.prevValid() && belongsToClosed(f, side, seg)) {
            afterClose(e);
        } else {
            startPartial(e);
            inConnection(e);
            if (e.role == SegmentRole.DATA) {
                e.role = SegmentRole.PARTIAL_START;
            }
        }
        e.settleIncarnationNumber();
        return e;
    }

    /** Applies what had to wait until the detectors saw the segment (closing an incarnation). */
    public void endSegment() {
        if (pendingClose != null) {
            Flow f = pendingClose;
            pendingClose = null;
            if (f.active != null && f.active.closed) {
                endIncarnation(f, f.active, pendingKind, clock);
            }
        }
    }

    /** Moves capture time forward: expires TIME_WAITs and forgotten flows up to {@code now}. */
    public void advance(long now) {
        ledger.advance(now);
        expiryNow = now;
        expiry.advance(now, expiryCheck);
    }

    /** The capture time of the wheel's current check (read by {@link #expiryCheck}, so it captures nothing). */
    private long expiryNow;
    private final java.util.function.ToLongFunction<Flow> expiryCheck = f -> {
        if (f.removed()) {
            return Long.MIN_VALUE;
        }
        long due = expiry(f);
        if (expiryNow >= due) {
            removeFlow(f, false);
            return Long.MIN_VALUE;
        }
        return due;
    };

    /** Ends every incarnation still in progress (the capture is over). */
    public void finish() {
        table.forEach(f -> {
            if (f.active != null) {
                listener.onIncarnationEnd(f, f.active, clock);
                ledger.connectionEnded(f.active);
            }
        });
    }

    /**
     * When a flow may be forgotten: an incarnation in progress after the idle timeout; a closed
     * one once its holders' TIME_WAITs (restarts included) and a grace period are over.
     */
    private long expiry(Flow f) {
        if (f.active != null) {
            return f.lastSeen + config.idleTimeout().toNanos();
        }
        long end = Math.max(f.lastSeen, f.prevEndTime);
        for (int side = 0; side < 2; side++) {
            if (f.prevHolds(side)) {
                end = Math.max(end, f.prevTwStart(side) + ledger.hostOf(f, side).twNanos);
            }
        }
        return end + graceNanos;
    }

    private void removeFlow(Flow f, boolean evicted) {
        if (f.active != null) {
            endIncarnation(f, f.active, Flow.CloseKind.UNCLOSED, clock);
        }
        ledger.end(f, clock);
        listener.onFlowRemoved(f, evicted);
        expiry.unschedule(f);
        table.remove(f);
        f.markRemoved();
        table.recycle(f);
        if (evicted) {
            flowsEvicted++;
        } else {
            flowsExpired++;
        }
    }

    /**
     * Over the flow limit: forgets the least recently active tenth of the flows. The cut-off is
     * the tenth percentile of last-activity times, estimated from a sample.
     */
    private void evictOldest(Flow keep) {
        long[] sample = new long[Math.min(4096, table.size())];
        int[] n = {0};
        int stride = Math.max(1, table.size() / sample.length);
        int[] i = {0};
        table.forEach(f -> {
            if (i[0]++ % stride == 0 && n[0] < sample.length) {
                sample[n[0]++] = f.lastSeen;
            }
        });
        java.util.Arrays.sort(sample, 0, n[0]);
        long cutoff = sample[Math.max(0, n[0] / 10)];
        java.util.List<Flow> victims = new java.util.ArrayList<>();
        table.forEach(f -> {
            if (f != keep && f.lastSeen <= cutoff) {
                victims.add(f);
            }
        });
        for (Flow f : victims) {
            removeFlow(f, true);
        }
    }

    /** The duplicate signature folded to 32 bits, for a closed flow's filter. */
    private static int fold(long sig) {
        return (int) (sig ^ (sig >>> 32));
    }

    // ---- Opening ----------------------------------------------------------------------------

    private void syn(SegmentEvent e) {
        Flow f = e.flow;
        TcpSegment seg = e.segment;
        int s = e.side;
        Incarnation inc = f.active;
        if (inc != null && inc.clientSide == s && inc.ep[s].isnKnown && inc.ep[s].isn == seg.seq) {
            // The same ISN: a retransmission of this attempt's SYN (RFC 9293 3.8.1).
            inc.synCount++;
            inc.synPrevTime = inc.synLastTime;
            inc.synLastTime = e.time();
            inc.addAttemptFrame(e.frame());
            settleFirstAnswer(inc, SynAnswer.NONE);
            noteTimestamps(inc, s, seg, e);
            e.role = SegmentRole.SYN_RETRANSMIT;
            return;
        }
        if (inc != null) {
            retire(f, inc, e.time());
        }
        // The new SYN meets the previous incarnation's TIME_WAIT if the ledger still counts it.
        e.metTimeWait = f.twCounted() != 0;
        if (e.metTimeWait && (f.twCounted() & (1 << s)) != 0) {
            // The TIME_WAIT holder connects again on the same quadruple: it takes its own
            // TIME_WAIT over (Linux tcp_twsk_unique with tcp_tw_reuse), which ends it.
            timeWaitGone(f, e.time());
        }
        inc = newIncarnation(f, s, e);
        inc.synCount = 1;
        inc.synFirstTime = inc.synLastTime = e.time();
        inc.synFirstFrame = e.frame();
        inc.addAttemptFrame(e.frame());
        EndpointTrack me = inc.ep[s];
        me.isnKnown = true;
        me.isn = seg.seq;
        me.windowScaleOffered = seg.hasWindowScale ? seg.windowScale : -1;
        updateEndpoint(inc, s, seg, e.time(), e.frame());
        e.incarnation = inc;
        e.role = SegmentRole.SYN_NEW_ATTEMPT;
    }

    private void synAck(SegmentEvent e) {
        Flow f = e.flow;
        TcpSegment seg = e.segment;
        int s = e.side;
        int r = 1 - s;
        Incarnation inc = f.active;
        if (inc != null && inc.clientSide == r && inc.ep[r].isnKnown && seg.ack == inc.ep[r].isn + 1 && !inc.closed) {
            EndpointTrack me = inc.ep[s];
            if (inc.synAckSeen && me.isnKnown && me.isn == seg.seq) {
                e.role = SegmentRole.SYN_ACK_RETRANSMIT;
            } else {
                if (!inc.synAckSeen) {
                    inc.synAckSeen = true;
                    inc.synAckTime = e.time();
                    inc.addAttemptFrame(e.frame());
                    settleFirstAnswer(inc, SynAnswer.SYN_ACK);
                }
                me.isnKnown = true;
                me.isn = seg.seq;
                me.windowScaleOffered = seg.hasWindowScale ? seg.windowScale : -1;
                // RFC 7323 2.2 and 3.2: scaling and timestamps are on only if both SYNs asked.
                inc.windowScaling = inc.ep[r].windowScaleOffered >= 0 && seg.hasWindowScale;
                inc.timestamps = inc.ep[r].tsSeen && seg.hasTimestamps;
                e.role = SegmentRole.SYN_ACK;
                if (f.twCounted() != 0) {
                    // The SYN was accepted, so no TIME_WAIT holds the quadruple any more (a TIME_WAIT
                    // that accepts a SYN hands the quadruple to the new connection, RFC 6191).
                    timeWaitGone(f, e.time());
                }
            }
            noteTimestamps(inc, s, seg, e);
            updateEndpoint(inc, s, seg, e.time(), e.frame());
            return;
        }
        // A SYN-ACK whose SYN was not captured: the incarnation starts here, its client is the
        // receiver, and the client's ISN is the acknowledgment minus one.
        if (inc != null) {
            retire(f, inc, e.time());
        }
        if (f.twCounted() != 0) {
            timeWaitGone(f, e.time());
        }
        inc = newIncarnation(f, r, e);
        inc.ep[r].isnKnown = true;
        inc.ep[r].isn = seg.ack - 1;
        inc.ep[r].sent = true;
        inc.ep[r].minSeq = seg.ack - 1;
        inc.ep[r].sndNxt = seg.ack;
        inc.ep[s].isnKnown = true;
        inc.ep[s].isn = seg.seq;
        inc.ep[s].windowScaleOffered = seg.hasWindowScale ? seg.windowScale : -1;
        inc.synAckSeen = true;
        inc.synAckTime = e.time();
        inc.addAttemptFrame(e.frame());
        inc.timestamps = seg.hasTimestamps && seg.tsEcr != 0;
        inc.windowScaling = seg.hasWindowScale;
        updateEndpoint(inc, s, seg, e.time(), e.frame());
        e.incarnation = inc;
        e.role = SegmentRole.SYN_ACK_FIRST;
    }

    private void startPartial(SegmentEvent e) {
        Flow f = e.flow;
        TcpSegment seg = e.segment;
        int client = guessClient(f, e.side);
        if (f.twCounted() != 0) {
            ledger.end(f, e.time());
        }
        Incarnation inc = newIncarnation(f, client, e);
        inc.partial = true;
        partialIncarnations++;
        // Without the SYNs, options are unknown: assume no window scaling (windows look smaller
        // than they are, which can only make the tracker more lenient) and timestamps if sent.
        inc.timestamps = seg.hasTimestamps;
        e.incarnation = inc;
    }

    /**
     * Without the handshake, the client is guessed from the ports: the endpoint on a well-known
     * port (below 1024) is the server, otherwise the higher (ephemeral-looking) port is the client.
     */
    private static int guessClient(Flow f, int sender) {
        int a = f.port(0);
        int b = f.port(1);
        if ((a < 1024) != (b < 1024)) {
            return a < 1024 ? 1 : 0;
        }
        if (a != b) {
            return a > b ? 0 : 1;
        }
        return sender;
    }

    private Incarnation newIncarnation(Flow f, int clientSide, SegmentEvent e) {
        long time = e.time();
        long frame = e.frame();
        Incarnation inc = pool.pollFirst();
        if (inc == null) {
            inc = new Incarnation();
        }
        // The segment that starts the incarnation seeds its duplicate filter, so that a mirror
        // copy of that SYN is not taken for a retransmission.
        inc.ep[e.side].isDuplicate(e.segment, EndpointTrack.signature(e.segment));
        inc.number = ++f.incarnations;
        inc.clientSide = clientSide;
        inc.startTime = time;
        inc.firstFrame = frame;
        f.active = inc;
        incarnationsStarted++;
        ledger.connectionStarted(f, inc, time);
        return inc;
    }

    /**
     * A new SYN or SYN-ACK replaces the active incarnation: one that got past its SYN ends
     * (closed or not), a bare attempt that was never answered is dropped.
     */
    private void retire(Flow f, Incarnation inc, long time) {
        if (inc.synAckSeen || inc.established || inc.partial || inc.closed) {
            endIncarnation(f, inc, inc.closed ? (inc.reset ? Flow.CloseKind.RESET : Flow.CloseKind.FIN)
                    : Flow.CloseKind.UNCLOSED, time);
        } else {
            dropAttempt(f, inc, time);
        }
    }

    /** An attempt that never got a SYN-ACK ends without replacing the previous incarnation. */
    private void dropAttempt(Flow f, Incarnation inc, long time) {
        listener.onIncarnationEnd(f, inc, time);
        ledger.connectionEnded(inc);
        f.active = null;
        inc.reset();
        pool.addFirst(inc);
    }

    private void endIncarnation(Flow f, Incarnation inc, Flow.CloseKind kind, long time) {
        if (kind == Flow.CloseKind.UNCLOSED && (inferUnseenFin(f, inc) | inferUnseenFinalAck(f, inc))) {
            kind = Flow.CloseKind.FIN;
        }
        listener.onIncarnationEnd(f, inc, time);
        ledger.connectionEnded(inc);
        if (f.twCounted() != 0 && kind != Flow.CloseKind.FIN) {
            ledger.end(f, time);
        }
        f.summarize(inc, kind, time);
        f.active = null;
        inc.reset();
        pool.addFirst(inc);
        expiry.schedule(f, expiry(f));
    }

    /**
     * An incarnation ends (a new SYN on its quadruple, or idle) with one side's FIN never seen,
     * yet its peer acknowledged exactly one sequence number past that side's last byte and that
     * side sent no data after it: the FIN was lost before the capture point. (A lone unseen byte
     * of data looks the same until that side sends more data or its own FIN, which is why this
     * waits for the end; a side that sent one byte and then stayed silent until a new SYN on the
     * quadruple is taken for a closer.) The FIN is taken as sent and acknowledged when that ACK
     * was seen. The side closed first if its peer acknowledged the FIN no later than it sent its
     * own (in its FIN or before); it then enters TIME_WAIT on ACKing the peer's FIN. Otherwise the peer closed first and enters TIME_WAIT on
     * ACKing this FIN (RFC 9293 3.10.7.4, FIN-WAIT-2 and CLOSING; LAST-ACK for this side). Deciding
     * only at the end keeps a guess out of a connection still in progress.
     *
     * @return whether both FINs are now sent and acknowledged
     */
    private boolean inferUnseenFin(Flow f, Incarnation inc) {
        if (inc.reset) {
            return false;
        }
        for (int side = 0; side < 2; side++) {
            EndpointTrack x = inc.ep[side];
            EndpointTrack y = inc.ep[1 - side];
            // The FIN occupies ackBeyondSeq - 1; segments after it (the ACK of the peer's FIN)
            // carry seq = ackBeyondSeq and no data.
            if (x.finSent || x.ackBeyondTime == 0 || y.maxAckSent != x.ackBeyondSeq
                    || !Seq.between(x.sndNxt, x.ackBeyondSeq - 1, x.ackBeyondSeq)) {
                continue;
            }
            x.finSent = true;
            x.finSeq = x.ackBeyondSeq - 1;
            x.finTime = x.finAckedTime = x.ackBeyondTime;
            x.finFrame = x.finAckedFrame = x.ackBeyondFrame;
            x.finAcked = true;
            if (!y.finSent) {
                if (inc.firstCloser < 0) {
                    inc.firstCloser = side; // FIN-WAIT-2 against a CLOSE-WAIT: no TIME_WAIT yet
                }
                continue;
            }
            boolean closedFirst = x.ackBeyondTime <= y.finTime;
            inc.firstCloser = closedFirst ? side : 1 - side;
            if (!y.finAcked) {
                continue; // the closer's final ACK is unseen too: inferUnseenFinalAck
            }
            int holder = closedFirst ? side : 1 - side;
            if (inc.timeWaitStart[holder] == 0) {
                inc.timeWaitStart[holder] = closedFirst ? y.finAckedTime : x.ackBeyondTime;
                inc.timeWaitFrame[holder] = closedFirst ? y.finAckedFrame : x.ackBeyondFrame;
                inc.timeWaitLiveAtStart[holder] = ledger.start(f, inc, holder, inc.timeWaitStart[holder]);
            }
        }
        return inc.ep[0].finSent && inc.ep[0].finAcked && inc.ep[1].finSent && inc.ep[1].finAcked;
    }

    /**
     * The close was complete but for the active closer's final ACK, which the capture did not
     * show (the peer did not retransmit its FIN, so the ACK reached it). An active closer whose
     * FIN was acknowledged enters TIME_WAIT on the peer's FIN (RFC 9293 3.10.7.4, FIN-WAIT-2), so
     * its TIME_WAIT is taken to start when that FIN was seen.
     */
    private boolean inferUnseenFinalAck(Flow f, Incarnation inc) {
        boolean inferred = false;
        for (int side = 0; side < 2; side++) {
            EndpointTrack x = inc.ep[side];
            EndpointTrack y = inc.ep[1 - side];
            if (inc.activeCloser(side) && x.finAcked && y.finSent && !inc.reset) {
                if (!y.finAcked) {
                    y.finAcked = true;
                    y.finAckedTime = y.finTime;
                }
                if (inc.timeWaitStart[side] == 0) {
                    inc.timeWaitStart[side] = y.finTime;
                    inc.timeWaitFrame[side] = y.finFrame;
                    inc.timeWaitLiveAtStart[side] = ledger.start(f, inc, side, y.finTime);
                }
                inferred = true;
            }
        }
        return inferred && inc.ep[0].finSent && inc.ep[1].finSent;
    }

    // ---- Inside an incarnation --------------------------------------------------------------

    private void inConnection(SegmentEvent e) {
        Flow f = e.flow;
        Incarnation inc = f.active;
        e.incarnation = inc;
        TcpSegment seg = e.segment;
        int s = e.side;
        int r = 1 - s;
        EndpointTrack me = inc.ep[s];
        EndpointTrack peer = inc.ep[r];
        boolean rst = seg.has(TcpSegment.RST);
        boolean ack = seg.has(TcpSegment.ACK);

        if (!inc.synAckSeen && inc.synCount > 0 && ack && !rst && provesUnseenSynAck(inc, s, seg)) {
            synAckUnseen(e, inc);
        }
        if (!inc.synAckSeen && inc.synCount > 0) {
            if (s != inc.clientSide) {
                // Answers to a SYN still waiting in SYN-SENT (RFC 9293 3.10.7.3).
                if (rst) {
                    if (ack && seg.ack == peer.isn + 1) {
                        inc.refused = true;
                        inc.addAttemptFrame(e.frame());
                        settleFirstAnswer(inc, SynAnswer.RST);
                        e.role = SegmentRole.RST_REFUSED;
                    } else {
                        e.role = SegmentRole.RST_IGNORED;
                    }
                } else if (ack && seg.ack != peer.isn + 1) {
                    // An ACK for something this SYN never sent: the SYN met an older
                    // incarnation's state, which answers with its own rcv_nxt (a TIME_WAIT does so
                    // in tcp_timewait_state_process, TCP_TW_ACK).
                    inc.staleAcks++;
                    inc.lastStaleAckAck = seg.ack;
                    inc.lastStaleAckTime = e.time();
                    inc.addAttemptFrame(e.frame());
                    settleFirstAnswer(inc, SynAnswer.STALE_ACK);
                    reviveIfKilled(f, s, e.time());
                    e.role = SegmentRole.STALE_ACK;
                } else {
                    e.role = SegmentRole.DATA;
                }
                return;
            }
            if (rst) {
                if (!ack && inc.staleAcks > 0 && seg.seq == inc.lastStaleAckAck) {
                    // RFC 9293 3.10.7.3: a SYN-SENT endpoint answers an unacceptable ACK with
                    // <SEQ=SEG.ACK><CTL=RST>. It lands on the old incarnation's TIME_WAIT with
                    // exactly its rcv_nxt and kills it unless tcp_rfc1337=1 (RFC 1337).
                    inc.addAttemptFrame(e.frame());
                    if (f.twCounted() != 0 && !holderKeepsTimeWaitOnRst(f)) {
                        timeWaitGone(f, e.time());
                    }
                    e.role = SegmentRole.RST_TO_STALE_ACK;
                    return;
                }
            }
        }

        boolean completesHandshake = inc.synAckSeen && !inc.established && s == inc.clientSide && ack
                && seg.ack == peer.isn + 1 && !rst;
        if (completesHandshake) {
            inc.established = true;
            inc.establishedTime = e.time();
        }
        if (inc.partial && !inc.established && me.sent && peer.sent) {
            inc.established = true;
            inc.establishedTime = e.time();
        }

        if (f.prevValid() && inc.established && !inc.partial && e.time() - inc.synFirstTime > REORDER_SLACK_NANOS
                && belongsToPrevious(f, inc, s, seg)) {
            e.role = SegmentRole.OLD_INCARNATION;
            e.rejection = ReceiverCheck.rejection(inc, s, seg);
            if (e.rejection == null) {
                // The receiver takes the old bytes as the new connection's: its view of the
                // sender's sequence space now includes them, and its ACKs will cover them.
                int end = seg.seq + seg.segmentLength();
                if (Seq.after(end, me.sndNxt)) {
                    me.sndNxt = end;
                }
            }
            return;
        }

        e.rstAnswersPeer = rst && answersPeer(me, peer, seg, e.time());
        noteTimestamps(inc, s, seg, e);
        if (rst) {
            rst(e, inc, me, peer);
            return;
        }
        updateEndpoint(inc, s, seg, e.time(), e.frame());
        e.role = completesHandshake && seg.payloadLength == 0 ? SegmentRole.HANDSHAKE_ACK : SegmentRole.DATA;
        if (seg.has(TcpSegment.FIN)) {
            fin(e, inc, me, peer);
        }
        if (ack) {
            acknowledge(e, inc, peer);
        }
        if (inc.ep[0].finSent && inc.ep[0].finAcked && inc.ep[1].finSent && inc.ep[1].finAcked && !inc.closed) {
            inc.closed = true;
            inc.closedTime = e.time();
            pendingClose = f;
            pendingKind = Flow.CloseKind.FIN;
        }
    }

    /**
     * Whether a non-SYN, non-RST ACK segment shows that the SYN-ACK was lost before the capture
     * point. An endpoint in SYN-SENT or SYN-RECEIVED sends only SYNs and RSTs (RFC 9293
     * 3.10.7.3, 3.10.7.4), so the client sending from ISN + 1, or the server acknowledging ISN + 1,
     * is past the handshake. A stale ACK from an older incarnation acknowledges the old rcv_nxt,
     * not the new ISN + 1.
     */
    private static boolean provesUnseenSynAck(Incarnation inc, int s, TcpSegment seg) {
        EndpointTrack client = inc.ep[inc.clientSide];
        return s == inc.clientSide ? seg.seq == client.isn + 1 : seg.ack == client.isn + 1;
    }

    /**
     * The handshake completed without the SYN-ACK in the capture: the server's ISN is taken as
     * the client's acknowledgment minus one (or the server's first sequence number minus one),
     * and the options it negotiated are unknown (no window scaling assumed, which only makes
     * windows look smaller and the tracker more lenient).
     */
    private void synAckUnseen(SegmentEvent e, Incarnation inc) {
        Flow f = e.flow;
        TcpSegment seg = e.segment;
        EndpointTrack server = inc.ep[1 - inc.clientSide];
        server.isnKnown = true;
        server.isn = (e.side == inc.clientSide ? seg.ack : seg.seq) - 1;
        server.sent = true;
        server.minSeq = server.isn;
        server.sndNxt = server.isn + 1;
        server.windowScaleOffered = -1;
        inc.synAckSeen = true;
        inc.synAckTime = e.time();
        settleFirstAnswer(inc, SynAnswer.SYN_ACK);
        inc.windowScaling = false;
        inc.timestamps = seg.hasTimestamps;
        if (f.twCounted() != 0) {
            // As for a captured SYN-ACK: the SYN was accepted, so no TIME_WAIT holds the quadruple.
            timeWaitGone(f, e.time());
        }
    }

    /** A holder already seen keeping its TIME_WAIT through a RST runs with tcp_rfc1337=1. */
    private boolean holderKeepsTimeWaitOnRst(Flow f) {
        for (int side = 0; side < 2; side++) {
            if (f.prevHolds(side)) {
                if (ledger.hostOf(f, side).rfc1337()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The previous incarnation's TIME_WAIT is over before its time (taken over, accepted, killed). */
    private void timeWaitGone(Flow f, long time) {
        f.markPrevTwGone(time);
        ledger.end(f, time);
    }

    private static void settleFirstAnswer(Incarnation inc, SynAnswer answer) {
        if (!inc.firstSynSettled) {
            inc.firstSynSettled = true;
            inc.firstAnswer = answer;
        }
    }

    /** A stale ACK from the holder proves its TIME_WAIT alive though a RST should have killed it. */
    private void reviveIfKilled(Flow f, int holder, long time) {
        if (f.prevTwGone() && f.prevHolds(holder) && f.prevCloseKind() == Flow.CloseKind.FIN) {
            long end = f.prevTwStart(holder) + ledger.hostOf(f, holder).twNanos;
            if (time < end) {
                f.revivePrevTw();
                ledger.revive(f, holder, time, end);
            }
        }
    }

    /**
     * RFC 9293 3.10.7.4 (and Linux tcp_v4_send_reset): a host with no socket for a segment that
     * carries an ACK answers <SEQ=SEG.ACK><CTL=RST>, without ACK, at once. A host that closes
     * abortively sends RST|ACK with its own snd_nxt instead.
     */
    private static boolean answersPeer(EndpointTrack me, EndpointTrack peer, TcpSegment seg, long time) {
        return !seg.has(TcpSegment.ACK) && peer.sent && (peer.lastFlags & TcpSegment.ACK) != 0
                && seg.seq == peer.lastAck && time - peer.lastTime <= ANSWER_WINDOW_NANOS
                && peer.lastTime >= me.lastTime;
    }

    private void rst(SegmentEvent e, Incarnation inc, EndpointTrack me, EndpointTrack peer) {
        TcpSegment seg = e.segment;
        // The receiver accepts a RST only inside its window (RFC 5961 3.2 narrows this to exactly
        // rcv_nxt, answering other in-window RSTs with a challenge ACK; the capture point cannot
        // see rcv_nxt exactly, so the window is the test here).
        long window = Math.max(65_535L, peer.maxWindowScaled);
        int low = peer.ackSent ? peer.maxAckSent - 1 : (me.sent ? me.minSeq - 1 : seg.seq);
        boolean acceptable = !me.sent || Seq.between(seg.seq, low, me.sndNxt + (int) Math.min(window, 1 << 30));
        if (!acceptable && !e.rstAnswersPeer) {
            e.role = SegmentRole.RST_IGNORED;
            return;
        }
        updateEndpoint(inc, e.side, seg, e.time(), e.frame());
        e.role = me.finSent && me.finAcked && inc.activeCloser(e.side) ? SegmentRole.RST_AFTER_CLOSE : SegmentRole.RST_ABORT;
        inc.reset = true;
        inc.resetBy = e.side;
        inc.resetTime = e.time();
        inc.resetFrame = e.frame();
        inc.closed = true;
        inc.closedTime = e.time();
        pendingClose = e.flow;
        pendingKind = Flow.CloseKind.RESET;
    }

    private void fin(SegmentEvent e, Incarnation inc, EndpointTrack me, EndpointTrack peer) {
        TcpSegment seg = e.segment;
        int finSeq = seg.seq + seg.payloadLength;
        int s = e.side;
        if (me.finSent) {
            if (finSeq == me.finSeq) {
                me.finTransmissions++;
                e.role = SegmentRole.FIN_RETRANSMIT;
                return;
            }
            me.finSeq = finSeq;
            e.role = SegmentRole.FIN;
            return;
        }
        me.finSent = true;
        me.finSeq = finSeq;
        me.finTime = e.time();
        me.finFrame = e.frame();
        me.finTransmissions = 1;
        boolean sawPeerFin = peer.finSent && seg.has(TcpSegment.ACK) && Seq.afterOrEqual(seg.ack, peer.finSeq + 1);
        if (inc.firstCloser < 0) {
            inc.firstCloser = s;
        } else if (inc.firstCloser != s && !sawPeerFin) {
            // This FIN left before its sender had the peer's FIN: the FINs crossed, and both ends
            // go through CLOSING to TIME_WAIT (RFC 9293 3.6, case 3).
            inc.simultaneousClose = true;
        }
        e.role = SegmentRole.FIN;
    }

    private void acknowledge(SegmentEvent e, Incarnation inc, EndpointTrack peer) {
        TcpSegment seg = e.segment;
        if (peer.finSent && !peer.finAcked && Seq.afterOrEqual(seg.ack, peer.finSeq + 1)) {
            peer.finAcked = true;
            peer.finAckedTime = e.time();
            peer.finAckedFrame = e.frame();
        } else if (!peer.finSent && peer.sent && seg.ack == peer.sndNxt + 1
                && (peer.ackBeyondTime == 0 || peer.ackBeyondSeq != seg.ack)) {
            // One past everything the peer was seen sending: a FIN (or one byte) the capture
            // missed. Judged only if the incarnation ends without a close (inferUnseenFin).
            peer.ackBeyondSeq = seg.ack;
            peer.ackBeyondTime = e.time();
            peer.ackBeyondFrame = e.frame();
        }
        for (int side = 0; side < 2; side++) {
            EndpointTrack x = inc.ep[side];
            EndpointTrack y = inc.ep[1 - side];
            if (inc.timeWaitStart[side] == 0 && inc.activeCloser(side) && x.finAcked && y.finSent && y.finAcked) {
                // The active closer has its FIN acknowledged and has ACKed the peer's FIN:
                // TIME_WAIT (RFC 9293 3.10.7.4, FIN-WAIT-2 and CLOSING).
                inc.timeWaitStart[side] = e.time();
                inc.timeWaitFrame[side] = e.frame();
                Flow f = e.flow;
                if (f.twCounted() != 0 && (inc.timeWaitStart[1 - side] == 0)) {
                    ledger.end(f, e.time()); // the previous incarnation's TIME_WAIT, if still counted
                }
                inc.timeWaitLiveAtStart[side] = ledger.start(f, inc, side, e.time());
            }
        }
    }

    /**
     * Does a segment arriving in an established incarnation belong to the previous one? It must
     * lie in the previous incarnation's sequence space of its sender (and, with ACK, acknowledge
     * something in the other side's old space), and fit the current incarnation worse: outside its
     * sequence space, or acknowledging nothing the current incarnation sent, or (when the spaces
     * overlap) carrying a TSval older than anything the current incarnation sent.
     */
    private static boolean belongsToPrevious(Flow f, Incarnation inc, int s, TcpSegment seg) {
        int r = 1 - s;
        if (!Seq.between(seg.seq, f.prevMinSeq(s), f.prevSndNxt(s))) {
            return false;
        }
        EndpointTrack me = inc.ep[s];
        EndpointTrack peer = inc.ep[r];
        boolean ack = seg.has(TcpSegment.ACK);
        boolean ackOld = ack && Seq.between(seg.ack, f.prevMinSeq(r), f.prevSndNxt(r));
        if (ack && !ackOld) {
            return false;
        }
        long window = Math.max(65_535L, peer.maxWindowScaled);
        boolean seqNew = me.isnKnown && Seq.between(seg.seq, me.isn, me.sndNxt + (int) Math.min(window, 1 << 30));
        boolean ackNew = ack && peer.isnKnown && Seq.between(seg.ack, peer.isn + 1, peer.sndNxt);
        if (!seqNew) {
            return true;
        }
        if (ack && !ackNew) {
            return true;
        }
        // Both spaces overlap, so sequence numbers cannot tell. Timestamps can (RFC 7323 5: TSvals
        // grow across incarnations), and so can the IPv4 identification where the sender numbers
        // its socket's packets in sequence (Linux does, ip_select_ident_segs): a segment far off
        // the current incarnation's run was sent by another socket, the old incarnation's.
        if (seg.hasTimestamps && me.tsSeen && f.prevTsSeen(s)) {
            return Seq.before(seg.tsVal, me.firstTsVal) && Seq.beforeOrEqual(seg.tsVal, f.prevLastTs(s));
        }
        return me.ipIdOffRun(seg);
    }

    private void noteTimestamps(Incarnation inc, int s, TcpSegment seg, SegmentEvent e) {
        if (!seg.hasTimestamps) {
            return;
        }
        EndpointTrack me = inc.ep[s];
        e.tsRecentBefore = me.lastTsVal;
        e.tsRegressed = me.tsSeen && me.tsRegresses(seg.tsVal);
        me.noteTimestamp(seg.tsVal, e.time());
        if (inc.partial && !inc.timestamps && inc.ep[1 - s].tsSeen) {
            inc.timestamps = true;
        }
    }

    private void updateEndpoint(Incarnation inc, int s, TcpSegment seg, long time, long frame) {
        EndpointTrack me = inc.ep[s];
        int end = seg.seq + seg.segmentLength();
        if (!me.sent) {
            me.sent = true;
            me.minSeq = seg.seq;
            me.sndNxt = end;
        } else {
            if (Seq.before(seg.seq, me.minSeq)) {
                me.minSeq = seg.seq;
            }
            if (Seq.after(end, me.sndNxt)) {
                me.sndNxt = end;
            }
        }
        if (seg.has(TcpSegment.ACK)) {
            if (!me.ackSent || Seq.after(seg.ack, me.maxAckSent)) {
                me.maxAckSent = seg.ack;
            }
            me.ackSent = true;
        }
        if (!seg.has(TcpSegment.RST)) {
            me.window = seg.window;
            // RFC 7323 2.2: the window in a SYN is never scaled.
            int shift = inc.windowScaling && !seg.has(TcpSegment.SYN) ? Math.min(14, Math.max(0, me.windowScaleOffered)) : 0;
            long scaled = (long) seg.window << shift;
            if (scaled > me.maxWindowScaled) {
                me.maxWindowScaled = scaled;
            }
        }
        if (seg.has(TcpSegment.SYN) && seg.hasTimestamps && !me.tsSeen) {
            me.noteTimestamp(seg.tsVal, time);
        }
        me.noteIpId(seg);
        me.lastTime = time;
        me.lastFrame = frame;
        me.lastFlags = seg.flags;
        me.lastSeq = seg.seq;
        me.lastAck = seg.ack;
        me.lastPayload = seg.payloadLength;
    }

    // ---- After the close --------------------------------------------------------------------

    /** A segment with no incarnation in progress belongs to the closed one if it fits its space. */
    private static boolean belongsToClosed(Flow f, int s, TcpSegment seg) {
        if (f.prevCloseKind() != Flow.CloseKind.FIN && f.prevCloseKind() != Flow.CloseKind.RESET) {
            return false;
        }
        return Seq.between(seg.seq, f.prevMinSeq(s) - 1, f.prevSndNxt(s) + 1);
    }

    private void afterClose(SegmentEvent e) {
        Flow f = e.flow;
        TcpSegment seg = e.segment;
        int s = e.side;
        int r = 1 - s;
        e.role = SegmentRole.LATE_OTHER;
        if (f.prevCloseKind() != Flow.CloseKind.FIN) {
            return;
        }
        boolean rst = seg.has(TcpSegment.RST);
        if (rst) {
            if (f.prevHolds(s)) {
                // The TIME_WAIT holder sends a RST: a TIME_WAIT never answers with RST
                // (tcp_timewait_state_process answers ACK or stays silent), so it holds none.
                Flow.Late t = f.late;
                e.rstAnswersPeer = t != null && t.side == r && !seg.has(TcpSegment.ACK)
                        && (!t.hadAck || seg.seq == t.ack) && e.time() - t.time <= ANSWER_WINDOW_NANOS;
                e.role = SegmentRole.LATE_RST_FROM_HOLDER;
                if (f.twCounted() != 0 || !f.prevTwGone()) {
                    timeWaitGone(f, e.time());
                }
            } else if (f.prevHolds(r) && seg.seq == f.prevSndNxt(s)) {
                // A RST with exactly the TIME_WAIT's rcv_nxt kills it (RFC 1337 "TIME-WAIT
                // assassination"; Linux does so unless tcp_rfc1337=1).
                e.role = SegmentRole.TW_ASSASSINATION;
                if (!ledger.hostOf(f, r).rfc1337() && f.twCounted() != 0) {
                    timeWaitGone(f, e.time());
                }
            }
            return;
        }
        if (f.prevHolds(r) && !f.prevHolds(s)) {
            int end = seg.seq + seg.segmentLength();
            boolean finAgain = seg.has(TcpSegment.FIN) && end == f.prevFinSeq(s) + 1;
            if (finAgain || Seq.beforeOrEqual(end, f.prevSndNxt(s))) {
                f.noteTrigger(s, e.frame(), e.time(), seg.ack, seg.has(TcpSegment.ACK), finAgain);
                e.role = finAgain ? SegmentRole.LATE_FIN_RETRANSMIT : SegmentRole.LATE_SEGMENT;
                if (seg.has(TcpSegment.ACK) && f.twCounted() != 0) {
                    // Any ACK-bearing segment restarts a live TIME_WAIT's timer
                    // (tcp_timewait_state_process, inet_twsk_reschedule).
                    f.timeWaitStartedAt(e.time());
                    ledger.restart(f, e.time());
                }
            }
            return;
        }
        if (f.prevHolds(s) && f.triggerSide() == r && seg.has(TcpSegment.ACK)) {
            e.role = SegmentRole.TW_REACK;
            f.clearTrigger();
        }
    }
}
