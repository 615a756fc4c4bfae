package dev.twhazard.capture;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A streaming, pull-style reader of one capture (classic pcap, pcapng or snoop, possibly
 * gzip-compressed).
 *
 * <p>Buffer ownership: {@link #buffer()} is one big-endian heap {@code ByteBuffer} owned by the
 * reader. The bytes of the current record sit at {@link #dataOffset()} for
 * {@link #capturedLength()} bytes and stay valid only until the next call to {@link #next()}.
 * Callers must not keep the buffer or a view over it past that call, and should fetch
 * {@code buffer()} after each {@code next()}: the reader replaces it by a larger one, once, when a
 * record is larger than the buffer (it never does so per packet). Only absolute getters should be
 * used on it; its position and limit mean nothing.
 *
 * <p>Frame numbers: every record the reader frames takes the next number, whether it is
 * delivered or skipped. A skipped record (damaged, on an undeclared interface, cut short by the
 * end of the input) is reported with its number by exactly one warning whose
 * {@link CaptureWarning.Kind#losesRecord()} is true, so that {@code frames read = delivered +
 * skipped}. Where the framing is lost ({@link CaptureWarning.Kind#STOPPED}) there is no record, and
 * no number is taken.
 *
 * <p>Errors: a file that is not a capture at all (bad magic, unsupported version) is reported by
 * {@link CaptureFormatException} from the factory or the first {@code next()} (the readers of
 * {@link CaptureReaders} check every file header in the factory, and report all later damage as
 * warnings). A damaged record is reported as a {@link CaptureWarning} to the listener given at
 * creation, counted, and skipped while the framing can still be trusted; otherwise the reader
 * reports why it stopped and {@code next()} returns false. An {@code IOException} of the
 * underlying stream propagates as it is. No other exception leaves {@code next()}, whatever the
 * bytes.
 */
public interface CaptureReader extends Closeable {

    /**
     * Advances to the next packet record.
     *
     * @return false at the end of the input, or when the framing can no longer be trusted (a
     *     warning of kind {@link CaptureWarning.Kind#STOPPED} has then been reported)
     * @throws CaptureFormatException when the input is not a capture this reader understands
     * @throws IOException when the underlying stream fails
     */
    boolean next() throws IOException;

    /**
     * 1-based frame number of the current record; equal to Wireshark's {@code frame.number}. In a
     * pcapng file, Wireshark also numbers Custom Blocks and systemd Journal Export Blocks as
     * frames; so do we (they take a number but deliver no packet), so that frame numbers match
     * what the user sees in Wireshark.
     */
    long frameNumber();

    /**
     * Capture timestamp of the current record, in nanoseconds since the epoch (UTC). A pcapng
     * Simple Packet Block has none; it is given the previous record's timestamp (0 if none).
     */
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

    /**
     * Digits of sub-second precision the current record's timestamp carries: 6 (microseconds or
     * coarser) or 9 (finer than microseconds).
     */
    int timestampDigits();

    /** Name of the input for messages: the path, or {@code "-"} for standard input. */
    String sourceName();
}
