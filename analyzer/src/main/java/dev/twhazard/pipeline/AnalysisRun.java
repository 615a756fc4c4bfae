package dev.twhazard.pipeline;

import dev.twhazard.capture.CaptureSource;
import dev.twhazard.capture.CaptureWarning;
import dev.twhazard.capture.MergedCaptureReader;
import dev.twhazard.detect.AnalyzerConfig;
import dev.twhazard.detect.HazardAnalyzer;
import dev.twhazard.report.Finding;
import dev.twhazard.report.FindingWriter;
import dev.twhazard.report.RunSummary;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One analysis from inputs to written findings: merges the inputs, runs the segment pipeline
 * into the hazard analyzer, hands findings that pass the filter to the writer, and finishes with
 * the run summary. This is what the {@code analyze} command runs; tests run it directly.
 */
public final class AnalysisRun {

    private final AnalyzerConfig config;
    private final FindingWriter writer;
    private final Predicate<Finding> show;
    private SegmentPipeline.PacketFilter filter;
    private long since = Long.MIN_VALUE;
    private long until = Long.MAX_VALUE;
    private Runnable perRecord = () -> { };
    private volatile MergedCaptureReader reader;

    public AnalysisRun(AnalyzerConfig config, FindingWriter writer, Predicate<Finding> show) {
        this.config = config;
        this.writer = writer;
        this.show = show;
    }

    public AnalysisRun filter(SegmentPipeline.PacketFilter f) {
        this.filter = f;
        return this;
    }

    /** Called once per record read, for progress. */
    public AnalysisRun perRecord(Runnable r) {
        this.perRecord = r;
        return this;
    }

    /** Bytes read from the inputs so far (compressed bytes for gzip inputs). */
    public long bytesRead() {
        MergedCaptureReader r = reader;
        return r == null ? 0 : r.sourceBytesRead();
    }

    public AnalysisRun timeRange(long sinceNanos, long untilNanos) {
        this.since = sinceNanos;
        this.until = untilNanos;
        return this;
    }

    /**
     * Analyses the inputs as one stream.
     *
     * @param warnings problems with records (reported with file, offset and frame)
     * @param inputErrors inputs that could not be read at all; the others are still analysed
     */
    public RunSummary run(List<CaptureSource> inputs, Consumer<CaptureWarning> warnings,
                          Consumer<IOException> inputErrors) throws IOException {
        RunSummary summary = new RunSummary();
        SegmentPipeline pipeline = new SegmentPipeline(summary).filter(filter).timeRange(since, until).perRecord(perRecord);
        IOException[] writeError = new IOException[1];
        HazardAnalyzer analyzer = new HazardAnalyzer(config, f -> {
            if (show.test(f) && writeError[0] == null) {
                try {
                    writer.write(f);
                } catch (IOException e) {
                    writeError[0] = e;
                }
            }
        });
        try (MergedCaptureReader merged = new MergedCaptureReader(inputs, pipeline.warnings(warnings), inputErrors)) {
            reader = merged;
            pipeline.runInParallel(merged, analyzer::accept);
            for (MergedCaptureReader.InputStats s : merged.inputStats()) {
                summary.inputs.add(new RunSummary.Input(s.name(), s.packets(), s.warnings(), s.error()));
            }
        }
        analyzer.finish();
        if (writeError[0] != null) {
            throw writeError[0];
        }
        summary.complete(analyzer.stats(), config);
        writer.finish(summary);
        return summary;
    }
}
