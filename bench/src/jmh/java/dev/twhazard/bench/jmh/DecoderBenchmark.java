package dev.twhazard.bench.jmh;

import dev.twhazard.decode.DecodeStatus;
import dev.twhazard.decode.PacketDecoder;
import dev.twhazard.decode.TcpSegment;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PacketDecoder#decode} on Ethernet/IPv4/TCP frames of generated traffic: ns per packet
 * (one operation is one frame), and with {@code -prof gc} the bytes allocated per packet (the
 * decoder must allocate nothing).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecoderBenchmark {

    static final int FRAMES = 4096;

    /** Which frames of the traffic are decoded. */
    public enum Traffic {
        /** SYNs and SYN-ACKs: the longest option lists (MSS, SACK_PERM, timestamps, window scale). */
        HANDSHAKE(s -> s.has(TcpSegment.SYN)),
        /** Segments after the handshake: the NOP, NOP, timestamps layout, with or without payload. */
        ESTABLISHED(s -> !s.has(TcpSegment.SYN)),
        /** Every frame in capture order, as the analyzer meets them. */
        MIXED(s -> true);

        final Predicate<TcpSegment> keep;

        Traffic(Predicate<TcpSegment> keep) {
            this.keep = keep;
        }
    }

    @Param
    public Traffic traffic;

    private Frames frames;
    private final PacketDecoder decoder = new PacketDecoder();
    private final TcpSegment segment = new TcpSegment();

    @Setup
    public void setUp() throws IOException {
        frames = Frames.generated(1, 5_000, "realistic", traffic.keep, FRAMES);
        if (frames.size() != FRAMES) {
            throw new IllegalStateException("only " + frames.size() + " frames of kind " + traffic);
        }
    }

    /** Sums the decoded ports instead of handing each segment to a Blackhole, which would cost more than a field. */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long decode() {
        long sum = 0;
        for (int i = 0; i < FRAMES; i++) {
            DecodeStatus s = decoder.decode(frames.linkType, frames.buffer, frames.offsets[i], frames.lengths[i], segment);
            sum += s.ordinal() + segment.srcPort + segment.tsVal;
        }
        return sum;
    }
}
