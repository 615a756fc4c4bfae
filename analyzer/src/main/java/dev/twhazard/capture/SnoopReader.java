package dev.twhazard.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Reads Sun snoop files (RFC 1761, version 2): always big-endian, microsecond timestamps, one
 * datalink type per file. Only Ethernet captures are accepted, the only kind this tool decodes.
 *
 * <p>Each record carries its own total length (header, data and padding), which is the only
 * framing; a record whose included length does not fit inside it is skipped as malformed.
 */
final class SnoopReader extends AbstractCaptureReader {

    // File header, RFC 1761 section "File Header".
    static final byte[] IDENTIFICATION = {'s', 'n', 'o', 'o', 'p', 0, 0, 0};
    static final int VERSION_NUMBER = 8;
    static final int DATALINK_TYPE = 12;
    static final int FILE_HEADER_LENGTH = 16;
    static final int SUPPORTED_VERSION = 2;

    // Datalink types, RFC 1761: Ethernet, and IEEE 802.3, which carries the same frames.
    static final int DATALINK_IEEE_802_3 = 0;
    static final int DATALINK_ETHERNET = 4;

    // Packet record header, RFC 1761 section "Packet Record Format".
    static final int ORIGINAL_LENGTH = 0;
    static final int INCLUDED_LENGTH = 4;
    static final int PACKET_RECORD_LENGTH = 8;
    static final int TIMESTAMP_SECONDS = 16;
    static final int TIMESTAMP_MICROSECONDS = 20;
    static final int RECORD_HEADER_LENGTH = 24;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MICROSECOND = 1_000L;

    /**
     * Reads and checks the file header at the input's position.
     *
     * @throws CaptureFormatException if it is cut short, of another version, or not Ethernet
     */
    SnoopReader(CaptureInput input, String sourceName, Consumer<CaptureWarning> warnings) throws IOException {
        super(input, sourceName, warnings);
        if (!input.require(FILE_HEADER_LENGTH)) {
            throw new CaptureFormatException(sourceName, input.offset(), "truncated file header: "
                    + input.available() + " bytes (expected: " + FILE_HEADER_LENGTH + " for a snoop file header)");
        }
        ByteBuffer b = input.buffer();
        int p = input.position();
        for (int i = 0; i < IDENTIFICATION.length; i++) {
            if (b.get(p + i) != IDENTIFICATION[i]) {
                throw new CaptureFormatException(sourceName, input.offsetOf(p), "not a capture file: magic 0x"
                        + String.format("%08x", b.getInt(p)) + " (expected: pcap, pcapng, or snoop's \"snoop\\0\\0\\0\")");
            }
        }
        long version = b.getInt(p + VERSION_NUMBER) & 0xFFFFFFFFL;
        if (version != SUPPORTED_VERSION) {
            throw new CaptureFormatException(sourceName, input.offsetOf(p + VERSION_NUMBER),
                    "snoop version: " + version + " (expected: " + SUPPORTED_VERSION + ")");
        }
        long datalink = b.getInt(p + DATALINK_TYPE) & 0xFFFFFFFFL;
        if (datalink != DATALINK_ETHERNET && datalink != DATALINK_IEEE_802_3) {
            throw new CaptureFormatException(sourceName, input.offsetOf(p + DATALINK_TYPE), "snoop datalink type: "
                    + datalink + " not supported (expected: " + DATALINK_ETHERNET + ", Ethernet, or "
                    + DATALINK_IEEE_802_3 + ", IEEE 802.3)");
        }
        linkType = LinkType.ETHERNET;
        timestampDigits = 6;
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
            long offset = in.offsetOf(p);
            long recordLength = uint32(b, p + PACKET_RECORD_LENGTH);
            if (recordLength < RECORD_HEADER_LENGTH || recordLength > CaptureInput.MAX_RECORD_BYTES) {
                return stop(offset, "framing lost: snoop packet record length " + recordLength + " (expected: "
                        + RECORD_HEADER_LENGTH + " to " + CaptureInput.MAX_RECORD_BYTES + ")");
            }
            if (!in.require((int) recordLength)) {
                return truncated(offset, "truncated record: " + in.available() + " of " + recordLength
                        + " bytes before the end of the input (expected: a complete record)");
            }
            b = in.buffer();
            p = in.position();
            in.consume((int) recordLength);
            frameNumber++;
            long included = uint32(b, p + INCLUDED_LENGTH);
            long original = uint32(b, p + ORIGINAL_LENGTH);
            if (included > recordLength - RECORD_HEADER_LENGTH) {
                warn(CaptureWarning.Kind.MALFORMED_RECORD, offset, frameNumber, "snoop included length " + included
                        + " exceeds its record (expected: at most " + (recordLength - RECORD_HEADER_LENGTH) + ")");
                continue;
            }
            checkCapturedAboveOriginal(offset, included, original);
            long nanos = uint32(b, p + TIMESTAMP_SECONDS) * NANOS_PER_SECOND
                    + uint32(b, p + TIMESTAMP_MICROSECONDS) * NANOS_PER_MICROSECOND;
            deliver(offset, nanos, LinkType.ETHERNET, p + RECORD_HEADER_LENGTH, (int) included, original);
            return true;
        }
    }
}
