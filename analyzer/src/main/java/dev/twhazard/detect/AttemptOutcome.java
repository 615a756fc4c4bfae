package dev.twhazard.detect;

import dev.twhazard.flow.Incarnation;
import dev.twhazard.flow.SynAnswer;

/** How a connection attempt ended, as the findings report it. */
enum AttemptOutcome {
    ESTABLISHED("established"),
    ESTABLISHED_AFTER_RETRY("established_after_retry"),
    FAILED("failed"),
    UNKNOWN("unknown");

    /** A client that sent no SYN for this long (and twice its retry span) has given up. */
    private static final long GIVE_UP_NANOS = 3_000_000_000L;

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
            long quiet = now - inc.synLastTime();
            long span = inc.synLastTime() - inc.synFirstTime();
            return quiet > Math.max(GIVE_UP_NANOS, 2 * span) ? FAILED : UNKNOWN;
        }
        return FAILED;
    }

    /** The first reply to the first SYN, {@code none} when there was none. */
    static SynAnswer firstAnswer(Incarnation inc) {
        return inc.firstAnswer() == null ? SynAnswer.NONE : inc.firstAnswer();
    }
}
