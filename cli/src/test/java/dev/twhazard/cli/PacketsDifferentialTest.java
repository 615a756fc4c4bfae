package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twhazard packets} against {@code tshark -T fields} on every capture under
 * {@code samples/} and the shared corpus, frame by frame and field by field: frame number, time
 * (compared as a decimal number: a file with microsecond resolution has zeros below the
 * microsecond in tshark's nine digits), the addresses of the IP header that carries the TCP
 * header, ports, flags, raw sequence and acknowledgment numbers, raw window, payload length,
 * TSval/TSecr, window scale and MSS.
 *
 * <p>Every frame in which tshark shows a TCP header must be listed, and every frame listed must be
 * one in which tshark shows a TCP header, except that a TCP header tshark finds quoted inside
 * another message ({@link #QUOTING_PROTOCOLS}) must not be listed: it is a copy, not a segment.
 * Anything else that differs fails the file, with all its mismatches by frame number, unless
 * {@link #KNOWN_DIFFERENCES} names it with the reason. Captures tshark cannot read are compared
 * on the error instead.
 *
 * <p>tshark runs once per file, {@link #TSHARK_THREADS} at a time, started before the tests so
 * that its start-up overlaps the comparisons; nothing is kept between runs. Without tshark the
 * test is skipped, unless {@code TWHAZARD_REQUIRE_TOOLS=1} (as in CI), where it fails. The expected
 * values were checked with tshark 4.0.
 */
class PacketsDifferentialTest {

    /** From the cli module's working directory. */
    static final Path SAMPLES = Path.of("..", "samples");
    static final Path CORPUS = Path.of("..", "..", "shared", "corpus");

    /** Capture files by name, optionally compressed (the readers go by magic, not by name). */
    static final Pattern CAPTURE_NAME = Pattern.compile(".*\\.(pcap|pcapng|cap|snoop)(\\.(gz|zst|xz|bz2|lz4))?");

    static final String REQUIRE_TOOLS = "TWHAZARD_REQUIRE_TOOLS";
    static final int TSHARK_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    static final long TSHARK_TIMEOUT_SECONDS = 300;
    /** Mismatch lines shown per file; a count of the rest follows. */
    static final int MAX_REPORTED = 20;

    /**
     * Preferences that make tshark dissect each frame on its own, as the decoder does: without
     * reassembly and without state carried from one frame to the next.
     */
    static final List<String> TSHARK_PREFERENCES = List.of(
            // Needed. IP reassembly moves the TCP header of a fragmented datagram from the frame
            // of the first fragment to that of the last (samples/encap/ipv4-options-frag.pcap and
            // ipv6-ext.pcap, frame 17 against 18). The decoder never reassembles: it reads the
            // first fragment, the only one holding the transport header (RFC 791 section 3.2,
            // RFC 8200 section 4.5), so that is where tshark must show it too.
            "ip.defragment:FALSE",
            "ipv6.defragment:FALSE",
            // Not needed for the fields compared (on the corpus they come out the same either
            // way), but each keeps frame.protocols, which the test parses, a function of the
            // frame's own bytes: TCP reassembly hands reassembled PDUs of several frames to the
            // application dissectors, and sequence analysis carries state per conversation.
            // tcp.seq_raw and tcp.ack_raw are raw whatever tcp.relative_sequence_numbers says.
            "tcp.desegment_tcp_streams:FALSE",
            "tcp.analyze_sequence_numbers:FALSE");

    /**
     * The columns tshark prints. With {@code -E occurrence=a} each holds every occurrence in the
     * frame, outermost first, joined by commas: the header the decoder reads is then picked by
     * its position in {@code frame.protocols} (see {@link TsharkFrame}), which
     * {@code occurrence=l} cannot do when the innermost IP header is not the one carrying the TCP
     * header (OpenFlow packet-ins quote a frame behind the TCP header of the control channel).
     */
    static final List<String> TSHARK_FIELDS = List.of("frame.number", "frame.time_epoch", "frame.protocols",
            "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.seq_raw",
            "tcp.ack_raw", "tcp.window_size_value", "tcp.len", "tcp.options.timestamp.tsval",
            "tcp.options.timestamp.tsecr", "tcp.options.wscale.shift", "tcp.options.mss_val", "ip.flags.mf",
            "ipv6.fraghdr.more");

    /**
     * Protocols that quote a captured or offending packet inside their own message: a TCP header
     * below one of them is a copy (the start of the datagram an ICMP error is about, RFC 792 and
     * RFC 4443 section 3; a packet sampled by an sFlow agent), never a segment on the wire.
     */
    static final Set<String> QUOTING_PROTOCOLS = Set.of("icmp", "icmpv6", "sflow");

    /** tshark's {@code tcp.flags} bits for our letters F S R P A U E C N. */
    static final int[] FLAG_BITS = {0x001, 0x002, 0x004, 0x008, 0x010, 0x020, 0x040, 0x080, 0x100};
    static final String FLAG_LETTERS = "FSRPAUECN";
    /** Bits above NS are reserved (RFC 9293 section 3.1); we have no letter for them. */
    static final int KNOWN_FLAGS = 0x1FF;

    /** tshark's message for a link type it does not dissect, which stops it reading the file. */
    static final Pattern TSHARK_UNKNOWN_LINK_TYPE = Pattern.compile("network type (\\d+) unknown or unsupported");

    /** A mismatch about the whole file rather than one frame. */
    static final long WHOLE_FILE = 0;
    /** The field of a mismatch about whether a frame is listed at all. */
    static final String LISTED = "listed";
    /** The field of a mismatch about twhazard's exit code. */
    static final String EXIT = "exit";
    static final String ANY_FIELD = "*";

    /**
     * A difference twhazard has on purpose: in {@code file} (as the test names it), frames
     * {@code first} to {@code last}, the {@code field} (a CSV column, {@link #LISTED},
     * {@link #EXIT} or {@link #ANY_FIELD}). {@code evidence} must appear in twhazard's standard
     * error, which shows the frames differ for the stated reason; an entry that excuses nothing
     * fails the test, so the list cannot go stale.
     */
    record KnownDifference(String file, long first, long last, String field, String evidence, String reason) {
        boolean covers(String f, long frame, String what) {
            return file.equals(f) && frame >= first && frame <= last && (field.equals(ANY_FIELD) || field.equals(what));
        }
    }

    static final String TCPDUMP = "corpus/the-tcpdump-group__tcpdump/tests/";
    static final String PCAPPLUSPLUS = "corpus/seladb__PcapPlusPlus/Tests/";

    static final List<KnownDifference> KNOWN_DIFFERENCES = List.of(
            new KnownDifference(TCPDUMP + "beep-oobr.pcap", 2, 2, LISTED, "truncated_header=1",
                    "the snapshot length cuts the TCP options: tshark shows the fixed header; the decoder skips"
                            + " the segment as truncated_header, since the lost options may hold the timestamps"
                            + " that PAWS decisions need"),
            new KnownDifference(PCAPPLUSPLUS + "Pcap++Test/PcapExamples/file_heuristics/pcapng-example.pcapng.zst",
                    WHOLE_FILE, Long.MAX_VALUE, ANY_FIELD, "zstd-compressed capture: not supported",
                    "tshark reads zstd-compressed files; twhazard reads gzip only and refuses zstd with exit code"
                            + " 3 and a message saying how to decompress it (the same file uncompressed,"
                            + " pcapng-example.pcapng, is compared)"),
            new KnownDifference(TCPDUMP + "arcnet-rfc1051-arp-icmp-http.pcap", 1, Long.MAX_VALUE, LISTED,
                    "unsupported_link_type=", "ARCNET (LINKTYPE_ARCNET_LINUX 129), an obsolete LAN, is not"
                            + " decoded: every frame is counted as unsupported_link_type"),
            new KnownDifference(TCPDUMP + "arcnet-rfc1201-arp-icmp-http.pcap", 1, Long.MAX_VALUE, LISTED,
                    "unsupported_link_type=", "as above, with RFC 1201 framing"),
            new KnownDifference(PCAPPLUSPLUS + "Pcap++Test/PcapExamples/pcapng-example.pcapng", 60, 159, "time",
                    "is after the year 2262",
                    "these timestamps are 2^64 - 505425287 microseconds: tshark prints the unsigned value"
                            + " (18446744073204.126329, the year 586,000); twhazard keeps nanoseconds in a"
                            + " signed long, warns that the value wraps, and prints -505.425287"),
            new KnownDifference(TCPDUMP + "timestamp_invalid_micro.pcap", 2, 3, "time", "timestamp fraction: 1000000",
                    "microsecond fields of 10^6 and 2^31 (expected: below 10^6): twhazard warns and carries"
                            + " them into the seconds; tshark prints 1418145370.1000000000 for the first and,"
                            + " its nanoseconds overflowing 32 bits, 1418145370.000000000 for the second"),
            new KnownDifference(TCPDUMP + "timestamp_invalid_nano.pcap", 2, 3, "time",
                    "timestamp fraction: 1000000000", "the same with nanosecond fields of 10^9 and 2^31: tshark"
                            + " prints -1418145370.2147483648 for the second"));

    /** Totals over the run, printed at the end. */
    static final AtomicLong FILES = new AtomicLong();
    static final AtomicLong FRAMES_COMPARED = new AtomicLong();
    static final AtomicLong FRAMES_MATCHED = new AtomicLong();
    static final AtomicLong QUOTED = new AtomicLong();
    static final AtomicLong ERROR_FILES = new AtomicLong();

    @TempDir
    Path tmp;

    record Capture(String name, Path file) {
    }

    record TsharkRun(int exitCode, List<String> lines, String stderr) {
    }

    record TwhazardRun(int exitCode, String csv, String stderr) {
    }

    record Mismatch(long frame, String field, String text) {
    }

    @TestFactory
    Stream<DynamicNode> packetsMatchTshark() throws IOException {
        if (!tsharkAvailable()) {
            if ("1".equals(System.getenv(REQUIRE_TOOLS))) {
                fail("tshark is not installed, and " + REQUIRE_TOOLS + "=1 requires it");
            }
            Assumptions.abort("tshark is not installed");
        }
        List<Capture> captures = new ArrayList<>();
        List<DynamicNode> tests = new ArrayList<>();
        for (var root : List.of(Map.entry("samples", SAMPLES), Map.entry("corpus", CORPUS))) {
            if (Files.isDirectory(root.getValue())) {
                captures.addAll(captures(root.getKey(), root.getValue()));
            } else {
                tests.add(DynamicTest.dynamicTest(root.getKey(), () -> Assumptions.abort(
                        root.getKey() + " not present at " + root.getValue().toAbsolutePath().normalize())));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(TSHARK_THREADS, r -> {
            Thread t = new Thread(r, "tshark");
            t.setDaemon(true);
            return t;
        });
        List<Future<TsharkRun>> runs = new ArrayList<>();
        for (Capture c : captures) {
            runs.add(pool.submit(() -> tshark(c.file())));
        }
        pool.shutdown();
        for (int i = 0; i < captures.size(); i++) {
            Capture c = captures.get(i);
            Future<TsharkRun> run = runs.get(i);
            tests.add(DynamicTest.dynamicTest(c.name(), c.file().toUri(), () -> compare(c, get(run))));
        }
        return tests.stream();
    }

    @AfterAll
    static void totals() {
        System.out.printf("PacketsDifferentialTest: %d files, %d TCP frames compared field by field, %d matched"
                + " in every field, %d quoted TCP headers not listed, %d files compared on the error%n",
                FILES.get(), FRAMES_COMPARED.get(), FRAMES_MATCHED.get(), QUOTED.get(), ERROR_FILES.get());
    }

    static List<Capture> captures(String prefix, Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> CAPTURE_NAME.matcher(p.getFileName().toString()).matches())
                    .sorted()
                    .map(p -> new Capture(prefix + "/" + root.relativize(p).toString().replace('\\', '/'), p))
                    .toList();
        }
    }

    static void compare(Capture c, TsharkRun tshark) {
        FILES.incrementAndGet();
        TwhazardRun ours = twhazard(c.file());
        Matcher unknownLink = TSHARK_UNKNOWN_LINK_TYPE.matcher(tshark.stderr());
        if (tshark.exitCode() != 0) {
            ERROR_FILES.incrementAndGet();
        }
        if (tshark.exitCode() != 0 && unknownLink.find()) {
            // tshark refuses the whole file over its link type. The framing is sound (the readers
            // read it, and CorpusTest counts its records): the decoder must list nothing and count
            // every packet as unsupported_link_type, which the summary line names.
            assertEquals(List.of(), List.copyOf(rows(ours.csv()).keySet()),
                    c.name() + ": tshark does not dissect link type " + unknownLink.group(1) + "; twhazard listed frames");
            assertTrue(ours.stderr().matches("(?s).*0 TCP segments listed, skipped \\{unsupported_link_type=\\d+}.*"),
                    c.name() + ": tshark refused link type " + unknownLink.group(1)
                            + "; twhazard should skip every packet as unsupported_link_type: " + ours.stderr());
            return;
        }
        List<Mismatch> mismatches = new ArrayList<>();
        if (tshark.exitCode() != 0) {
            // tshark cannot read the file: twhazard must say so too, with exit code 3 and a message
            // besides the summary line. Frames tshark printed before it stopped are still compared.
            if (ours.exitCode() != ExitCode.INPUT
                    || ours.stderr().lines().noneMatch(l -> l.startsWith("twhazard: ") && !l.contains(" packets read, "))) {
                mismatches.add(new Mismatch(WHOLE_FILE, EXIT, "tshark failed (" + tshark.stderr().strip()
                        + "); twhazard exited " + ours.exitCode() + ": " + ours.stderr().strip()));
            }
        } else if (ours.exitCode() != ExitCode.OK) {
            mismatches.add(new Mismatch(WHOLE_FILE, EXIT, "tshark read the file; twhazard exited " + ours.exitCode()
                    + ": " + ours.stderr().strip()));
        }
        Map<Long, TsharkFrame> theirs = tsharkFrames(tshark.lines());
        Map<Long, Map<String, String>> mine = rows(ours.csv());
        Set<Long> frames = new TreeSet<>(theirs.keySet());
        frames.addAll(mine.keySet());
        for (long frame : frames) {
            TsharkFrame t = theirs.get(frame);
            Map<String, String> m = mine.get(frame);
            if (t != null && t.quoted()) {
                QUOTED.incrementAndGet();
                if (m != null) {
                    mismatches.add(new Mismatch(frame, LISTED, "listed, but tshark shows the TCP header quoted in "
                            + t.protocols()));
                }
            } else if (t == null) {
                mismatches.add(new Mismatch(frame, LISTED, "listed, but tshark shows no TCP header"));
            } else if (m == null) {
                mismatches.add(new Mismatch(frame, LISTED, "tshark shows a TCP header, twhazard lists none"));
            } else {
                FRAMES_COMPARED.incrementAndGet();
                List<Mismatch> fields = fieldMismatches(frame, t, m);
                if (fields.isEmpty()) {
                    FRAMES_MATCHED.incrementAndGet();
                }
                mismatches.addAll(fields);
            }
        }
        report(c.name(), ours, mismatches);
    }

    /** Fails with the mismatches no known difference excuses, or with a known difference that excused none. */
    static void report(String file, TwhazardRun ours, List<Mismatch> mismatches) {
        List<String> lines = new ArrayList<>();
        Set<KnownDifference> used = new HashSet<>();
        for (Mismatch m : mismatches) {
            KnownDifference k = KNOWN_DIFFERENCES.stream().filter(d -> d.covers(file, m.frame(), m.field()))
                    .findFirst().orElse(null);
            if (k == null) {
                lines.add((m.frame() == WHOLE_FILE ? "file" : "frame " + m.frame()) + ": " + m.text());
            } else {
                used.add(k);
            }
        }
        for (KnownDifference k : KNOWN_DIFFERENCES) {
            if (!k.file().equals(file)) {
                continue;
            }
            if (!used.contains(k)) {
                lines.add("known difference excused nothing (remove it): " + k);
            } else if (!ours.stderr().contains(k.evidence())) {
                lines.add("known difference without its evidence \"" + k.evidence() + "\" on standard error: "
                        + ours.stderr().strip());
            }
        }
        if (!lines.isEmpty()) {
            List<String> shown = new ArrayList<>(lines.subList(0, Math.min(MAX_REPORTED, lines.size())));
            if (lines.size() > MAX_REPORTED) {
                shown.add("... and " + (lines.size() - MAX_REPORTED) + " more");
            }
            fail(file + ": " + lines.size() + " mismatches with tshark\n" + String.join("\n", shown));
        }
    }

    /** Each field that differs. */
    static List<Mismatch> fieldMismatches(long frame, TsharkFrame t, Map<String, String> m) {
        List<Mismatch> out = new ArrayList<>();
        String time = t.frameField("frame.time_epoch");
        if (time.isEmpty() || new BigDecimal(time).compareTo(new BigDecimal(m.get("time"))) != 0) {
            out.add(new Mismatch(frame, "time", "time tshark=" + time + " twhazard=" + m.get("time")));
        }
        checkAddress(out, frame, "src_ip", t.ipField("src"), m.get("src_ip"));
        checkAddress(out, frame, "dst_ip", t.ipField("dst"), m.get("dst_ip"));
        check(out, frame, "src_port", t.tcpField("tcp.srcport"), m.get("src_port"));
        check(out, frame, "dst_port", t.tcpField("tcp.dstport"), m.get("dst_port"));
        check(out, frame, "flags", flagLetters(t.tcpField("tcp.flags")), m.get("flags"));
        check(out, frame, "seq", t.tcpField("tcp.seq_raw"), m.get("seq"));
        check(out, frame, "ack", t.tcpField("tcp.ack_raw"), m.get("ack"));
        check(out, frame, "window", t.tcpField("tcp.window_size_value"), m.get("window"));
        String len = t.tcpField("tcp.len");
        if (!len.isEmpty() || !t.firstFragment()) {
            // Without reassembly tshark has no tcp.len for a first fragment with more to come: the
            // TCP payload runs on in the other fragments. twhazard gives the bytes this fragment
            // holds (what its IP header declares after the TCP header); the other fields agree.
            check(out, frame, "len", len, m.get("len"));
        }
        check(out, frame, "tsval", t.tcpField("tcp.options.timestamp.tsval"), m.get("tsval"));
        check(out, frame, "tsecr", t.tcpField("tcp.options.timestamp.tsecr"), m.get("tsecr"));
        check(out, frame, "wscale", t.tcpField("tcp.options.wscale.shift"), m.get("wscale"));
        check(out, frame, "mss", t.tcpField("tcp.options.mss_val"), m.get("mss"));
        return out;
    }

    private static void check(List<Mismatch> out, long frame, String field, String tshark, String ours) {
        String o = ours == null ? "" : ours;
        if (!tshark.equals(o)) {
            out.add(new Mismatch(frame, field, field + " tshark=" + tshark + " twhazard=" + o));
        }
    }

    /** Compares as addresses: the two tools may write the same IPv6 address differently. */
    private static void checkAddress(List<Mismatch> out, long frame, String field, String tshark, String ours) {
        if (!tshark.equals(ours) && !Arrays.equals(addressBytes(tshark), addressBytes(ours))) {
            out.add(new Mismatch(frame, field, field + " tshark=" + tshark + " twhazard=" + ours));
        }
    }

    /** A literal's bytes (only literals are parsed, so there is no name lookup); null if not one. */
    static byte[] addressBytes(String literal) {
        if (literal == null || literal.isEmpty() || !literal.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** tshark's hex {@code tcp.flags} as our letters. */
    static String flagLetters(String hex) {
        if (!hex.startsWith("0x")) {
            return "?" + hex;
        }
        int bits = Integer.parseInt(hex.substring(2), 16) & KNOWN_FLAGS;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((bits & FLAG_BITS[i]) != 0) {
                b.append(FLAG_LETTERS.charAt(i));
            }
        }
        return b.toString();
    }

    /**
     * One line of tshark's output. The TCP header compared is the first in the frame (the decoder
     * does not look into TCP payloads), and the IP header compared is the last one before it in
     * {@code frame.protocols}; each field's occurrence is found by counting the layers of that
     * protocol before it.
     */
    record TsharkFrame(Map<String, List<String>> fields, List<String> layers, int tcpLayer) {

        static TsharkFrame parse(String line) {
            String[] columns = line.split("\t", -1);
            Map<String, List<String>> fields = new TreeMap<>();
            for (int i = 0; i < TSHARK_FIELDS.size(); i++) {
                String v = i < columns.length ? columns[i] : "";
                fields.put(TSHARK_FIELDS.get(i), v.isEmpty() ? List.of() : List.of(v.split(",", -1)));
            }
            List<String> layers = fields.get("frame.protocols").isEmpty() ? List.of()
                    : List.of(fields.get("frame.protocols").get(0).split(":"));
            return new TsharkFrame(fields, layers, layers.indexOf("tcp"));
        }

        long number() {
            return Long.parseLong(frameField("frame.number"));
        }

        String protocols() {
            return String.join(":", layers);
        }

        /** True when the first TCP header sits below a protocol that quotes packets. */
        boolean quoted() {
            return tcpLayer >= 0 && layers.subList(0, tcpLayer).stream().anyMatch(QUOTING_PROTOCOLS::contains);
        }

        String frameField(String name) {
            return occurrence(name, 0);
        }

        /** The first TCP header's value; options are present in some headers only (see below). */
        String tcpField(String name) {
            // Only sFlow samples (quoted, not compared) hold a second TCP header in these
            // captures. Were one to follow an outer header lacking an option, its value would be
            // taken for the outer header's and show as a mismatch: never a silent pass.
            return occurrence(name, 0);
        }

        /** {@code src} or {@code dst} of the IP header that carries the TCP header. */
        String ipField(String which) {
            int ip = ipLayer();
            if (ip < 0) {
                return "";
            }
            String protocol = layers.get(ip);
            return occurrence(protocol + "." + which, count(protocol, ip));
        }

        /** True when the IP datagram carrying the TCP header is a first fragment with more to come. */
        boolean firstFragment() {
            int ip = ipLayer();
            if (ip < 0) {
                return false;
            }
            if (layers.get(ip).equals("ip")) {
                return occurrence("ip.flags.mf", count("ip", ip)).equals("1");
            }
            return layers.get(tcpLayer - 1).equals("ipv6.fraghdr")
                    && occurrence("ipv6.fraghdr.more", count("ipv6.fraghdr", tcpLayer - 1)).equals("1");
        }

        private int ipLayer() {
            for (int i = tcpLayer - 1; i >= 0; i--) {
                if (layers.get(i).equals("ip") || layers.get(i).equals("ipv6")) {
                    return i;
                }
            }
            return -1;
        }

        /** How many layers before {@code index} are {@code protocol}. */
        private int count(String protocol, int index) {
            return (int) layers.subList(0, index).stream().filter(protocol::equals).count();
        }

        private String occurrence(String name, int index) {
            List<String> values = fields.get(name);
            return index < values.size() ? values.get(index) : "";
        }
    }

    // Running the two tools.

    static TwhazardRun twhazard(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Twhazard.execute(new String[] {"packets", file.toString()}, o, e, InputStream.nullInputStream());
        }
        return new TwhazardRun(code, out.toString(), err.toString());
    }

    /** twhazard's CSV rows by frame number. */
    static Map<Long, Map<String, String>> rows(String csv) {
        Map<Long, Map<String, String>> rows = new TreeMap<>();
        if (csv.isEmpty()) {
            return rows;
        }
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
            while (it.hasNext()) {
                Map<String, String> row = it.next();
                Map<String, String> previous = rows.put(Long.parseLong(row.get("frame")), row);
                assertEquals(null, previous, "frame " + row.get("frame") + " listed twice");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    static Map<Long, TsharkFrame> tsharkFrames(List<String> lines) {
        Map<Long, TsharkFrame> frames = new TreeMap<>();
        for (String line : lines) {
            if (!line.isEmpty()) {
                TsharkFrame f = TsharkFrame.parse(line);
                frames.put(f.number(), f);
            }
        }
        return frames;
    }

    static boolean tsharkAvailable() {
        try {
            Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One tshark run over {@code file}: {@code -Y tcp} keeps the frames with a TCP header anywhere. */
    TsharkRun tshark(Path file) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString()));
        for (String pref : TSHARK_PREFERENCES) {
            cmd.add("-o");
            cmd.add(pref);
        }
        cmd.addAll(List.of("-Y", "tcp", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
                "-E", "aggregator=,"));
        for (String field : TSHARK_FIELDS) {
            cmd.add("-e");
            cmd.add(field);
        }
        Path out = Files.createTempFile(tmp, "tshark", ".tsv");
        Path err = Files.createTempFile(tmp, "tshark", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TSHARK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("tshark took more than " + TSHARK_TIMEOUT_SECONDS + " s on " + file);
            }
            return new TsharkRun(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static TsharkRun get(Future<TsharkRun> run) throws Exception {
        try {
            return run.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
