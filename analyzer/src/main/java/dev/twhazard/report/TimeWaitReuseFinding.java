package dev.twhazard.report;

/**
 * A connection attempt on a quadruple whose previous incarnation was still in TIME_WAIT.
 *
 * @param twHolder {@code client}, {@code server} or {@code both} (simultaneous close)
 * @param reusedBy {@code holder} (the TIME_WAIT holder connected again) or {@code peer}
 * @param sinceTwStartSeconds null when the earlier incarnation is outside the capture
 * @param answer first reply to the first SYN: {@code syn_ack}, {@code stale_ack}, {@code rst}, {@code none}
 * @param result {@code established}, {@code established_after_retry}, {@code failed}, {@code unknown}
 * @param protection {@code timestamps}, {@code isn_above_old} or {@code none} (RFC 6191, RFC 1122 4.2.2.13)
 */
public record TimeWaitReuseFinding(Finding.FindingCore core, String twHolder, String reusedBy, Double sinceTwStartSeconds,
                                   double twLengthSeconds, String answer, String result, int synPackets, int staleAcks,
                                   String protection, boolean linuxIsnFingerprint) implements Finding {
}
