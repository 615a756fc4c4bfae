package dev.twhazard.detect;

import dev.twhazard.flow.Flow;
import dev.twhazard.flow.TimeWaitLedger;
import dev.twhazard.report.Finding;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What detectors share: the settings, the TIME_WAIT ledger, the sink findings go to, and the
 * counters of events that are classified but are not findings (so that nothing is dropped
 * silently).
 */
public final class DetectorContext {

    private final AnalyzerConfig config;
    private final TimeWaitLedger ledger;
    private final Consumer<Finding> sink;
    private final Map<HazardId, Long> emitted = new EnumMap<>(HazardId.class);
    private final Map<HazardId, Long> suppressed = new EnumMap<>(HazardId.class);
    private final Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);
    private final Map<String, Long> classified = new TreeMap<>();
    private boolean captureOver;

    DetectorContext(AnalyzerConfig config, TimeWaitLedger ledger, Consumer<Finding> sink) {
        this.config = config;
        this.ledger = ledger;
        this.sink = sink;
    }

    /** True once the input has ended: attempts still open are judged as of the end. */
    public boolean captureOver() {
        return captureOver;
    }

    void setCaptureOver() {
        captureOver = true;
    }

    public AnalyzerConfig config() {
        return config;
    }

    public TimeWaitLedger ledger() {
        return ledger;
    }

    /** Hands a final finding to the sink and counts it. */
    public void emit(Finding finding) {
        emitted.merge(finding.type(), 1L, Long::sum);
        bySeverity.merge(finding.severity(), 1L, Long::sum);
        sink.accept(finding);
    }

    /** Counts a finding not reported in full (beyond the per-incarnation budget). */
    public void suppress(HazardId type) {
        suppressed.merge(type, 1L, Long::sum);
    }

    /** Counts an event that was examined and classified as something other than a finding. */
    public void classify(String what) {
        classified.merge(what, 1L, Long::sum);
    }

    public Map<HazardId, Long> emitted() {
        return emitted;
    }

    public Map<HazardId, Long> suppressed() {
        return suppressed;
    }

    public Map<Severity, Long> bySeverity() {
        return bySeverity;
    }

    public Map<String, Long> classified() {
        return classified;
    }

    /** The TIME_WAIT length of the host on {@code side} of the flow, in nanoseconds. */
    public long timeWaitNanos(Flow f, int side) {
        return ledger.hostOf(f, side).timeWaitNanos();
    }

    /** Whether {@code side} held a TIME_WAIT from the previous incarnation that had not run out at {@code t}. */
    public boolean withinTimeWait(Flow f, int side, long t) {
        if (!f.prevHolds(side)) {
            return false;
        }
        long since = t - f.prevTwStart(side);
        return since >= 0 && since < timeWaitNanos(f, side);
    }

    /** The common part of a finding about one incarnation of a quadruple. */
    public static Finding.FindingCore core(HazardId type, Severity severity, Flow f, int clientSide, int incarnation,
                                           long first, long last, List<Long> frames, String explanation) {
        int client = clientSide < 0 ? 0 : clientSide;
        int server = 1 - client;
        return new Finding.FindingCore(type, severity, first, last, f.address(client), f.port(client),
                f.address(server), f.port(server), incarnation, frames, explanation);
    }
}
