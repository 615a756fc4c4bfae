package dev.twhazard.detect;

import dev.twhazard.flow.TimeWaitLedger;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the analysis counted, for the run summary.
 *
 * @param classified events examined and explained as something other than a finding (abortive
 *     closes, assassinations, expired TIME_WAITs, ...), so that none is dropped silently
 * @param topTimeWaitHosts hosts by peak concurrent TIME_WAIT, highest first
 */
public record AnalysisStats(long flows, long incarnations, long partialIncarnations,
                            long duplicateSegments, long flowsExpired, long flowsEvicted,
                            Map<HazardId, Long> findings, Map<HazardId, Long> findingsSuppressed,
                            Map<Severity, Long> findingsBySeverity, Map<String, Long> classified,
                            List<TimeWaitLedger.HostTw> topTimeWaitHosts) {

    public static final int TOP_HOSTS = 20;

    public AnalysisStats {
        findings = new EnumMap<>(findings.isEmpty() ? new EnumMap<>(HazardId.class) : findings);
        findingsSuppressed = findingsSuppressed.isEmpty() ? new EnumMap<>(HazardId.class) : new EnumMap<>(findingsSuppressed);
        findingsBySeverity = findingsBySeverity.isEmpty() ? new EnumMap<>(Severity.class) : new EnumMap<>(findingsBySeverity);
        classified = new TreeMap<>(classified);
        topTimeWaitHosts = List.copyOf(topTimeWaitHosts);
    }

    public long findings(HazardId type) {
        return findings.getOrDefault(type, 0L);
    }
}
