package dev.twhazard.bench;

import dev.twhazard.capture.CaptureReader;
import dev.twhazard.capture.CaptureReaders;
import dev.twhazard.decode.DecodeStatus;
import dev.twhazard.decode.PacketDecoder;
import dev.twhazard.decode.TcpSegment;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * twhazard's capture layer alone on a whole file: its streaming reader and {@link PacketDecoder}
 * (every header and TCP option decoded into a reused {@link TcpSegment}), without flow tracking.
 * Prints packets/s, MB/s and the bytes allocated per packet for each pass; the first passes warm
 * the JIT.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.twhazard.bench.DecodeRate FILE [PASSES]
 * </pre>
 */
public final class DecodeRate {

    private DecodeRate() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: DecodeRate FILE [PASSES]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long bytes = Files.size(file);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        PacketDecoder decoder = new PacketDecoder();
        TcpSegment segment = new TcpSegment();
        for (int pass = 1; pass <= passes; pass++) {
            long allocated = threads.getThreadAllocatedBytes(thread);
            long t0 = System.nanoTime();
            long records = 0;
            long decoded = 0;
            long checksum = 0;
            try (CaptureReader reader = CaptureReaders.open(file, w -> { })) {
                while (reader.next()) {
                    records++;
                    if (decoder.decode(reader.linkType(), reader.buffer(), reader.dataOffset(),
                            reader.capturedLength(), segment) == DecodeStatus.DECODED) {
                        decoded++;
                        checksum += segment.seq ^ segment.tsVal;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long perPacket = (threads.getThreadAllocatedBytes(thread) - allocated) / Math.max(1, records);
            System.out.printf(Locale.ROOT,
                    "pass %d: %d records (%d TCP segments) in %.2f s: %.2f M packets/s, %.0f MB/s, %d B allocated per packet (checksum %x)%n",
                    pass, records, decoded, seconds, records / seconds / 1e6, bytes / seconds / 1e6, perPacket, checksum);
        }
    }
}
