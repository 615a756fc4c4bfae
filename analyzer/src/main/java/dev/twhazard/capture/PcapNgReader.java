package dev.twhazard.capture;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads pcapng files (draft-ietf-opsawg-pcapng): any number of sections, each in its own byte
 * order with its own interface numbering; Enhanced, Simple and obsolete Packet Blocks are
 * delivered, every other block is skipped by its length.
 *
 * <p>Frame numbers count every packet block (EPB, SPB, PB) in file order, as Wireshark's
 * {@code frame.number} does; damaged ones keep their number (see {@link AbstractCaptureReader}).
 *
 * <p>Timestamps: an interface's {@code if_tsresol} and {@code if_tsoffset} are turned, when its
 * Interface Description Block is read, into a multiplier, divisor or binary shift plus an offset
 * in nanoseconds, so that converting a packet's timestamp is exact and allocates nothing. A
 * Simple Packet Block has no timestamp: it is given the previous packet's (0 before any).
 *
 * <p>Damage: every block's trailing length is compared with its leading one. A block whose
 * lengths disagree is dropped (packet blocks as {@code BAD_BLOCK_LENGTH}) if its leading length
 * leads to a plausible next block header, and otherwise the framing is lost and reading stops.
 */
final class PcapNgReader extends AbstractCaptureReader {

    // Block types, draft-ietf-opsawg-pcapng's Block Type Codes; the Packet Block is in Appendix A.
    static final int SECTION_HEADER_BLOCK = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION_BLOCK = 0x00000001;
    static final int PACKET_BLOCK = 0x00000002;
    static final int SIMPLE_PACKET_BLOCK = 0x00000003;
    static final int NAME_RESOLUTION_BLOCK = 0x00000004;
    static final int INTERFACE_STATISTICS_BLOCK = 0x00000005;
    static final int ENHANCED_PACKET_BLOCK = 0x00000006;
    static final int DECRYPTION_SECRETS_BLOCK = 0x0000000A;
    /** systemd Journal Export Block (draft-ietf-opsawg-pcapng, block type 9). */
    static final int SYSTEMD_JOURNAL_EXPORT_BLOCK = 0x00000009;
    static final int CUSTOM_BLOCK = 0x00000BAD;
    static final int CUSTOM_BLOCK_NO_COPY = 0x40000BAD;

    // General block structure, section 3.1.
    static final int BLOCK_TYPE = 0;
    static final int BLOCK_TOTAL_LENGTH = 4;
    static final int BLOCK_HEADER_LENGTH = 8;
    static final int BLOCK_TRAILER_LENGTH = 4;
    static final int MIN_BLOCK_LENGTH = 12;

    // Section Header Block, section 4.1.
    static final int SHB_BYTE_ORDER_MAGIC = 8;
    static final int SHB_MAJOR_VERSION = 12;
    static final int SHB_MINOR_VERSION = 14;
    static final int SHB_MIN_LENGTH = 28;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int SUPPORTED_MAJOR_VERSION = 1;

    // Interface Description Block, section 4.2.
    static final int IDB_LINK_TYPE = 8;
    static final int IDB_SNAP_LENGTH = 12;
    static final int IDB_OPTIONS = 16;
    static final int IDB_MIN_LENGTH = 20;

    // Enhanced Packet Block, section 4.3.
    static final int EPB_INTERFACE_ID = 8;
    static final int EPB_TIMESTAMP_HIGH = 12;
    static final int EPB_TIMESTAMP_LOW = 16;
    static final int EPB_CAPTURED_LENGTH = 20;
    static final int EPB_ORIGINAL_LENGTH = 24;
    static final int EPB_DATA = 28;
    static final int EPB_MIN_LENGTH = 32;

    // Simple Packet Block, section 4.4.
    static final int SPB_ORIGINAL_LENGTH = 8;
    static final int SPB_DATA = 12;
    static final int SPB_MIN_LENGTH = 16;

    // Packet Block (obsolete), Appendix A: a 16-bit interface ID and a 16-bit drops count.
    static final int PB_INTERFACE_ID = 8;
    static final int PB_TIMESTAMP_HIGH = 12;
    static final int PB_TIMESTAMP_LOW = 16;
    static final int PB_CAPTURED_LENGTH = 20;
    static final int PB_ORIGINAL_LENGTH = 24;
    static final int PB_DATA = 28;
    static final int PB_MIN_LENGTH = 32;

