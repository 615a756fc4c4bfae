package dev.twhazard.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twhazard.detect.HazardId;
import dev.twhazard.detect.Severity;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JSON document is the same whether its findings waited in memory or in the temporary file:
 * the spill must round-trip every field type (plain epoch decimals, doubles, booleans, frame
 * lists) to the byte, keep the order, and leave no file behind.
 */
class JsonFindingWriterTest {

    @Test
    void spilledFindingsGiveTheSameDocumentAsFindingsKeptInMemory() throws IOException {
        List<Finding> findings = findings(500);
        String inMemory = write(findings, Integer.MAX_VALUE);
        long tempFilesBefore = spillFiles();
        String spilled = write(findings, 7);
        assertEquals(inMemory, spilled);
        assertEquals(tempFilesBefore, spillFiles(), "the temporary file is deleted on close");

        JsonNode doc = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(spilled);
        assertEquals(List.of("summary", "findings"), iterate(doc.fieldNames()));
        assertEquals(500, doc.get("findings").size());
        assertEquals("1795420748.000007", doc.get("findings").get(7).get("first_time").decimalValue().toPlainString());
        assertEquals(499, doc.get("findings").get(499).get("incarnation").asInt(), "order is kept");
    }

    private static String write(List<Finding> findings, int inMemoryRows) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonFindingWriter w = new JsonFindingWriter(out, inMemoryRows)) {
            for (Finding f : findings) {
                w.write(f);
            }
            w.finish(new RunSummary());
        }
        return out.toString();
    }

    /** Findings of several types with awkward values: tiny and huge doubles, nulls, many frames. */
    private static List<Finding> findings(int n) {
        SplittableRandom r = new SplittableRandom(5);
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = 1_795_420_748_000_000_000L + i * 1_000L;
            List<Long> frames = new ArrayList<>();
            for (int k = 0; k <= i % 5; k++) {
                frames.add((long) i * 10 + k);
            }
            Finding.FindingCore core = new Finding.FindingCore(HazardId.values()[i % 4], Severity.values()[i % 4], t,
                    t + r.nextLong(1_000_000_000L), "10.0.0." + (i % 250), 40000 + i, "2001:db8::1", 443, i,
                    frames, "explanation with \"quotes\", a comma and =1+1 #" + i);
            out.add(switch (i % 4) {
                case 0 -> new TimeWaitReuseFinding(core, "client", "holder", i % 3 == 0 ? null : r.nextDouble() * 1e-5,
                        60.0, "syn_ack", "established", 1 + i % 3, 0, "timestamps", i % 2 == 0);
                case 1 -> new OldIncarnationSegmentFinding(core, i % 2 == 0, "client_to_server");
                case 2 -> new PawsNatRegressionFinding(core, "time_wait", 4_294_967_295L - i, 12L * i, 3, "stale_ack", 2);
                default -> new PortExhaustionRiskFinding(core, 28231, 28232, "observed", r.nextDouble() * 1e9, i,
                        t + 5);
            });
        }
        return out;
    }

    private static long spillFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("twhazard-findings-")).count();
        }
    }

    private static List<String> iterate(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        assertTrue(!out.isEmpty());
        return out;
    }
}
