package dev.twhazard.report;

import dev.twhazard.detect.HazardId;
import dev.twhazard.detect.Severity;
import java.util.List;

/**
 * One finding. Each type is a record with the fields shared by all findings
 * ({@link FindingCore}) and its own. {@link FindingRow} flattens any finding into the stable
 * column set of the CSV and JSON outputs.
 */
public sealed interface Finding permits TimeWaitReuseFinding, OldIncarnationSegmentFinding, PawsNatRegressionFinding,
        TwOverflowRstFinding, PortExhaustionRiskFinding, TimeWaitPressureFinding {

    FindingCore core();

    default HazardId type() {
        return core().type();
    }

    default Severity severity() {
        return core().severity();
    }

    /**
     * The fields every finding has.
     *
     * @param firstTimeNanos first evidence, nanoseconds since the epoch
     * @param lastTimeNanos last evidence
     * @param clientIp the SYN sender of the incarnation, or null where no quadruple applies
     * @param incarnation 1-based index of the incarnation on its quadruple, or null
     * @param frames Wireshark frame numbers of the evidence
     * @param explanation one sentence for a network engineer
     */
    record FindingCore(HazardId type, Severity severity, long firstTimeNanos, long lastTimeNanos,
                       String clientIp, Integer clientPort, String serverIp, Integer serverPort,
                       Integer incarnation, List<Long> frames, String explanation) {
        public FindingCore {
            frames = List.copyOf(frames);
        }
    }
}
