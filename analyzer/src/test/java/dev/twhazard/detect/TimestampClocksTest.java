package dev.twhazard.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.decode.TcpSegment;
import dev.twhazard.flow.Flow;
import dev.twhazard.flow.FlowTable;
import org.junit.jupiter.api.Test;

/**
 * The clock sets behind the NAT estimate: a per-quadruple set grows by doubling up to 16 clocks, a
 * source's set from one clock straight to 16; when full, the oldest clock makes room.
 */
class TimestampClocksTest {

    private static final long SECOND = 1_000_000_000L;

    /**
     * Clock {@code k}'s TSval at second 0: far from every other clock's, so none fits another, and
     * never 0. Every third has the top bit set, as TSvals past 2^31 do, so that both halves of the
     * longs that the set packs two TSvals into hold some.
     */
    private static int tsVal(int k) {
        return (k * 100_000_000 + 12_345) ^ (k % 3 == 0 ? 1 << 31 : 0);
    }

    /**
     * Each growth of the point array must carry every clock over: after each new clock, all the
     * earlier ones still fit their next tick, one second on.
     */
    @Test
    void everyClockSurvivesEachGrowth() {
        assertEveryClockSurvives(new TimestampClocks.ClockSet());
        assertEveryClockSurvives(new TimestampClocks.Source(0, 0x0000FFFF0A000001L, 0, 0x0000FFFF0A000002L, 7));
    }

    private static void assertEveryClockSurvives(TimestampClocks.ClockSet set) {
        for (int k = 0; k < 16; k++) {
            assertTrue(set.observe(tsVal(k), k), "clock " + k + " is new");
            assertEquals(k + 1, set.size());
            for (int j = 0; j <= k; j++) {
                assertEquals(j, set.match(tsVal(j) + 1000, SECOND + k), "clock " + j + " after " + (k + 1) + " clocks");
            }
        }
    }

    /**
     * Each clock moves on in turn, last first; every other clock keeps its own TSval, including
     * the one it shares a long with.
     */
    @Test
    void movingOneClockLeavesTheOthers() {
        TimestampClocks.ClockSet set = new TimestampClocks.ClockSet();
        for (int k = 0; k < 16; k++) {
            set.observe(tsVal(k), k);
        }
        int[] now = new int[16];
        for (int k = 0; k < 16; k++) {
            now[k] = tsVal(k);
        }
        for (int k = 15; k >= 0; k--) {
            now[k] += 1000;
            assertFalse(set.observe(now[k], SECOND + 100 - k), "clock " + k + " ticks on");
            for (int j = 0; j < 16; j++) {
                // A TSval behind the clock's newest by more than 2 ticks no longer fits it.
                assertEquals(j, set.match(now[j], 2 * SECOND), "clock " + j + " after clock " + k + " moved");
                assertEquals(-1, set.match(now[j] - 10, SECOND + 100 - k), "clock " + j + " kept its newest TSval");
            }
        }
    }

    /** A 17th clock takes the place of the clock seen longest ago; the other 15 stay. */
    @Test
    void seventeenthClockReplacesTheOldest() {
        TimestampClocks.ClockSet set = new TimestampClocks.ClockSet();
        for (int k = 0; k < 16; k++) {
            set.observe(tsVal(k), k);
        }
        // Clock 0 was seen at time 0, the others later: it is the one to go.
        assertTrue(set.observe(tsVal(16), 100));
        assertEquals(16, set.size());
        assertEquals(-1, set.match(tsVal(0), 200));
        assertEquals(0, set.match(tsVal(16), 200), "the new clock sits where clock 0 was");
        for (int k = 1; k < 16; k++) {
            assertEquals(k, set.match(tsVal(k), 200));
        }
        assertFalse(set.observe(tsVal(5) + 1, 300), "a known clock's next tick is not a new clock");
    }

    /**
     * A source remembered elsewhere (on the incarnation, or on its (client, server, port) record,
     * which outlives the connection) is taken only while it is that side's record and has not been
     * forgotten: otherwise the lookup runs, and a forgotten source's evidence stays forgotten.
     */
    @Test
    void aRememberedSourceIsTakenOnlyWhileItIsTheSidesAndNotForgotten() {
        TimestampClocks clocks = new TimestampClocks();
        Flow f = flow("10.0.0.1", 40000, "192.0.2.7", 443);
        int client = f.lo(0) == IpAddress.parse("10.0.0.1")[1] ? 0 : 1;
        TimestampClocks.Source src = clocks.sourceOf(f, client, SECOND);
        assertSame(src, clocks.sourceOf(f, client, 2 * SECOND, src), "the remembered source is the side's");
        TimestampClocks.Source other = clocks.sourceOf(f, 1 - client, 2 * SECOND, src);
        assertNotSame(src, other, "the other side's traffic has its own source");
        assertSame(other, clocks.sourceOf(f, 1 - client, 2 * SECOND), "and the table holds it");

        clocks.sweep(3 * SECOND);
        TimestampClocks.Source fresh = clocks.sourceOf(f, client, 4 * SECOND, src);
        assertNotSame(src, fresh, "a forgotten source is not brought back through a memo");
        assertSame(fresh, clocks.sourceOf(f, client, 4 * SECOND), "the new source is the table's");
    }

    private static Flow flow(String src, int srcPort, String dst, int dstPort) {
        TcpSegment seg = new TcpSegment();
        long[] a = IpAddress.parse(src);
        long[] b = IpAddress.parse(dst);
        seg.srcHi = a[0];
        seg.srcLo = a[1];
        seg.srcPort = srcPort;
        seg.dstHi = b[0];
        seg.dstLo = b[1];
        seg.dstPort = dstPort;
        return new FlowTable(16).getOrCreate(seg);
    }
}
