package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over a GTP-U header (3GPP TS 29.281 section 5): flags, message type, length, TEID,
 * then, when any of E, S or PN is set, sequence number, N-PDU number and next extension header
 * type, then the chain of extension headers.
 *
 * <p>{@link #wrap} walks the extension-header chain (section 5.2): each extension gives its own
 * length in 4-byte units, and its last byte names the next one (0: none). A zero length could
 * never advance, so it is MALFORMED; each step advances at least 4 bytes, so the walk ends.
 */
public final class GtpUView {
    public static final int FLAGS = 0;
    public static final int MESSAGE_TYPE = 1;
    public static final int LENGTH = 2;
    public static final int TEID = 4;
    public static final int MANDATORY_LENGTH = 8;
    public static final int OPTIONAL_FIELDS_LENGTH = 4;
    public static final int NEXT_EXTENSION_TYPE = 11;
    /** GTP version 1 in the top 3 bits; PT = 1 means GTP rather than GTP'. */
    public static final int VERSION = 1;
    public static final int VERSION_SHIFT = 5;
    public static final int FLAG_PROTOCOL_TYPE = 0x10;
    public static final int FLAG_EXTENSION = 0x04;
    public static final int FLAG_SEQUENCE = 0x02;
    public static final int FLAG_NPDU = 0x01;
    public static final int EXTENSION_UNIT = 4;
    public static final int NO_MORE_EXTENSIONS = 0;
    /** Message type of a G-PDU: a user IP packet follows (TS 29.281 section 6.1). */
    public static final int MESSAGE_G_PDU = 0xFF;
    /** IANA-assigned UDP port for GTP-U (TS 29.281 section 4.4.2.3). */
    public static final int UDP_PORT = 2152;

    private ByteBuffer buf;
    private int off;
    private int headerLength;
    private int payloadCaptured;

    /**
     * DECODED when the header and its extensions fit; UNSUPPORTED_ENCAPSULATION for a version
     * other than 1 or for GTP' (PT = 0); MALFORMED for a zero extension length or a length field
     * shorter than the optional fields and extensions.
     */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        if (len < 1) {
            return DecodeStatus.TRUNCATED;
        }
        int flags = buf.get(off + FLAGS) & 0xFF;
        if (flags >>> VERSION_SHIFT != VERSION || (flags & FLAG_PROTOCOL_TYPE) == 0) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        if (len < MANDATORY_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        int p = off + MANDATORY_LENGTH;
        int end = off + len;
        if ((flags & (FLAG_EXTENSION | FLAG_SEQUENCE | FLAG_NPDU)) != 0) {
            if (end - p < OPTIONAL_FIELDS_LENGTH) {
                return DecodeStatus.TRUNCATED;
            }
            p += OPTIONAL_FIELDS_LENGTH;
            if ((flags & FLAG_EXTENSION) != 0) {
                int next = buf.get(off + NEXT_EXTENSION_TYPE) & 0xFF;
                while (next != NO_MORE_EXTENSIONS) {
                    if (end - p < 1) {
                        return DecodeStatus.TRUNCATED;
                    }
                    int length = (buf.get(p) & 0xFF) * EXTENSION_UNIT;
                    if (length == 0) {
                        return DecodeStatus.MALFORMED;
                    }
                    if (length > end - p) {
                        return DecodeStatus.TRUNCATED;
                    }
                    next = buf.get(p + length - 1) & 0xFF;
                    p += length;
                }
            }
        }
        headerLength = p - off;
        // The length field counts the bytes after the mandatory 8-byte part (section 5.1).
        int declaredEnd = MANDATORY_LENGTH + (buf.getShort(off + LENGTH) & 0xFFFF);
        if (declaredEnd < headerLength) {
            return DecodeStatus.MALFORMED;
        }
        payloadCaptured = Math.min(declaredEnd, len) - headerLength;
        return DecodeStatus.DECODED;
    }

    public int messageType() {
        return buf.get(off + MESSAGE_TYPE) & 0xFF;
    }

    public int payloadOffset() {
        return off + headerLength;
    }

    public int payloadCapturedLength() {
        return payloadCaptured;
    }
}
