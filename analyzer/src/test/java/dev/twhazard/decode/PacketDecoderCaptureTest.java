package dev.twhazard.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder against tshark 4.0 on real captures: every frame of each file is decoded and its
 * fields compared with what tshark printed for the same frame ({@code *.tshark.tsv}, made by
 * {@code samples/encap/make-encap-captures.sh} and {@code corpus/regenerate.sh}).
 *
 * <p>A frame where tshark shows a TCP header must decode to the same ports, raw sequence and
 * acknowledgment numbers, flags, raw window, {@code tcp.len}, timestamps, window scale, MSS and
 * innermost source address. A frame where tshark shows none must not decode. Frames where tshark
 * shows a TCP header quoted inside an ICMP error are only checked not to throw.
 */
class PacketDecoderCaptureTest {

    /** From the analyzer module's working directory. */
    static final Path SAMPLES = Path.of("..", "samples", "encap");
    static final Path CORPUS = Path.of("..", "..", "shared", "corpus");
    static final String CORPUS_TSV = "corpus/";

    /**
     * Frames where the decoder knowingly differs from tshark, with the reason. Keyed by
     * "file#frame".
     */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of(
            "the-tcpdump-group__tcpdump/tests/beep-oobr.pcap#2",
            "the TCP options are cut by the snapshot length: tshark shows the fixed header, the decoder"
                    + " reports TRUNCATED because the missing options may hold the timestamps");

    static Stream<String> sampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap")).sorted()
                    .toList().stream();
        }
    }

    static Stream<String> corpusFiles() throws IOException {
        try (InputStream in = PacketDecoderCaptureTest.class.getResourceAsStream(CORPUS_TSV + "files.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .toList().stream();
        }
    }

    @ParameterizedTest(name = "samples/encap/{0}")
    @MethodSource("sampleFiles")
    void sampleCaptureMatchesTshark(String name) throws IOException {
        String tsv = Files.readString(SAMPLES.resolve(name.replace(".pcap", ".tshark.tsv")));
        compare(name, CaptureFile.read(SAMPLES.resolve(name)), tsv);
    }

    @ParameterizedTest(name = "corpus {0}")
    @MethodSource("corpusFiles")
    void corpusCaptureMatchesTshark(String name) throws IOException {
        Path file = CORPUS.resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(file), "shared corpus not present: " + file);
        String tsvName = CORPUS_TSV + name.replace("/", "__") + ".tshark.tsv";
        try (InputStream in = getClass().getResourceAsStream(tsvName)) {
            compare(name, CaptureFile.read(file), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Every packet of every classic pcap and pcapng in the corpus decodes without throwing. */
    @Test
    void wholeCorpusNeverThrows() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "shared corpus not present: " + CORPUS);
        PacketDecoder decoder = new PacketDecoder();
        TcpSegment out = new TcpSegment();
        Map<DecodeStatus, Integer> counts = new HashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CORPUS)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .sorted().toList();
        }
        for (Path file : files) {
            List<CaptureFile.Frame> frames;
            try {
                frames = CaptureFile.read(file);
            } catch (RuntimeException e) {
                // Damaged files (the corpus keeps some on purpose) are the readers' concern.
                continue;
            }
            for (CaptureFile.Frame f : frames) {
                DecodeStatus s = decoder.decode(f.linkType(), ByteBuffer.wrap(f.data()), 0, f.data().length, out);
                counts.merge(s, 1, Integer::sum);
            }
        }
        assertTrue(counts.getOrDefault(DecodeStatus.DECODED, 0) > 10_000, counts.toString());
    }

    static void compare(String file, List<CaptureFile.Frame> frames, String tsv) {
        List<String[]> rows = new ArrayList<>();
        tsv.lines().forEach(l -> rows.add(l.split("\t", -1)));
        assertEquals(rows.size(), frames.size(), file + ": tshark rows vs frames");
        PacketDecoder decoder = new PacketDecoder();
        TcpSegment out = new TcpSegment();
        List<String> failures = new ArrayList<>();
        for (CaptureFile.Frame f : frames) {
            String[] row = rows.get(f.number() - 1);
            DecodeStatus status = decoder.decode(f.linkType(), ByteBuffer.wrap(f.data()), 0, f.data().length, out);
            String key = file + "#" + f.number();
            if (KNOWN_DIFFERENCES.containsKey(key)) {
                continue;
            }
            boolean icmp = !field(row, 14).isEmpty() || !field(row, 15).isEmpty();
            if (icmp) {
                continue;
            }
            String mismatch = mismatch(row, status, out);
            if (mismatch != null) {
                failures.add(key + " (" + status + "): " + mismatch);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertFalse(frames.isEmpty(), file + ": no frames");
    }

    /** Null when the decoder agrees with tshark's row, else what differs. */
    static String mismatch(String[] row, DecodeStatus status, TcpSegment out) {
        String srcPort = last(field(row, 3));
        if (srcPort.isEmpty()) {
            return status == DecodeStatus.DECODED ? "tshark shows no TCP header, decoder decoded one" : null;
        }
        if (status != DecodeStatus.DECODED) {
            return "tshark shows a TCP header";
        }
        StringBuilder sb = new StringBuilder();
        String expectedSrc = last(field(row, out.ipVersion == 4 ? 1 : 2));
        String actualSrc = IpAddress.format(out.srcHi, out.srcLo);
        check(sb, "src", expectedSrc, actualSrc);
        check(sb, "srcport", srcPort, String.valueOf(out.srcPort));
        check(sb, "dstport", last(field(row, 4)), String.valueOf(out.dstPort));
        check(sb, "seq", last(field(row, 5)), Integer.toUnsignedString(out.seq));
        String ack = last(field(row, 6));
        if (!ack.isEmpty()) {
            check(sb, "ack", ack, Integer.toUnsignedString(out.ack));
        }
        check(sb, "flags", Integer.toString(Integer.parseInt(last(field(row, 7)).substring(2), 16)),
                String.valueOf(out.flags));
        check(sb, "window", last(field(row, 8)), String.valueOf(out.window));
        String len = last(field(row, 9));
        if (!len.isEmpty()) {
            // tshark leaves tcp.len out for a first fragment (MF set) when not reassembling.
            check(sb, "len", len, String.valueOf(out.payloadLength));
        }
        String tsval = last(field(row, 10));
        check(sb, "tsval", tsval, out.hasTimestamps ? Integer.toUnsignedString(out.tsVal) : "");
        check(sb, "tsecr", last(field(row, 11)), out.hasTimestamps ? Integer.toUnsignedString(out.tsEcr) : "");
        check(sb, "wscale", last(field(row, 12)), out.hasWindowScale ? String.valueOf(out.windowScale) : "");
        check(sb, "mss", last(field(row, 13)), out.hasMss ? String.valueOf(out.mss) : "");
        return sb.isEmpty() ? null : sb.toString();
    }

    private static void check(StringBuilder sb, String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            sb.append(what).append(" tshark=").append(expected).append(" decoder=").append(actual).append("; ");
        }
    }

    private static String field(String[] row, int i) {
        return i < row.length ? row[i] : "";
    }

    /** tshark lists a field once per occurrence, outermost first; the innermost is last. */
    private static String last(String value) {
        int comma = value.lastIndexOf(',');
        return comma < 0 ? value : value.substring(comma + 1);
    }

    @Test
    void samplesArePresent() throws IOException {
        assertFalse(sampleFiles().toList().isEmpty(), "samples/encap has no captures");
    }
}
