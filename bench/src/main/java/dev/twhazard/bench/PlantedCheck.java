package dev.twhazard.bench;

import dev.twhazard.capture.CaptureSource;
import dev.twhazard.capture.CaptureWarning;
import dev.twhazard.detect.AnalyzerConfig;
import dev.twhazard.detect.HazardId;
import dev.twhazard.pipeline.AnalysisRun;
import dev.twhazard.report.Finding;
import dev.twhazard.report.FindingRow;
import dev.twhazard.report.FindingWriter;
import dev.twhazard.report.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Compares what the analyzer found in a generated capture with what the generator planted: the
 * four hazard types must match exactly as a set of (type, quadruple, incarnation), each with the
 * planted attributes and with the key frame among its evidence frames; rows of type
 * {@code none} must have no hazard finding at all on their quadruple and incarnation.
 *
 * <pre>
 * java -cp bench.jar dev.twhazard.bench.PlantedCheck out/big.pcap out/big.planted.csv
 * </pre>
 */
public final class PlantedCheck {

    static final List<String> HAZARDS = java.util.Arrays.stream(HazardId.values()).filter(HazardId::isHazard)
            .map(HazardId::id).toList();

    /** Attribute columns and how to read each from a finding row. */
    static final Map<String, Function<FindingRow, Object>> ATTRIBUTES = new LinkedHashMap<>();

    static {
        ATTRIBUTES.put("tw_holder", FindingRow::twHolder);
        ATTRIBUTES.put("reused_by", FindingRow::reusedBy);
        ATTRIBUTES.put("answer", FindingRow::answer);
        ATTRIBUTES.put("result", FindingRow::result);
        ATTRIBUTES.put("syn_packets", FindingRow::synPackets);
        ATTRIBUTES.put("stale_acks", FindingRow::staleAcks);
        ATTRIBUTES.put("protection", FindingRow::protection);
        ATTRIBUTES.put("linux_isn_fingerprint", FindingRow::linuxIsnFingerprint);
        ATTRIBUTES.put("scope", FindingRow::scope);
        ATTRIBUTES.put("packets", FindingRow::packets);
        ATTRIBUTES.put("host", FindingRow::host);
        ATTRIBUTES.put("trigger", FindingRow::trigger);
        ATTRIBUTES.put("in_window", FindingRow::inWindow);
        ATTRIBUTES.put("direction", FindingRow::direction);
    }

    /** Per hazard type: planted, found, matched with every attribute right. */
    record Count(int planted, int found, int matched) {
    }

    /** The outcome of a comparison; {@link #problems} lists every disagreement in words. */
    record Result(Map<String, Count> counts, int negatives, List<String> problems, RunSummary summary) {
        boolean ok() {
            return problems.isEmpty();
        }

