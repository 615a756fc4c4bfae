package dev.twhazard.bench.jmh;

import dev.twhazard.decode.TcpSegment;
import dev.twhazard.detect.AnalyzerConfig;
import dev.twhazard.detect.HazardAnalyzer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The flow engine alone: {@link HazardAnalyzer#accept} over {@value #SEGMENTS} segments decoded
 * beforehand (the start of a generated capture, in time order), from a fresh analyzer to
 * {@code finish()}. One operation is one segment: the score is ns per segment, and with
 * {@code -prof gc} {@code gc.alloc.rate.norm} is bytes allocated per segment.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class FlowEngineBenchmark {

    /** What the traffic holds. */
    public enum Workload {
        /** The default mix: rare hazards among ordinary connections. */
        REALISTIC("realistic"),
        /** Ten times the planted hazards (reuses, stale ACKs, overflow RSTs, old segments). */
        DENSE("dense");

        final String mix;

        Workload(String mix) {
            this.mix = mix;
        }
    }

    @Param
    public Workload workload;

    static final int SEGMENTS = 500_000;

    private TcpSegment[] input;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        TcpSegment[] all = Frames.segments(3, 60_000, workload.mix);
        if (all.length < SEGMENTS) {
            throw new IllegalStateException("only " + all.length + " segments");
        }
        input = java.util.Arrays.copyOf(all, SEGMENTS);
    }

    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public void accept(Blackhole bh) {
        HazardAnalyzer analyzer = new HazardAnalyzer(AnalyzerConfig.defaults(), bh::consume);
        for (TcpSegment s : input) {
            bh.consume(analyzer.accept(s));
        }
        analyzer.finish();
    }
}
