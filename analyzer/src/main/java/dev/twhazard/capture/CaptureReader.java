package dev.twhazard.capture;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A streaming, pull-style reader of one capture (classic pcap or pcapng, possibly gzip-compressed).
 *
 * <p>Buffer ownership: {@link #buffer()} is one big-endian heap {@code ByteBuffer} owned by the
 * reader. The bytes of the current record sit at {@link #dataOffset()} for
 * {@link #capturedLength()} bytes and stay valid only until the next call to {@link #next()}.
 * Callers must not keep the buffer or a view over it past that call.
 *
 * <p>Errors: a file that is not a capture at all (bad magic, unsupported version) is reported by
 * {@link CaptureFormatException} from the factory or the first {@code next()}. A damaged record
 * is reported as a {@link CaptureWarning} to the listener given at creation, counted, and skipped
 * while the framing can still be trusted; otherwise the reader reports why it stopped and
 * {@code next()} returns false.
 */
public interface CaptureReader extends Closeable {

    /**
     * Advances to the next packet record.
     *
     * @return false at the end of the input, or when the framing can no longer be trusted (a
     *     warning of kind {@link CaptureWarning.Kind#STOPPED} has then been reported)
     * @throws CaptureFormatException when the input is not a capture this reader understands
     */
    boolean next() throws IOException;

    /** 1-based frame number of the current record; equal to Wireshark's {@code frame.number}. */
    long frameNumber();

    /** Capture timestamp of the current record, in nanoseconds since the epoch (UTC). */
    long timestampNanos();

    /** Link-layer type ({@code LINKTYPE_*}, see {@link LinkType}) of the current record. */
    int linkType();

    /** The reader's buffer; see the class comment for ownership. */
    ByteBuffer buffer();

    /** Offset of the current record's packet bytes in {@link #buffer()}. */
    int dataOffset();

    /** Number of packet bytes captured for the current record. */
    int capturedLength();

    /** Original length of the packet on the wire, as recorded in the capture. */
    long originalLength();

    /** Byte offset of the current record's header in the (decompressed) input stream. */
    long recordOffset();

    /** Bytes consumed so far from the underlying (possibly compressed) source, for progress. */
    long sourceBytesRead();

    /** Digits of sub-second precision the capture records: 6 (microseconds) or 9 (nanoseconds). */
    int timestampDigits();

    /** Name of the input for messages: the path, or {@code "-"} for standard input. */
    String sourceName();
}