    // Options, section 3.5, and the interface options of section 4.2.
    static final int OPTION_HEADER_LENGTH = 4;
    static final int OPT_ENDOFOPT = 0;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;
    /** Without {@code if_tsresol}, timestamps count microseconds (section 4.2). */
    static final int DEFAULT_TSRESOL = 6;
    /** In {@code if_tsresol}, the most significant bit selects a power of two over a power of ten. */
    static final int TSRESOL_BINARY = 0x80;
    static final int TSRESOL_EXPONENT = 0x7F;

    /** More interfaces than this in one section is taken as damage, to bound memory. */
    static final int MAX_INTERFACES = 1 << 16;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    // How an interface's timestamp units become nanoseconds.
    private static final byte SCALE_MULTIPLY = 0;
    private static final byte SCALE_DIVIDE = 1;
    private static final byte SCALE_SHIFT = 2;

    private static final int DELIVERED = 0;
    private static final int SKIPPED = 1;
    private static final int ENDED = 2;

    private static final int NOTICE_SIMPLE_PACKET_TIME = 1 << 8;
    private static final int NOTICE_TOO_MANY_INTERFACES = 1 << 9;
    private static final int NOTICE_TIMESTAMP_OUT_OF_RANGE = 1 << 10;

    /** The current section's byte order is the opposite of the buffer's (big-endian). */

    // The current section's interfaces, indexed by interface ID; a link type of -1 marks an
    // Interface Description Block too short to read.
    private int interfaceCount;
    private int[] interfaceLinkType = new int[4];
    private long[] interfaceSnapLength = new long[4];
    private byte[] scaleKind = new byte[4];
    private long[] scale = new long[4];
    private long[] offsetNanos = new long[4];
    /** Largest timestamp (unsigned, in the interface's units) whose nanoseconds fit a long. */
    private long[] maxUnits = new long[4];
    private int[] digits = new int[4];

    /**
     * Reads and checks the first Section Header Block at the input's position.
     *
     * @throws CaptureFormatException if it is cut short, has a bad byte-order magic, an
     *     unsupported major version, or inconsistent lengths
     */
    PcapNgReader(CaptureInput input, String sourceName, Consumer<CaptureWarning> warnings) throws IOException {
        super(input, sourceName, warnings);
        readFirstSectionHeader();
    }

    @Override
    public boolean next() throws IOException {
        if (finished) {
            return false;
        }
        CaptureInput in = input;
        for (;;) {
            if (!in.require(BLOCK_HEADER_LENGTH)) {
                return partialBlockHeader();
            }
            ByteBuffer b = in.buffer();
            int p = in.position();
            int type = int32(b, p + BLOCK_TYPE);
            if (type == SECTION_HEADER_BLOCK) {
                if (!readSectionHeader()) {
                    return false;
                }
                continue;
            }
            long length = uint32(b, p + BLOCK_TOTAL_LENGTH);
            long offset = in.offsetOf(p);
            if (length < MIN_BLOCK_LENGTH || (length & 3) != 0) {
                return stop(offset, "framing lost: " + blockName(type) + " total length " + length
                        + " (expected: a multiple of 4, at least " + MIN_BLOCK_LENGTH + ")");
            }
            boolean more;
            switch (type) {
                case ENHANCED_PACKET_BLOCK, SIMPLE_PACKET_BLOCK, PACKET_BLOCK -> {
                    int outcome = readPacketBlock(type, offset, length);
                    if (outcome == DELIVERED) {
                        return true;
                    }
                    more = outcome == SKIPPED;
                }
                case INTERFACE_DESCRIPTION_BLOCK -> more = readInterfaceDescription(offset, length);
                case CUSTOM_BLOCK, CUSTOM_BLOCK_NO_COPY, SYSTEMD_JOURNAL_EXPORT_BLOCK -> {
                    // Wireshark presents these blocks as records of their own and gives it a frame
                    // number, so it takes one here too: the frame numbers of later packets must
                    // match what the user sees in Wireshark. It carries no packet and is not read.
                    frameNumber++;
                    more = skipBlock(type, offset, length);
                }
                default -> more = skipBlock(type, offset, length);
            }
            if (!more) {
                return false;
            }
        }
    }

