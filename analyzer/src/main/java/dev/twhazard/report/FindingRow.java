package dev.twhazard.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Any finding flattened into the stable set of columns that the CSV and JSON outputs share.
 * Column names and their order are a contract (scripts and spreadsheets depend on them): add
 * columns only at the end of a type's group, never rename or reorder. Fields that do not apply
 * to a finding's type are null: an empty CSV cell, an absent JSON field.
 *
 * <p>Times are epoch seconds with microseconds (numbers); {@code first_time_utc} and
 * {@code last_time_utc} repeat the first two as {@code yyyy-MM-dd HH:mm:ss.SSSSSS} UTC, which
 * spreadsheets read as date-times.
 */
@JsonPropertyOrder({
    "type", "severity", "first_time", "last_time", "first_time_utc", "last_time_utc",
    "client_ip", "client_port", "server_ip", "server_port", "incarnation", "frames",
    "tw_holder", "reused_by", "since_tw_start_s", "tw_length_s", "answer", "result", "syn_packets", "stale_acks",
    "protection", "linux_isn_fingerprint",
    "in_window", "direction",
    "scope", "tsval", "ts_recent", "clocks_behind_ip", "packets",
    "host", "trigger", "concurrent_time_wait_estimate",
    "peak_ports_in_time_wait", "port_range_size", "port_range_source", "sustainable_rate_per_s", "headroom_min",
    "headroom_min_time",
    "peak_time_wait", "peak_time", "server_active_close_share",
    "explanation"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FindingRow(
        @JsonProperty("type") String type,
        @JsonProperty("severity") String severity,
        @JsonProperty("first_time") BigDecimal firstTime,
        @JsonProperty("last_time") BigDecimal lastTime,
        @JsonProperty("first_time_utc") String firstTimeUtc,
        @JsonProperty("last_time_utc") String lastTimeUtc,
        @JsonProperty("client_ip") String clientIp,
        @JsonProperty("client_port") Integer clientPort,
        @JsonProperty("server_ip") String serverIp,
        @JsonProperty("server_port") Integer serverPort,
        @JsonProperty("incarnation") Integer incarnation,
        @JsonProperty("frames") List<Long> frames,
        @JsonProperty("tw_holder") String twHolder,
        @JsonProperty("reused_by") String reusedBy,
        @JsonProperty("since_tw_start_s") Double sinceTwStartS,
        @JsonProperty("tw_length_s") Double twLengthS,
        @JsonProperty("answer") String answer,
        @JsonProperty("result") String result,
        @JsonProperty("syn_packets") Integer synPackets,
        @JsonProperty("stale_acks") Integer staleAcks,
        @JsonProperty("protection") String protection,
        @JsonProperty("linux_isn_fingerprint") Boolean linuxIsnFingerprint,
        @JsonProperty("in_window") Boolean inWindow,
        @JsonProperty("direction") String direction,
        @JsonProperty("scope") String scope,
        @JsonProperty("tsval") Long tsval,
        @JsonProperty("ts_recent") Long tsRecent,
        @JsonProperty("clocks_behind_ip") Integer clocksBehindIp,
        @JsonProperty("packets") Integer packets,
        @JsonProperty("host") String host,
        @JsonProperty("trigger") String trigger,
        @JsonProperty("concurrent_time_wait_estimate") Integer concurrentTimeWaitEstimate,
        @JsonProperty("peak_ports_in_time_wait") Integer peakPortsInTimeWait,
        @JsonProperty("port_range_size") Integer portRangeSize,
        @JsonProperty("port_range_source") String portRangeSource,
        @JsonProperty("sustainable_rate_per_s") Double sustainableRatePerS,
        @JsonProperty("headroom_min") Integer headroomMin,
        @JsonProperty("headroom_min_time") BigDecimal headroomMinTime,
        @JsonProperty("peak_time_wait") Integer peakTimeWait,
        @JsonProperty("peak_time") BigDecimal peakTime,
        @JsonProperty("server_active_close_share") String serverActiveCloseShare,
        @JsonProperty("explanation") String explanation) {

    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    /** Flattens a finding. */
    public static FindingRow of(Finding f) {
        Finding.FindingCore c = f.core();
        Builder b = new Builder(c);
        switch (f) {
            case TimeWaitReuseFinding r -> {
                b.twHolder = r.twHolder();
                b.reusedBy = r.reusedBy();
                b.sinceTwStartS = r.sinceTwStartSeconds();
                b.twLengthS = r.twLengthSeconds();
                b.answer = r.answer();
                b.result = r.result();
                b.synPackets = r.synPackets();
                b.staleAcks = r.staleAcks();
                b.protection = r.protection();
                b.linuxIsnFingerprint = r.linuxIsnFingerprint();
            }
            case OldIncarnationSegmentFinding o -> {
                b.inWindow = o.inWindow();
                b.direction = o.direction();
            }
            case PawsNatRegressionFinding p -> {
                b.scope = p.scope();
                b.tsval = p.tsval();
                b.tsRecent = p.tsRecent();
                b.clocksBehindIp = p.clocksBehindIp();
                b.answer = p.answer();
                b.packets = p.packets();
            }
            case TwOverflowRstFinding o -> {
                b.host = o.host();
                b.trigger = o.trigger();
                b.concurrentTimeWaitEstimate = o.concurrentTimeWaitEstimate();
            }
            case PortExhaustionRiskFinding p -> {
                b.peakPortsInTimeWait = p.peakPortsInTimeWait();
                b.portRangeSize = p.portRangeSize();
                b.portRangeSource = p.portRangeSource();
                b.sustainableRatePerS = p.sustainableRatePerSecond();
                b.headroomMin = p.headroomMin();
                b.headroomMinTime = seconds(p.headroomMinTimeNanos());
            }
            case TimeWaitPressureFinding t -> {
                b.host = t.host();
                b.peakTimeWait = t.peakTimeWait();
                b.peakTime = seconds(t.peakTimeNanos());
                b.serverActiveCloseShare = t.serverActiveCloseShare().isEmpty() ? null : t.serverActiveCloseShare();
            }
        }
        return b.build();
    }

    /** Epoch seconds with microsecond precision, printed plainly (never in exponent notation). */
    public static BigDecimal seconds(long nanos) {
        return BigDecimal.valueOf(Math.floorDiv(nanos, 1000L), 6);
    }

    public static String utc(long nanos) {
        return UTC.format(Instant.ofEpochSecond(0, nanos));
    }

    private static final class Builder {
        final Finding.FindingCore c;
        String twHolder;
        String reusedBy;
        Double sinceTwStartS;
        Double twLengthS;
        String answer;
        String result;
        Integer synPackets;
        Integer staleAcks;
        String protection;
        Boolean linuxIsnFingerprint;
        Boolean inWindow;
        String direction;
        String scope;
        Long tsval;
        Long tsRecent;
        Integer clocksBehindIp;
        Integer packets;
        String host;
        String trigger;
        Integer concurrentTimeWaitEstimate;
        Integer peakPortsInTimeWait;
        Integer portRangeSize;
        String portRangeSource;
        Double sustainableRatePerS;
        Integer headroomMin;
        BigDecimal headroomMinTime;
        Integer peakTimeWait;
        BigDecimal peakTime;
        String serverActiveCloseShare;

        Builder(Finding.FindingCore c) {
            this.c = c;
        }

        FindingRow build() {
            return new FindingRow(c.type().id(), c.severity().label(), seconds(c.firstTimeNanos()),
                    seconds(c.lastTimeNanos()), utc(c.firstTimeNanos()), utc(c.lastTimeNanos()), c.clientIp(),
                    c.clientPort(), c.serverIp(), c.serverPort(), c.incarnation(), c.frames(), twHolder, reusedBy,
                    sinceTwStartS, twLengthS, answer, result, synPackets, staleAcks, protection, linuxIsnFingerprint,
                    inWindow, direction, scope, tsval, tsRecent, clocksBehindIp, packets, host, trigger,
                    concurrentTimeWaitEstimate, peakPortsInTimeWait, portRangeSize, portRangeSource,
                    sustainableRatePerS, headroomMin, headroomMinTime, peakTimeWait, peakTime,
                    serverActiveCloseShare, c.explanation());
        }
    }
}
