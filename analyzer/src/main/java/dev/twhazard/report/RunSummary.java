package dev.twhazard.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.twhazard.decode.IpAddress;
import dev.twhazard.detect.AnalysisStats;
import dev.twhazard.detect.AnalyzerConfig;
import dev.twhazard.detect.HazardId;
import dev.twhazard.detect.Severity;
import dev.twhazard.flow.TimeWaitLedger;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run read and found: packets read, decoded and skipped by reason, flows, incarnations,
 * findings per type and severity, events classified as something other than a finding, and the
 * hosts with the most TIME_WAIT. Every packet read is accounted for:
 * {@code packets_read = packets_decoded + sum(packets_skipped)} ({@link #checkAccounting()}).
 */
@JsonPropertyOrder({"inputs", "packets_read", "packets_decoded", "packets_skipped", "unsupported_link_types", "capture_warnings",
    "first_packet_time", "last_packet_time", "duration_s", "duplicate_segments", "flows", "incarnations",
    "partial_incarnations", "flows_expired", "flows_evicted", "findings", "findings_suppressed",
    "findings_by_severity", "classified", "time_wait_hosts", "settings"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunSummary {

    /** One input file (or standard input). */
    @JsonPropertyOrder({"name", "packets", "warnings", "error"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(@JsonProperty("name") String name, @JsonProperty("packets") long packets,
                        @JsonProperty("warnings") long warnings, @JsonProperty("error") String error) {
    }

    /**
     * A host's TIME_WAIT load, with its peak count per bucket over time (10 s buckets, wider on
     * captures longer than {@link TimeWaitLedger#SERIES_MAX_BUCKETS} of them).
     */
    @JsonPropertyOrder({"host", "peak_time_wait", "peak_time", "time_wait_entered", "time_wait_length_s",
        "series_start", "series_bucket_s", "series"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HostTimeWait(@JsonProperty("host") String host, @JsonProperty("peak_time_wait") int peak,
                               @JsonProperty("peak_time") BigDecimal peakTime,
                               @JsonProperty("time_wait_entered") long entered,
                               @JsonProperty("time_wait_length_s") double lengthSeconds,
                               @JsonProperty("series_start") BigDecimal seriesStart,
                               @JsonProperty("series_bucket_s") Double bucketSeconds,
                               @JsonProperty("series") int[] series) {

        static HostTimeWait of(TimeWaitLedger.HostTw h) {
            boolean hasSeries = h.seriesStart() >= 0;
            return new HostTimeWait(IpAddress.format(h.hi(), h.lo()), h.peak(), FindingRow.seconds(h.peakTime()),
                    h.entered(), h.timeWaitNanos() / 1e9, hasSeries ? FindingRow.seconds(h.seriesStart()) : null,
                    hasSeries ? h.seriesBucketNanos() / 1e9 : null, hasSeries ? h.series() : null);
        }
    }

    @JsonProperty("inputs")
    public final List<Input> inputs = new ArrayList<>();
    @JsonProperty("packets_read")
    public long packetsRead;
    @JsonProperty("packets_decoded")
    public long packetsDecoded;
    @JsonProperty("packets_skipped")
    public final Map<String, Long> packetsSkipped = new LinkedHashMap<>();
    /** Packets skipped because their link type is not decoded, by LINKTYPE_* value. */
    @JsonProperty("unsupported_link_types")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public final Map<String, Long> unsupportedLinkTypes = new LinkedHashMap<>();
    @JsonProperty("capture_warnings")
    public long captureWarnings;
    @JsonProperty("first_packet_time")
    public BigDecimal firstPacketTime;
    @JsonProperty("last_packet_time")
    public BigDecimal lastPacketTime;
    @JsonProperty("duration_s")
    public BigDecimal durationSeconds;
    @JsonProperty("duplicate_segments")
    public long duplicateSegments;
    @JsonProperty("flows")
    public long flows;
    @JsonProperty("incarnations")
    public long incarnations;
    @JsonProperty("partial_incarnations")
    public long partialIncarnations;
    @JsonProperty("flows_expired")
    public long flowsExpired;
    @JsonProperty("flows_evicted")
    public long flowsEvicted;
    @JsonProperty("findings")
    public final Map<String, Long> findings = new LinkedHashMap<>();
    @JsonProperty("findings_suppressed")
    public final Map<String, Long> findingsSuppressed = new LinkedHashMap<>();
    @JsonProperty("findings_by_severity")
    public final Map<String, Long> findingsBySeverity = new LinkedHashMap<>();
    @JsonProperty("classified")
    public final Map<String, Long> classified = new LinkedHashMap<>();
    @JsonProperty("time_wait_hosts")
    public final List<HostTimeWait> timeWaitHosts = new ArrayList<>();
    @JsonProperty("settings")
    public final Map<String, Object> settings = new LinkedHashMap<>();

    /**
     * The analysis is over: copies its counters and the settings that shaped it in, then checks
     * that every packet read was decoded or skipped.
     */
    public void complete(AnalysisStats stats, AnalyzerConfig config) {
        analysis(stats);
        settings.put("time_wait_default_s", config.tracker().timeWait().defaultNanos() / 1e9);
        if (config.portRangeConfigured()) {
            settings.put("port_range", config.portRangeLow() + "-" + config.portRangeHigh());
        }
        checkAccounting();
    }

    private void analysis(AnalysisStats s) {
        duplicateSegments = s.duplicateSegments();
        flows = s.flows();
        incarnations = s.incarnations();
        partialIncarnations = s.partialIncarnations();
        flowsExpired = s.flowsExpired();
        flowsEvicted = s.flowsEvicted();
        for (HazardId h : HazardId.values()) {
            findings.put(h.id(), s.findings(h));
            long sup = s.findingsSuppressed().getOrDefault(h, 0L);
            if (sup > 0) {
                findingsSuppressed.put(h.id(), sup);
            }
        }
        for (Severity v : Severity.values()) {
            findingsBySeverity.put(v.label(), s.findingsBySeverity().getOrDefault(v, 0L));
        }
        classified.putAll(s.classified());
        for (TimeWaitLedger.HostTw h : s.topTimeWaitHosts()) {
            if (h.peak() > 0) {
                timeWaitHosts.add(HostTimeWait.of(h));
            }
        }
    }

    /** Counts one more skipped packet for the reason. */
    public void skip(String reason) {
        packetsSkipped.merge(reason, 1L, Long::sum);
    }

    public long skippedTotal() {
        return packetsSkipped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every packet read is decoded or skipped for a reason; throws if the books do not balance. */
    public void checkAccounting() {
        if (packetsRead != packetsDecoded + skippedTotal()) {
            throw new IllegalStateException("packet accounting: read " + packetsRead + " (expected: decoded "
                    + packetsDecoded + " + skipped " + skippedTotal() + ")");
        }
    }

    public long findings(HazardId type) {
        return findings.getOrDefault(type.id(), 0L);
    }
}