    /** The input ends inside a block header; a partial packet block still counts as a frame. */
    private boolean partialBlockHeader() {
        CaptureInput in = input;
        int left = in.available();
        if (left == 0) {
            return endOfInput();
        }
        String observed = left + " of " + BLOCK_HEADER_LENGTH + " block header bytes before the end of the input";
        if (left >= 4 && isPacketBlock(int32(in.buffer(), in.position()))) {
            return truncated(in.offset(), "truncated " + blockName(int32(in.buffer(), in.position()))
                    + ": " + observed + " (expected: a complete block)");
        }
        warn(CaptureWarning.Kind.NOTICE, in.offset(), frameNumber + 1,
                "truncated block: " + observed + " (expected: a complete block)");
        return endOfInput();
    }

    /**
     * Reads one packet block, whose type and total length (at least 12, a multiple of 4) have
     * been read at the input's position; returns DELIVERED, SKIPPED (reported), or ENDED.
     */
    private int readPacketBlock(int type, long offset, long length) throws IOException {
        CaptureInput in = input;
        if (length > CaptureInput.MAX_RECORD_BYTES) {
            return skipOversized(type, offset, length) ? SKIPPED : ENDED;
        }
        int blockLength = (int) length;
        if (!in.require(blockLength)) {
            truncated(offset, "truncated " + blockName(type) + ": " + in.available() + " of " + blockLength
                    + " bytes before the end of the input (expected: a complete block)");
            return ENDED;
        }
        ByteBuffer b = in.buffer();
        int p = in.position();
        int trailer = int32(b, p + blockLength - BLOCK_TRAILER_LENGTH);
        in.consume(blockLength);
        if (trailer != blockLength) {
            String observed = blockName(type) + " trailing length " + Integer.toUnsignedString(trailer)
                    + " differs from its leading length " + blockLength;
            if (!plausibleBlockAhead()) {
                stop(offset, "framing lost: " + observed + " and no plausible block follows (expected: equal lengths)");
                return ENDED;
            }
            warn(CaptureWarning.Kind.BAD_BLOCK_LENGTH, offset, ++frameNumber, observed + " (expected: equal lengths)");
            return SKIPPED;
        }
        // The block is consumed, but its bytes stay in the buffer until the next call.
        frameNumber++;
        return switch (type) {
            case ENHANCED_PACKET_BLOCK -> enhancedPacket(b, p, offset, blockLength);
            case SIMPLE_PACKET_BLOCK -> simplePacket(b, p, offset, blockLength);
            default -> obsoletePacket(b, p, offset, blockLength);
        };
    }

    private int enhancedPacket(ByteBuffer b, int p, long offset, int blockLength) {
        if (blockLength < EPB_MIN_LENGTH) {
            return malformed(offset, "enhanced packet block total length " + blockLength
                    + " (expected: at least " + EPB_MIN_LENGTH + ")");
        }
        long interfaceId = uint32(b, p + EPB_INTERFACE_ID);
        long captured = uint32(b, p + EPB_CAPTURED_LENGTH);
        if (captured > blockLength - EPB_MIN_LENGTH) {
            return malformed(offset, "enhanced packet block captured length " + captured
                    + " exceeds its block (expected: at most " + (blockLength - EPB_MIN_LENGTH) + ")");
        }
        long timestamp = uint32(b, p + EPB_TIMESTAMP_HIGH) << 32 | uint32(b, p + EPB_TIMESTAMP_LOW);
        return packet(offset, interfaceId, true, timestamp, p + EPB_DATA, (int) captured, uint32(b, p + EPB_ORIGINAL_LENGTH));
    }

    /**
     * A Simple Packet Block belongs to interface 0 and records only the original length: the
     * captured length is the smallest of that, the interface's snapshot length, and the bytes
     * the block holds (section 4.4).
     */
    private int simplePacket(ByteBuffer b, int p, long offset, int blockLength) {
        if (blockLength < SPB_MIN_LENGTH) {
            return malformed(offset, "simple packet block total length " + blockLength
                    + " (expected: at least " + SPB_MIN_LENGTH + ")");
        }
        if (interfaceCount == 0) {
            return unknownInterface(offset, 0);
        }
        long original = uint32(b, p + SPB_ORIGINAL_LENGTH);
        long captured = Math.min(original, blockLength - SPB_MIN_LENGTH);
        long snapLength = interfaceSnapLength[0];
        if (snapLength != 0) {
            captured = Math.min(captured, snapLength);
        }
        noticeOnce(NOTICE_SIMPLE_PACKET_TIME, offset, frameNumber, "simple packet block: has no timestamp field"
                + " (expected: enhanced packet blocks for timing; the previous packet's time is used)");
        return packet(offset, 0, false, 0, p + SPB_DATA, (int) captured, original);
    }

