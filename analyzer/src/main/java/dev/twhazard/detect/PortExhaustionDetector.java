package dev.twhazard.detect;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.flow.TimeWaitLedger;
import dev.twhazard.report.Finding;
import dev.twhazard.report.PortExhaustionRiskFinding;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code port_exhaustion_risk}, per (client ip, server ip, server port): every quadruple in
 * TIME_WAIT (at either end) blocks that client port toward that server port, and so does every
 * connection in progress. With R usable ports and a TIME_WAIT of T seconds, at most R / T new
 * connections per second are sustainable (Linux defaults: 28232 ports / 60 s, about 470/s).
 *
 * <p>The port range is the configured one; else, when some client port carried more than one
 * incarnation (the range wrapped around) across at least four ports, the span of ports seen (in
 * whole even/odd pairs); else the stack default that
 * contains the ports seen (Linux 32768-60999, IANA 49152-65535 used by Windows, macOS and
 * FreeBSD, or 1024-65535). A capture alone cannot see connect() calls that failed with
 * EADDRNOTAVAIL, so a narrow range that never wrapped needs {@code --port-range}.
 */
public final class PortExhaustionDetector implements Detector {

    private static final int LINUX_LOW = 32768;
    private static final int LINUX_HIGH = 60999;
    private static final int IANA_LOW = 49152;
    private static final int IANA_HIGH = 65535;
    private static final int WIDE_LOW = 1024;
    /**
     * A client reusing one or two ports has bound them itself (bind() before connect()); that is
     * no ephemeral range running out, so a range is inferred from the reuse only across this many.
     */
    private static final int MIN_OBSERVED_RANGE = 4;

    private final DetectorContext ctx;

    public PortExhaustionDetector(DetectorContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Forgets idle (client, server, port) records that could not be reported: no wrap-around and a
     * peak below the reporting share of the smallest range they could have. One that comes back
     * starts a new record; idle, it held no port.
     */
    @Override
    public void sweep(long idleBefore) {
        AnalyzerConfig cfg = ctx.config();
        int smallestRange = cfg.portRangeConfigured() ? cfg.portRangeHigh() - cfg.portRangeLow() + 1
                : IANA_HIGH - IANA_LOW + 1;
        ctx.ledger().sweepTuples(idleBefore, t -> t.portReused()
                || t.peakOccupied() >= cfg.minPortUtilization() * smallestRange);
    }

    @Override
    public void finish() {
        // Only the reportable records are sorted: most of the (client, server, port) records still
        // held at the end are far below the threshold, and sorting them all costs a visit to each.
        List<TimeWaitLedger.TupleTw> tuples = ctx.ledger().tuples().stream()
                .filter(this::reportable)
                .sorted(Comparator.comparingLong(TimeWaitLedger.TupleTw::firstTime))
                .toList();
        for (TimeWaitLedger.TupleTw t : tuples) {
            report(t);
        }
    }

    /** The client port range the record is measured against, and where it comes from. */
    private record PortRange(int size, String source) { }

    private PortRange range(TimeWaitLedger.TupleTw t) {
        AnalyzerConfig cfg = ctx.config();
        if (cfg.portRangeConfigured()) {
            return new PortRange(cfg.portRangeHigh() - cfg.portRangeLow() + 1, "configured");
        } else if (t.portReused() && t.maxPort() - t.minPort() + 1 >= MIN_OBSERVED_RANGE) {
            // Linux connect() takes even ports first and odd ones only when the even ones run out
            // (__inet_hash_connect), so the span seen is rounded out to whole even/odd pairs.
            return new PortRange((t.maxPort() | 1) - (t.minPort() & ~1) + 1, "observed");
        } else if (t.minPort() >= LINUX_LOW && t.maxPort() <= LINUX_HIGH) {
            return new PortRange(LINUX_HIGH - LINUX_LOW + 1, "os_default");
        } else if (t.minPort() >= IANA_LOW) {
            return new PortRange(IANA_HIGH - IANA_LOW + 1, "os_default");
        }
        return new PortRange(IANA_HIGH - Math.min(WIDE_LOW, t.minPort()) + 1, "os_default");
    }

    private boolean reportable(TimeWaitLedger.TupleTw t) {
        return t.connections() > 0 && t.peakTw() > 0
                && t.peakOccupied() / (double) range(t).size() >= ctx.config().minPortUtilization();
    }

    private void report(TimeWaitLedger.TupleTw t) {
        AnalyzerConfig cfg = ctx.config();
        PortRange range = range(t);
        int size = range.size();
        String source = range.source();
        double utilization = t.peakOccupied() / (double) size;
        long twNanos = t.timeWaitNanos() > 0 ? t.timeWaitNanos() : cfg.tracker().timeWait().defaultNanos();
        double rate = Math.round(size / (twNanos / 1e9) * 100) / 100.0;
        String rateText = rate < 10 ? String.format(Locale.ROOT, "%.2f", rate) : String.format(Locale.ROOT, "%.0f", rate);
        int headroom = Math.max(0, size - t.peakOccupied());
        Severity severity = utilization >= 0.9 ? Severity.HIGH
                : utilization >= 0.5 ? Severity.MEDIUM
                : utilization >= 0.2 ? Severity.LOW : Severity.INFO;
        String client = IpAddress.format(t.clientHi(), t.clientLo());
        String server = IpAddress.format(t.serverHi(), t.serverLo());
        String explanation = String.format(Locale.ROOT,
                "%s held up to %d of its %d client ports toward %s at once (%d in TIME_WAIT at the peak), leaving %d free; "
                        + "with a %s TIME_WAIT this range sustains about %s new connections per second to that server port.",
                client, t.peakOccupied(), size, IpAddress.endpoint(server, t.serverPort()), t.peakTw(), headroom,
                Phrases.seconds(twNanos), rateText);
        Finding.FindingCore core = new Finding.FindingCore(HazardId.PORT_EXHAUSTION_RISK, severity, t.firstTime(),
                t.lastTime(), client, null, server, t.serverPort(), null, List.of(), explanation);
        ctx.emit(new PortExhaustionRiskFinding(core, t.peakTw(), size, source, rate, headroom, t.peakOccupiedTime()));
    }
}
