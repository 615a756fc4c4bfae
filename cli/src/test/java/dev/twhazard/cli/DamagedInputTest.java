package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged capture among good ones: a warning on standard error with the file, the byte offset
 * and the packet number; the good captures are still analysed; the exit code says whether an
 * input was lost (3) or only a last record cut short (0), as {@link ExitCode} documents.
 */
class DamagedInputTest {

    private static final int FILE_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    private static final int CAPTURED_LENGTH = 8;

    @TempDir
    Path dir;

    private Set<Cli.FindingKey> goodFindings;

    /** The hazards of each good capture, analysed alone (frames differ once the files are merged). */
    @BeforeEach
    void twoGoodCaptures() throws IOException {
        goodFindings = new HashSet<>();
        for (String sample : new String[] {"client-tw-reuse", "tw-bucket-overflow"}) {
            Files.copy(Cli.sample(sample), dir.resolve(sample + ".pcap"));
            for (JsonNode f : Cli.run("analyze", "--format", "jsonl", "--type", "time_wait_reuse", "--type", "tw_overflow_rst",
                    Cli.sample(sample).toString()).jsonLines()) {
                goodFindings.add(Cli.FindingKey.of(f).withoutFrames());
            }
        }
        assertEquals(16 + 28, goodFindings.size());
    }

