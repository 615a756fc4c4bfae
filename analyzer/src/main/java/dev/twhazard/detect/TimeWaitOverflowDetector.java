package dev.twhazard.detect;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.flow.EndpointTrack;
import dev.twhazard.flow.Flow;
import dev.twhazard.flow.Incarnation;
import dev.twhazard.flow.Seq;
import dev.twhazard.flow.SegmentEvent;
import dev.twhazard.report.Finding;
import dev.twhazard.report.TwOverflowRstFinding;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tw_overflow_rst}: the active closer answers a retransmitted FIN, or another late segment
 * of the connection it just closed, with a RST. A TIME_WAIT never does that (Linux
 * {@code tcp_timewait_state_process} answers with an ACK or stays silent), and neither does an
 * orphaned FIN_WAIT_2 for a FIN; only a host that kept no state for the quadruple answers
 * {@code <SEQ=SEG.ACK><CTL=RST>} (RFC 9293 3.10.7.1, {@code tcp_v4_send_reset}). Linux keeps no
 * state when {@code tcp_time_wait()} cannot allocate a bucket beyond {@code tcp_max_tw_buckets}
 * (TcpExtTCPTimeWaitOverflow).
 *
 * <p>Look-alikes, told apart where the capture allows and counted in the summary instead:
 * <ul>
 *   <li>an abortive close (RST instead of FIN, SO_LINGER 0): the host never sent a FIN;</li>
 *   <li>a RST for new data after the close (Linux TCPAbortOnData): the trigger carried data;</li>
 *   <li>RFC 1337 TIME_WAIT assassination: an earlier RST had killed the TIME_WAIT;</li>
 *   <li>a TIME_WAIT or FIN_WAIT_2 that simply expired: the RST came after the host's TIME_WAIT
 *       length;</li>
 *   <li>a host that lost all state (reboot): within a few seconds it also answers segments of
 *       connections it never closed with bare RSTs. Candidates are therefore held for
 *       {@value #DECISION_WINDOW_SECONDS} s of capture time before they are reported.</li>
 * </ul>
 */
public final class TimeWaitOverflowDetector implements Detector {

    static final int DECISION_WINDOW_SECONDS = 5;
    /** No FIN_WAIT_2 timeout is shorter than this, so a RST sooner means no state was kept. */
    private static final long FIN_WAIT_2_SURE_NANOS = 2_000_000_000L;
    private static final long DECISION_WINDOW_NANOS = DECISION_WINDOW_SECONDS * 1_000_000_000L;

    private record HostKey(long hi, long lo) {
    }

    /**
     * An overflow RST waiting for the decision window to pass.
     *
     * @param entered when the holder would have entered TIME_WAIT (0 when unknown)
     * @param liveAtEntry the holder's live TIME_WAIT count then, this connection included
     */
    private record Candidate(HostKey host, long time, long entered, int liveAtEntry, Finding.FindingCore core,
                             String holder, String trigger, long sinceClose) {
    }

    /** A close revealed as overflowed: its TIME_WAIT was counted from {@code entered} to {@code revealed}. */
    private record Reveal(long entered, long revealed) {
    }

    private final DetectorContext ctx;
    private final ArrayDeque<Candidate> pending = new ArrayDeque<>();
    private final Map<HostKey, Long> lastStateLoss = new HashMap<>();
    private final Map<HostKey, Integer> overflows = new HashMap<>();
    /** Per host, the overflow reveals of the last TIME_WAIT length (for the estimate). */
    private final Map<HostKey, ArrayDeque<Reveal>> reveals = new HashMap<>();

    public TimeWaitOverflowDetector(DetectorContext ctx) {
        this.ctx = ctx;
    }

    /** Overflow RSTs reported for the host so far. */
    public int overflowsOf(long hi, long lo) {
        return overflows.getOrDefault(new HostKey(hi, lo), 0);
    }

    @Override
    public void onSegment(SegmentEvent e) {
        switch (e.role()) {
            case LATE_RST_FROM_HOLDER -> afterTimeWait(e);
            case RST_AFTER_CLOSE -> afterFinWait2(e);
            case RST_ABORT -> abort(e);
            case TW_ASSASSINATION -> ctx.classify("tw_assassination_rst");
            default -> {
            }
        }
    }

    /** The holder RSTs a late segment of a connection it had fully closed. */
    private void afterTimeWait(SegmentEvent e) {
        Flow f = e.flow();
        int x = e.side();
        if (!e.rstAnswersPeer()) {
            ctx.classify("rst_from_time_wait_holder_unprompted");
            return;
        }
        if (e.twGoneBefore()) {
            ctx.classify("rst_after_time_wait_killed");
            return;
        }
        long sinceClose = e.time() - f.prevEndTime();
        if (sinceClose >= ctx.timeWaitNanos(f, x)) {
            ctx.classify("rst_after_time_wait_expired");
            return;
        }
        String trigger = f.triggerFinRetransmit() ? "fin_retransmit" : "late_segment";
        candidate(e, f, x, f.prevClientSide(), f.prevNumber(), sinceClose, trigger,
                List.of(f.prevTwFrame(), f.triggerFrame(), e.frame()), f.triggerTime(), f.prevEndTime(),
                f.prevTwLiveAtEntry());
    }

    /**
     * The active closer, its FIN acknowledged (FIN_WAIT_2), RSTs the peer's FIN or another
     * segment without new data: an orphaned FIN_WAIT_2 lives in a TIME_WAIT bucket too
     * ({@code tcp_time_wait(sk, TCP_FIN_WAIT2, ...)}), so the table was full when it closed.
     */
    private void afterFinWait2(SegmentEvent e) {
        Incarnation inc = e.incarnation();
        int x = e.side();
        EndpointTrack closer = inc.endpoint(x);
        EndpointTrack peer = inc.endpoint(1 - x);
        if (!e.rstAnswersPeer()) {
            ctx.classify("rst_after_fin_unprompted");
            return;
        }
        int peerDataEnd = peer.sndNxt() - (peer.finSent() ? 1 : 0);
        if (Seq.after(peerDataEnd, closer.maxAckSent())) {
            // The peer sent data the closer never acknowledged: a live socket that was closed
            // resets on new data too (Linux TCPAbortOnData), e.g. a TLS close_notify after the FIN.
            ctx.classify("rst_on_data_after_close");
            return;
        }
        long since = e.time() - closer.finAckedTime();
        if (since > FIN_WAIT_2_SURE_NANOS) {
            // An orphaned FIN_WAIT_2 ends after tcp_fin_timeout (often tuned far below 60 s), and
            // then a RST is the right answer; only an answer this soon proves no state was kept.
            ctx.classify("rst_after_fin_wait_2_maybe_expired");
            return;
        }
        boolean finAgain = (peer.lastFlags() & dev.twhazard.decode.TcpSegment.FIN) != 0 && peer.finTransmissions() > 1;
        candidate(e, e.flow(), x, inc.clientSide(), inc.number(), since, finAgain ? "fin_retransmit" : "late_segment",
                List.of(closer.finFrame(), peer.lastFrame(), e.frame()), peer.lastTime(), 0, 0);
    }

    /**
     * A bare RST answering a segment of a connection the host never closed: a live socket never
     * does that, so the host has lost its state (reboot, crash, flushed tables).
     */
    private void abort(SegmentEvent e) {
        Incarnation inc = e.incarnation();
        if (e.rstAnswersPeer() && inc != null && inc.established() && !inc.endpoint(e.side()).finSent()) {
            lastStateLoss.put(new HostKey(e.flow().hi(e.side()), e.flow().lo(e.side())), e.time());
            ctx.classify("rst_without_socket_in_open_connection");
        } else {
            ctx.classify("abortive_close_rst");
        }
    }

    private void candidate(SegmentEvent e, Flow f, int x, int clientSide, int incarnation, long sinceClose,
                           String trigger, List<Long> frames, long triggerTime, long entered, int liveAtEntry) {
        HostKey host = new HostKey(f.hi(x), f.lo(x));
        if (entered > 0) {
            reveals.computeIfAbsent(host, k -> new ArrayDeque<>()).addLast(new Reveal(entered, e.time()));
        }
        List<Long> evidence = frames.stream().filter(fr -> fr > 0).distinct().sorted().toList();
        Finding.FindingCore core = DetectorContext.core(HazardId.TW_OVERFLOW_RST, Severity.MEDIUM, f, clientSide,
                incarnation, Math.min(triggerTime, e.time()), e.time(), evidence, "");
        pending.addLast(new Candidate(host, e.time(), entered, liveAtEntry > 0 ? liveAtEntry
                : ctx.ledger().hostOf(f, x).live(), core, IpAddress.endpoint(f.address(x), f.port(x)), trigger,
                sinceClose));
    }

    /**
     * The host's TIME_WAIT count when this close wanted a bucket: the count then, less this close
     * and less the other closes counted then but later revealed as overflowed (none of them held
     * a bucket). With every overflowed close revealed, this is the bucket limit itself.
     */
    private int estimate(Candidate c) {
        if (c.entered == 0) {
            return c.liveAtEntry;
        }
        int unbucketed = 0;
        for (Reveal r : reveals.getOrDefault(c.host, new ArrayDeque<>())) {
            if (r.entered != c.entered && r.entered <= c.entered && c.entered < r.revealed) {
                unbucketed++;
            }
        }
        return Math.max(0, c.liveAtEntry - 1 - unbucketed);
    }

    @Override
    public void onClock(long now) {
        Candidate c;
        while ((c = pending.peekFirst()) != null && now - c.time >= DECISION_WINDOW_NANOS) {
            pending.pollFirst();
            decide(c);
        }
    }

    @Override
    public void finish() {
        while (!pending.isEmpty()) {
            decide(pending.pollFirst());
        }
    }

    private void decide(Candidate c) {
        Long loss = lastStateLoss.get(c.host);
        if (loss != null && Math.abs(loss - c.time) <= DECISION_WINDOW_NANOS) {
            ctx.classify("rst_after_state_loss");
            return;
        }
        overflows.merge(c.host, 1, Integer::sum);
        int estimate = estimate(c);
        if (c.entered > 0) {
            ctx.ledger().host(c.host.hi(), c.host.lo()).capAt(estimate);
        }
        Finding.FindingCore k = c.core;
        String hostIp = IpAddress.format(c.host.hi(), c.host.lo());
        boolean hostIsClient = k.clientIp().equals(hostIp);
        String peer = IpAddress.endpoint(hostIsClient ? k.serverIp() : k.clientIp(), hostIsClient ? k.serverPort() : k.clientPort());
        String explanation = c.holder + " answered " + (c.trigger.equals("fin_retransmit") ? "the retransmitted FIN" : "a late segment")
                + " of " + peer + " with a RST " + Phrases.duration(c.sinceClose) + " after it closed the connection, so it kept no"
                + " TIME_WAIT (or FIN_WAIT_2) state for it: the signature of a full TIME_WAIT table"
                + " (net.ipv4.tcp_max_tw_buckets, counted as TcpExtTCPTimeWaitOverflow); it held about " + estimate
                + " TIME_WAITs when this connection closed, which estimates that limit.";
        Finding.FindingCore core = new Finding.FindingCore(k.type(), k.severity(), k.firstTimeNanos(), k.lastTimeNanos(),
                k.clientIp(), k.clientPort(), k.serverIp(), k.serverPort(), k.incarnation(), k.frames(), explanation);
        ctx.emit(new TwOverflowRstFinding(core, hostIp, c.trigger, estimate));
        pruneReveals(c.host, c.time);
    }

    /** Reveals older than any TIME_WAIT can be are of no use to later estimates. */
    private void pruneReveals(HostKey host, long now) {
        ArrayDeque<Reveal> q = reveals.get(host);
        long horizon = now - ctx.config().tracker().timeWait().maxNanos() - DECISION_WINDOW_NANOS;
        while (q != null && !q.isEmpty() && q.peekFirst().revealed < horizon) {
            q.pollFirst();
        }
    }
}