    private int obsoletePacket(ByteBuffer b, int p, long offset, int blockLength) {
        if (blockLength < PB_MIN_LENGTH) {
            return malformed(offset, "packet block total length " + blockLength + " (expected: at least " + PB_MIN_LENGTH + ")");
        }
        long interfaceId = uint16(b, p + PB_INTERFACE_ID);
        long captured = uint32(b, p + PB_CAPTURED_LENGTH);
        if (captured > blockLength - PB_MIN_LENGTH) {
            return malformed(offset, "packet block captured length " + captured
                    + " exceeds its block (expected: at most " + (blockLength - PB_MIN_LENGTH) + ")");
        }
        long timestamp = uint32(b, p + PB_TIMESTAMP_HIGH) << 32 | uint32(b, p + PB_TIMESTAMP_LOW);
        return packet(offset, interfaceId, true, timestamp, p + PB_DATA, (int) captured, uint32(b, p + PB_ORIGINAL_LENGTH));
    }

    /**
     * Delivers a packet of interface {@code interfaceId}; {@code timestamp} is in the interface's
     * units, and ignored when the block has none ({@code timed} false: the previous time is kept).
     */
    private int packet(long offset, long interfaceId, boolean timed, long timestamp, int data, int captured, long original) {
        if (interfaceId >= interfaceCount) {
            return unknownInterface(offset, interfaceId);
        }
        int i = (int) interfaceId;
        int link = interfaceLinkType[i];
        if (link < 0) {
            return malformed(offset, "interface " + i + ": its interface description block is too short to read"
                    + " (expected: at least " + IDB_MIN_LENGTH + " bytes)");
        }
        checkCapturedAboveOriginal(offset, captured, original);
        long snapLength = interfaceSnapLength[i];
        if (captured > snapLength && snapLength != 0 && noticeDue(NOTICE_CAPTURED_ABOVE_SNAPLEN)) {
            noticeOnce(NOTICE_CAPTURED_ABOVE_SNAPLEN, offset, frameNumber, "captured length " + captured
                    + " exceeds interface " + i + "'s snapshot length (expected: at most " + snapLength + ")");
        }
        if (timed && Long.compareUnsigned(timestamp, maxUnits[i]) > 0 && noticeDue(NOTICE_TIMESTAMP_OUT_OF_RANGE)) {
            noticeOnce(NOTICE_TIMESTAMP_OUT_OF_RANGE, offset, frameNumber, "timestamp " + Long.toUnsignedString(timestamp)
                    + " units of interface " + i + " is after the year 2262 (expected: within the range of"
                    + " nanoseconds since 1970 in a signed 64-bit number; the value wraps around)");
        }
        long nanos = timed ? toNanos(i, timestamp) : timestampNanos;
        timestampDigits = digits[i];
        deliver(offset, nanos, link, data, captured, original);
        return DELIVERED;
    }

    private long toNanos(int i, long timestamp) {
        byte kind = scaleKind[i];
        long nanos;
        if (kind == SCALE_MULTIPLY) {
            nanos = timestamp * scale[i];
        } else if (kind == SCALE_DIVIDE) {
            nanos = Long.divideUnsigned(timestamp, scale[i]);
        } else {
            nanos = binaryUnitsToNanos(timestamp, (int) scale[i]);
        }
        return nanos + offsetNanos[i];
    }

    /**
     * {@code units * 10^9 / 2^n} without rounding error or allocation: the 128-bit product is
     * shifted right by {@code n} (1 to 127), truncating toward zero.
     */
    static long binaryUnitsToNanos(long units, int n) {
        long low = units * NANOS_PER_SECOND;
        long high = Math.unsignedMultiplyHigh(units, NANOS_PER_SECOND);
        return n < 64 ? high << (64 - n) | low >>> n : high >>> (n - 64);
    }

