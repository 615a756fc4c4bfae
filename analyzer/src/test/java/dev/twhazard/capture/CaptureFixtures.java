package dev.twhazard.capture;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Builds capture bytes from hex and reads them back into plain values for assertions. */
final class CaptureFixtures {

    /** One delivered record, copied out of the reader's buffer. */
    record Packet(long frame, long timestampNanos, int linkType, byte[] data, long originalLength, long recordOffset,
                  int timestampDigits) {
    }

    /** Everything one read produced. */
    record ReadResult(List<Packet> packets, List<CaptureWarning> warnings) {

        /** Frames the reader assigned: delivered plus those reported as lost. */
        long framesRead() {
            return packets.size() + warnings.stream().filter(w -> w.kind().losesRecord()).count();
        }

        List<CaptureWarning> warningsOf(CaptureWarning.Kind kind) {
            return warnings.stream().filter(w -> w.kind() == kind).toList();
        }
    }

    private CaptureFixtures() {
    }

    /** Concatenates hex strings; spaces are ignored, so fields can be grouped for reading. */
    static byte[] hex(String... parts) {
        return HexFormat.of().parseHex(String.join("", parts).replace(" ", ""));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static ReadResult read(byte[] bytes) throws IOException {
        return read(new ByteArrayInputStream(bytes), CaptureInput.DEFAULT_CAPACITY, Long.MAX_VALUE);
    }

    /** Reads with a small buffer, so that records straddle refills. */
    static ReadResult read(byte[] bytes, int capacity) throws IOException {
        return read(new ByteArrayInputStream(bytes), capacity, Long.MAX_VALUE);
    }

    /**
     * Reads every record; fails if {@code next()} returns true more than {@code maxRecords} times
     * (a reader that never ends).
     */
    static ReadResult read(InputStream in, int capacity, long maxRecords) throws IOException {
        List<CaptureWarning> warnings = new ArrayList<>();
        List<Packet> packets = new ArrayList<>();
        try (CaptureReader reader = CaptureReaders.open(in, "test", warnings::add, capacity)) {
            while (reader.next()) {
                if (packets.size() >= maxRecords) {
                    throw new AssertionError("reader did not stop after " + maxRecords + " records");
                }
                byte[] data = new byte[reader.capturedLength()];
                reader.buffer().get(reader.dataOffset(), data);
                packets.add(new Packet(reader.frameNumber(), reader.timestampNanos(), reader.linkType(), data,
                        reader.originalLength(), reader.recordOffset(), reader.timestampDigits()));
            }
            if (reader.next()) {
                throw new AssertionError("next() returned true after returning false");
            }
        }
        return new ReadResult(packets, warnings);
    }
}
