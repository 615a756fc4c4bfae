package dev.twhazard.report;

/**
 * The active closer answered a retransmitted FIN or a late segment with RST: it kept no TIME_WAIT.
 *
 * @param host the RSTing host
 * @param trigger {@code fin_retransmit} or {@code late_segment}
 * @param concurrentTimeWaitEstimate the host's live TIME_WAIT count then (estimates tcp_max_tw_buckets)
 */
public record TwOverflowRstFinding(Finding.FindingCore core, String host, String trigger, int concurrentTimeWaitEstimate)
        implements Finding {
}
