package dev.twhazard.flow;

/**
 * Serial-number arithmetic for 32-bit TCP sequence numbers, acknowledgment numbers and
 * timestamps (RFC 1982, as RFC 9293 3.4 and RFC 7323 5.2 apply it): {@code a} is before
 * {@code b} when the signed 32-bit difference {@code a - b} is negative. Raw {@code <} on
 * these values is always a bug: it breaks at the 2^32 wrap.
 */
public final class Seq {

    private Seq() {
    }

    /** Signed distance from {@code b} to {@code a}, in [-2^31, 2^31). */
    public static int diff(int a, int b) {
        return a - b;
    }

    public static boolean before(int a, int b) {
        return a - b < 0;
    }

    public static boolean after(int a, int b) {
        return b - a < 0;
    }

    public static boolean beforeOrEqual(int a, int b) {
        return a - b <= 0;
    }

    public static boolean afterOrEqual(int a, int b) {
        return b - a <= 0;
    }

    /** {@code lo <= x <= hi} in serial order, for ranges shorter than 2^31. */
    public static boolean between(int x, int lo, int hi) {
        return x - lo >= 0 && hi - x >= 0;
    }

    /** The later of two serial numbers. */
    public static int max(int a, int b) {
        return a - b < 0 ? b : a;
    }

    /** The earlier of two serial numbers. */
    public static int min(int a, int b) {
        return a - b < 0 ? a : b;
    }

    /** The value as an unsigned 32-bit number, for output. */
    public static long unsigned(int v) {
        return v & 0xFFFF_FFFFL;
    }
}
