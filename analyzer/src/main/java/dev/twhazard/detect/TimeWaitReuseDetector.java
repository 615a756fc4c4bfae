package dev.twhazard.detect;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.decode.TcpSegment;
import dev.twhazard.flow.Flow;
import dev.twhazard.flow.Incarnation;
import dev.twhazard.flow.Seq;
import dev.twhazard.flow.SegmentEvent;
import dev.twhazard.flow.SegmentRole;
import dev.twhazard.flow.SynAnswer;
import dev.twhazard.report.Finding;
import dev.twhazard.report.TimeWaitReuseFinding;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code time_wait_reuse}: a connection attempt (a SYN with a new ISN, with its retransmissions)
 * on a quadruple whose previous incarnation's TIME_WAIT had not expired. The attempt is followed
 * to its outcome before the finding is emitted.
 *
 * <p>Grading follows what protects the new incarnation from the old one's segments:
 * <ul>
 *   <li>{@code timestamps}: the SYN's TSval is newer than the last one the old incarnation's
 *       holder received from that end (RFC 6191; Linux {@code tcp_timewait_state_process} accepts
 *       a SYN this way, and {@code tcp_twsk_unique} only lets {@code tcp_tw_reuse} take a
 *       TIME_WAIT over when timestamps were on).</li>
 *   <li>{@code isn_above_old}: the SYN's ISN is after the old incarnation's final sequence number
 *       (RFC 1122 4.2.2.13; Linux: {@code after(seq, tw_rcv_nxt)}).</li>
 *   <li>{@code none}: neither; old segments can land in the new connection.</li>
 * </ul>
 * Linux marks a TIME_WAIT takeover with an ISN of the holder's old snd_nxt + 65535 + 2 (in
 * {@code tcp_twsk_unique} for its own reconnect, in {@code tcp_timewait_state_process} for the
 * SYN-ACK it sends when its TIME_WAIT accepts a peer's SYN).
 *
 * <p>Without the earlier incarnation in the capture, the rejection dance itself is unmistakable:
 * a SYN answered by a bare ACK of an unrelated sequence number, then the client's RST carrying
 * exactly that number (RFC 9293 3.10.7.3). It is reported with the server as holder and no
 * start time.
 */
public final class TimeWaitReuseDetector implements Detector {

    static final int SLOT = 0;

    /** What is known of one attempt while it is followed. */
    private static final class Attempt {
        int holderSide;
        boolean bothHold;
        boolean byHolder;
        Long sinceNanos;
        long lengthNanos;
        String protection;
        boolean fingerprint;
        int expectedHolderIsn;
        long twFrame;
        /** The tracker took the TIME_WAIT as killed before this SYN; only a live answer proves otherwise. */
        boolean killedBefore;
        /** The SYN's TSval was older than the one the TIME_WAIT holds: PAWS rejects it (RFC 7323 5). */
        boolean tsOlder;
    }

    private final DetectorContext ctx;

