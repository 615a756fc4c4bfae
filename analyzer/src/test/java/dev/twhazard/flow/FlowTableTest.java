package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.decode.TcpSegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FlowTable} against a {@link HashMap} model keyed by the canonical quadruple. A segment
 * carries its precomputed hash ({@link FlowTable#prepare}), so the tests can replace it with a
 * degenerate one (derived from the real hash, hence the same in both directions) to force long
 * probe runs, runs that wrap past the end of the slot array, and deletions in their middle. The
 * table is told the same function, since it works out a flow's hash again to remove it.
 */
class FlowTableTest {

    /** One endpoint: a 128-bit address and a port. */
    record Endpoint(long hi, long lo, int port) {
    }

    /** A quadruple in canonical order: a is the lower endpoint (address, then port, unsigned). */
    record Quad(Endpoint a, Endpoint b) {
    }

    enum Hashing {
        REAL(h -> h),
        FOUR_HOMES(h -> h & 3),
        HOMES_AROUND_THE_END(h -> (h & 3) - 2),
        ONE_RUN_WRAPPING(h -> -1);

        final IntUnaryOperator fn;

        Hashing(IntUnaryOperator fn) {
            this.fn = fn;
        }
    }

    static final long V4 = 0x0000_FFFF_0000_0000L;

    /**
     * Addresses of both families, including an IPv6 one with the top bit set (fe80::), so signed
     * order would differ, and IPv6 ones that end in the 32 bits of an IPv4 address, which an IPv4
     * flow keeps alone.
     */
    static final long[][] ADDRESSES = {
        {0, V4 | 0x0A00_0001L},             // 10.0.0.1
        {0, V4 | 0x0A00_0002L},             // 10.0.0.2
        {0, V4 | 0xC0A8_0001L},             // 192.168.0.1
        {0x2001_0DB8_0000_0000L, 1},        // 2001:db8::1
        {0xFE80_0000_0000_0000L, 1},        // fe80::1
        {0xFE80_0000_0000_0000L, 0x8000_0000_0000_0001L}, // fe80::8000:0:0:1
        {0, 0x0A00_0001L},                  // ::10.0.0.1 (IPv4-compatible, not mapped)
        {1, V4 | 0x0A00_0001L},             // ::1:0:0:0:ffff:a00:1
    };
    static final int[] PORTS = {80, 443, 40000, 65535};

    static List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (long[] a : ADDRESSES) {
            for (int p : PORTS) {
                out.add(new Endpoint(a[0], a[1], p));
            }
        }
        return out;
    }

    /** The canonical order, written independently of FlowTable.compare. */
    static boolean lower(Endpoint x, Endpoint y) {
        int c = Long.compareUnsigned(x.hi, y.hi);
        if (c == 0) {
            c = Long.compareUnsigned(x.lo, y.lo);
        }
        if (c == 0) {
            c = Integer.compare(x.port, y.port);
        }
        return c <= 0;
    }

    static Quad quad(Endpoint x, Endpoint y) {
        return lower(x, y) ? new Quad(x, y) : new Quad(y, x);
    }

    static TcpSegment segment(Endpoint src, Endpoint dst, Hashing hashing) {
        TcpSegment seg = new TcpSegment();
        seg.srcHi = src.hi;
        seg.srcLo = src.lo;
        seg.srcPort = src.port;
        seg.dstHi = dst.hi;
        seg.dstLo = dst.lo;
        seg.dstPort = dst.port;
        FlowTable.prepare(seg);
        seg.flowHash = hashing.fn.applyAsInt(seg.flowHash);
        return seg;
    }

    static void assertIsFlowOf(Quad q, Flow f) {
        assertEquals(q.a.hi, f.hi(0));
        assertEquals(q.a.lo, f.lo(0));
        assertEquals(q.a.port, f.port(0));
        assertEquals(q.b.hi, f.hi(1));
        assertEquals(q.b.lo, f.lo(1));
        assertEquals(q.b.port, f.port(1));
    }

    /** The table holds exactly the model's flows, each once, and each under its own quadruple. */
    static void assertAgrees(FlowTable table, Map<Quad, Flow> model, String when) {
        assertEquals(model.size(), table.size(), () -> "size " + when);
        Set<Flow> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        table.forEach(f -> assertTrue(seen.add(f), () -> "forEach repeats a flow " + when));
        Set<Flow> expected = Collections.newSetFromMap(new IdentityHashMap<>());
        expected.addAll(model.values());
        assertEquals(expected, seen, () -> "forEach " + when);
        for (Map.Entry<Quad, Flow> e : model.entrySet()) {
            assertIsFlowOf(e.getKey(), e.getValue());
        }
    }

    /**
     * Random lookups-or-creates (in either direction), removals and recycling; after each, every
     * flow the model has is found again by both directions of its quadruple, and no other is kept.
     */
    @ParameterizedTest
    @EnumSource(Hashing.class)
    void randomOperationsAgreeWithAHashMap(Hashing hashing) {
        List<Endpoint> eps = endpoints();
        FlowTable table = new FlowTable(1, hashing.fn);
        Map<Quad, Flow> model = new HashMap<>();
        List<Flow> removed = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(793 + hashing.ordinal());
        int pairs = hashing == Hashing.REAL ? eps.size() : 12; // fewer quadruples when all collide
        for (int step = 0; step < 6000; step++) {
            boolean filling = (step / 500) % 2 == 0;
            int op = random.nextInt(100);
            Endpoint x = eps.get(random.nextInt(pairs));
            Endpoint y = eps.get(random.nextInt(eps.size()));
            if (x.equals(y)) {
                continue;
            }
            Quad q = quad(x, y);
            String when = "at step " + step + " on " + q;
            if (op < (filling ? 60 : 30)) {
                TcpSegment seg = segment(x, y, hashing);
                Flow f = table.getOrCreate(seg);
                assertEquals(lower(x, y) ? 0 : 1, table.lastSide(), () -> "side " + when);
                Flow known = model.get(q);
                if (known != null) {
                    assertSame(known, f, () -> "found another flow " + when);
                } else {
                    assertIsFlowOf(q, f);
                    assertFalse(model.containsValue(f), () -> "a live flow was handed out again " + when);
                    model.put(q, f);
                }
            } else if (op < 95) {
                Flow f = model.remove(q);
                if (f != null) {
                    table.remove(f);
                    if (random.nextBoolean()) {
                        table.recycle(f); // as the tracker does: may stand for another quadruple later
                    } else {
                        removed.add(f);
                    }
                }
            } else if (!removed.isEmpty()) {
                // Removing a flow that is no longer in the table changes nothing.
                table.remove(removed.get(random.nextInt(removed.size())));
            }
            assertAgrees(table, model, when);
            // and every known quadruple is found, from either end, without creating anything
            for (Map.Entry<Quad, Flow> e : model.entrySet()) {
                Quad k = e.getKey();
                assertSame(e.getValue(), table.getOrCreate(segment(k.b, k.a, hashing)), () -> k + " lost " + when);
                assertEquals(1, table.lastSide());
            }
            assertEquals(model.size(), table.size(), () -> "lookups created flows " + when);
        }
    }

    /** Both directions of a connection are one flow; lastSide tells which end sent the segment. */
    @Test
    void bothDirectionsFindTheSameFlow() {
        FlowTable table = new FlowTable(16);
        Endpoint client = new Endpoint(0, V4 | 0x0A00_0002L, 40000);
        Endpoint server = new Endpoint(0, V4 | 0x0A00_0001L, 80);
        Flow f = table.getOrCreate(segment(client, server, Hashing.REAL));
        assertEquals(1, table.lastSide()); // 10.0.0.2 > 10.0.0.1, so the client is side B
        assertSame(f, table.getOrCreate(segment(server, client, Hashing.REAL)));
        assertEquals(0, table.lastSide());
        assertEquals(1, table.size());
        assertIsFlowOf(new Quad(server, client), f);
    }

    /** Addresses order unsigned: fe80::1 is above 2001:db8::1 although its high half is negative as a long. */
    @Test
    void canonicalOrderIsUnsigned() {
        Endpoint global = new Endpoint(0x2001_0DB8_0000_0000L, 1, 443);
        Endpoint linkLocal = new Endpoint(0xFE80_0000_0000_0000L, 1, 443);
        TcpSegment seg = segment(linkLocal, global, Hashing.REAL);
        assertFalse(seg.srcIsA);
        TcpSegment back = segment(global, linkLocal, Hashing.REAL);
        assertTrue(back.srcIsA);
        assertEquals(seg.flowHash, back.flowHash);
    }

    /** Same addresses, ports swapped: a different quadruple and a different flow. */
    @Test
    void portsAreBoundToTheirAddress() {
        FlowTable table = new FlowTable(16);
        Endpoint h1 = new Endpoint(0, V4 | 1, 1000);
        Endpoint h2 = new Endpoint(0, V4 | 2, 2000);
        Endpoint h1Swapped = new Endpoint(0, V4 | 1, 2000);
        Endpoint h2Swapped = new Endpoint(0, V4 | 2, 1000);
        Flow f = table.getOrCreate(segment(h1, h2, Hashing.ONE_RUN_WRAPPING));
        Flow g = table.getOrCreate(segment(h1Swapped, h2Swapped, Hashing.ONE_RUN_WRAPPING));
        assertNotSame(f, g);
        assertEquals(2, table.size());
    }

    /** A recycled flow is reset to the new quadruple and no longer answers for the old one. */
    @Test
    void recycledFlowStandsForTheNewQuadrupleOnly() {
        FlowTable table = new FlowTable(16);
        Endpoint a = new Endpoint(0, V4 | 1, 1000);
        Endpoint b = new Endpoint(0, V4 | 2, 80);
        Endpoint c = new Endpoint(0, V4 | 3, 80);
        Flow old = table.getOrCreate(segment(a, b, Hashing.REAL));
        old.dueSecond = 12;
        table.remove(old);
        table.recycle(old);
        Flow reused = table.getOrCreate(segment(a, c, Hashing.REAL));
        assertSame(old, reused);
        assertIsFlowOf(quad(a, c), reused);
        assertEquals(ExpiryWheel.NOT_DUE, reused.dueSecond);
        Flow fresh = table.getOrCreate(segment(a, b, Hashing.REAL));
        assertNotSame(reused, fresh);
        assertEquals(2, table.size());
    }

    /**
     * Eight flows in one probe run (equal hashes); removing any one must leave the other seven
     * reachable: the entries after the hole have to be shifted back.
     */
    @Test
    void removingFromTheMiddleOfOneProbeRunKeepsTheLaterFlows() {
        Endpoint server = new Endpoint(0, V4 | 1, 80);
        List<Endpoint> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(new Endpoint(0, V4 | 2, 40000 + i));
        }
        for (int victim = 0; victim < clients.size(); victim++) {
            FlowTable table = new FlowTable(16, Hashing.ONE_RUN_WRAPPING.fn);
            List<Flow> flows = new ArrayList<>();
            for (Endpoint c : clients) {
                flows.add(table.getOrCreate(segment(c, server, Hashing.ONE_RUN_WRAPPING)));
            }
            table.remove(flows.get(victim));
            assertEquals(7, table.size());
            for (int i = 0; i < clients.size(); i++) {
                if (i == victim) {
                    continue;
                }
                String what = "flow " + i + " lost after removing flow " + victim + " of the run";
                assertSame(flows.get(i), table.getOrCreate(segment(server, clients.get(i), Hashing.ONE_RUN_WRAPPING)),
                        what);
            }
            assertEquals(7, table.size(), "a lookup created a flow: an entry was lost");
        }
    }
}
