package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twhazard.capture.CaptureReader;
import dev.twhazard.capture.CaptureReaders;
import dev.twhazard.capture.PcapWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several inputs are one stream in time order: a capture rotated at packet boundaries (as
 * {@code tcpdump -C/-G} does) gives exactly the findings of the single file, even for connections
 * that span two files; files that overlap in time are merged by timestamp, numbered as
 * {@code mergecap} numbers them.
 */
class RotatedInputsTest {

    /**
     * Splits a capture into files of {@code perFile} packets each, named as {@code tcpdump -C}
     * names them (cap.pcap, cap.pcap1, ...), each with its own file header; returns their count.
     */
    static int rotate(Path capture, Path dir, int perFile) throws IOException {
        int files = 0;
        PcapWriter out = null;
        try (CaptureReader in = CaptureReaders.open(capture, w -> { })) {
            long n = 0;
            while (in.next()) {
                if (n++ % perFile == 0) {
                    if (out != null) {
                        out.close();
                    }
                    Path file = dir.resolve(files == 0 ? "cap.pcap" : String.format(Locale.ROOT, "cap.pcap%02d", files));
                    OutputStream os = new BufferedOutputStream(Files.newOutputStream(file));
                    out = new PcapWriter(os, in.linkType(), 262_144, in.timestampDigits() == 9);
                    files++;
                }
                out.write(in);
            }
        } finally {
            if (out != null) {
                out.close();
            }
        }
        return files;
    }

    private static List<JsonNode> findings(String... args) {
        List<String> all = new ArrayList<>(List.of("analyze", "--format", "jsonl"));
        all.addAll(List.of(args));
        Cli.Result r = Cli.run(all.toArray(String[]::new));
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals("", r.err(), "no warnings");
        return r.jsonLines();
    }

    @ParameterizedTest
    @CsvSource({"client-tw-reuse, 25", "client-tw-reuse, 7", "tw-bucket-overflow, 40", "nat-paws, 30",
        "old-incarnation-inject, 531"})
    void rotatedCaptureGivesTheSameFindingsAsTheWholeFile(String sample, int perFile, @TempDir Path dir) throws IOException {
        Path whole = Cli.sample(sample);
        int files = rotate(whole, dir, perFile);
        assertTrue(files > 2, "split into " + files);

        List<JsonNode> expected = findings(whole.toString());
        List<JsonNode> rotated = findings(dir.toString());
        assertFalse(expected.isEmpty());
        assertEquals(Cli.keys(expected), Cli.keys(rotated), "type, quadruple, incarnation and frames");
        assertEquals(expected, rotated, "and every other field");

        // The test means something only if a finding's evidence spans two files.
        boolean spans = expected.stream().map(Cli.FindingKey::of).anyMatch(k -> !k.frames().isEmpty()
                && (k.frames().get(0) - 1) / perFile != (k.frames().get(k.frames().size() - 1) - 1) / perFile);
        assertTrue(spans, "a finding spans two files");

        JsonNode summary = Cli.run("analyze", "--format", "json", dir.toString()).json().get("summary");
        assertEquals(files, summary.get("inputs").size());
        assertEquals(Cli.run("analyze", "--format", "json", whole.toString()).json().get("summary").get("packets_read"),
                summary.get("packets_read"));
    }

    @Test
    void globAndFileListGiveTheSameAsTheDirectory(@TempDir Path dir) throws IOException {
        Path whole = Cli.sample("client-tw-reuse");
        rotate(whole, dir, 25);
        List<Cli.FindingKey> expected = Cli.keys(findings(whole.toString()));
        assertEquals(expected, Cli.keys(findings(dir.resolve("cap.pcap*").toString())));
        // Given in reverse order, the files are still read in time order.
        List<String> reversed = new ArrayList<>();
        try (var list = Files.list(dir)) {
            list.map(Path::toString).sorted(java.util.Comparator.reverseOrder()).forEach(reversed::add);
        }
        assertEquals(expected, Cli.keys(findings(reversed.toArray(String[]::new))));
    }

    @Test
    void otherFilesInTheDirectoryAreLeftAlone(@TempDir Path dir) throws IOException {
        Path whole = Cli.sample("client-tw-reuse");
        rotate(whole, dir, 50);
        Files.writeString(dir.resolve("README.txt"), "captures of the night\n");
        Files.writeString(dir.resolve("SHA256SUMS"), "0000  cap.pcap\n");
        assertEquals(Cli.keys(findings(whole.toString())), Cli.keys(findings(dir.toString())));
    }

