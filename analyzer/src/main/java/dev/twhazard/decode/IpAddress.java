package dev.twhazard.decode;

/**
 * 128-bit IP addresses held in two longs, IPv4 as IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}).
 */
public final class IpAddress {

    /** The high 64 bits of every IPv4-mapped address. */
    public static final long V4_MAPPED_HI = 0L;
    /** The upper 32 bits of the low half of an IPv4-mapped address. */
    public static final long V4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;

    private IpAddress() {
    }

    /** Low half of the IPv4-mapped form of {@code ipv4} (network order value). */
    public static long v4Lo(int ipv4) {
        return V4_MAPPED_PREFIX | (ipv4 & 0xFFFF_FFFFL);
    }

    public static boolean isV4(long hi, long lo) {
        return hi == V4_MAPPED_HI && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_PREFIX;
    }

    /** Dotted quad for IPv4-mapped addresses, RFC 5952 text for IPv6. Allocates; not for the hot path. */
    public static String format(long hi, long lo) {
        if (isV4(hi, lo)) {
            int v4 = (int) lo;
            return ((v4 >>> 24) & 0xFF) + "." + ((v4 >>> 16) & 0xFF) + "." + ((v4 >>> 8) & 0xFF) + "." + (v4 & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        // RFC 5952 4.2.3: compress the longest run (leftmost on ties) of two or more zero groups.
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            sb.append(Integer.toHexString(groups[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /** {@code ip:port}, with an IPv6 address in brackets (RFC 3986 3.2.2); the address alone without a port. */
    public static String endpoint(String ip, Integer port) {
        if (port == null) {
            return ip;
        }
        return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    /** Parses dotted-quad IPv4 or RFC 4291 IPv6 text into {hi, lo}; throws IllegalArgumentException. */
    public static long[] parse(String text) {
        if (text.indexOf(':') < 0) {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("not an IP address: " + text);
            }
            int v = 0;
            for (String p : parts) {
                int b = p.matches("[0-9]{1,3}") ? Integer.parseInt(p) : -1;
                if (b < 0 || b > 255) {
                    throw new IllegalArgumentException("not an IP address: " + text);
                }
                v = (v << 8) | b;
            }
            return new long[] {V4_MAPPED_HI, v4Lo(v)};
        }
        byte[] bytes;
        try {
            bytes = java.net.InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
        if (bytes.length == 4) {
            return new long[] {V4_MAPPED_HI, v4Lo(java.nio.ByteBuffer.wrap(bytes).getInt())};
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        return new long[] {b.getLong(), b.getLong()};
    }
}
