package dev.twhazard.report;

/**
 * Client-port occupancy of one (client ip, server ip, server port).
 *
 * @param portRangeSource {@code configured}, {@code observed} (the ports wrapped around) or
 *     {@code os_default} (the default range that contains the observed ports)
 * @param headroomMin the fewest free client ports at any moment
 * @param headroomMinTimeNanos when that was
 */
public record PortExhaustionRiskFinding(Finding.FindingCore core, int peakPortsInTimeWait, int portRangeSize,
                                        String portRangeSource, double sustainableRatePerSecond, int headroomMin,
                                        long headroomMinTimeNanos) implements Finding {
}