    private int malformed(long offset, String message) {
        warn(CaptureWarning.Kind.MALFORMED_RECORD, offset, frameNumber, message);
        return SKIPPED;
    }

    private int unknownInterface(long offset, long interfaceId) {
        warn(CaptureWarning.Kind.UNKNOWN_INTERFACE, offset, frameNumber, "interface ID " + interfaceId
                + ": not declared (expected: below " + interfaceCount
                + ", the number of interface description blocks so far in this section)");
        return SKIPPED;
    }

    /**
     * A packet block longer than any record the buffer may hold: streamed past unread. Its
     * trailing length tells whether the leading one was right, in which case the block is skipped
     * as one oversized record and reading goes on.
     */
    private boolean skipOversized(int type, long offset, long length) throws IOException {
        CaptureInput in = input;
        String observed = blockName(type) + " total length " + length + " exceeds the limit";
        String rule = " (expected: at most " + CaptureInput.MAX_RECORD_BYTES + ")";
        if (!in.skip(length - BLOCK_TRAILER_LENGTH) || !in.require(BLOCK_TRAILER_LENGTH)) {
            return truncated(offset, observed + " and runs past the end of the input" + rule);
        }
        int trailer = int32(in.buffer(), in.position());
        in.consume(BLOCK_TRAILER_LENGTH);
        if (trailer != (int) length) {
            return stop(offset, "framing lost: " + observed + " and its trailing length "
                    + Integer.toUnsignedString(trailer) + " differs" + rule);
        }
        warn(CaptureWarning.Kind.OVERSIZED_RECORD, offset, ++frameNumber, observed + rule);
        return true;
    }

    /**
     * Consumes a block that is not delivered, streaming past whatever is not buffered, and checks
     * its trailing length. A mismatch is survived when a plausible block follows.
     *
     * @return false if the input ends or the framing is lost (both reported)
     */
    private boolean skipBlock(int type, long offset, long length) throws IOException {
        CaptureInput in = input;
        if (!in.skip(length - BLOCK_TRAILER_LENGTH) || !in.require(BLOCK_TRAILER_LENGTH)) {
            warn(CaptureWarning.Kind.NOTICE, offset, frameNumber + 1, "truncated " + blockName(type) + ": total length "
                    + length + " runs past the end of the input (expected: a complete block)");
            return endOfInput();
        }
        int trailer = int32(in.buffer(), in.position());
        in.consume(BLOCK_TRAILER_LENGTH);
        if (trailer == (int) length) {
            return true;
        }
        String observed = blockName(type) + " trailing length " + Integer.toUnsignedString(trailer)
                + " differs from its leading length " + length;
        if (!plausibleBlockAhead()) {
            return stop(offset, "framing lost: " + observed + " and no plausible block follows (expected: equal lengths)");
        }
        warn(CaptureWarning.Kind.NOTICE, offset, frameNumber + 1, observed
                + " (expected: equal lengths; the leading one is kept, as a plausible block follows)");
        return true;
    }

    /**
     * Whether the bytes at the input's position start a plausible block: a Section Header Block
     * with a valid byte-order magic, or a standard block type with a sane total length. The end
     * of the input counts as plausible; a partial block there is reported by the next call.
     */
    private boolean plausibleBlockAhead() throws IOException {
        CaptureInput in = input;
        if (!in.require(SHB_BYTE_ORDER_MAGIC + 4)) {
            return true;
        }
        ByteBuffer b = in.buffer();
        int q = in.position();
        int type = int32(b, q + BLOCK_TYPE);
        if (type == SECTION_HEADER_BLOCK) {
            int magic = b.getInt(q + SHB_BYTE_ORDER_MAGIC);
            return magic == BYTE_ORDER_MAGIC || magic == Integer.reverseBytes(BYTE_ORDER_MAGIC);
        }
        long length = uint32(b, q + BLOCK_TOTAL_LENGTH);
        boolean standardType = type >= INTERFACE_DESCRIPTION_BLOCK && type <= DECRYPTION_SECRETS_BLOCK
                || type == CUSTOM_BLOCK || type == CUSTOM_BLOCK_NO_COPY;
        return standardType && length >= MIN_BLOCK_LENGTH && (length & 3) == 0;
    }

