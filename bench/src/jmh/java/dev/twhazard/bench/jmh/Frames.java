package dev.twhazard.bench.jmh;

import dev.twhazard.bench.CaptureGenerator;
import dev.twhazard.capture.CaptureReader;
import dev.twhazard.capture.CaptureReaders;
import dev.twhazard.decode.DecodeStatus;
import dev.twhazard.decode.PacketDecoder;
import dev.twhazard.decode.TcpSegment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Realistic benchmark inputs: a capture from the generator, kept in memory as its raw frames
 * (one big-endian buffer with offsets, as a reader hands them to the decoder) and as decoded
 * segments (copies, as a driver would hand them to the engine in time order).
 */
final class Frames {

    final ByteBuffer buffer;
    final int[] offsets;
    final int[] lengths;
    final int linkType;

    private Frames(ByteBuffer buffer, int[] offsets, int[] lengths, int linkType) {
        this.buffer = buffer;
        this.offsets = offsets;
        this.lengths = lengths;
        this.linkType = linkType;
    }

    int size() {
        return offsets.length;
    }

    /** The frames of a generated capture whose decoded segment passes {@code keep}, at most {@code max}. */
    static Frames generated(long seed, long connections, String mix, Predicate<TcpSegment> keep, int max)
            throws IOException {
        byte[] pcap = CaptureGenerator.generate(seed, connections, mix);
        ByteBuffer all = ByteBuffer.allocate(pcap.length);
        List<int[]> kept = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        TcpSegment seg = new TcpSegment();
        int linkType = 0;
        int pos = 0;
        try (CaptureReader r = CaptureReaders.open(new ByteArrayInputStream(pcap), "generated", w -> { })) {
            while (r.next() && kept.size() < max) {
                linkType = r.linkType();
                if (decoder.decode(r.linkType(), r.buffer(), r.dataOffset(), r.capturedLength(), seg)
                        != DecodeStatus.DECODED || !keep.test(seg)) {
                    continue;
                }
                all.put(pos, r.buffer(), r.dataOffset(), r.capturedLength());
                kept.add(new int[] {pos, r.capturedLength()});
                pos += r.capturedLength();
            }
        }
        int[] offsets = new int[kept.size()];
        int[] lengths = new int[kept.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = kept.get(i)[0];
            lengths[i] = kept.get(i)[1];
        }
        return new Frames(all.limit(pos), offsets, lengths, linkType);
    }

    /** Every TCP segment of a generated capture, decoded and copied, in capture order. */
    static TcpSegment[] segments(long seed, long connections, String mix) throws IOException {
        byte[] pcap = CaptureGenerator.generate(seed, connections, mix);
        List<TcpSegment> out = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        try (CaptureReader r = CaptureReaders.open(new ByteArrayInputStream(pcap), "generated", w -> { })) {
            while (r.next()) {
                TcpSegment s = new TcpSegment();
                if (decoder.decode(r.linkType(), r.buffer(), r.dataOffset(), r.capturedLength(), s) == DecodeStatus.DECODED) {
                    s.frame = r.frameNumber();
                    s.timestampNanos = r.timestampNanos();
                    out.add(s);
                }
            }
        }
        return out.toArray(new TcpSegment[0]);
    }
}