    public TimeWaitReuseDetector(DetectorContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void onSegment(SegmentEvent e) {
        SegmentRole role = e.role();
        if (role == SegmentRole.SYN_NEW_ATTEMPT) {
            start(e);
            return;
        }
        Incarnation inc = e.incarnation();
        if (inc == null) {
            return;
        }
        Attempt a = (Attempt) inc.attachment(SLOT);
        if (role == SegmentRole.RST_TO_STALE_ACK && a == null && !inCaptureTimeWait(e.flow())) {
            a = outsideCapture(e, inc);
            inc.attach(SLOT, a);
            return;
        }
        if (a == null) {
            return;
        }
        if (role == SegmentRole.SYN_ACK && !a.byHolder && e.segment().seq == a.expectedHolderIsn) {
            a.fingerprint = true;
        }
        if (inc.established()) {
            report(e.flow(), inc, e.time());
        }
    }

    @Override
    public void onIncarnationEnd(Flow flow, Incarnation inc, long time) {
        if (inc.attachment(SLOT) != null) {
            report(flow, inc, time);
        }
    }

    private static boolean inCaptureTimeWait(Flow f) {
        return f.prevValid() && f.prevCloseKind() == Flow.CloseKind.FIN && f.prevHolders() != 0;
    }

    private void start(SegmentEvent e) {
        Flow f = e.flow();
        if (!inCaptureTimeWait(f)) {
            return;
        }
        int client = e.side();
        int server = 1 - client;
        long t = e.time();
        boolean clientWithin = ctx.withinTimeWait(f, client, t);
        boolean serverWithin = ctx.withinTimeWait(f, server, t);
        if (!clientWithin && !serverWithin) {
            ctx.classify("reuse_after_time_wait_expired");
            return;
        }
        Attempt a = new Attempt();
        a.killedBefore = e.twGoneBefore();
        a.byHolder = clientWithin;
        a.holderSide = clientWithin ? client : server;
        a.bothHold = clientWithin && serverWithin;
        a.sinceNanos = t - f.prevTwStart(a.holderSide);
        a.lengthNanos = ctx.timeWaitNanos(f, a.holderSide);
        a.twFrame = f.prevTwFrame();
        TcpSegment syn = e.segment();
        a.protection = protection(f, client, syn);
        a.tsOlder = syn.hasTimestamps && f.prevTsSeen(client) && Seq.diff(f.prevLastTs(client), syn.tsVal) > 1;
        a.expectedHolderIsn = linuxTakeoverIsn(f.prevSndNxt(a.holderSide));
        a.fingerprint = a.byHolder && syn.seq == a.expectedHolderIsn;
        e.incarnation().attach(SLOT, a);
    }

    /** RFC 6191 first (timestamps), then RFC 1122 4.2.2.13 (sequence numbers). */
    static String protection(Flow f, int client, TcpSegment syn) {
        if (syn.hasTimestamps && f.prevTsSeen(client) && Seq.after(syn.tsVal, f.prevLastTs(client))) {
            return "timestamps";
        }
        if (Seq.after(syn.seq, f.prevSndNxt(client))) {
            return "isn_above_old";
        }
        return "none";
    }

    /** tw_snd_nxt + 65535 + 2, skipping 0 (tcp_twsk_unique, tcp_timewait_state_process). */
    static int linuxTakeoverIsn(int oldSndNxt) {
        int isn = oldSndNxt + 65535 + 2;
        return isn == 0 ? 1 : isn;
    }

    private Attempt outsideCapture(SegmentEvent e, Incarnation inc) {
        Attempt a = new Attempt();
        int client = inc.clientSide();
        a.holderSide = 1 - client;
        a.byHolder = false;
        a.sinceNanos = null;
        a.lengthNanos = ctx.timeWaitNanos(e.flow(), a.holderSide);
        // The holder rejected the SYN, so neither rule of RFC 6191 / RFC 1122 held for it.
        a.protection = "none";
        a.expectedHolderIsn = 0;
        return a;
    }

    private void report(Flow f, Incarnation inc, long now) {
        Attempt a = (Attempt) inc.attachment(SLOT);
        inc.attach(SLOT, null);
        if (a.killedBefore && !a.fingerprint && inc.staleAcks() == 0) {
            // A RST had already killed that TIME_WAIT (RFC 1337) and nothing in the answer shows
            // a TIME_WAIT (no takeover ISN, no stale ACK): the SYN met none. The assassination is
            // counted in the summary, and this reuse apart from TIME_WAIT reuses.
            ctx.classify("reuse_after_time_wait_killed");
            return;
        }
        AttemptOutcome outcome = AttemptOutcome.of(inc, ctx.captureOver(), now);
        SynAnswer answer = AttemptOutcome.firstAnswer(inc);
        int client = inc.clientSide();
        String holder = a.bothHold ? "both" : (a.holderSide == client ? "client" : "server");
        Severity severity = severity(a, outcome, answer, inc);
        List<Long> frames = new ArrayList<>();
        if (a.twFrame > 0) {
            frames.add(a.twFrame);
        }
        for (long fr : inc.attemptFrames()) {
            frames.add(fr);
        }
        long last = Math.max(inc.synLastTime(), inc.established() ? inc.establishedTime() : 0);
        Finding.FindingCore core = DetectorContext.core(HazardId.TIME_WAIT_REUSE, severity, f, client, inc.number(),
                inc.synFirstTime(), Math.max(last, inc.synFirstTime()), frames,
                explain(f, inc, a, outcome, answer, holder));
        ctx.emit(new TimeWaitReuseFinding(core, holder, a.byHolder ? "holder" : "peer",
                a.sinceNanos == null ? null : Phrases.toSeconds(a.sinceNanos), Phrases.toSeconds(a.lengthNanos),
                answer.label(), outcome.label(), inc.synCount(), inc.staleAcks(), a.protection, a.fingerprint));
    }

    /**
     * Failed attempts are high; a reuse that the holder accepted with nothing to keep old
     * segments out is high too (the data-corruption case); delays (stale ACKs, retries) are
     * medium; a protected reuse that went through at once is low.
     */
    private static Severity severity(Attempt a, AttemptOutcome outcome, SynAnswer answer, Incarnation inc) {
        if (outcome == AttemptOutcome.FAILED) {
            return Severity.HIGH;
        }
        boolean unprotected = a.protection.equals("none");
        if (unprotected && answer == SynAnswer.SYN_ACK && inc.staleAcks() == 0) {
            return Severity.HIGH;
        }
        if (outcome.delayed() || inc.staleAcks() > 0 || unprotected) {
            return Severity.MEDIUM;
        }
        return Severity.LOW;
    }

    private String explain(Flow f, Incarnation inc, Attempt a, AttemptOutcome outcome, SynAnswer answer, String holder) {
        int client = inc.clientSide();
        String c = IpAddress.endpoint(f.address(client), f.port(client));
        String s = IpAddress.endpoint(f.address(1 - client), f.port(1 - client));
        StringBuilder b = new StringBuilder();
        if (a.byHolder) {
            b.append(c).append(" connected again to ").append(s).append(" on a quadruple still in its own TIME_WAIT (")
                    .append(Phrases.duration(a.sinceNanos)).append(" into ").append(Phrases.seconds(a.lengthNanos))
                    .append(")");
            if (a.fingerprint) {
                b.append(", taking it over as Linux tcp_tw_reuse does (ISN = old snd_nxt + 65537)");
            }
        } else if (a.sinceNanos == null) {
            b.append("The SYN from ").append(c).append(" to ").append(s)
                    .append(" met an older incarnation that the server still held (an earlier connection not in this capture)");
        } else {
            b.append("The SYN from ").append(c).append(" met ").append(holder.equals("both") ? "both ends'" : "the " + holder + "'s")
                    .append(" TIME_WAIT of incarnation ").append(f.prevNumber()).append(", ")
                    .append(Phrases.duration(a.sinceNanos)).append(" into ").append(Phrases.seconds(a.lengthNanos));
        }
        b.append("; ");
        switch (answer) {
            case SYN_ACK -> b.append(a.byHolder ? "the server accepted it" : "the TIME_WAIT accepted it");
            case STALE_ACK -> b.append("it was rejected with ").append(inc.staleAcks() == 1 ? "a stale ACK" : inc.staleAcks() + " stale ACKs")
                    .append(" of the old connection").append(a.tsOlder ? " (its timestamp was older than the TIME_WAIT's: PAWS)" : "");
            case RST -> b.append("it was refused with a RST");
            case NONE -> b.append("the first SYN got no answer");
        }
        b.append(", and the connection ");
        switch (outcome) {
            case ESTABLISHED -> b.append("was established at once");
            case ESTABLISHED_AFTER_RETRY -> b.append("was established after ").append(inc.synCount()).append(" SYNs, ")
                    .append(Phrases.duration(inc.establishedTime() - inc.synFirstTime())).append(" late");
            case FAILED -> b.append("failed after ").append(inc.synCount()).append(inc.synCount() == 1 ? " SYN" : " SYNs");
            case UNKNOWN -> b.append("was still pending when the capture ended");
        }
        b.append(". ");
        switch (a.protection) {
            case "timestamps" -> b.append("Its newer timestamps keep the old connection's segments out (RFC 6191).");
            case "isn_above_old" -> b.append("Only its ISN, above the old sequence space (RFC 1122 4.2.2.13), keeps the old"
                    + " connection's segments out; its timestamps do not.");
            default -> b.append("Neither a newer timestamp nor a higher ISN protects it from the old connection's segments.");
        }
        return b.toString();
    }
}
