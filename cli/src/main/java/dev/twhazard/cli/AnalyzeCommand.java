package dev.twhazard.cli;

import dev.twhazard.capture.CaptureSource;
import dev.twhazard.detect.Severity;
import dev.twhazard.pipeline.AnalysisRun;
import dev.twhazard.report.Finding;
import dev.twhazard.report.FindingWriter;
import dev.twhazard.report.RunSummary;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code twhazard analyze}: finds TIME_WAIT hazards in captures. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Analyse captures (pcap, pcapng, gzip-compressed or not) and report TIME_WAIT hazards.",
            "Several inputs are one stream in time order: a rotated capture (tcpdump -G/-C) is analysed as one, and a "
                    + "connection spanning two files is one connection. Frame numbers are Wireshark's for one file, and "
                    + "those of 'mergecap -w merged.pcap INPUT...' for several."},
        footer = {"", "Examples:",
            "  twhazard analyze capture.pcap",
            "  twhazard analyze --format csv -o findings.csv /var/captures/",
            "  tcpdump -i eth0 -w - 'tcp' | twhazard analyze --format jsonl -",
            "  twhazard analyze --fail-on high --time-wait-for 10.1.0.0/16=120s 'night-*.pcap.gz'",
            "", ExitCode.HELP})
final class AnalyzeCommand implements Callable<Integer> {

    @ParentCommand
    Twhazard root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "1..*",
            description = "Capture files, directories (all captures inside, recursively), glob patterns, or - for standard input.")
    List<String> inputs = new ArrayList<>();

    @Mixin
    AnalysisOptions analysis;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "text, csv, json or jsonl (default: from -o's extension, else text on a terminal and jsonl in a pipe).")
    OutputFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write findings to FILE instead of standard output.")
    Path output;

    @Option(names = "--fail-on", paramLabel = "SEVERITY",
            description = "Exit with code 1 when a finding at or above SEVERITY (info, low, medium, high) is reported.")
    String failOn;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        var out = spec.commandLine().getOut();
        Severity failSeverity = failOn == null ? null : AnalysisOptions.severity("--fail-on", failOn);
        var config = analysis.config();
        var show = analysis.show();
        long since = analysis.sinceNanos();
        long until = analysis.untilNanos();
        BpfFilter filter = analysis.filter == null ? null : BpfFilter.compile(analysis.filter);
        Warnings warnings = new Warnings(err);
        List<CaptureSource> sources = Inputs.expand(inputs, root.stdin, warnings);
        if (sources.isEmpty()) {
            return ExitCode.INPUT;
        }
        OutputFormat fmt = OutputFormat.resolve(format, output, Progress.stdoutIsTerminal());
        Writer sink = output == null ? out : OutputFormat.openWriter("-o", output);
        WorstSeverity worst = new WorstSeverity();
        RunSummary summary;
        try (FindingWriter writer = fmt.writer(sink)) {
            FindingWriter counting = new FindingWriter() {
                @Override
                public void write(Finding f) throws IOException {
                    worst.note(f.severity());
                    writer.write(f);
                }

                @Override
                public void finish(RunSummary s) throws IOException {
                    writer.finish(s);
                }

                @Override
                public void close() {
                }
            };
            AnalysisRun run = new AnalysisRun(config, counting, show).filter(filter).timeRange(since, until);
            Progress progress = Progress.forTerminal(err, totalBytes(sources), quiet, run::bytesRead);
            if (progress != null) {
                run.perRecord(progress::packet);
            }
            try {
                summary = run.run(sources, warnings::warning, warnings::inputError);
            } finally {
                if (progress != null) {
                    progress.done();
                }
            }
        } finally {
            if (output != null) {
                sink.close();
            } else {
                out.flush();
            }
        }
        warnings.unsupportedLinkTypes(summary);
        warnings.finish();
        if (warnings.inputFailed()) {
            return ExitCode.INPUT;
        }
        return worst.exitCode(failSeverity);
    }

    /** Total size of the file inputs, or -1 when one is a stream of unknown size. */
    private static long totalBytes(List<CaptureSource> sources) {
        long total = 0;
        for (CaptureSource s : sources) {
            if (!s.reopenable()) {
                return -1;
            }
            try {
                total += Files.size(Path.of(s.name()));
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return total;
    }
}