    /**
     * An Interface Description Block adds the next interface ID of the section (section 4.2).
     * A block too short for its fixed fields still takes its ID, so that later IDs stay right.
     */
    private boolean readInterfaceDescription(long offset, long length) throws IOException {
        CaptureInput in = input;
        int index = addInterface(offset);
        if (length < IDB_MIN_LENGTH) {
            warn(CaptureWarning.Kind.NOTICE, offset, frameNumber + 1, "interface description block total length "
                    + length + " (expected: at least " + IDB_MIN_LENGTH + "; its packets will be skipped)");
        } else {
            // Options are read only when the block fits the buffer; a longer one is damage anyway.
            boolean withOptions = length <= CaptureInput.MAX_RECORD_BYTES;
            int needed = withOptions ? (int) length : IDB_OPTIONS;
            if (!in.require(needed)) {
                warn(CaptureWarning.Kind.NOTICE, offset, frameNumber + 1, "truncated interface description block: "
                        + in.available() + " of " + length + " bytes before the end of the input (expected: a complete block)");
                return endOfInput();
            }
            if (index >= 0) {
                ByteBuffer b = in.buffer();
                int p = in.position();
                interfaceLinkType[index] = uint16(b, p + IDB_LINK_TYPE);
                interfaceSnapLength[index] = uint32(b, p + IDB_SNAP_LENGTH);
                int end = withOptions ? p + (int) length - BLOCK_TRAILER_LENGTH : p + IDB_OPTIONS;
                readInterfaceOptions(b, p + IDB_OPTIONS, end, index, offset);
            }
        }
        return skipBlock(INTERFACE_DESCRIPTION_BLOCK, offset, length);
    }

    /** Reads {@code if_tsresol} and {@code if_tsoffset} from the options in {@code [from, end)}. */
    private void readInterfaceOptions(ByteBuffer b, int from, int end, int index, long offset) {
        int tsresol = DEFAULT_TSRESOL;
        long tsoffset = 0;
        int o = from;
        while (end - o >= OPTION_HEADER_LENGTH) {
            int code = uint16(b, o);
            int length = uint16(b, o + 2);
            if (code == OPT_ENDOFOPT) {
                break;
            }
            int padded = (length + 3) & ~3;
            if (padded > end - o - OPTION_HEADER_LENGTH) {
                warn(CaptureWarning.Kind.NOTICE, offset, frameNumber + 1, "interface option " + code + " length " + length
                        + " overruns its block (expected: at most " + (end - o - OPTION_HEADER_LENGTH) + ")");
                break;
            }
            if (code == IF_TSRESOL) {
                if (length == 1) {
                    tsresol = b.get(o + OPTION_HEADER_LENGTH) & 0xFF;
                } else {
                    warn(CaptureWarning.Kind.NOTICE, offset, frameNumber + 1, "if_tsresol option length " + length
                            + " (expected: 1; the option is ignored)");
                }
            } else if (code == IF_TSOFFSET) {
                if (length == 8) {
                    tsoffset = int64(b, o + OPTION_HEADER_LENGTH);
                } else {
                    warn(CaptureWarning.Kind.NOTICE, offset, frameNumber + 1, "if_tsoffset option length " + length
                            + " (expected: 8; the option is ignored)");
                }
            }
            o += OPTION_HEADER_LENGTH + padded;
        }
        setTimeScale(index, tsresol, tsoffset, offset);
    }

