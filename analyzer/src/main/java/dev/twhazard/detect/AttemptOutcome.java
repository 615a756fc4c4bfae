package dev.twhazard.detect;

import dev.twhazard.flow.Incarnation;
import dev.twhazard.flow.SynAnswer;

/** How a connection attempt ended, as the findings report it. */
enum AttemptOutcome {
    ESTABLISHED("established"),
    ESTABLISHED_AFTER_RETRY("established_after_retry"),
    FAILED("failed"),
    UNKNOWN("unknown");

    /**
     * With a single SYN seen, a client silent this long has given up: every common stack
     * retransmits its first SYN within 3 s (Linux after 1 s, TCP_TIMEOUT_INIT; Windows after 3 s).
     */
    private static final long GIVE_UP_AFTER_ONE_SYN_NANOS = 6_000_000_000L;
    private static final long GIVE_UP_SLACK_NANOS = 200_000_000L;

    private final String label;

    AttemptOutcome(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    boolean delayed() {
        return this == ESTABLISHED_AFTER_RETRY;
    }

    /**
     * @param captureOver the capture ended with the attempt still open (else the attempt was
     *     replaced by a new one or expired, which means it failed)
     */
    static AttemptOutcome of(Incarnation inc, boolean captureOver, long now) {
        if (inc.established()) {
            return inc.synCount() > 1 || inc.staleAcks() > 0 ? ESTABLISHED_AFTER_RETRY : ESTABLISHED;
        }
        if (inc.refused()) {
            return FAILED;
        }
        if (captureOver) {
            return now - inc.synLastTime() > giveUpAfter(inc) ? FAILED : UNKNOWN;
        }
        return FAILED;
    }

    /**
     * How long after its last SYN a client that has not retried has given up: a retransmission
     * timer at most doubles (RFC 6298 5.5), so the next SYN would have come within twice the last
     * gap between SYNs (plus slack for timer granularity).
     */
    static long giveUpAfter(Incarnation inc) {
        if (inc.synCount() < 2 || inc.synPrevTime() == 0) {
            return GIVE_UP_AFTER_ONE_SYN_NANOS;
        }
        long lastGap = inc.synLastTime() - inc.synPrevTime();
        return lastGap * 2 + lastGap / 10 + GIVE_UP_SLACK_NANOS;
    }

    /** The first reply to the first SYN, {@code none} when there was none. */
    static SynAnswer firstAnswer(Incarnation inc) {
        return inc.firstAnswer() == null ? SynAnswer.NONE : inc.firstAnswer();
    }
}
