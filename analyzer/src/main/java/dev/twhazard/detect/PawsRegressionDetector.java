package dev.twhazard.detect;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.decode.TcpSegment;
import dev.twhazard.flow.EndpointTrack;
import dev.twhazard.flow.Flow;
import dev.twhazard.flow.Incarnation;
import dev.twhazard.flow.Seq;
import dev.twhazard.flow.SegmentEvent;
import dev.twhazard.flow.SegmentRole;
import dev.twhazard.flow.SynAnswer;
import dev.twhazard.flow.TimeWaitLedger;
import dev.twhazard.report.Finding;
import dev.twhazard.report.PawsNatRegressionFinding;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code paws_nat_regression}: a TSval older than what the receiving side holds (PAWS, RFC 7323
 * 5), in the most specific of three scopes:
 * <ul>
 *   <li>{@code time_wait}: a SYN whose TSval is older than the TS.Recent of the TIME_WAIT it meets
 *       on the same quadruple. Linux rejects it ({@code tcp_timewait_state_process}: paws_reject,
 *       counted as TcpExtPAWSTimewait) with a stale ACK, whatever its sequence number. Behind a
 *       NAT this is another host's clock landing on a quadruple the previous host left in
 *       TIME_WAIT.</li>
 *   <li>{@code source_ip}: a SYN whose TSval is older than the newest one the same source IP sent
 *       within the last 60 s (TCP_PAWS_MSL), where that IP's clocks are comparable across
 *       connections. Old Linux with {@code tcp_tw_recycle} and some middleboxes drop such SYNs
 *       silently; the sign is SYN retransmissions with no answer.</li>
 *   <li>{@code connection}: a segment whose TSval goes backwards within one connection by more
 *       than PAWS's one-tick window (RFC 7323 5.3; the 24-day idle exemption of 5.5 applies).
 *       Segments of the previous incarnation are reported as {@code old_incarnation_segment}
 *       instead.</li>
 * </ul>
 */
public final class PawsRegressionDetector implements Detector {

    static final int SLOT = 1;
    private static final long PAWS_MSL_NANOS = 60_000_000_000L;
    private static final long PAWS_24DAYS_NANOS = 24L * 86_400 * 1_000_000_000L;
    private static final long ANSWER_WINDOW_NANOS = 1_000_000_000L;

    private enum Scope {
        TIME_WAIT("time_wait"), SOURCE_IP("source_ip"), CONNECTION("connection");

        final String label;

        Scope(String label) {
            this.label = label;
        }
    }

    /** A regression being followed until its answer is known. */
    private static final class Pending {
        Scope scope;
        int side;
        int tsVal;
        int tsRecent;
        int packets;
        long firstTime;
        long lastTime;
        final List<Long> frames = new ArrayList<>();
        TimestampClocks.Source source;
        int expectedAck;
        String answer;
        /** The TIME_WAIT was taken as killed before the SYN: only a stale ACK shows it alive. */
        boolean needsLiveTimeWait;
        /** When each regressed SYN of the attempt was sent. */
        final List<Long> synTimes = new ArrayList<>();
    }

    private static final int MAX_SYNS = 64;

    private final DetectorContext ctx;
    private final TimestampClocks clocks = new TimestampClocks();

