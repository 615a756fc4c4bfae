package dev.twhazard.flow;

import dev.twhazard.decode.IpAddress;

/**
 * Two addresses as a long-lived record keeps them for its key: an IPv4 pair (both IPv4-mapped,
 * {@link IpAddress#isV4}) as one long of the two 32-bit addresses, any other pair as the four
 * halves in an array, with the long unused. Records that hundreds of thousands of tuples and
 * timestamp sources keep for minutes so spend 12 bytes on their addresses instead of 32.
 */
public final class AddressPair {

    private AddressPair() {
    }

    /** True if both addresses are IPv4 (IPv4-mapped): the pair fits one long. */
    public static boolean bothV4(long aHi, long aLo, long bHi, long bLo) {
        return IpAddress.isV4(aHi, aLo) && IpAddress.isV4(bHi, bLo);
    }

    /** The pair's array form, or null for an IPv4 pair (kept in {@link #v4}). */
    public static long[] v6(long aHi, long aLo, long bHi, long bLo) {
        return bothV4(aHi, aLo, bHi, bLo) ? null : new long[] {aHi, aLo, bHi, bLo};
    }

    /** The IPv4 pair's one-long form: A's address high, B's low. */
    public static long v4(long aLo, long bLo) {
        return aLo << 32 | (bLo & 0xFFFF_FFFFL);
    }

    /** True if the pair kept as ({@code v4}, {@code v6}) is (a, b). */
    public static boolean is(long v4, long[] v6, long aHi, long aLo, long bHi, long bLo) {
        if (v6 == null) {
            return v4 == v4(aLo, bLo) && bothV4(aHi, aLo, bHi, bLo);
        }
        return v6[1] == aLo && v6[3] == bLo && v6[0] == aHi && v6[2] == bHi;
    }

    /** The high half of A's ({@code side} 0) or B's (1) address. */
    public static long hi(long[] v6, int side) {
        return v6 == null ? IpAddress.V4_MAPPED_HI : v6[2 * side];
    }

    /** The low half of A's ({@code side} 0) or B's (1) address. */
    public static long lo(long v4, long[] v6, int side) {
        return v6 == null ? IpAddress.v4Lo((int) (side == 0 ? v4 >>> 32 : v4)) : v6[2 * side + 1];
    }
}
