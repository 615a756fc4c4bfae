package dev.twhazard.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What every format's reader shares: the current record's fields, frame numbering, and the way
 * problems are reported.
 *
 * <p>Frame numbers: each record that the reader frames (reads a header for and finds a length it
 * trusts) takes the next number, whether it is delivered or skipped; a skipped record is reported
 * with its number through exactly one warning whose kind {@linkplain CaptureWarning.Kind#losesRecord()
 * loses a record}, so that {@code frames read = delivered + skipped}. A partial record at the end of
 * the input is framed too ({@code TRUNCATED_RECORD}). Bytes where the framing is lost are not a
 * record: the {@code STOPPED} warning carries the number the next record would have had, and does
 * not consume it.
 */
abstract class AbstractCaptureReader implements CaptureReader {

    /** Notices that are reported once per input, not once per record, so as not to flood. */
    static final int NOTICE_CAPTURED_ABOVE_ORIGINAL = 1;
    static final int NOTICE_CAPTURED_ABOVE_SNAPLEN = 1 << 1;
    static final int NOTICE_FRACTION_OUT_OF_RANGE = 1 << 2;

    final CaptureInput input;
    final String sourceName;
    private final Consumer<CaptureWarning> warnings;
    private int noticesGiven;

    /** The last frame number assigned (0 before the first record). */
    long frameNumber;
    long timestampNanos;
    int linkType;
    int dataOffset;
    int capturedLength;
    long originalLength;
    long recordOffset;
    int timestampDigits = 6;
    /** Set once {@link #next()} has returned false for good. */
    boolean finished;
    /** The input's byte order is the opposite of the buffer's (big-endian): fields are reversed. */
    boolean swapped;

    AbstractCaptureReader(CaptureInput input, String sourceName, Consumer<CaptureWarning> warnings) {
        this.input = input;
        this.sourceName = sourceName;
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    /** Reports a problem at {@code offset} concerning frame {@code frame}. */
    final void warn(CaptureWarning.Kind kind, long offset, long frame, String message) {
        warnings.accept(new CaptureWarning(sourceName, offset, frame, kind, message));
    }

    /**
     * Whether {@code notice} is still to be given. Callers check it before building the message,
     * which would otherwise be built for every record of a file that trips it.
     */
    final boolean noticeDue(int notice) {
        return (noticesGiven & notice) == 0;
    }

    /** A record claims more captured bytes than were on the wire: every format reports it the same way. */
    final void checkCapturedAboveOriginal(long offset, long captured, long original) {
        if (captured > original && noticeDue(NOTICE_CAPTURED_ABOVE_ORIGINAL)) {
            noticeOnce(NOTICE_CAPTURED_ABOVE_ORIGINAL, offset, frameNumber, "captured length " + captured
                    + " exceeds original length " + original + " (expected: at most the original length)");
        }
    }

    /** Reports a {@code NOTICE} the first time {@code notice} (one of the bits above) happens. */
    final void noticeOnce(int notice, long offset, long frame, String message) {
        if ((noticesGiven & notice) == 0) {
            noticesGiven |= notice;
            warn(CaptureWarning.Kind.NOTICE, offset, frame, message + "; reported once per input");
        }
    }

    /** Reports that the framing is lost at {@code offset} and ends the input; returns false. */
    final boolean stop(long offset, String message) {
        warn(CaptureWarning.Kind.STOPPED, offset, frameNumber + 1, message);
        finished = true;
        return false;
    }

    /**
     * Assigns the next frame number to a record cut short by the end of the input, reports it,
     * and ends the input; returns false.
     */
    final boolean truncated(long offset, String message) {
        warn(CaptureWarning.Kind.TRUNCATED_RECORD, offset, ++frameNumber, message);
        return endOfInput();
    }

    /**
     * Makes sure a whole record header of {@code length} bytes is buffered. When it is not, ends
     * the input (cleanly when no byte is left, as a truncated record otherwise) and returns false.
     */
    final boolean requireRecordHeader(int length) throws IOException {
        if (input.require(length)) {
            return true;
        }
        int left = input.available();
        if (left == 0) {
            return endOfInput();
        }
        return truncated(input.offset(), "truncated record header: " + left + " of " + length
                + " bytes before the end of the input (expected: a complete record)");
    }

    final int int32(ByteBuffer b, int at) {
        int v = b.getInt(at);
        return swapped ? Integer.reverseBytes(v) : v;
    }

    final long uint32(ByteBuffer b, int at) {
        return int32(b, at) & 0xFFFFFFFFL;
    }

    final int uint16(ByteBuffer b, int at) {
        short v = b.getShort(at);
        return (swapped ? Short.reverseBytes(v) : v) & 0xFFFF;
    }

    /**
     * Ends the input; if it ended because the decompressor found damage, says so. Returns false.
     */
    final boolean endOfInput() {
        finished = true;
        String problem = input.sourceProblem();
        if (problem != null) {
            warn(CaptureWarning.Kind.STOPPED, input.offset() + input.available(), frameNumber + 1, problem);
        }
        return false;
    }

    /** Makes the record at {@code [dataOffset, dataOffset + capturedLength)} current. */
    final void deliver(long offset, long nanos, int link, int data, int captured, long original) {
        recordOffset = offset;
        timestampNanos = nanos;
        linkType = link;
        dataOffset = data;
        capturedLength = captured;
        originalLength = original;
    }

    @Override
    public final long frameNumber() {
        return frameNumber;
    }

    @Override
    public final long timestampNanos() {
        return timestampNanos;
    }

    @Override
    public final int linkType() {
        return linkType;
    }

    @Override
    public final ByteBuffer buffer() {
        return input.buffer();
    }

    @Override
    public final int dataOffset() {
        return dataOffset;
    }

    @Override
    public final int capturedLength() {
        return capturedLength;
    }

    @Override
    public final long originalLength() {
        return originalLength;
    }

    @Override
    public final long recordOffset() {
        return recordOffset;
    }

    @Override
    public final long sourceBytesRead() {
        return input.sourceBytesRead();
    }

    @Override
    public final int timestampDigits() {
        return timestampDigits;
    }

    @Override
    public final String sourceName() {
        return sourceName;
    }

    @Override
    public final void close() throws IOException {
        finished = true;
        input.close();
    }
}