        String report() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%-24s %8s %8s %8s%n", "type", "planted", "found", "matched"));
            counts.forEach((type, c) -> b.append(String.format(Locale.ROOT, "%-24s %8d %8d %8d%n", type, c.planted,
                    c.found, c.matched)));
            b.append("look-alikes planted (must not be reported): ").append(negatives).append('\n');
            b.append(problems.isEmpty() ? "agreement: exact\n" : problems.size() + " disagreement(s):\n");
            problems.stream().limit(200).forEach(p -> b.append("  ").append(p).append('\n'));
            return b.toString();
        }
    }

    private PlantedCheck() {
    }

    /** Runs the analyzer (default settings, as {@code twhazard analyze}) over a capture. */
    static Analysis analyze(Path capture) throws IOException {
        List<FindingRow> rows = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        FindingWriter collect = new FindingWriter() {
            @Override
            public void write(Finding f) {
                rows.add(FindingRow.of(f));
            }

            @Override
            public void finish(RunSummary s) {
            }

            @Override
            public void close() {
            }
        };
        AnalysisRun run = new AnalysisRun(AnalyzerConfig.defaults(), collect, f -> true);
        RunSummary summary = run.run(List.of(CaptureSource.file(capture)), (CaptureWarning w) -> warnings.add(w.describe()),
                e -> {
                    throw new UncheckedIOException(e);
                });
        return new Analysis(rows, summary, warnings);
    }

    record Analysis(List<FindingRow> findings, RunSummary summary, List<String> warnings) {
    }

    static Result compare(List<PlantedRow> planted, Analysis analysis) {
        List<String> problems = new ArrayList<>();
        Map<String, List<FindingRow>> found = new LinkedHashMap<>();
        Map<String, List<FindingRow>> byIncarnation = new LinkedHashMap<>();
        for (FindingRow f : analysis.findings()) {
            if (!HAZARDS.contains(f.type())) {
                continue;
            }
            found.computeIfAbsent(key(f.type(), f), k -> new ArrayList<>()).add(f);
            byIncarnation.computeIfAbsent(key("", f), k -> new ArrayList<>()).add(f);
        }
        Map<String, int[]> counts = new TreeMap<>();
        for (String h : HAZARDS) {
            counts.put(h, new int[3]);
        }
        for (List<FindingRow> l : found.values()) {
            counts.get(l.get(0).type())[1] += l.size();
        }
        int negatives = 0;
        Map<String, PlantedRow> plantedKeys = new LinkedHashMap<>();
        for (PlantedRow p : planted) {
            if (p.type().equals(PlantedRow.NONE)) {
                negatives++;
                List<FindingRow> any = byIncarnation.get(quadruple("", p));
                if (any != null) {
                    for (FindingRow f : any) {
                        problems.add("reported but planted as a harmless " + p.get("scenario") + ": " + describe(f));
                    }
                }
                continue;
            }
            counts.get(p.type())[0]++;
            if (plantedKeys.put(p.key(), p) != null) {
                problems.add("planted twice (generator bug): " + p.key());
            }
            List<FindingRow> l = found.get(p.key());
            if (l == null) {
                problems.add("missed: " + p.key() + " (" + p.get("scenario") + ", key frame " + p.keyFrame + ")");
                continue;
            }
            FindingRow f = l.get(0);
            if (l.size() > 1) {
                problems.add("reported " + l.size() + " times: " + p.key());
            }
            List<String> wrong = new ArrayList<>();
            for (Map.Entry<String, Function<FindingRow, Object>> a : ATTRIBUTES.entrySet()) {
                String expected = p.get(a.getKey());
                if (expected.isEmpty()) {
                    continue;
                }
                Object actual = a.getValue().apply(f);
                if (!expected.equals(String.valueOf(actual))) {
                    wrong.add(a.getKey() + "=" + actual + " (planted " + expected + ")");
                }
            }
            if (f.frames() == null || !f.frames().contains(p.keyFrame)) {
                wrong.add("frames=" + f.frames() + " (planted key frame " + p.keyFrame + ")");
            }
            if (wrong.isEmpty()) {
                counts.get(p.type())[2]++;
            } else {
                problems.add("attributes of " + p.key() + " (" + p.get("scenario") + "): " + String.join(", ", wrong));
            }
        }
        for (Map.Entry<String, List<FindingRow>> e : found.entrySet()) {
            if (!plantedKeys.containsKey(e.getKey())) {
                for (FindingRow f : e.getValue()) {
                    problems.add("not planted: " + describe(f));
                }
            }
        }
        Map<String, Count> out = new LinkedHashMap<>();
        counts.forEach((k, v) -> out.put(k, new Count(v[0], v[1], v[2])));
        return new Result(out, negatives, problems, analysis.summary());
    }

    private static String key(String type, FindingRow f) {
        return type + "|" + f.clientIp() + "|" + f.clientPort() + "|" + f.serverIp() + "|" + f.serverPort() + "|"
                + f.incarnation();
    }

    private static String quadruple(String type, PlantedRow p) {
        return type + "|" + p.get("client_ip") + "|" + p.get("client_port") + "|" + p.get("server_ip") + "|"
                + p.get("server_port") + "|" + p.get("incarnation");
    }

    private static String describe(FindingRow f) {
        StringBuilder b = new StringBuilder(key(f.type(), f)).append(" frames=").append(f.frames());
        for (Map.Entry<String, Function<FindingRow, Object>> a : ATTRIBUTES.entrySet()) {
            Object v = a.getValue().apply(f);
            if (v != null) {
                b.append(' ').append(a.getKey()).append('=').append(v);
            }
        }
        return b.toString();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PlantedCheck CAPTURE PLANTED_CSV");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        Analysis a = analyze(Path.of(args[0]));
        Result r = compare(PlantedRow.read(Path.of(args[1])), a);
        System.out.print(r.report());
        System.out.printf(Locale.ROOT, "packets %d, analysed in %.1f s%n", a.summary().packetsRead,
                (System.nanoTime() - t0) / 1e9);
        System.exit(r.ok() ? 0 : 1);
    }
}
