package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over the 4-byte address-family header of BSD loopback captures: LINKTYPE_NULL writes
 * the family in the byte order of the capturing host, LINKTYPE_LOOP (OpenBSD) in network order
 * (tcpdump.org linktypes). AF_INET is 2 everywhere; AF_INET6 differs between the BSDs.
 */
public final class LoopbackView {
    public static final int FAMILY = 0;
    public static final int HEADER_LENGTH = 4;
    public static final int AF_INET = 2;
    /** AF_INET6 on NetBSD, OpenBSD and BSD/OS. */
    public static final int AF_INET6_BSD = 24;
    /** AF_INET6 on FreeBSD and DragonFly BSD. */
    public static final int AF_INET6_FREEBSD = 28;
    /** AF_INET6 on macOS and iOS. */
    public static final int AF_INET6_DARWIN = 30;

    private ByteBuffer buf;
    private int off;

    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        return len < HEADER_LENGTH ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    /**
     * The family, whichever byte order the capturing host wrote it in. Families are small
     * numbers, so a value with any of its upper 16 bits set was written little-endian; this is
     * the test Wireshark's packet-null.c makes.
     */
    public int familyAnyOrder() {
        int raw = buf.getInt(off + FAMILY);
        return (raw & 0xFFFF_0000) != 0 ? Integer.reverseBytes(raw) : raw;
    }

    /** The family in network byte order (LINKTYPE_LOOP). */
    public int familyNetworkOrder() {
        return buf.getInt(off + FAMILY);
    }

    public static boolean isInet6(int family) {
        return family == AF_INET6_BSD || family == AF_INET6_FREEBSD || family == AF_INET6_DARWIN;
    }

    public int payloadOffset() {
        return off + HEADER_LENGTH;
    }
}
