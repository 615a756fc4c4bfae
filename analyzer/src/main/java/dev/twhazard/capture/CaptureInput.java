package dev.twhazard.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.ZipException;

/**
 * The streaming input under every reader: one reused {@code byte[]}, wrapped once in a big-endian
 * heap {@link ByteBuffer}, refilled in large chunks from an {@link InputStream} and compacted when
 * a record straddles the end of what has been read.
 *
 * <p>Memory does not grow with the size of the input: the buffer grows only when one record is
 * larger than the buffer, up to {@link #MAX_CAPACITY}, and never shrinks back (so a file full of
 * large records allocates once). Nothing is allocated per record.
 *
 * <p>Bytes between {@link #position()} and {@link #position()} + {@link #available()} are valid in
 * {@link #buffer()} until the next {@link #require}, {@link #skip} or {@link #consume} past them:
 * {@code require} may move them to the front of the array (so positions must be re-read after it)
 * and may replace the array with a larger one (so {@link #buffer()} must be re-read too).
 *
 * <p>Offsets are absolute byte offsets in the (decompressed) stream.
 */
final class CaptureInput {

    /** Bytes buffered by default: several typical read chunks, far above any sane record. */
    static final int DEFAULT_CAPACITY = 1 << 20;

    /**
     * Hard cap on the bytes of one record (pcap record header plus data, or one whole pcapng
     * block) that a reader may ask to hold at once. Above this a length field is taken as
     * garbage; 16 MiB is 64 times libpcap's largest snapshot length (262144).
     */
    static final int MAX_RECORD_BYTES = 16 << 20;

    /**
     * Room beyond one record for peeking at the header that follows it, which is how the readers
     * judge whether a suspicious length is trustworthy.
     */
    static final int LOOKAHEAD_BYTES = 64;

    /** The buffer never grows beyond one maximal record plus a lookahead. */
    static final int MAX_CAPACITY = MAX_RECORD_BYTES + LOOKAHEAD_BYTES;

    private final InputStream in;
    private final CountingInputStream source;
    private final boolean compressed;

    private byte[] bytes;
    private ByteBuffer buffer;
    /** Absolute offset of {@code bytes[0]} in the stream. */
    private long bufferStart;
    private int position;
    private int limit;
    private boolean endOfStream;
    private String sourceProblem;

    /**
     * @param in the stream to read the capture bytes from (decompressed if the file is compressed)
     * @param source the raw source under any decompression, for {@link #sourceBytesRead()}
     * @param compressed whether {@code in} decompresses gzip, whose damage is reported through
     *     {@link #sourceProblem()} instead of thrown
     * @param capacity initial buffer size in bytes; tests use small ones to exercise refilling
     */
    CaptureInput(InputStream in, CountingInputStream source, boolean compressed, int capacity) {
        if (capacity < LOOKAHEAD_BYTES || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "buffer capacity: " + capacity + " (expected: " + LOOKAHEAD_BYTES + " to " + MAX_CAPACITY + ")");
        }
        this.in = in;
        this.source = source;
        this.compressed = compressed;
        this.bytes = new byte[capacity];
        this.buffer = ByteBuffer.wrap(bytes);
    }

    /** The buffer holding the bytes; big-endian. Re-read after every {@link #require}. */
    ByteBuffer buffer() {
        return buffer;
    }

    /** Index in {@link #buffer()} of the next unconsumed byte. */
    int position() {
        return position;
    }

    /** Unconsumed bytes in the buffer. At the end of the stream, all that is left of it. */
    int available() {
        return limit - position;
    }

    /** Absolute offset of the next unconsumed byte. */
    long offset() {
        return bufferStart + position;
    }

    /** Absolute offset of the byte at {@code index} in {@link #buffer()}. */
    long offsetOf(int index) {
        return bufferStart + index;
    }

    /** Bytes read from the raw (possibly compressed) source so far. */
    long sourceBytesRead() {
        return source.count();
    }

    /**
     * Why the stream ended early although the raw source did not fail (a truncated or corrupt
     * gzip stream), or null. The readers turn it into a {@code STOPPED} warning.
     */
    String sourceProblem() {
        return sourceProblem;
    }

    /**
     * Makes at least {@code n} unconsumed bytes available, reading more if needed.
     *
     * @param n at most {@link #MAX_CAPACITY}
     * @return false if the stream ends first; {@link #available()} then tells what is left
     */
    boolean require(int n) throws IOException {
        return limit - position >= n || fill(n);
    }

    /** Marks {@code n} available bytes as consumed; they stay in the buffer until the next read. */
    void consume(int n) {
        position += n;
    }

    /**
     * Consumes {@code n} bytes, reading and discarding those not yet buffered, without growing the
     * buffer (for blocks that are skipped unread, of any size).
     *
     * @return false if the stream ends first; everything up to the end is then consumed
     */
    boolean skip(long n) throws IOException {
        long buffered = limit - position;
        if (n <= buffered) {
            position += (int) n;
            return true;
        }
        long remaining = n - buffered;
        bufferStart += limit;
        position = 0;
        limit = 0;
        while (remaining > 0) {
            int r = read(0, (int) Math.min(bytes.length, remaining));
            if (r < 0) {
                return false;
            }
            bufferStart += r;
            remaining -= r;
        }
        return true;
    }

    void close() throws IOException {
        in.close();
    }

    private boolean fill(int n) throws IOException {
        if (n > MAX_CAPACITY) {
            throw new IllegalArgumentException("required bytes: " + n + " (expected: at most " + MAX_CAPACITY + ")");
        }
        if (endOfStream) {
            return false;
        }
        // Move the unconsumed tail (less than one record) to the front, so that every read can
        // ask for the whole free space: reads stay large (a 4 MiB buffer minus one record).
        int pending = limit - position;
        if (position > 0) {
            System.arraycopy(bytes, position, bytes, 0, pending);
            bufferStart += position;
            position = 0;
            limit = pending;
        }
        if (n > bytes.length) {
            grow(n);
        }
        while (limit < n) {
            int r = read(limit, bytes.length - limit);
            if (r < 0) {
                return false;
            }
            limit += r;
        }
        return true;
    }

    /** Grows only for a record larger than the buffer; doubling keeps growth rare. */
    private void grow(int n) {
        int capacity = (int) Math.min(MAX_CAPACITY, Math.max(n, 2L * bytes.length));
        byte[] larger = new byte[capacity];
        System.arraycopy(bytes, 0, larger, 0, limit);
        bytes = larger;
        buffer = ByteBuffer.wrap(bytes);
    }

    /**
     * Reads into {@code bytes[off, off+len)}; returns -1 at the end of the stream. A gzip stream
     * that is cut short or corrupt ends the input here instead of throwing, so that every record
     * decompressed before the damage is still delivered (a capture still being written, or copied
     * while it was, is the usual cause).
     */
    private int read(int off, int len) throws IOException {
        int r;
        try {
            r = in.read(bytes, off, len);
        } catch (EOFException e) {
            if (!compressed) {
                throw e;
            }
            sourceProblem = "gzip stream: ends before its trailer (expected: a complete gzip file; was it still being written?)";
            r = -1;
        } catch (ZipException e) {
            if (!compressed) {
                throw e;
            }
            sourceProblem = "gzip stream: corrupt data, " + e.getMessage() + " (expected: valid deflate data)";
            r = -1;
        }
        if (r < 0) {
            endOfStream = true;
        }
        return r;
    }
}