    /** Byte offsets of the record headers of a little-endian classic pcap file. */
    static List<Integer> recordOffsets(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xA1B2C3D4, b.getInt(0), "a little-endian microsecond pcap");
        List<Integer> offsets = new ArrayList<>();
        for (int p = FILE_HEADER; p + RECORD_HEADER <= pcap.length; p += RECORD_HEADER + b.getInt(p + CAPTURED_LENGTH)) {
            offsets.add(p);
        }
        return offsets;
    }

    private Cli.Result analyzeDirectory(String... more) {
        List<String> args = new ArrayList<>(List.of("analyze", "--format", "jsonl"));
        args.addAll(List.of(more));
        args.add(dir.toString());
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        r.assertNoStackTrace();
        Set<Cli.FindingKey> found = new HashSet<>();
        r.jsonLines().forEach(f -> found.add(Cli.FindingKey.of(f).withoutFrames()));
        assertTrue(found.containsAll(goodFindings), "the good captures' findings are all there:\n" + r);
        return r;
    }

    private String warningAbout(Cli.Result r, String file) {
        return r.err().lines().filter(l -> l.contains(file)).findFirst().orElseThrow(() -> new AssertionError(r.toString()));
    }

    @Test
    void lastRecordCutShortIsAWarningAndExitZero() throws IOException {
        byte[] whole = Files.readAllBytes(Cli.sample("clean-server-close"));
        List<Integer> records = recordOffsets(whole);
        int k = records.size() / 2; // 1-based packet number of the record that is cut
        int cut = records.get(k - 1) + RECORD_HEADER + 10;
        Files.write(dir.resolve("killed.pcap"), Arrays.copyOf(whole, cut));

        Cli.Result r = analyzeDirectory();
        assertEquals(ExitCode.OK, r.code(), r::toString);
        String w = warningAbout(r, "killed.pcap");
        assertTrue(w.startsWith("twhazard: warning: "), w);
        assertTrue(w.contains("truncated record"), w);
        assertTrue(w.endsWith("at offset 0x" + Integer.toHexString(records.get(k - 1)) + ", packet #" + k), w);

        JsonNode summary = Cli.run("analyze", "--format", "json", dir.toString()).json().get("summary");
        assertEquals(1, summary.get("packets_skipped").get("truncated_record").asInt(), summary.toString());
    }

    @Test
    void garbageWithACaptureNameIsAnInputErrorAndTheRestIsAnalysed() throws IOException {
        byte[] garbage = new byte[3000];
        new Random(7).nextBytes(garbage);
        garbage[0] = 'G'; // not a gzip, pcap or pcapng magic by chance
        Files.write(dir.resolve("garbage.pcap"), garbage);

        Cli.Result r = analyzeDirectory();
        assertEquals(ExitCode.INPUT, r.code(), r::toString);
        String w = warningAbout(r, "garbage.pcap");
        assertTrue(w.contains("garbage.pcap: not a capture file: magic 0x") && w.endsWith("at offset 0x0"), w);

        JsonNode inputs = Cli.run("analyze", "--format", "json", dir.toString()).json().get("summary").get("inputs");
        assertEquals(3, inputs.size());
        long failed = 0;
        for (JsonNode in : inputs) {
            if (in.has("error")) {
                failed++;
                assertTrue(in.get("name").asText().endsWith("garbage.pcap"), in::toString);
            }
        }
        assertEquals(1, failed);
    }

    @Test
    void inputErrorWinsOverFailOn() throws IOException {
        Files.write(dir.resolve("garbage.pcap"), "not a capture at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Cli.Result r = analyzeDirectory("--fail-on", "info");
        assertEquals(ExitCode.INPUT, r.code(), "3 before 1, as ExitCode says");
    }

    @Test
    void framingLostPartWayIsAnInputError() throws IOException {
        byte[] bytes = Files.readAllBytes(Cli.sample("clean-server-close"));
        List<Integer> records = recordOffsets(bytes);
        int k = 5;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(records.get(k - 1) + CAPTURED_LENGTH, 0x7FFF_FFFF);
        Files.write(dir.resolve("framing.pcap"), bytes);

        Cli.Result r = analyzeDirectory();
        assertEquals(ExitCode.INPUT, r.code(), r::toString);
        String w = warningAbout(r, "framing.pcap");
        assertTrue(w.contains("framing lost: record length 2147483647"), w);
        assertTrue(w.endsWith("at offset 0x" + Integer.toHexString(records.get(k - 1)) + ", packet #" + k), w);
    }

    @Test
    void oversizedRecordThatKeepsTheFramingIsSkippedWithExitZero() throws IOException {
        // A length above the 262144 limit that still leads to a plausible next record header:
        // the record is skipped and the reading goes on (the framing held).
        byte[] whole = Files.readAllBytes(Cli.sample("clean-server-close"));
        List<Integer> records = recordOffsets(whole);
        int k = 3;
        int at = records.get(k - 1);
        int big = 300_000;
        ByteBuffer in = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        int oldLength = in.getInt(at + CAPTURED_LENGTH);
        byte[] bytes = new byte[whole.length - oldLength + big];
        System.arraycopy(whole, 0, bytes, 0, at + RECORD_HEADER);
        System.arraycopy(whole, at + RECORD_HEADER + oldLength, bytes, at + RECORD_HEADER + big,
                whole.length - at - RECORD_HEADER - oldLength);
        ByteBuffer out = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(at + CAPTURED_LENGTH, big);
        out.putInt(at + CAPTURED_LENGTH + 4, big);
        Files.write(dir.resolve("oversized.pcap"), bytes);

        Cli.Result r = analyzeDirectory();
        assertEquals(ExitCode.OK, r.code(), r::toString);
        String w = warningAbout(r, "oversized.pcap");
        assertTrue(w.contains("record length 300000 exceeds the limit") && w.endsWith(", packet #" + k), w);
    }

    /**
     * The merge peeks at every file's first record to order the files, then reads each from its
     * start when its turn comes: a warning about the first record is still reported once.
     */
    @Test
    void warningAboutAFirstRecordIsReportedOnce() throws IOException {
        byte[] bytes = Files.readAllBytes(Cli.sample("clean-server-close"));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 60); // snapshot length below the records'
        Files.write(dir.resolve("snaplen.pcap"), bytes);
        Cli.Result r = analyzeDirectory();
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals(1, r.err().lines().filter(l -> l.contains("snaplen.pcap")).count(), r::toString);
        assertTrue(warningAbout(r, "snaplen.pcap").endsWith("at offset 0x18, packet #1"), r::toString);
        JsonNode summary = Cli.run("analyze", "--format", "json", dir.toString()).json().get("summary");
        assertEquals(1, summary.get("capture_warnings").asInt(), summary::toString);
    }

    @Test
    void gzipCutShortIsAnInputError() throws IOException {
        byte[] gz = StandardInputTest.gzip(Files.readAllBytes(Cli.sample("clean-server-close")));
        Files.write(dir.resolve("cut.pcap.gz"), Arrays.copyOf(gz, gz.length / 2));
        Cli.Result r = analyzeDirectory();
        assertEquals(ExitCode.INPUT, r.code(), r::toString);
        // The partial record at the cut, then why the input ended there.
        List<String> lines = r.err().lines().filter(l -> l.contains("cut.pcap.gz")).toList();
        assertTrue(lines.get(0).contains("truncated record"), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.contains("gzip stream: ends before its trailer") && l.contains("at offset 0x")
                && l.contains("packet #")), lines::toString);
    }

    @Test
    void emptyDirectoryIsAnInputError(@TempDir Path empty) {
        Cli.Result r = Cli.run("analyze", empty.toString());
        assertEquals(ExitCode.INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("no capture files in this directory"), r::toString);
        assertFalse(r.err().contains("Exception"));
    }
}