    public PawsRegressionDetector(DetectorContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void onSegment(SegmentEvent e) {
        SegmentRole role = e.role();
        Incarnation inc = e.incarnation();
        if (inc == null || role == SegmentRole.DUPLICATE) {
            return;
        }
        Pending p = (Pending) inc.attachment(SLOT);
        switch (role) {
            case SYN_NEW_ATTEMPT -> {
                if (e.segment().hasTimestamps) {
                    syn(e, inc);
                }
            }
            case SYN_RETRANSMIT -> {
                if (p != null && p.scope != Scope.CONNECTION && e.segment().hasTimestamps
                        && Seq.diff(p.tsRecent, e.segment().tsVal) > 1 && p.synTimes.size() < MAX_SYNS) {
                    p.synTimes.add(e.time());
                    p.lastTime = e.time();
                    p.frames.add(e.frame());
                }
            }
            case OLD_INCARNATION -> {
            }
            default -> {
                if (p != null && p.scope == Scope.CONNECTION) {
                    answerConnection(e, inc, p);
                } else if (p != null && inc.established()) {
                    finishAttempt(e.flow(), inc, p, e.time());
                }
                if (e.tsRegressed() && inc.timestamps() && inc.established() && inc.attachment(SLOT) == null) {
                    connection(e, inc);
                }
            }
        }
    }

    /** Idle sources are forgotten (the idle time is well beyond the 60 s PAWS window of per-host checks). */
    @Override
    public void sweep(long idleBefore) {
        clocks.sweep(idleBefore);
    }

    @Override
    public void onIncarnationEnd(Flow flow, Incarnation inc, long time) {
        Pending p = (Pending) inc.attachment(SLOT);
        if (p != null) {
            if (p.scope == Scope.CONNECTION) {
                emitConnection(flow, inc, p);
            } else {
                finishAttempt(flow, inc, p, time);
            }
        }
        // Like tcp_remember_stamp: the newest TSval the client sent stays known for its address (the
        // scopes here judge SYNs, so only the SYN sender's clock matters).
        int client = inc.clientSide();
        if (client >= 0 && inc.endpoint(client).tsSeen() && !inc.partial()) {
            EndpointTrack t = inc.endpoint(client);
            // The SYN's lookup (syn) has usually found the client's source already.
            clocks.remember(clocks.sourceOf(flow, client, time, inc.memo()), t.lastTsVal(), t.lastTsTime());
        }
    }

    private void syn(SegmentEvent e, Incarnation inc) {
        Flow f = e.flow();
        TcpSegment syn = e.segment();
        int s = e.side();
        int r = 1 - s;
        // The client's source, as the connection's (client, server, port) record last saw it.
        TimeWaitLedger.TupleTw tuple = inc.tuple();
        TimestampClocks.Source src = clocks.sourceOf(f, s, e.time(), tuple == null ? null : tuple.memo());
        if (tuple != null) {
            tuple.memo(src);
        }
        inc.memo(src);
        Pending p = null;
        if (f.prevValid() && f.prevCloseKind() == Flow.CloseKind.FIN && f.prevTsSeen(s)
                && ctx.withinTimeWait(f, r, e.time()) && Seq.diff(f.prevLastTs(s), syn.tsVal) > 1) {
            p = pending(Scope.TIME_WAIT, e, f.prevLastTs(s));
            p.needsLiveTimeWait = e.twGoneBefore();
        } else if (src.comparable() && src.hasLatest && e.time() - src.latestTsTime < PAWS_MSL_NANOS
                && Seq.diff(src.latestTs, syn.tsVal) > 1) {
            p = pending(Scope.SOURCE_IP, e, src.latestTs);
        }
        clocks.observeFirst(src, ports(f, s), inc.number(), syn.tsVal, e.time(),
                f.prevValid() ? f.prevLastTs(s) : 0, f.prevValid() && f.prevTsSeen(s) ? f.prevEndTime() : 0);
        if (p != null) {
            p.source = src;
            inc.attach(SLOT, p);
        }
    }

    private static int ports(Flow f, int side) {
        return f.port(side) << 16 | f.port(1 - side);
    }

    private static Pending pending(Scope scope, SegmentEvent e, int tsRecent) {
        Pending p = new Pending();
        p.scope = scope;
        p.side = e.side();
        p.tsVal = e.segment().tsVal;
        p.tsRecent = tsRecent;
        p.packets = 1;
        p.firstTime = p.lastTime = e.time();
        p.frames.add(e.frame());
        p.synTimes.add(e.time());
        return p;
    }

    private void connection(SegmentEvent e, Incarnation inc) {
        EndpointTrack sender = inc.endpoint(e.side());
        // RFC 7323 5.5: after 24 days of idleness TS.Recent is no longer trusted.
        if (e.time() - sender.lastTsTime() > PAWS_24DAYS_NANOS) {
            return;
        }
        if (inc.pawsFindings() >= ctx.config().findingsPerIncarnation()) {
            ctx.suppress(HazardId.PAWS_NAT_REGRESSION);
            return;
        }
        inc.countPawsFinding();
        Pending p = pending(Scope.CONNECTION, e, e.tsRecentBefore());
        p.expectedAck = e.segment().seq + e.segment().segmentLength();
        Flow f = e.flow();
        p.source = clocks.sourceOf(f, e.side(), e.time());
        inc.attach(SLOT, p);
    }

    /** The receiver's next segment tells whether it dropped the segment (RFC 7323 5.3: dup ACK). */
    private void answerConnection(SegmentEvent e, Incarnation inc, Pending p) {
        if (e.side() == p.side) {
            if (e.tsRegressed() && e.time() - p.lastTime <= ANSWER_WINDOW_NANOS) {
                p.packets++;
                p.lastTime = e.time();
                p.frames.add(e.frame());
                p.expectedAck = e.segment().seq + e.segment().segmentLength();
            } else if (e.time() - p.lastTime > ANSWER_WINDOW_NANOS) {
                p.answer = "none";
                emitConnection(e.flow(), inc, p);
            }
            return;
        }
        TcpSegment seg = e.segment();
        if (seg.has(TcpSegment.RST)) {
            p.answer = "rst";
        } else if (seg.has(TcpSegment.ACK) && Seq.afterOrEqual(seg.ack, p.expectedAck)) {
            p.answer = "ack";
        } else {
            p.answer = "stale_ack";
        }
        p.frames.add(e.frame());
        emitConnection(e.flow(), inc, p);
    }

    private void emitConnection(Flow f, Incarnation inc, Pending p) {
        inc.attach(SLOT, null);
        String answer = p.answer == null ? "none" : p.answer;
        int s = p.side;
        String explanation = IpAddress.endpoint(f.address(s), f.port(s)) + " sent TSval " + Seq.unsigned(p.tsVal)
                + " after TSval " + Seq.unsigned(p.tsRecent) + " in the same connection (incarnation " + inc.number()
                + "): its timestamp clock went backwards, so PAWS (RFC 7323 5.3) makes the receiver drop the segment"
                + (answer.equals("stale_ack") ? ", and it answered with a duplicate ACK" : "")
                + "; two hosts sharing one NAT mapping, or a host whose clock jumped, do this.";
        Finding.FindingCore core = DetectorContext.core(HazardId.PAWS_NAT_REGRESSION,
                answer.equals("stale_ack") ? Severity.MEDIUM : Severity.LOW, f, inc.clientSide(), inc.number(),
                p.firstTime, p.lastTime, p.frames, explanation);
        ctx.emit(new PawsNatRegressionFinding(core, p.scope.label, Seq.unsigned(p.tsVal), Seq.unsigned(p.tsRecent),
                p.source.clocks(), answer, p.packets));
    }

    /**
     * PAWS rejects a SYN only while the TIME_WAIT lives: once the client's RST has killed it
     * (tcp_rfc1337=0), the retries reach a listener instead. A holder that kept its TIME_WAIT
     * through the RST (tcp_rfc1337=1) rejects every retry.
     */
    private int synsThatMetTheTimeWait(Flow f, Pending p) {
        int holder = 1 - p.side;
        boolean keeps = ctx.ledger().hostOf(f, holder).rfc1337();
        long gone = f.prevTwGone() && !keeps ? f.prevTwGoneTime() : Long.MAX_VALUE;
        int n = 0;
        for (long t : p.synTimes) {
            if (t < gone) {
                n++;
            }
        }
        return Math.max(1, n);
    }

    private void finishAttempt(Flow f, Incarnation inc, Pending p, long now) {
        inc.attach(SLOT, null);
        if (p.needsLiveTimeWait && inc.staleAcks() == 0) {
            ctx.classify("ts_regression_after_time_wait_killed");
            return;
        }
        if (p.scope == Scope.TIME_WAIT) {
            p.packets = synsThatMetTheTimeWait(f, p);
        }
        AttemptOutcome outcome = AttemptOutcome.of(inc, ctx.captureOver(), now);
        SynAnswer answer = AttemptOutcome.firstAnswer(inc);
        for (long fr : inc.attemptFrames()) {
            if (!p.frames.contains(fr)) {
                p.frames.add(fr);
            }
        }
        p.frames.sort(null);
        Severity severity;
        if (outcome == AttemptOutcome.FAILED) {
            severity = Severity.HIGH;
        } else if (answer == SynAnswer.SYN_ACK) {
            severity = Severity.LOW;
        } else if (p.scope == Scope.SOURCE_IP && answer == SynAnswer.NONE) {
            severity = Severity.HIGH;
        } else {
            severity = Severity.MEDIUM;
        }
        int s = p.side;
        String who = IpAddress.endpoint(f.address(s), f.port(s));
        int clocksBehind = p.source.clocks();
        StringBuilder b = new StringBuilder();
        if (p.scope == Scope.TIME_WAIT) {
            b.append("The SYN from ").append(who).append(" carried TSval ").append(Seq.unsigned(p.tsVal))
                    .append(", older than the TS.Recent ").append(Seq.unsigned(p.tsRecent))
                    .append(" that the TIME_WAIT of the previous incarnation holds on the same quadruple, so PAWS rejects it");
        } else {
            b.append("The SYN from ").append(who).append(" carried TSval ").append(Seq.unsigned(p.tsVal))
                    .append(", older than TSval ").append(Seq.unsigned(p.tsRecent))
                    .append(" that the same IP sent less than 60 s before, so a per-host PAWS check (tcp_tw_recycle, some middleboxes) drops it");
        }
        b.append(clocksBehind > 1 ? "; about " + clocksBehind + " timestamp clocks share that IP (hosts behind a NAT)" : "");
        b.append("; first answer: ").append(answer.label()).append(", result: ").append(outcome.label())
                .append(p.packets > 1 ? " after " + p.packets + " regressed SYNs" : "").append('.');
        Finding.FindingCore core = DetectorContext.core(HazardId.PAWS_NAT_REGRESSION, severity, f, inc.clientSide(),
                inc.number(), p.firstTime, Math.max(p.lastTime, inc.established() ? inc.establishedTime() : p.lastTime),
                p.frames, b.toString());
        ctx.emit(new PawsNatRegressionFinding(core, p.scope.label, Seq.unsigned(p.tsVal), Seq.unsigned(p.tsRecent),
                clocksBehind, answer.label(), p.packets));
    }
}
