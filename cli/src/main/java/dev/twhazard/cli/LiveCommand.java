package dev.twhazard.cli;

import dev.twhazard.capture.PcapWriter;
import dev.twhazard.detect.HazardAnalyzer;
import dev.twhazard.detect.Severity;
import dev.twhazard.pipeline.SegmentPipeline;
import dev.twhazard.report.Finding;
import dev.twhazard.report.FindingWriter;
import dev.twhazard.report.RunSummary;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code twhazard live}: captures from an interface through libpcap and analyses as it goes,
 * with a periodic report of the findings so far; optionally saves the capture as pcap.
 */
@Command(name = "live", mixinStandardHelpOptions = true,
        description = "Capture from an interface (libpcap) and report TIME_WAIT hazards as they happen.",
        footer = {"", "Example:", "  twhazard live -i eth0 --filter 'tcp port 80' --every 10s --duration 5m --write cap.pcap",
            "", ExitCode.HELP})
final class LiveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--interface"}, required = true, paramLabel = "IFACE", description = "Interface to capture on.")
    String iface;

    @Mixin
    AnalysisOptions analysis;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (e.g. 30s, 5m).")
    String duration;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N packets.")
    long count;

    @Option(names = "--every", paramLabel = "DURATION", description = "Print a report of the findings so far this often.")
    String every;

    @Option(names = "--write", paramLabel = "FILE", description = "Also save the captured packets to FILE (pcap).")
    Path write;

    @Option(names = "--snaplen", paramLabel = "BYTES", description = "Bytes captured per packet (default: 262144).")
    int snaplen = 262_144;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Final report: text, csv, json or jsonl (default: text).")
    OutputFormat format = OutputFormat.TEXT;

    @Option(names = "--fail-on", paramLabel = "SEVERITY",
            description = "Exit with code 1 when a finding at or above SEVERITY was reported.")
    String failOn;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        Severity failSeverity = failOn == null ? null : Severity.parse(failOn);
        var config = analysis.config();
        var show = analysis.show();
        long deadline = duration == null ? Long.MAX_VALUE
                : System.nanoTime() + AnalysisOptions.duration("--duration", duration).toNanos();
        long period = every == null ? 0 : AnalysisOptions.duration("--every", every).toNanos();
        BpfFilter.pointPcap4jAtLibpcap();
        PcapHandle handle = open(err);
        if (handle == null) {
            return ExitCode.USAGE;
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stopped.set(true);
            try {
                main.join(3000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        RunSummary summary = new RunSummary();
        List<Finding> sinceLastReport = new ArrayList<>();
        Severity[] worst = {null};
        long[] nextReport = {period > 0 ? System.nanoTime() + period : Long.MAX_VALUE};
        long[] packets = {0};
        Warnings warnings = new Warnings(err);
        try (FindingWriter writer = format.writer(out);
             PcapWriter pcap = write == null ? null : new PcapWriter(new BufferedOutputStream(Files.newOutputStream(write)),
                     handle.getDlt().value(), snaplen, false)) {
            HazardAnalyzer analyzer = new HazardAnalyzer(config, f -> {
                if (!show.test(f)) {
                    return;
                }
                if (worst[0] == null || f.severity().atLeast(worst[0])) {
                    worst[0] = f.severity();
                }
                sinceLastReport.add(f);
                try {
                    writer.write(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            LiveCaptureReader reader = new LiveCaptureReader(handle, iface, () -> {
                long now = System.nanoTime();
                if (now >= nextReport[0]) {
                    report(out, packets[0], analyzer, sinceLastReport);
                    nextReport[0] = now + period;
                }
                return stopped.get() || now >= deadline || (count > 0 && packets[0] >= count);
            });
            SegmentPipeline pipeline = new SegmentPipeline(summary).perRecord(() -> {
                packets[0]++;
                if (pcap != null) {
                    try {
                        pcap.write(reader);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            try (reader) {
                pipeline.run(reader, analyzer::accept);
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            analyzer.finish();
            summary.analysis(analyzer.stats());
            summary.inputs.add(new RunSummary.Input(iface, summary.packetsRead, 0, null));
            summary.checkAccounting();
            writer.finish(summary);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // The JVM is already shutting down (Ctrl-C): the hook is running.
            }
            out.flush();
        }
        warnings.finish();
        return failSeverity != null && worst[0] != null && worst[0].atLeast(failSeverity) ? ExitCode.FINDINGS : ExitCode.OK;
    }

    private PcapHandle open(java.io.PrintWriter err) {
        try {
            PcapNetworkInterface nif = Pcaps.getDevByName(iface);
            if (nif == null) {
                err.println("twhazard: no interface named " + iface + " (see 'ip link')");
                return null;
            }
            PcapHandle h = new PcapHandle.Builder(iface).snaplen(snaplen)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS).timeoutMillis(100)
                    .immediateMode(true).build();
            if (analysis.filter != null) {
                h.setFilter(analysis.filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            }
            return h;
        } catch (PcapNativeException e) {
            err.println("twhazard: cannot capture on " + iface + ": " + e.getMessage()
                    + " (capturing needs root or CAP_NET_RAW)");
            return null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            err.println("twhazard: " + BpfFilter.INSTALL_HINT);
            return null;
        } catch (org.pcap4j.core.NotOpenException e) {
            err.println("twhazard: cannot set the filter on " + iface + ": " + e.getMessage());
            return null;
        }
    }

    private static void report(java.io.PrintWriter out, long packets, HazardAnalyzer analyzer, List<Finding> fresh) {
        var stats = analyzer.stats();
        long total = stats.findings().values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "[live] %,d packets, %,d connections, %d findings so far %s%n", packets,
                stats.incarnations(), total, stats.findings());
        for (Finding f : fresh) {
            out.printf(Locale.ROOT, "[live]   %s %s: %s%n", f.severity().label(), f.type().id(), f.core().explanation());
        }
        fresh.clear();
        out.flush();
    }

    static Duration parse(String text) {
        return AnalysisOptions.duration("--duration", text);
    }
}
