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
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        description = {"Capture from an interface (libpcap) and report TIME_WAIT hazards as they happen.",
            "Stops after --duration, after --count packets, or at Ctrl-C (SIGINT or SIGTERM); the final report is written "
                    + "in every case (after a signal the exit status is the signal's, 130 or 143). "
                    + "Capturing needs root or CAP_NET_RAW."},
        footer = {"", "Example:", "  twhazard live -i eth0 --filter 'tcp port 80' --every 10s --duration 5m --write cap.pcap",
            "", ExitCode.HELP})
final class LiveCommand implements Callable<Integer> {

    /** How long Ctrl-C (a shutdown hook) waits for the final report to be written. */
    static final long STOP_WAIT_SECONDS = 10;
    /** Enough for the Ethernet, IP and TCP headers with options. */
    static final int MIN_SNAPLEN = 128;

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

    @Option(names = "--every", paramLabel = "DURATION",
            description = "Print a report of the findings so far this often (on standard output with --format text, "
                    + "else on standard error, so that the output stays machine-readable).")
    String every;

    @Option(names = "--write", paramLabel = "FILE", description = "Also save the captured packets to FILE (pcap).")
    Path write;

    @Option(names = "--snaplen", paramLabel = "BYTES", description = "Bytes captured per packet (default: 262144).")
    int snaplen = BpfFilter.SNAPLEN;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Final report: text, csv, json or jsonl (default: text).")
    OutputFormat format = OutputFormat.TEXT;

    @Option(names = "--fail-on", paramLabel = "SEVERITY",
            description = "Exit with code 1 when a finding at or above SEVERITY was reported.")
    String failOn;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        Severity failSeverity = failOn == null ? null : AnalysisOptions.severity("--fail-on", failOn);
        var config = analysis.config();
        var show = analysis.show();
        long since = analysis.sinceNanos();
        long until = analysis.untilNanos();
        long runFor = duration == null ? 0 : AnalysisOptions.duration("--duration", duration).toNanos();
        long period = every == null ? 0 : AnalysisOptions.duration("--every", every).toNanos();
        if (count < 0) {
            throw new UsageException("--count " + count + ": negative (expected: a number of packets, at least 1)");
        }
        if (snaplen < MIN_SNAPLEN || snaplen > BpfFilter.SNAPLEN) {
            throw new UsageException("--snaplen " + snaplen + ": out of range (expected: " + MIN_SNAPLEN + " to "
                    + BpfFilter.SNAPLEN + ")");
        }
        BpfFilter.pointPcap4jAtLibpcap();
        if (analysis.filter != null) {
            BpfFilter.compile(analysis.filter); // a bad expression is a usage error, with libpcap's message
        }
        PcapHandle handle = open(err);
        if (handle == null) {
            return ExitCode.INPUT;
        }
        OutputStream pcapOut;
        try {
            pcapOut = write == null ? null : OutputFormat.openFile("--write", write);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        long deadline = runFor == 0 ? Long.MAX_VALUE : System.nanoTime() + runFor;
        // Periodic reports go where they do not break a machine-readable output.
        PrintWriter status = format == OutputFormat.TEXT ? out : err;
        err.println("twhazard: capturing on " + iface + " (link type " + handle.getDlt().name() + ", snapshot length "
                + snaplen + " bytes" + (analysis.filter == null ? "" : ", filter '" + analysis.filter + "'")
                + "); Ctrl-C stops and writes the report");
        err.flush();
        // Ctrl-C or SIGTERM: stop reading, and hold the JVM's exit until the report is written.
        AtomicBoolean stopped = new AtomicBoolean();
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopped.set(true);
            try {
                reported.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "twhazard-live-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        RunSummary summary = new RunSummary();
        List<Finding> sinceLastReport = new ArrayList<>();
        WorstSeverity worst = new WorstSeverity();
        long[] nextReport = {period > 0 ? System.nanoTime() + period : Long.MAX_VALUE};
        long[] packets = {0};
        try (FindingWriter writer = format.writer(out);
             PcapWriter pcap = pcapOut == null ? null : new PcapWriter(new BufferedOutputStream(pcapOut),
                     handle.getDlt().value(), snaplen, false)) {
            HazardAnalyzer analyzer = new HazardAnalyzer(config, f -> {
                if (!show.test(f)) {
                    return;
                }
                worst.note(f.severity());
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
                    report(status, packets[0], analyzer, sinceLastReport);
                    nextReport[0] = now + period;
                }
                return stopped.get() || now >= deadline || (count > 0 && packets[0] >= count);
            });
            SegmentPipeline pipeline = new SegmentPipeline(summary).timeRange(since, until).perRecord(() -> {
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
                reader.printStatistics(err);
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            analyzer.finish();
            summary.inputs.add(new RunSummary.Input(iface, summary.packetsRead, 0, null));
            summary.complete(analyzer.stats(), config);
            writer.finish(summary);
        } finally {
            out.flush();
            err.flush();
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // The JVM is already shutting down (Ctrl-C): the hook is running.
            }
        }
        return worst.exitCode(failSeverity);
    }

    /**
     * Opens the interface, in non-blocking mode (see {@link LiveCaptureReader}), with the filter
     * set in the kernel. An unknown interface is a usage error; any other failure is reported
     * here and gives null (exit code 3: the input cannot be read).
     */
    private PcapHandle open(PrintWriter err) {
        PcapHandle h = null;
        try {
            PcapNetworkInterface nif = Pcaps.getDevByName(iface);
            if (nif == null) {
                throw new UsageException("no interface named " + iface + " (see 'ip link')");
            }
            h = new PcapHandle.Builder(iface).snaplen(snaplen)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS).timeoutMillis(100)
                    .immediateMode(true).build();
            h.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            if (analysis.filter != null) {
                h.setFilter(analysis.filter, BpfProgram.BpfCompileMode.OPTIMIZE, PcapHandle.PCAP_NETMASK_UNKNOWN);
            }
            return h;
        } catch (PcapNativeException e) {
            err.println("twhazard: cannot capture on " + iface + ": " + e.getMessage()
                    + " (capturing needs root or CAP_NET_RAW)");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            err.println("twhazard: " + BpfFilter.INSTALL_HINT);
        } catch (org.pcap4j.core.NotOpenException e) {
            err.println("twhazard: cannot set up the capture on " + iface + ": " + e.getMessage());
        }
        if (h != null) {
            h.close();
        }
        return null;
    }

    private static void report(PrintWriter out, long packets, HazardAnalyzer analyzer, List<Finding> fresh) {
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

}
