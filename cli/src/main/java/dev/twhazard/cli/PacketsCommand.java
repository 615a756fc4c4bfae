package dev.twhazard.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.twhazard.capture.CaptureSource;
import dev.twhazard.capture.MergedCaptureReader;
import dev.twhazard.decode.IpAddress;
import dev.twhazard.decode.TcpSegment;
import dev.twhazard.detect.HazardAnalyzer;
import dev.twhazard.flow.SegmentEvent;
import dev.twhazard.flow.Seq;
import dev.twhazard.pipeline.SegmentPipeline;
import dev.twhazard.report.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code twhazard packets}: the decoded TCP segments as CSV, one row per segment, with what the
 * close tracker made of each (incarnation, role, both endpoints' states after it). This is how
 * users and tests check what the analyzer saw.
 */
@Command(name = "packets", mixinStandardHelpOptions = true,
        description = {"List the decoded TCP segments as CSV, one row per segment, with the tracker's view of each.",
            "Columns: frame (Wireshark's frame.number), time (epoch seconds, 6 or 9 decimals as the file records), "
                    + "src_ip, src_port, dst_ip, dst_port, flags (letters of the set flags in the order F S R P A U E C N: "
                    + "FIN SYN RST PSH ACK URG ECE CWR NS/AE), seq and ack (raw, not relative), window (raw, unscaled), "
                    + "len (payload bytes), tsval, tsecr, mss, wscale, vlan (VLAN IDs, outermost first, joined by '.'), "
                    + "tunnel (encapsulations removed, joined by '+'), incarnation (1-based, per quadruple), role (what the "
                    + "tracker concluded), src_state and dst_state (each endpoint's inferred TCP state after the segment)."},
        footer = {"", ExitCode.HELP})
final class PacketsCommand implements Callable<Integer> {

    @ParentCommand
    Twhazard root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Capture files, directories, glob patterns, or -.")
    List<String> inputs = new ArrayList<>();

    @Mixin
    AnalysisOptions analysis;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the CSV to FILE.")
    Path output;

    @JsonPropertyOrder({"frame", "time", "src_ip", "src_port", "dst_ip", "dst_port", "flags", "seq", "ack", "window",
        "len", "tsval", "tsecr", "mss", "wscale", "vlan", "tunnel", "incarnation", "role", "src_state", "dst_state"})
    record PacketRow(@JsonProperty("frame") long frame, @JsonProperty("time") String time,
                     @JsonProperty("src_ip") String srcIp, @JsonProperty("src_port") int srcPort,
                     @JsonProperty("dst_ip") String dstIp, @JsonProperty("dst_port") int dstPort,
                     @JsonProperty("flags") String flags, @JsonProperty("seq") long seq, @JsonProperty("ack") long ack,
                     @JsonProperty("window") int window, @JsonProperty("len") int len,
                     @JsonProperty("tsval") Long tsval, @JsonProperty("tsecr") Long tsecr,
                     @JsonProperty("mss") Integer mss, @JsonProperty("wscale") Integer wscale,
                     @JsonProperty("vlan") String vlan, @JsonProperty("tunnel") String tunnel,
                     @JsonProperty("incarnation") int incarnation, @JsonProperty("role") String role,
                     @JsonProperty("src_state") String srcState, @JsonProperty("dst_state") String dstState) {
    }

    private static final String FLAG_LETTERS = "FSRPAUECN";
    private static final String[] TUNNEL_NAMES = {"vxlan", "geneve", "gre", "erspan2", "erspan3", "gtpu", "mpls",
        "ipip", "erspan1", "pppoe"};

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        var config = analysis.config();
        BpfFilter filter = analysis.filter == null ? null : BpfFilter.compile(analysis.filter);
        Warnings warnings = new Warnings(err);
        List<CaptureSource> sources = Inputs.expand(inputs, root.stdin, warnings);
        if (sources.isEmpty()) {
            return ExitCode.INPUT;
        }
        Writer sink = output == null ? spec.commandLine().getOut() : OutputFormat.openWriter("-o", output);
        CsvMapper mapper = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();
        CsvSchema schema = mapper.schemaFor(PacketRow.class).withHeader();
        RunSummary summary = new RunSummary();
        SegmentPipeline pipeline = new SegmentPipeline(summary).filter(filter)
                .timeRange(analysis.sinceNanos(), analysis.untilNanos());
        HazardAnalyzer analyzer = new HazardAnalyzer(config, f -> { });
        try (SequenceWriter rows = mapper.writer(schema).writeValues(sink);
             MergedCaptureReader reader = new MergedCaptureReader(sources, pipeline.warnings(warnings::warning),
                     warnings::inputError)) {
            pipeline.run(reader, seg -> {
                SegmentEvent e = analyzer.accept(seg);
                try {
                    rows.write(row(seg, e, reader.timestampDigits()));
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
            analyzer.finish();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            if (output != null) {
                sink.close();
            } else {
                sink.flush();
            }
        }
        summary.checkAccounting();
        err.printf(Locale.ROOT, "twhazard: %d packets read, %d TCP segments listed%s%n", summary.packetsRead,
                summary.packetsDecoded, summary.packetsSkipped.isEmpty() ? "" : ", skipped " + summary.packetsSkipped);
        warnings.unsupportedLinkTypes(summary);
        warnings.finish();
        return warnings.inputFailed() ? ExitCode.INPUT : ExitCode.OK;
    }

    static PacketRow row(TcpSegment s, SegmentEvent e, int digits) {
        int src = e.side();
        return new PacketRow(s.frame, time(s.timestampNanos, digits), IpAddress.format(s.srcHi, s.srcLo), s.srcPort,
                IpAddress.format(s.dstHi, s.dstLo), s.dstPort, flags(s.flags), Seq.unsigned(s.seq), Seq.unsigned(s.ack),
                s.window, s.payloadLength, s.hasTimestamps ? Seq.unsigned(s.tsVal) : null,
                s.hasTimestamps ? Seq.unsigned(s.tsEcr) : null, s.hasMss ? s.mss : null,
                s.hasWindowScale ? s.windowScale : null, vlans(s), tunnels(s.tunnels), e.incarnationNumber(),
                e.role().name().toLowerCase(Locale.ROOT), e.state(src).name(), e.state(1 - src).name());
    }

    /**
     * Epoch seconds as a decimal with 6 or 9 digits, truncated toward zero. A time before 1970
     * (a wrapped or damaged timestamp the reader warned about) keeps its sign in front of both
     * parts, so that the text reads as the value: -1.5 s is {@code -1.500000}, not
     * {@code -2.500000}, which "floor seconds, then the positive fraction" would print.
     */
    static String time(long nanos, int digits) {
        String sign = nanos < 0 ? "-" : "";
        // Unsigned, so that the magnitude of Long.MIN_VALUE (2^63) is right too.
        long magnitude = Math.abs(nanos);
        long secs = Long.divideUnsigned(magnitude, 1_000_000_000L);
        long frac = Long.remainderUnsigned(magnitude, 1_000_000_000L);
        if (digits == 6) {
            return String.format(Locale.ROOT, "%s%d.%06d", sign, secs, frac / 1000);
        }
        return String.format(Locale.ROOT, "%s%d.%09d", sign, secs, frac);
    }

    static String flags(int flags) {
        StringBuilder b = new StringBuilder(9);
        for (int i = 0; i < FLAG_LETTERS.length(); i++) {
            int bit = switch (FLAG_LETTERS.charAt(i)) {
                case 'F' -> TcpSegment.FIN;
                case 'S' -> TcpSegment.SYN;
                case 'R' -> TcpSegment.RST;
                case 'P' -> TcpSegment.PSH;
                case 'A' -> TcpSegment.ACK;
                case 'U' -> TcpSegment.URG;
                case 'E' -> TcpSegment.ECE;
                case 'C' -> TcpSegment.CWR;
                default -> TcpSegment.NS;
            };
            if ((flags & bit) != 0) {
                b.append(FLAG_LETTERS.charAt(i));
            }
        }
        return b.toString();
    }

    private static String vlans(TcpSegment s) {
        if (s.vlanCount == 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.vlanCount, TcpSegment.MAX_VLANS); i++) {
            if (i > 0) {
                b.append('.');
            }
            b.append(s.vlanIds[i]);
        }
        return b.toString();
    }

    private static String tunnels(int bits) {
        if (bits == 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < TUNNEL_NAMES.length; i++) {
            if ((bits & (1 << i)) != 0) {
                if (b.length() > 0) {
                    b.append('+');
                }
                b.append(TUNNEL_NAMES[i]);
            }
        }
        return b.toString();
    }
}
