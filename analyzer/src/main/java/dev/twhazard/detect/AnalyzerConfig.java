package dev.twhazard.detect;

import dev.twhazard.flow.TrackerConfig;

/**
 * Settings of the analysis.
 *
 * @param tracker the close tracker's settings (TIME_WAIT lengths, memory bounds)
 * @param portRangeLow first client port of the ephemeral range, or 0 to infer it
 * @param portRangeHigh last client port of the ephemeral range, or 0 to infer it
 * @param findingsPerIncarnation per-segment findings reported in full per incarnation and type;
 *     the rest are counted in the summary (Zeek's sampling of repeated weirds)
 * @param minPortUtilization a port_exhaustion_risk finding is reported from this share of the
 *     port range held at once
 * @param minTimeWaitPeak a time_wait_pressure finding is reported for hosts that held at least
 *     this many TIME_WAITs at once (or that showed overflow RSTs)
 */
public record AnalyzerConfig(TrackerConfig tracker, int portRangeLow, int portRangeHigh, int findingsPerIncarnation,
                             double minPortUtilization, int minTimeWaitPeak) {

    public AnalyzerConfig {
        if (portRangeLow < 0 || portRangeHigh > 65535 || portRangeLow > portRangeHigh) {
            throw new IllegalArgumentException("bad port range: " + portRangeLow + "-" + portRangeHigh
                    + " (expected: LOW-HIGH within 1-65535)");
        }
        if (findingsPerIncarnation < 1) {
            throw new IllegalArgumentException("findings per incarnation must be at least 1: " + findingsPerIncarnation);
        }
    }

    public static AnalyzerConfig defaults() {
        return new AnalyzerConfig(TrackerConfig.defaults(), 0, 0, 10, 0.05, 100);
    }

    public AnalyzerConfig withTracker(TrackerConfig t) {
        return new AnalyzerConfig(t, portRangeLow, portRangeHigh, findingsPerIncarnation, minPortUtilization, minTimeWaitPeak);
    }

    public AnalyzerConfig withPortRange(int low, int high) {
        return new AnalyzerConfig(tracker, low, high, findingsPerIncarnation, minPortUtilization, minTimeWaitPeak);
    }

    public boolean portRangeConfigured() {
        return portRangeHigh > 0;
    }
}
