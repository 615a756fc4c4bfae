package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Serial-number arithmetic (RFC 1982 3.2, applied to TCP by RFC 9293 3.4): {@code a} precedes
 * {@code b} when {@code b} is reachable from {@code a} by adding less than 2^31 modulo 2^32. The
 * properties draw {@code a} from all 2^32 values, so {@code a + d} wraps past 0xFFFFFFFF in about
 * half the tries, and the explicit cases pin the two places where plain comparisons go wrong: the
 * unsigned wrap 0xFFFFFFFF -> 0 and the signed one 0x7FFFFFFF -> 0x80000000.
 */
class SeqTest {

    /** 2^31 - 1: the largest distance RFC 1982 orders; at exactly 2^31 the comparison is undefined. */
    static final int HALF = Integer.MAX_VALUE;

    /** Seeds from all over the space plus the values next to both wraps, where bugs live. */
    @Provide
    Arbitrary<Integer> seqs() {
        return Arbitraries.oneOf(
                Arbitraries.integers(),
                Arbitraries.of(0, 1, -1, -2, 0xFFFF_FFF0, Integer.MAX_VALUE, Integer.MIN_VALUE,
                        Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1));
    }

    /** Distances RFC 1982 orders: 1 to 2^31 - 1, with both ends likely. */
    @Provide
    Arbitrary<Integer> distances() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, HALF),
                Arbitraries.of(1, 2, HALF - 1, HALF));
    }

    // ---- properties over the whole space ----

    @Property(tries = 5000)
    void anAdvancedNumberComesAfterItsOrigin(@ForAll("seqs") int a, @ForAll("distances") int d) {
        int b = a + d; // wraps modulo 2^32, as TCP sequence numbers do
        assertTrue(Seq.before(a, b), () -> hex(a) + " should be before " + hex(b));
        assertTrue(Seq.after(b, a), () -> hex(b) + " should be after " + hex(a));
        assertFalse(Seq.before(b, a), () -> hex(b) + " should not be before " + hex(a));
        assertFalse(Seq.after(a, b), () -> hex(a) + " should not be after " + hex(b));
        assertTrue(Seq.beforeOrEqual(a, b));
        assertTrue(Seq.afterOrEqual(b, a));
        assertFalse(Seq.beforeOrEqual(b, a));
        assertFalse(Seq.afterOrEqual(a, b));
    }

    @Property(tries = 5000)
    void diffIsTheSignedDistanceAcrossTheWrap(@ForAll("seqs") int a, @ForAll("distances") int d) {
        assertEquals(d, Seq.diff(a + d, a));
        assertEquals(-d, Seq.diff(a, a + d));
    }

    /** RFC 1982 3.2: for distinct numbers not 2^31 apart, exactly one of "less" and "greater" holds. */
    @Property(tries = 5000)
    void exactlyOneOfBeforeAfterEqualHolds(@ForAll("seqs") int a, @ForAll("seqs") int b) {
        if (b - a == Integer.MIN_VALUE) {
            return; // distance 2^31: undefined by RFC 1982, covered below
        }
        int holding = (Seq.before(a, b) ? 1 : 0) + (Seq.after(a, b) ? 1 : 0) + (a == b ? 1 : 0);
        assertEquals(1, holding, () -> hex(a) + " vs " + hex(b));
        // and the "or equal" forms are exactly the disjunctions
        assertEquals(Seq.before(a, b) || a == b, Seq.beforeOrEqual(a, b));
        assertEquals(Seq.after(a, b) || a == b, Seq.afterOrEqual(a, b));
        // after is before with the arguments swapped
        assertEquals(Seq.before(b, a), Seq.after(a, b));
    }

    @Property(tries = 2000)
    void orEqualFormsAreReflexiveAndStrictFormsAreNot(@ForAll("seqs") int a) {
        assertTrue(Seq.beforeOrEqual(a, a));
        assertTrue(Seq.afterOrEqual(a, a));
        assertFalse(Seq.before(a, a));
        assertFalse(Seq.after(a, a));
        assertEquals(0, Seq.diff(a, a));
    }

    @Property(tries = 5000)
    void maxIsTheLaterAndMinTheEarlierInEitherOrder(@ForAll("seqs") int a, @ForAll("distances") int d) {
        int b = a + d;
        assertEquals(b, Seq.max(a, b));
        assertEquals(b, Seq.max(b, a));
        assertEquals(a, Seq.min(a, b));
        assertEquals(a, Seq.min(b, a));
        assertEquals(a, Seq.max(a, a));
        assertEquals(a, Seq.min(a, a));
    }

    /** A window [lo, hi] shorter than 2^31 contains every number from lo to hi, also when it wraps. */
    @Property(tries = 5000)
    void betweenHoldsInsideAWindow(@ForAll("seqs") int lo, @ForAll @IntRange(min = 0, max = HALF) int len,
            @ForAll @LongRange(min = 0, max = Integer.MAX_VALUE) long offsetSeed) {
        int off = (int) (offsetSeed % ((long) len + 1)); // 0..len
        int hi = lo + len;
        int x = lo + off;
        assertTrue(Seq.between(x, lo, hi), () -> hex(x) + " in [" + hex(lo) + ", " + hex(hi) + "]");
    }

    @Property(tries = 5000)
    void betweenFailsJustOutsideAWindow(@ForAll("seqs") int lo, @ForAll @IntRange(min = 0, max = HALF) int len,
            @ForAll("distances") int k) {
        int hi = lo + len;
        // Above hi by up to 2^31 - 1 and below lo by up to 2^31 - 1 are outside in serial order.
        assertFalse(Seq.between(hi + k, lo, hi), () -> hex(hi + k) + " above [" + hex(lo) + ", " + hex(hi) + "]");
        assertFalse(Seq.between(lo - k, lo, hi), () -> hex(lo - k) + " below [" + hex(lo) + ", " + hex(hi) + "]");
    }

    @Property(tries = 2000)
    void unsignedIsTheTwosComplementBitPatternAsALong(@ForAll("seqs") int v) {
        long u = Seq.unsigned(v);
        assertTrue(u >= 0 && u < (1L << 32), () -> "out of range: " + u);
        assertEquals(v, (int) u); // the low 32 bits are kept
        assertEquals(Integer.toUnsignedString(v), Long.toString(u));
    }

    // ---- explicit cases at the wraps ----

    /** Unsigned comparison gets this wrong: 0xFFFFFFF0 > 0x10 as unsigned, yet 0x10 is 0x20 later. */
    @Test
    void justBeforeTheUnsignedWrapIsBeforeJustAfterIt() {
        int a = 0xFFFF_FFF0;
        int b = 0x0000_0010;
        assertTrue(Integer.compareUnsigned(a, b) > 0); // the naive reading of the raw numbers
        assertTrue(Seq.before(a, b));
        assertTrue(Seq.after(b, a));
        assertFalse(Seq.before(b, a));
        assertEquals(0x20, Seq.diff(b, a));
        assertEquals(b, Seq.max(a, b));
        assertEquals(a, Seq.min(a, b));
    }

    /** Signed {@code <} gets this wrong: 0x80000010 is negative as an int, yet 0x20 after 0x7FFFFFF0. */
    @Test
    void justBeforeTheSignedWrapIsBeforeJustAfterIt() {
        int a = 0x7FFF_FFF0;
        int b = 0x8000_0010;
        assertTrue(b < a); // the naive reading as Java ints
        assertTrue(Seq.before(a, b));
        assertTrue(Seq.after(b, a));
        assertFalse(Seq.before(b, a));
        assertEquals(0x20, Seq.diff(b, a));
        assertEquals(b, Seq.max(b, a));
        assertEquals(a, Seq.min(b, a));
    }

    @Test
    void maxValueIsImmediatelyBeforeZero() {
        assertTrue(Seq.before(0xFFFF_FFFF, 0));
        assertTrue(Seq.after(0, 0xFFFF_FFFF));
        assertEquals(1, Seq.diff(0, 0xFFFF_FFFF));
    }

    @Test
    void betweenAcceptsAWindowStraddlingTheWrap() {
        int lo = 0xFFFF_FF00;
        int hi = 0x0000_0100;
        for (int x : new int[] {lo, 0xFFFF_FFFF, 0, 1, hi}) {
            assertTrue(Seq.between(x, lo, hi), hex(x));
        }
        for (int x : new int[] {lo - 1, hi + 1, 0x8000_0000, 0x7FFF_FFFF}) {
            assertFalse(Seq.between(x, lo, hi), hex(x));
        }
    }

    /** RFC 1982 3.2 leaves numbers exactly 2^31 apart unordered; diff still lands in [-2^31, 2^31). */
    @Test
    void diffAtHalfTheSpaceIsMinusTwoToTheThirtyOne() {
        assertEquals(Integer.MIN_VALUE, Seq.diff(0x8000_0000, 0));
        assertEquals(Integer.MIN_VALUE, Seq.diff(0, 0x8000_0000));
    }

    /** The largest orderable distance, 2^31 - 1, is still ordered, in both places it can wrap. */
    @Test
    void largestOrderableDistanceIsOrdered() {
        assertTrue(Seq.before(0, HALF));
        assertTrue(Seq.before(0xFFFF_FFFF, HALF - 1));
        assertTrue(Seq.before(0x8000_0000, 0xFFFF_FFFF));
        assertTrue(Seq.after(0x7FFF_FFFE, 0xFFFF_FFFF));
    }

    @Test
    void unsignedAtTheEdges() {
        assertEquals(0L, Seq.unsigned(0));
        assertEquals(4_294_967_295L, Seq.unsigned(-1));
        assertEquals(2_147_483_648L, Seq.unsigned(Integer.MIN_VALUE));
        assertEquals(2_147_483_647L, Seq.unsigned(Integer.MAX_VALUE));
    }

    static String hex(int v) {
        return String.format("0x%08X", v);
    }
}
