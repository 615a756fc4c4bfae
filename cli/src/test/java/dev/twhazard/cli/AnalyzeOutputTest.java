package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code analyze} run in-process on real-kernel samples, in each output format: exit codes,
 * the shape of each format, and the summary's accounting.
 */
class AnalyzeOutputTest {

    private static final String OVERFLOW = Cli.sample("tw-bucket-overflow").toString();
    private static final String REUSE = Cli.sample("client-tw-reuse").toString();
    private static final String CLEAN = Cli.sample("clean-client-close").toString();

    /** Findings per type, as the samples' truth (kernel counters) and the analyzer agree. */
    private static Map<String, Integer> countByType(List<JsonNode> findings) {
        Map<String, Integer> n = new TreeMap<>();
        findings.forEach(f -> n.merge(f.path("type").asText(), 1, Integer::sum));
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tw-bucket-overflow", "client-tw-reuse", "clean-client-close", "nat-paws"})
    void jsonHasSummaryAndFindingsAndTheSummaryAddsUp(String sample) {
        Cli.Result r = Cli.run("analyze", "--format", "json", Cli.sample(sample).toString());
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals("", r.err(), "no warnings for a good capture");
        JsonNode doc = r.json();
        assertEquals(List.of("summary", "findings"), list(doc.fieldNames()));
        JsonNode s = doc.get("summary");
        assertTrue(doc.get("findings").isArray());
        long skipped = 0;
        for (JsonNode n : s.get("packets_skipped")) {
            skipped += n.asLong();
        }
        long read = s.get("packets_read").asLong();
        assertTrue(read > 0);
        assertEquals(read, s.get("packets_decoded").asLong() + skipped, "read = decoded + sum(skipped)");
        assertEquals(1, s.get("inputs").size());
        assertEquals(read, s.get("inputs").get(0).get("packets").asLong());
        long listed = 0;
        for (JsonNode n : s.get("findings")) {
            listed += n.asLong();
        }
        assertEquals(listed, doc.get("findings").size(), "summary's findings per type = findings listed");
    }

    @Test
    void jsonLinesIsOneFindingPerLineWithTheSameFindingsAsJson() {
        Cli.Result lines = Cli.run("analyze", "--format", "jsonl", OVERFLOW);
        assertEquals(ExitCode.OK, lines.code(), lines::toString);
        List<JsonNode> rows = lines.jsonLines();
        assertEquals(lines.out().lines().count(), rows.size());
        rows.forEach(f -> assertTrue(f.isObject() && f.has("type") && f.has("severity") && f.has("explanation"), f::toString));
        assertEquals(Map.of("time_wait_pressure", 1, "tw_overflow_rst", 28), countByType(rows));

        List<JsonNode> fromJson = list(Cli.run("analyze", "--format", "json", OVERFLOW).json().get("findings").elements());
        assertEquals(fromJson, rows, "JSON's findings and JSON Lines' are the same objects");
    }

    @Test
    void jsonLinesOfReuseSample() {
        List<JsonNode> rows = Cli.run("analyze", "--format", "jsonl", REUSE).jsonLines();
        // truth.json: TcpExtTWRecycled = 16 on the client.
        assertEquals(16, countByType(rows).get("time_wait_reuse"));
        rows.stream().filter(f -> f.path("type").asText().equals("time_wait_reuse")).forEach(f -> {
            assertEquals("holder", f.path("reused_by").asText());
            assertTrue(f.path("linux_isn_fingerprint").asBoolean());
        });
    }

    @Test
    void csvIsAHeaderAndOneRowPerFinding() {
        Cli.Result r = Cli.run("analyze", "--format", "csv", OVERFLOW);
        assertEquals(ExitCode.OK, r.code(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(CsvContractTest.HEADER, lines.get(0));
        assertEquals(29, lines.size() - 1);
        assertTrue(lines.get(1).startsWith("tw_overflow_rst,medium,"), lines.get(1));
    }

    @Test
    void textReportSummarisesAndListsFindings() {
        Cli.Result r = Cli.run("analyze", "--format", "text", OVERFLOW);
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertTrue(r.out().contains("464 packets"), r.out());
        assertTrue(r.out().contains("Findings: 29 (high 1, medium 28, low 0, info 0)"), r.out());
        assertTrue(r.out().contains("== tw_overflow_rst (28) =="), r.out());
        assertTrue(r.out().contains("frames 110 135 136"), r.out());
    }

    @Test
    void failOnGivesExitOneOnlyWhenSuchAFindingIsReported() {
        Cli.Result overflow = Cli.run("analyze", "--format", "jsonl", "--fail-on", "medium", OVERFLOW);
        assertEquals(ExitCode.FINDINGS, overflow.code(), overflow::toString);
        assertFalse(overflow.out().isEmpty(), "the findings are still written");

        Cli.Result clean = Cli.run("analyze", "--format", "jsonl", "--fail-on", "medium", CLEAN);
        assertEquals(ExitCode.OK, clean.code(), clean::toString);

        // client-tw-reuse has low reuses and one high port_exhaustion_risk: --type leaves only the low ones.
        Cli.Result lowOnly = Cli.run("analyze", "--format", "jsonl", "--fail-on", "medium", "--type", "time_wait_reuse", REUSE);
        assertEquals(ExitCode.OK, lowOnly.code(), lowOnly::toString);
        Cli.Result low = Cli.run("analyze", "--format", "jsonl", "--fail-on", "low", "--type", "time_wait_reuse", REUSE);
        assertEquals(ExitCode.FINDINGS, low.code(), low::toString);
    }

    @Test
    void minSeverityAndTypeFilterTheOutput() {
        List<JsonNode> high = Cli.run("analyze", "--format", "jsonl", "--min-severity", "high", OVERFLOW).jsonLines();
        assertEquals(Map.of("time_wait_pressure", 1), countByType(high));
        List<JsonNode> rst = Cli.run("analyze", "--format", "jsonl", "--type", "tw_overflow_rst", OVERFLOW).jsonLines();
        assertEquals(Map.of("tw_overflow_rst", 28), countByType(rst));
    }

    @Test
    void outputFileFormatFollowsItsExtension(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("out.csv");
        Cli.Result r = Cli.run("analyze", "-o", csv.toString(), OVERFLOW);
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals("", r.out(), "findings go to the file, not standard output");
        List<String> lines = Files.readAllLines(csv);
        assertEquals(CsvContractTest.HEADER, lines.get(0));
        assertEquals(30, lines.size());

        Path json = dir.resolve("out.json");
        assertEquals(ExitCode.OK, Cli.run("analyze", "-o", json.toString(), OVERFLOW).code());
        assertEquals(29, Cli.readJson(Files.readString(json)).get("findings").size());

        Path jsonl = dir.resolve("out.jsonl");
        assertEquals(ExitCode.OK, Cli.run("analyze", "--output", jsonl.toString(), OVERFLOW).code());
        assertEquals(29, Files.readAllLines(jsonl).size());

        Path forced = dir.resolve("out.csv.txt");
        assertEquals(ExitCode.OK, Cli.run("analyze", "--format", "csv", "-o", forced.toString(), OVERFLOW).code());
        assertEquals(CsvContractTest.HEADER, Files.readAllLines(forced).get(0));
    }

    @Test
    void sinceAndUntilCutTheCapture() {
        JsonNode all = Cli.run("analyze", "--format", "json", REUSE).json();
        double first = all.get("summary").get("first_packet_time").asDouble();
        String middle = String.format(java.util.Locale.ROOT, "%.6f", first + 4);
        JsonNode before = Cli.run("analyze", "--format", "json", "--until", middle, REUSE).json();
        JsonNode after = Cli.run("analyze", "--format", "json", "--since", middle, REUSE).json();
        long read = all.get("summary").get("packets_read").asLong();
        long decodedBefore = before.get("summary").get("packets_decoded").asLong();
        long decodedAfter = after.get("summary").get("packets_decoded").asLong();
        assertTrue(decodedBefore > 0 && decodedAfter > 0, "both halves have packets");
        assertEquals(all.get("summary").get("packets_decoded").asLong(), decodedBefore + decodedAfter,
                "--until T and --since T split the packets");
        assertEquals(read, before.get("summary").get("packets_read").asLong());
    }

    private static <T> List<T> list(java.util.Iterator<T> it) {
        List<T> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