    /**
     * Two files that overlap in time (split by flow, not by time): merged by timestamp, they give
     * the whole file's findings; frame numbers are those of {@code mergecap -w merged.pcap a b},
     * checked packet by packet with tshark.
     */
    @Test
    void overlappingFilesAreMergedByTimestamp(@TempDir Path dir) {
        Cli.assumeTool(Cli.onPath("tshark") && Cli.onPath("mergecap"), "tshark and mergecap (wireshark)");
        Path whole = Cli.sample("client-tw-reuse").toAbsolutePath();
        Path a = dir.resolve("a.pcap");
        Path b = dir.resolve("b.pcap");
        Path merged = dir.resolve("merged.pcap");
        Cli.exec(dir, "tshark", "-r", whole.toString(), "-Y", "tcp.port == 40001", "-w", a.toString());
        Cli.exec(dir, "tshark", "-r", whole.toString(), "-Y", "!(tcp.port == 40001)", "-w", b.toString());
        Cli.exec(dir, "mergecap", "-w", merged.toString(), a.toString(), b.toString());

        List<JsonNode> fromWhole = findings(whole.toString());
        List<JsonNode> fromTwo = findings(a.toString(), b.toString());
        List<JsonNode> fromMerged = findings(merged.toString());

        // Same hazards, whichever way the packets are numbered.
        assertEquals(hazards(fromWhole).stream().map(Cli.FindingKey::withoutFrames).toList(),
                hazards(fromTwo).stream().map(Cli.FindingKey::withoutFrames).toList());
        // Two files are numbered as mergecap numbers them.
        assertEquals(Cli.keys(fromMerged), Cli.keys(fromTwo));
        // And the numbers point at the same packets: time, ports, flags and seq as tshark sees them.
        Map<Long, String> wholePackets = tsharkPackets(dir, whole);
        Map<Long, String> mergedPackets = tsharkPackets(dir, merged);
        List<Cli.FindingKey> wholeKeys = hazards(fromWhole);
        List<Cli.FindingKey> twoKeys = hazards(fromTwo);
        assertTrue(wholeKeys.size() >= 10);
        for (int i = 0; i < wholeKeys.size(); i++) {
            List<Long> w = wholeKeys.get(i).frames();
            List<Long> t = twoKeys.get(i).frames();
            assertEquals(w.size(), t.size());
            for (int j = 0; j < w.size(); j++) {
                assertEquals(wholePackets.get(w.get(j)), mergedPackets.get(t.get(j)),
                        "frame " + w.get(j) + " of the whole file is frame " + t.get(j) + " of the merge");
            }
        }
        // The files interleave in time, so merging by timestamp restores the original order and
        // numbers (reading a.pcap, then b.pcap would not): a's packets are not a prefix of the whole.
        JsonNode sa = Cli.run("analyze", "--format", "json", a.toString()).json().get("summary");
        JsonNode sb = Cli.run("analyze", "--format", "json", b.toString()).json().get("summary");
        assertTrue(sa.get("first_packet_time").asDouble() < sb.get("last_packet_time").asDouble()
                && sb.get("first_packet_time").asDouble() < sa.get("last_packet_time").asDouble(), "the files overlap");
        assertEquals(wholeKeys, twoKeys, "merged numbering is the whole file's");
    }

    /** The quadruple findings (time_wait_reuse), in order. */
    private static List<Cli.FindingKey> hazards(List<JsonNode> findings) {
        return findings.stream().filter(f -> f.path("type").asText().equals("time_wait_reuse")).map(Cli.FindingKey::of)
                .toList();
    }

    /** frame.number to "epoch ports flags seq" for every packet, as tshark reads the file. */
    private static Map<Long, String> tsharkPackets(Path dir, Path capture) {
        String out = Cli.exec(dir, "tshark", "-r", capture.toString(), "-o", "tcp.relative_sequence_numbers:FALSE",
                "-T", "fields", "-E", "separator=/t", "-e", "frame.number", "-e", "frame.time_epoch", "-e", "tcp.srcport",
                "-e", "tcp.dstport", "-e", "tcp.flags", "-e", "tcp.seq");
        Map<Long, String> packets = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t", 2);
            if (f.length == 2 && f[0].matches("[0-9]+")) {
                packets.put(Long.parseLong(f[0]), f[1]);
            }
        }
        return packets;
    }
}
