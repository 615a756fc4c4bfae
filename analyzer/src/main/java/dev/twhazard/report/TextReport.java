package dev.twhazard.report;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.detect.HazardId;
import dev.twhazard.detect.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The human report: a summary to read in ten seconds (what was analysed, findings by type and
 * severity, the worst hosts and quadruples), then the findings grouped by type with their frame
 * numbers, then what each type present means.
 */
public final class TextReport implements FindingWriter {

    private static final int WORST = 5;

    private final PrintWriter out;
    private final List<Finding> findings = new ArrayList<>();
    private final int maxPerType;

    /** @param maxPerType findings listed per type before the rest are only counted */
    public TextReport(Writer out, int maxPerType) {
        this.out = new PrintWriter(out);
        this.maxPerType = maxPerType;
    }

    @Override
    public void write(Finding finding) {
        findings.add(finding);
    }

    @Override
    public void finish(RunSummary s) throws IOException {
        summary(s);
        Map<HazardId, List<Finding>> byType = new EnumMap<>(HazardId.class);
        for (Finding f : findings) {
            byType.computeIfAbsent(f.type(), k -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<HazardId, List<Finding>> e : byType.entrySet()) {
            List<Finding> list = e.getValue();
            list.sort(Comparator.comparing((Finding f) -> f.severity()).reversed()
                    .thenComparingLong(f -> f.core().firstTimeNanos()));
            out.printf(Locale.ROOT, "%n== %s (%d) == %s%n", e.getKey().id(), list.size(), HazardGuide.of(e.getKey()).title());
            int shown = 0;
            for (Finding f : list) {
                if (shown++ == maxPerType) {
                    out.printf(Locale.ROOT, "  ... and %d more (use --format csv or json for all)%n", list.size() - maxPerType);
                    break;
                }
                line(f);
            }
        }
        if (!byType.isEmpty()) {
            out.printf("%nRun 'twhazard explain TYPE' for what a type means, how to confirm it and what to change.%n");
        }
        out.flush();
    }

    private void summary(RunSummary s) {
        String inputs = s.inputs.size() == 1 ? s.inputs.get(0).name() : s.inputs.size() + " inputs";
        out.printf(Locale.ROOT, "twhazard: %s, %,d packets over %s: %,d TCP segments analysed", inputs, s.packetsRead,
                s.durationSeconds == null ? "0 s" : String.format(Locale.ROOT, "%.1f s", s.durationSeconds.doubleValue()), s.packetsDecoded);
        if (!s.packetsSkipped.isEmpty()) {
            out.print(", skipped " + s.packetsSkipped.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        out.printf(Locale.ROOT, "%n          %,d flows, %,d connections (incarnations), %,d duplicate segments ignored%n",
                s.flows, s.incarnations, s.duplicateSegments);
        long total = s.findings.values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "%nFindings: %d", findings.size());
        if (total != findings.size()) {
            out.printf(Locale.ROOT, " shown of %d", total);
        }
        out.printf(Locale.ROOT, " (high %d, medium %d, low %d, info %d)%n",
                count(Severity.HIGH), count(Severity.MEDIUM), count(Severity.LOW), count(Severity.INFO));
        for (HazardId h : HazardId.values()) {
            long n = findings.stream().filter(f -> f.type() == h).count();
            if (n > 0) {
                Map<Severity, Long> sev = new EnumMap<>(Severity.class);
                findings.stream().filter(f -> f.type() == h).forEach(f -> sev.merge(f.severity(), 1L, Long::sum));
                out.printf(Locale.ROOT, "  %-24s %6d   %s%n", h.id(), n, sev.entrySet().stream()
                        .sorted(Map.Entry.<Severity, Long>comparingByKey().reversed())
                        .map(e -> e.getKey().label() + " " + e.getValue()).collect(Collectors.joining(", ")));
            }
        }
        if (!s.findingsSuppressed.isEmpty()) {
            out.printf("  (repeats counted, not listed: %s)%n", s.findingsSuppressed);
        }
        if (!s.timeWaitHosts.isEmpty()) {
            out.printf("%nMost TIME_WAIT held at once:%n");
            s.timeWaitHosts.stream().limit(WORST).forEach(h -> out.printf(Locale.ROOT, "  %-39s %7d at %s%n",
                    h.host(), h.peak(), FindingRow.utc(h.peakTime().movePointRight(9).longValue())));
        }
        Map<String, Long> quads = new LinkedHashMap<>();
        for (Finding f : findings) {
            Finding.FindingCore c = f.core();
            if (f.type().isHazard() && c.clientIp() != null) {
                quads.merge(IpAddress.endpoint(c.clientIp(), c.clientPort()) + " -> " + IpAddress.endpoint(c.serverIp(), c.serverPort()), 1L, Long::sum);
            }
        }
        if (!quads.isEmpty()) {
            out.printf("%nQuadruples with the most hazard findings:%n");
            quads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(WORST)
                    .forEach(e -> out.printf(Locale.ROOT, "  %-60s %5d%n", e.getKey(), e.getValue()));
        }
        if (s.captureWarnings > 0) {
            out.printf(Locale.ROOT, "%nCapture warnings: %d (see standard error)%n", s.captureWarnings);
        }
    }

    private long count(Severity v) {
        return findings.stream().filter(f -> f.severity() == v).count();
    }

    private void line(Finding f) {
        Finding.FindingCore c = f.core();
        String where = c.clientIp() != null
                ? IpAddress.endpoint(c.clientIp(), c.clientPort()) + " -> " + IpAddress.endpoint(c.serverIp(), c.serverPort())
                : "";
        if (f instanceof TimeWaitPressureFinding t) {
            where = t.host();
        }
        out.printf(Locale.ROOT, "  [%s] %s  %s%s%n", c.severity().label(), FindingRow.utc(c.firstTimeNanos()), where,
                c.incarnation() == null ? "" : "  incarnation " + c.incarnation());
        if (!c.frames().isEmpty()) {
            out.printf("         frames %s%n", c.frames().stream().map(String::valueOf).collect(Collectors.joining(" ")));
        }
        out.printf("         %s%n", c.explanation());
    }

    @Override
    public void close() {
        out.flush();
    }
}
