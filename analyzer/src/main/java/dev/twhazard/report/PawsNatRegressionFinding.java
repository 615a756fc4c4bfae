package dev.twhazard.report;

/**
 * A SYN or segment whose TSval is older than what the receiving side holds (RFC 7323 5).
 *
 * @param scope {@code time_wait}, {@code source_ip} or {@code connection}
 * @param tsval the offending TSval (unsigned)
 * @param tsRecent the value it regressed against (unsigned)
 * @param clocksBehindIp estimated distinct timestamp clocks behind the sender's IP
 * @param answer {@code syn_ack}, {@code stale_ack}, {@code rst}, {@code none}, or {@code ack}
 *     (a segment inside a connection that was acknowledged)
 * @param packets offending packets this finding covers
 */
public record PawsNatRegressionFinding(Finding.FindingCore core, String scope, long tsval, long tsRecent,
                                       int clocksBehindIp, String answer, int packets) implements Finding {
}