    /**
     * Precomputes how interface {@code index} turns timestamps into nanoseconds: units of
     * {@code 10^-n} s are multiplied by {@code 10^(9-n)} or divided by {@code 10^(n-9)}; units of
     * {@code 2^-n} s go through {@link #binaryUnitsToNanos}. Every one of the 256 values of
     * {@code if_tsresol} gives a defined result.
     */
    private void setTimeScale(int index, int tsresol, long tsoffset, long offset) {
        int n = tsresol & TSRESOL_EXPONENT;
        if ((tsresol & TSRESOL_BINARY) == 0) {
            if (n <= 9) {
                scaleKind[index] = SCALE_MULTIPLY;
                scale[index] = powerOfTen(9 - n);
            } else if (n - 9 <= 19) {
                scaleKind[index] = SCALE_DIVIDE;
                scale[index] = powerOfTen(n - 9);
            } else {
                // A unit below 10^-28 s: every 64-bit count is less than a nanosecond.
                scaleKind[index] = SCALE_MULTIPLY;
                scale[index] = 0;
            }
            digits[index] = n <= 6 ? 6 : 9;
        } else {
            if (n == 0) {
                scaleKind[index] = SCALE_MULTIPLY;
                scale[index] = NANOS_PER_SECOND;
            } else {
                scaleKind[index] = SCALE_SHIFT;
                scale[index] = n;
            }
            // 2^-19 s is coarser than a microsecond, 2^-20 s finer.
            digits[index] = n <= 19 ? 6 : 9;
        }
        maxUnits[index] = maxUnits(scaleKind[index], scale[index]);
        if (Math.abs(tsoffset) > Long.MAX_VALUE / NANOS_PER_SECOND) {
            warn(CaptureWarning.Kind.NOTICE, offset, frameNumber + 1, "if_tsoffset " + tsoffset
                    + " s (expected: within 292 years; the option is ignored)");
            tsoffset = 0;
        }
        offsetNanos[index] = tsoffset * NANOS_PER_SECOND;
    }

    /** Once per interface, so BigInteger is fine here. */
    private static long maxUnits(byte kind, long scale) {
        BigInteger max = BigInteger.valueOf(Long.MAX_VALUE);
        BigInteger units = switch (kind) {
            case SCALE_MULTIPLY -> scale == 0 ? null : max.divide(BigInteger.valueOf(scale));
            case SCALE_DIVIDE -> null;
            default -> max.shiftLeft((int) scale).divide(BigInteger.valueOf(NANOS_PER_SECOND));
        };
        BigInteger unsignedMax = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        return units == null || units.compareTo(unsignedMax) > 0 ? -1L : units.longValue();
    }

    /** 10^e for e in 0..19, the last one as an unsigned 64-bit value. */
    private static long powerOfTen(int e) {
        long p = 1;
        for (int i = 0; i < e; i++) {
            p *= 10;
        }
        return p;
    }

    /** Adds an interface with default settings; returns its ID, or -1 past {@link #MAX_INTERFACES}. */
    private int addInterface(long offset) {
        if (interfaceCount == MAX_INTERFACES) {
            noticeOnce(NOTICE_TOO_MANY_INTERFACES, offset, frameNumber + 1, "interface description blocks in one section: more than "
                    + MAX_INTERFACES + " (expected: at most " + MAX_INTERFACES + "; the rest are ignored)");
            return -1;
        }
        int i = interfaceCount++;
        if (i == interfaceLinkType.length) {
            int capacity = Math.min(MAX_INTERFACES, 2 * i);
            interfaceLinkType = Arrays.copyOf(interfaceLinkType, capacity);
            interfaceSnapLength = Arrays.copyOf(interfaceSnapLength, capacity);
            scaleKind = Arrays.copyOf(scaleKind, capacity);
            scale = Arrays.copyOf(scale, capacity);
            offsetNanos = Arrays.copyOf(offsetNanos, capacity);
            maxUnits = Arrays.copyOf(maxUnits, capacity);
            digits = Arrays.copyOf(digits, capacity);
        }
        interfaceLinkType[i] = -1;
        interfaceSnapLength[i] = 0;
        setTimeScale(i, DEFAULT_TSRESOL, 0, offset);
        return i;
    }

    /**
     * The first block must be a well-formed Section Header Block; anything else means this is
     * not a pcapng file we can read.
     */
    private void readFirstSectionHeader() throws IOException {
        CaptureInput in = input;
        long offset = in.offset();
        if (!in.require(SHB_MIN_LENGTH)) {
            throw new CaptureFormatException(sourceName, offset, "truncated file header: " + in.available()
                    + " bytes (expected: at least " + SHB_MIN_LENGTH + " for a pcapng section header block)");
        }
        long length = checkSectionHeader(true);
        if (length > CaptureInput.MAX_RECORD_BYTES) {
            throw new CaptureFormatException(sourceName, offset, "section header block total length " + length
                    + " (expected: at most " + CaptureInput.MAX_RECORD_BYTES + ")");
        }
        if (!in.require((int) length)) {
            throw new CaptureFormatException(sourceName, offset, "truncated file header: " + in.available()
                    + " of " + length + " section header block bytes (expected: a complete block)");
        }
        int trailer = int32(in.buffer(), in.position() + (int) length - BLOCK_TRAILER_LENGTH);
        if (trailer != (int) length) {
            throw new CaptureFormatException(sourceName, offset, "section header block trailing length "
                    + Integer.toUnsignedString(trailer) + " differs from its leading length " + length + " (expected: equal lengths)");
        }
        in.consume((int) length);
    }

