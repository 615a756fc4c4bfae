package dev.twhazard.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Reads classic pcap files (tcpdump.org "pcap file format", draft-ietf-opsawg-pcap): microsecond
 * ({@code a1b2c3d4}) and nanosecond ({@code a1b23c4d}) magic, in either byte order.
 *
 * <p>The file header is checked when the reader is created. Each record header is read with
 * absolute getters; in a byte-swapped file its fields go through {@link Integer#reverseBytes}.
 * A record is delivered only once all its bytes are in the buffer.
 *
 * <p>Damage: a record longer than any sane snapshot length is skipped when the header after it
 * looks like a real record header, and otherwise ends the input (see {@link #skipOversized});
 * a record cut short by the end of the input is reported and skipped. Frame numbering follows
 * {@link AbstractCaptureReader}.
 */
final class PcapReader extends AbstractCaptureReader {

    // File header, draft-ietf-opsawg-pcap section 4.
    static final int MAGIC = 0;
    static final int MAJOR_VERSION = 4;
    static final int MINOR_VERSION = 6;
    /** Formerly thiszone and sigfigs; written as 0 and ignored on reading. */
    static final int RESERVED_1 = 8;
    static final int RESERVED_2 = 12;
    static final int SNAPLEN = 16;
    static final int LINK_TYPE_AND_INFO = 20;
    static final int FILE_HEADER_LENGTH = 24;

    // Record header, draft-ietf-opsawg-pcap section 5.
    static final int TIMESTAMP_SECONDS = 0;
    static final int TIMESTAMP_FRACTION = 4;
    static final int CAPTURED_LENGTH = 8;
    static final int ORIGINAL_LENGTH = 12;
    static final int RECORD_HEADER_LENGTH = 16;

    static final int MAGIC_MICROSECONDS = 0xA1B2C3D4;
    static final int MAGIC_NANOSECONDS = 0xA1B23C4D;
    static final int SUPPORTED_MAJOR_VERSION = 2;


    /** libpcap's MAXIMUM_SNAPLEN: no capture tool writes longer records for common link types. */
    static final int MAX_SNAPLEN = 262144;

    /** Longest captured length whose record, plus the next record header, fits the buffer. */
    static final int HARD_CAP = CaptureInput.MAX_RECORD_BYTES - RECORD_HEADER_LENGTH;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400;

    /**
     * A captured length a little above the original length is tolerated (tshark reads such files);
     * 64 bytes covers an FCS or a small trailer added after the fact.
     */
    private static final long CAPTURED_ABOVE_ORIGINAL_SLACK = 64;

    private final long fractionUnitsPerSecond;
    private final long nanosPerFractionUnit;
    private final long snaplen;
    private final long maxCapturedLength;
    /** Where this file keeps the captured and the original length (see the constructor). */
    private final int capturedLengthField;
    private final int originalLengthField;
    private final boolean lengthsMaybeSwapped;
    private long lastSeconds;

    /**
     * Reads and checks the file header at the input's position.
     *
     * @throws CaptureFormatException if the header is cut short, has no pcap magic, or an
     *     unsupported major version
     */
    PcapReader(CaptureInput input, String sourceName, Consumer<CaptureWarning> warnings) throws IOException {
        super(input, sourceName, warnings);
        if (!input.require(FILE_HEADER_LENGTH)) {
            throw new CaptureFormatException(sourceName, input.offset(), "truncated file header: "
                    + input.available() + " bytes (expected: " + FILE_HEADER_LENGTH + " for a pcap file header)");
        }
        ByteBuffer b = input.buffer();
        int p = input.position();
        int magic = b.getInt(p + MAGIC);
        swapped = magic == Integer.reverseBytes(MAGIC_MICROSECONDS) || magic == Integer.reverseBytes(MAGIC_NANOSECONDS);
        int nativeMagic = swapped ? Integer.reverseBytes(magic) : magic;
        if (nativeMagic != MAGIC_MICROSECONDS && nativeMagic != MAGIC_NANOSECONDS) {
            throw new CaptureFormatException(sourceName, input.offsetOf(p), "pcap magic: 0x" + Integer.toHexString(magic)
                    + " (expected: a1b2c3d4 or a1b23c4d, either byte order)");
        }
        boolean nanos = nativeMagic == MAGIC_NANOSECONDS;
        fractionUnitsPerSecond = nanos ? NANOS_PER_SECOND : 1_000_000L;
        nanosPerFractionUnit = nanos ? 1 : 1_000;
        timestampDigits = nanos ? 9 : 6;
        int major = uint16(b, p + MAJOR_VERSION);
        int minor = uint16(b, p + MINOR_VERSION);
        if (major != SUPPORTED_MAJOR_VERSION) {
            throw new CaptureFormatException(sourceName, input.offsetOf(p + MAJOR_VERSION), "pcap version: "
                    + major + "." + minor + " (expected: " + SUPPORTED_MAJOR_VERSION + ".x)");
        }
        // Files before 2.3 wrote the original length first; 2.3 files may have either order
        // (Wireshark's libpcap.c and libpcap's sf-pcap.c both undo it this way).
        boolean lengthsSwapped = minor < 3;
        capturedLengthField = lengthsSwapped ? ORIGINAL_LENGTH : CAPTURED_LENGTH;
        originalLengthField = lengthsSwapped ? CAPTURED_LENGTH : ORIGINAL_LENGTH;
        lengthsMaybeSwapped = minor == 3;
        snaplen = uint32(b, p + SNAPLEN);
        maxCapturedLength = Math.min(HARD_CAP, Math.max(snaplen, MAX_SNAPLEN));
        linkType = int32(b, p + LINK_TYPE_AND_INFO) & LinkType.MASK;
        input.consume(FILE_HEADER_LENGTH);
    }

    @Override
    public boolean next() throws IOException {
        if (finished) {
            return false;
        }
        CaptureInput in = input;
        for (;;) {
            if (!requireRecordHeader(RECORD_HEADER_LENGTH)) {
                return false;
            }
            ByteBuffer b = in.buffer();
            int p = in.position();
            long captured = capturedLength(b, p);
            if (captured > maxCapturedLength) {
                if (skipOversized(p, captured)) {
                    continue;
                }
                return false;
            }
            int recordLength = RECORD_HEADER_LENGTH + (int) captured;
            long offset = in.offsetOf(p);
            if (!in.require(recordLength)) {
                return truncated(offset, "truncated record: " + (in.available() - RECORD_HEADER_LENGTH) + " of "
                        + captured + " packet bytes before the end of the input (expected: a complete record)");
            }
            b = in.buffer();
            p = in.position();
            long original = originalLength(b, p);
            long seconds = uint32(b, p + TIMESTAMP_SECONDS);
            long fraction = uint32(b, p + TIMESTAMP_FRACTION);
            frameNumber++;
            if (fraction >= fractionUnitsPerSecond && noticeDue(NOTICE_FRACTION_OUT_OF_RANGE)) {
                noticeOnce(NOTICE_FRACTION_OUT_OF_RANGE, offset, frameNumber, "timestamp fraction: " + fraction
                        + " (expected: below " + fractionUnitsPerSecond + "; read as carrying into the seconds)");
            }
            checkCapturedAboveOriginal(offset, captured, original);
            if (captured > snaplen && snaplen != 0 && noticeDue(NOTICE_CAPTURED_ABOVE_SNAPLEN)) {
                noticeOnce(NOTICE_CAPTURED_ABOVE_SNAPLEN, offset, frameNumber, "captured length " + captured
                        + " exceeds the file's snapshot length (expected: at most " + snaplen + ")");
            }
            lastSeconds = seconds;
            deliver(offset, seconds * NANOS_PER_SECOND + fraction * nanosPerFractionUnit, linkType,
                    p + RECORD_HEADER_LENGTH, (int) captured, original);
            in.consume(recordLength);
            return true;
        }
    }

    /**
     * Classic pcap has no resynchronisation marker: the next record is found only by adding this
     * record's length, so a wrong length loses everything after it. When the length is above the
     * limit we skip the record only if that length still looks right, judged by the header it
     * leads to (see {@link #plausibleHeaderAt}) or by the input ending exactly there; otherwise
     * the length is taken as garbage and reading stops, since every record after it would be read
     * from the wrong offset.
     *
     * @param p position of the record header, all 16 bytes of which are available
     * @return true if the record was skipped (and reported); false if the input ends here
     */
    private boolean skipOversized(int p, long captured) throws IOException {
        CaptureInput in = input;
        long offset = in.offsetOf(p);
        String rule = " (expected: at most " + maxCapturedLength + ")";
        if (captured > HARD_CAP) {
            return stop(offset, "framing lost: record length " + captured + " exceeds the hard cap of " + HARD_CAP + " bytes" + rule);
        }
        int recordLength = RECORD_HEADER_LENGTH + (int) captured;
        boolean followed = in.require(recordLength + RECORD_HEADER_LENGTH);
        if (!followed && in.available() < recordLength) {
            return stop(offset, "framing lost: record length " + captured
                    + " exceeds the limit and runs past the end of the input" + rule);
        }
        ByteBuffer b = in.buffer();
        p = in.position();
        // Compare with the last good record; before the first one, with this record's own time.
        long reference = frameNumber > 0 ? lastSeconds : uint32(b, p + TIMESTAMP_SECONDS);
        if (followed && !plausibleHeaderAt(b, p + recordLength, reference)) {
            return stop(offset, "framing lost: record length " + captured
                    + " exceeds the limit and is not followed by a plausible record header" + rule);
        }
        warn(CaptureWarning.Kind.OVERSIZED_RECORD, offset, ++frameNumber, "record length " + captured + " exceeds the limit" + rule);
        in.consume(recordLength);
        return true;
    }

    /**
     * Whether 16 bytes at {@code q} look like a real record header: a time within a day of the
     * reference, a valid sub-second fraction, a captured length within the limit and not far above
     * the original length. Random bytes pass the length test alone about once in 16000 tries.
     */
    private boolean plausibleHeaderAt(ByteBuffer b, int q, long referenceSeconds) {
        long seconds = uint32(b, q + TIMESTAMP_SECONDS);
        long fraction = uint32(b, q + TIMESTAMP_FRACTION);
        long captured = capturedLength(b, q);
        long original = originalLength(b, q);
        return Math.abs(seconds - referenceSeconds) <= SECONDS_PER_DAY
                && fraction < fractionUnitsPerSecond
                && captured <= maxCapturedLength
                && captured <= original + CAPTURED_ABOVE_ORIGINAL_SLACK;
    }

    /** In a version 2.3 file the larger of the two lengths is the original one. */
    private long capturedLength(ByteBuffer b, int p) {
        long captured = uint32(b, p + capturedLengthField);
        return lengthsMaybeSwapped ? Math.min(captured, uint32(b, p + originalLengthField)) : captured;
    }

    private long originalLength(ByteBuffer b, int p) {
        long original = uint32(b, p + originalLengthField);
        return lengthsMaybeSwapped ? Math.max(original, uint32(b, p + capturedLengthField)) : original;
    }

}
