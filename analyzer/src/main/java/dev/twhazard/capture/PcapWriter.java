package dev.twhazard.capture;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes classic pcap (draft-ietf-opsawg-pcap, version 2.4, little-endian as most capture hosts
 * write it) with microsecond or nanosecond timestamps.
 *
 * <p>Records are staged in one reused buffer and written in large chunks; writing a record
 * allocates nothing. Packet bytes are copied out of the caller's buffer before {@link #write}
 * returns, so the caller may reuse it at once (a reader's buffer, for instance).
 */
public final class PcapWriter implements Closeable, Flushable {

    static final int STAGING_BYTES = 1 << 20;
    static final int VERSION_MAJOR = 2;
    static final int VERSION_MINOR = 4;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long MAX_SECONDS = 0xFFFFFFFFL;

    private final OutputStream out;
    private final boolean nanosecond;
    private final byte[] staging = new byte[STAGING_BYTES];
    private final ByteBuffer buffer = ByteBuffer.wrap(staging).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * Writes the file header.
     *
     * @param out where the file goes; closed by {@link #close()}
     * @param linkType the {@code LINKTYPE_*} of every record (see {@link LinkType})
     * @param snaplen the snapshot length to declare; records are written as given, even longer
     * @param nanosecond nanosecond timestamps ({@code a1b23c4d}) instead of microseconds
     */
    public PcapWriter(OutputStream out, int linkType, int snaplen, boolean nanosecond) throws IOException {
        this.out = out;
        this.nanosecond = nanosecond;
        buffer.putInt(PcapReader.MAGIC, nanosecond ? PcapReader.MAGIC_NANOSECONDS : PcapReader.MAGIC_MICROSECONDS);
        buffer.putShort(PcapReader.MAJOR_VERSION, (short) VERSION_MAJOR);
        buffer.putShort(PcapReader.MINOR_VERSION, (short) VERSION_MINOR);
        buffer.putInt(PcapReader.RESERVED_1, 0);
        buffer.putInt(PcapReader.RESERVED_2, 0);
        buffer.putInt(PcapReader.SNAPLEN, snaplen);
        buffer.putInt(PcapReader.LINK_TYPE_AND_INFO, linkType & LinkType.MASK);
        buffer.position(PcapReader.FILE_HEADER_LENGTH);
    }

    /** Writes the reader's current record. */
    public void write(CaptureReader record) throws IOException {
        write(record.timestampNanos(), record.buffer(), record.dataOffset(), record.capturedLength(), record.originalLength());
    }

    /**
     * Writes one record: {@code capturedLength} bytes of {@code packet} from {@code offset}
     * (absolute; the buffer's position is not used or changed).
     *
     * @param timestampNanos nanoseconds since the epoch, from 0 to the end of 2106 (pcap's
     *     unsigned 32-bit seconds); truncated to microseconds in a microsecond file
     * @throws IllegalArgumentException if a value does not fit the format
     */
    public void write(long timestampNanos, ByteBuffer packet, int offset, int capturedLength, long originalLength)
            throws IOException {
        long seconds = Math.floorDiv(timestampNanos, NANOS_PER_SECOND);
        if (seconds < 0 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("timestamp: " + timestampNanos + " ns (expected: 0 to "
                    + ((MAX_SECONDS + 1) * NANOS_PER_SECOND - 1) + ")");
        }
        if (capturedLength < 0 || originalLength < 0 || originalLength > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("lengths: captured " + capturedLength + ", original " + originalLength
                    + " (expected: 0 to 4294967295)");
        }
        long fraction = timestampNanos - seconds * NANOS_PER_SECOND;
        if (buffer.remaining() < PcapReader.RECORD_HEADER_LENGTH) {
            drain();
        }
        int p = buffer.position();
        buffer.putInt(p + PcapReader.TIMESTAMP_SECONDS, (int) seconds);
        buffer.putInt(p + PcapReader.TIMESTAMP_FRACTION, (int) (nanosecond ? fraction : fraction / 1_000));
        buffer.putInt(p + PcapReader.CAPTURED_LENGTH, capturedLength);
        buffer.putInt(p + PcapReader.ORIGINAL_LENGTH, (int) originalLength);
        buffer.position(p + PcapReader.RECORD_HEADER_LENGTH);
        int copied = 0;
        while (copied < capturedLength) {
            if (!buffer.hasRemaining()) {
                drain();
            }
            int chunk = Math.min(capturedLength - copied, buffer.remaining());
            packet.get(offset + copied, staging, buffer.position(), chunk);
            buffer.position(buffer.position() + chunk);
            copied += chunk;
        }
    }

    /** Writes what is staged to the stream, and flushes it. */
    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            out.close();
        }
    }

    private void drain() throws IOException {
        out.write(staging, 0, buffer.position());
        buffer.clear();
    }
}