    /** A later section: new byte order, interface IDs from 0 again (section 4.1). */
    private boolean readSectionHeader() throws IOException {
        CaptureInput in = input;
        long offset = in.offset();
        if (!in.require(SHB_MIN_LENGTH)) {
            warn(CaptureWarning.Kind.NOTICE, offset, frameNumber + 1, "truncated section header block: "
                    + in.available() + " bytes before the end of the input (expected: at least " + SHB_MIN_LENGTH + ")");
            return endOfInput();
        }
        long length = checkSectionHeader(false);
        if (length < 0) {
            return false;
        }
        return skipBlock(SECTION_HEADER_BLOCK, offset, length);
    }

    /**
     * Checks the Section Header Block at the input's position (at least {@link #SHB_MIN_LENGTH}
     * bytes available), switches to its byte order and starts a new interface numbering.
     *
     * @return its total length; or -1 after reporting that reading stops (later sections)
     * @throws CaptureFormatException for the first section
     */
    private long checkSectionHeader(boolean first) throws CaptureFormatException {
        CaptureInput in = input;
        ByteBuffer b = in.buffer();
        int p = in.position();
        long offset = in.offsetOf(p);
        int magic = b.getInt(p + SHB_BYTE_ORDER_MAGIC);
        if (magic != BYTE_ORDER_MAGIC && magic != Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            return sectionProblem(first, offset + SHB_BYTE_ORDER_MAGIC, "section header byte-order magic: 0x"
                    + Integer.toHexString(magic) + " (expected: 1a2b3c4d, either byte order)");
        }
        swapped = magic != BYTE_ORDER_MAGIC;
        interfaceCount = 0;
        long length = uint32(b, p + BLOCK_TOTAL_LENGTH);
        if (length < SHB_MIN_LENGTH || (length & 3) != 0) {
            return sectionProblem(first, offset, "section header block total length " + length
                    + " (expected: a multiple of 4, at least " + SHB_MIN_LENGTH + ")");
        }
        int major = uint16(b, p + SHB_MAJOR_VERSION);
        int minor = uint16(b, p + SHB_MINOR_VERSION);
        if (major != SUPPORTED_MAJOR_VERSION) {
            return sectionProblem(first, offset + SHB_MAJOR_VERSION, "pcapng version: " + major + "." + minor
                    + " (expected: " + SUPPORTED_MAJOR_VERSION + ".x)");
        }
        return length;
    }

    private long sectionProblem(boolean first, long offset, String message) throws CaptureFormatException {
        if (first) {
            throw new CaptureFormatException(sourceName, offset, message);
        }
        stop(offset, "framing lost: " + message);
        return -1;
    }

    private static boolean isPacketBlock(int type) {
        return type == ENHANCED_PACKET_BLOCK || type == SIMPLE_PACKET_BLOCK || type == PACKET_BLOCK;
    }

    /** For messages only. */
    private static String blockName(int type) {
        return switch (type) {
            case SECTION_HEADER_BLOCK -> "section header block";
            case INTERFACE_DESCRIPTION_BLOCK -> "interface description block";
            case PACKET_BLOCK -> "packet block";
            case SIMPLE_PACKET_BLOCK -> "simple packet block";
            case NAME_RESOLUTION_BLOCK -> "name resolution block";
            case INTERFACE_STATISTICS_BLOCK -> "interface statistics block";
            case ENHANCED_PACKET_BLOCK -> "enhanced packet block";
            case DECRYPTION_SECRETS_BLOCK -> "decryption secrets block";
            case CUSTOM_BLOCK, CUSTOM_BLOCK_NO_COPY -> "custom block";
            default -> "block of type 0x" + Integer.toHexString(type);
        };
    }


    private long int64(ByteBuffer b, int at) {
        long v = b.getLong(at);
        return swapped ? Long.reverseBytes(v) : v;
    }
}
