package dev.twhazard.report;

/**
 * A host's TIME_WAIT load.
 *
 * @param serverActiveCloseShare per server port, the share of connections the host closed
 *     first, as {@code port:share} pairs separated by spaces
 */
public record TimeWaitPressureFinding(Finding.FindingCore core, String host, int peakTimeWait, long peakTimeNanos,
                                      String serverActiveCloseShare) implements Finding {
}
