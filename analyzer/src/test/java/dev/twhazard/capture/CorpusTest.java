package dev.twhazard.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads every capture of the shared corpus (public captures from other projects' test suites,
 * described by its README.md and manifest.tsv) and checks our frame count against capinfos'.
 * Skipped when the corpus is not beside the repository.
 */
class CorpusTest {

    /** The corpus sits beside the repository; tests run in the module directory. */
    static final Path CORPUS = Path.of("..", "..", "shared", "corpus");

    /** Formats whose {@code packets} column is a capinfos count we must match. */
    static final Set<String> COUNTED_FORMATS = Set.of("pcap", "nsec", "pcapng", "snoop");

    /**
     * Files the manifest marks {@code fmt:error}: capinfos stops at their link types (DSA tags,
     * Juniper, FRF.16), which it does not know, and records no count. Their framing is sound;
     * these are the counts {@code tcpdump -r} gives.
     */
    static final Map<String, Long> TCPDUMP_COUNTS = Map.ofEntries(
            Map.entry("brcm-tag-prepend.pcap", 15L), Map.entry("brcm-tag.pcap", 23L),
            Map.entry("dsa-high-vid.pcap", 4L), Map.entry("dsa.pcap", 8L),
            Map.entry("edsa-high-vid.pcap", 4L), Map.entry("edsa.pcap", 10L),
            Map.entry("frf16_magic_ie-oobr.pcap", 1L), Map.entry("hoobr_juniper3.pcap", 1L),
            Map.entry("juniper_es_oobr.pcap", 1L), Map.entry("juniper_monitor_invalid_cookie_length.pcap", 1L),
            Map.entry("kday6.pcap", 1L), Map.entry("vtp_asan.pcap", 5L),
            Map.entry("vtp_asan-2.pcap", 1L), Map.entry("vtp_asan-3.pcap", 1L));

    record Row(String format, String packets, String notes) {
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusFile() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "no corpus at " + CORPUS.toAbsolutePath().normalize());
        Map<Path, Row> manifest = readManifest(CORPUS.resolve("manifest.tsv"));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CORPUS)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().equals("manifest.tsv"))
                    .filter(f -> !f.getFileName().toString().equals("README.md"))
                    .sorted()
                    .toList();
        }
        assertTrue(files.size() > 100, "corpus has " + files.size() + " files");
        return files.stream().map(f -> DynamicTest.dynamicTest(CORPUS.relativize(f).toString(),
                () -> check(f, manifest.get(CORPUS.relativize(f)))));
    }

    static void check(Path file, Row row) throws IOException {
        String format = row == null ? "" : row.format();
        List<CaptureWarning> warnings = new ArrayList<>();
        long delivered = 0;
        long lastFrame = 0;
        long limit = Files.size(file) / 12 + 10;
        try (CaptureReader reader = CaptureReaders.open(file, warnings::add)) {
            while (reader.next()) {
                delivered++;
                // Consecutive, except that a pcapng Custom Block takes a frame number of its own,
                // as in Wireshark.
                assertTrue(reader.frameNumber() > lastFrame && reader.frameNumber() >= delivered + lost(warnings),
                        "frame numbers increase");
                lastFrame = reader.frameNumber();
                assertTrue(reader.dataOffset() >= 0 && reader.capturedLength() >= 0
                        && reader.dataOffset() + reader.capturedLength() <= reader.buffer().capacity());
                if (delivered > limit) {
                    fail("more records than the file can hold: " + delivered);
                }
            }
        } catch (CaptureFormatException e) {
            if (format.endsWith(".zst")) {
                assertTrue(e.getMessage().contains("zstd-compressed capture: not supported"), e.getMessage());
                return;
            }
            throw e;
        }
        long frames = delivered + lost(warnings);
        if (row != null && row.notes().contains("fmt:error")) {
            Long expected = TCPDUMP_COUNTS.get(file.getFileName().toString());
            assertEquals(expected, frames, "frames (tcpdump's count); warnings: " + warnings);
            return;
        }
        if (row != null && COUNTED_FORMATS.contains(format)) {
            assertEquals(Long.parseLong(row.packets()), frames, "frames (capinfos' count); warnings: " + warnings);
            assertEquals(List.of(), warnings.stream().filter(w -> w.kind() != CaptureWarning.Kind.NOTICE).toList());
        }
    }

    static long lost(List<CaptureWarning> warnings) {
        return warnings.stream().filter(w -> w.kind().losesRecord()).count();
    }

    /** Rows by file, as {@code <owner>__<name>/<path>} relative to the corpus. */
    static Map<Path, Row> readManifest(Path tsv) throws IOException {
        List<String> lines = Files.readAllLines(tsv);
        List<String> header = List.of(lines.get(0).split("\t", -1));
        int repo = header.indexOf("repo");
        int path = header.indexOf("path");
        int packets = header.indexOf("packets");
        int format = header.indexOf("format");
        int notes = header.indexOf("notes");
        Map<Path, Row> rows = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            Path file = Path.of(f[repo].replace("/", "__"), f[path]);
            rows.put(file, new Row(f[format], f[packets], f[notes]));
        }
        return rows;
    }
}
