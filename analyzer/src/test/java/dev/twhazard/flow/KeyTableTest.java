package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link KeyTable} against a {@link HashMap} model. The table's only contract with its records is
 * that a record reports the same hash that lookups pass for its key, so the tests can choose
 * degenerate hashes: all keys in one probe run, runs that wrap past the end of the slot array, a
 * handful of home slots. That is where open addressing goes wrong: a deletion that leaves a hole
 * inside a run (or shifts an entry back before its home slot) makes later keys of the run
 * unreachable.
 */
class KeyTableTest {

    /** A record keyed by five fields, as the ledger's host and tuple records are. */
    record Item(long a, long b, long c, long d, int e, int hash) implements KeyTable.Keyed {
        @Override
        public boolean hasKey(long a, long b, long c, long d, int e) {
            return this.a == a && this.b == b && this.c == c && this.d == d && this.e == e;
        }

        @Override
        public int keyHash() {
            return hash;
        }

        Key key() {
            return new Key(a, b, c, d, e);
        }
    }

    record Key(long a, long b, long c, long d, int e) {
    }

    /** How keys are hashed: from realistic to adversarial. */
    enum Hashing {
        /** The table's own hash, as production records use it. */
        REAL(k -> KeyTable.hash(k.a, k.b, k.c, k.d, k.e)),
        /** Four home slots whatever the capacity: long interleaved runs. */
        FOUR_HOMES(k -> KeyTable.hash(k.a, k.b, k.c, k.d, k.e) & 3),
        /**
         * Homes at the last two and the first two slots (hashes -2, -1, 0, 1), whatever the
         * capacity: runs that wrap past the end of the array and interleave with runs from slot 0.
         */
        HOMES_AROUND_THE_END(k -> (KeyTable.hash(k.a, k.b, k.c, k.d, k.e) & 3) - 2),
        /** Every key in one run starting at the last slot, so the run always wraps to slot 0. */
        ONE_RUN_WRAPPING(k -> -1),
        /**
         * Low four bits zero: the keys share home slot 0 while the table has 16 slots or fewer, and
         * spread over 2, 4, 8... homes as it grows (rehash must use the full cached hash).
         */
        LOW_BITS_ZERO(k -> KeyTable.hash(k.a, k.b, k.c, k.d, k.e) & 0xFFFF_FFF0);

        final ToIntFunction<Key> fn;

        Hashing(ToIntFunction<Key> fn) {
            this.fn = fn;
        }
    }

    /** Keys that differ in one field only, so hasKey must look at every field. */
    static List<Key> pool(int perField) {
        List<Key> keys = new ArrayList<>();
        long[] longs = {0, 1, -1, Long.MIN_VALUE, 0x0000_FFFF_0A00_0001L, 42};
        for (int i = 0; i < perField; i++) {
            for (int field = 0; field < 5; field++) {
                long v = longs[i % longs.length] + i / longs.length;
                keys.add(new Key(field == 0 ? v : 7, field == 1 ? v : 7, field == 2 ? v : 7, field == 3 ? v : 7,
                        field == 4 ? (int) v : 7));
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(keys));
    }

    static Item item(Key k, Hashing h) {
        return new Item(k.a, k.b, k.c, k.d, k.e, h.fn.applyAsInt(k));
    }

    static Item get(KeyTable<Item> table, Key k, Hashing h) {
        return table.get(k.a, k.b, k.c, k.d, k.e, h.fn.applyAsInt(k));
    }

    /** Every key of the pool is found exactly when the model has it, as the same record; sizes agree. */
    static void assertAgrees(KeyTable<Item> table, Map<Key, Item> model, List<Key> pool, Hashing h, String when) {
        assertEquals(model.size(), table.size(), () -> "size " + when);
        for (Key k : pool) {
            Item expected = model.get(k);
            Item actual = get(table, k, h);
            if (expected == null) {
                assertNull(actual, () -> k + " should be absent " + when);
            } else {
                assertSame(expected, actual, () -> k + " lost " + when);
            }
        }
        List<Item> values = table.values();
        assertEquals(model.size(), values.size(), () -> "values() " + when);
        Set<Item> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Item v : values) {
            assertSame(model.get(v.key()), v, () -> "values() holds a stray " + v + " " + when);
            assertEquals(true, seen.add(v), () -> "values() repeats " + v + " " + when);
        }
    }

    /**
     * A long random run of adds, single removals and bulk removals, with the size swinging between
     * empty and most of the pool so that growth happens and deletions land inside probe runs.
     */
    @ParameterizedTest
    @EnumSource(Hashing.class)
    void randomOperationsAgreeWithAHashMap(Hashing hashing) {
        List<Key> pool = pool(hashing == Hashing.REAL ? 60 : 16);
        KeyTable<Item> table = new KeyTable<>(4);
        Map<Key, Item> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(9293 + hashing.ordinal());
        int steps = 6000;
        for (int step = 0; step < steps; step++) {
            // Fill during the first half of each 1000-step cycle, drain during the second.
            boolean filling = (step / 500) % 2 == 0;
            int op = random.nextInt(100);
            Key k = pool.get(random.nextInt(pool.size()));
            String when;
            if (op < (filling ? 60 : 25)) {
                when = "after adding " + k + " at step " + step;
                if (!model.containsKey(k)) { // add() requires an absent key
                    Item v = item(k, hashing);
                    table.add(v);
                    model.put(k, v);
                }
            } else if (op < 97) {
                when = "after removing " + k + " at step " + step;
                Item target = model.remove(k);
                table.removeIf(v -> v == target);
            } else {
                // Bulk removal of about a third: several holes in the same runs at once.
                int r = random.nextInt(3);
                when = "after removing e+a % 3 == " + r + " at step " + step;
                model.values().removeIf(v -> Math.floorMod(v.e + v.a, 3) == r);
                table.removeIf(v -> Math.floorMod(v.e + v.a, 3) == r);
            }
            assertAgrees(table, model, pool, hashing, when);
        }
    }

    /**
     * Keys A..H all hash to the same slot, so they sit in one run in insertion order. Deleting from
     * the middle must shift the later ones back: with a plain "empty the slot" delete, every key
     * after the hole would become unreachable.
     */
    @Test
    void deletingFromTheMiddleOfOneProbeRunKeepsTheLaterKeys() {
        Hashing h = Hashing.ONE_RUN_WRAPPING;
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            keys.add(new Key(i, 0, 0, 0, 0));
        }
        for (int middle = 0; middle < keys.size(); middle++) {
            KeyTable<Item> table = new KeyTable<>(16);
            Map<Key, Item> model = new HashMap<>();
            for (Key k : keys) {
                Item v = item(k, h);
                table.add(v);
                model.put(k, v);
            }
            Key gone = keys.get(middle);
            table.removeIf(v -> v.key().equals(gone));
            model.remove(gone);
            assertAgrees(table, model, keys, h, "after deleting key " + middle + " of the run");
        }
    }

    /**
     * Two interleaved runs: keys homed at the last slot wrap around to slot 0, where keys homed at
     * slot 0 then have to queue behind them. Deleting a wrapped key must not pull a slot-0 key back
     * across the end of the array (before its home), nor leave a hole the other run needs.
     */
    @Test
    void deletingInARunThatWrapsPastTheEndOfTheArray() {
        // hash -1 is home to the last slot and hash 0 to the first, whatever the capacity.
        List<Item> items = List.of(
                new Item(1, 0, 0, 0, 0, -1),
                new Item(2, 0, 0, 0, 0, 0),
                new Item(3, 0, 0, 0, 0, -1),
                new Item(4, 0, 0, 0, 0, 0),
                new Item(5, 0, 0, 0, 0, -1));
        for (int victim = 0; victim < items.size(); victim++) {
            KeyTable<Item> table = new KeyTable<>(16);
            for (Item v : items) {
                table.add(v);
            }
            Item gone = items.get(victim);
            table.removeIf(v -> v == gone);
            assertEquals(items.size() - 1, table.size());
            for (Item v : items) {
                Item found = table.get(v.a, v.b, v.c, v.d, v.e, v.hash);
                if (v == gone) {
                    assertNull(found, "deleted item " + victim + " still found");
                } else {
                    assertSame(v, found, "item " + v.a + " lost after deleting item " + (victim + 1));
                }
            }
        }
    }

    /** removeIf re-examines a slot after a shift: consecutive victims in one run all go. */
    @Test
    void removeIfDropsEveryMatchEvenWhenShiftsRefillTheSlot() {
        KeyTable<Item> table = new KeyTable<>(16);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Item v = new Item(i, 0, 0, 0, 0, 5); // one run from slot 5
            items.add(v);
            table.add(v);
        }
        table.removeIf(v -> v.a % 3 != 2); // drops 6 of the 9, including neighbours
        assertEquals(3, table.size());
        for (Item v : items) {
            Item found = table.get(v.a, 0, 0, 0, 0, 5);
            if (v.a % 3 == 2) {
                assertSame(v, found);
            } else {
                assertNull(found);
            }
        }
    }

    /** Lookups compare the full key, not only the hash: equal hashes, different keys. */
    @Test
    void equalHashesDoNotMakeEqualKeys() {
        KeyTable<Item> table = new KeyTable<>(4);
        Item x = new Item(1, 2, 3, 4, 5, 77);
        table.add(x);
        assertSame(x, table.get(1, 2, 3, 4, 5, 77));
        assertNull(table.get(1, 2, 3, 4, 6, 77));
        assertNull(table.get(0, 2, 3, 4, 5, 77));
        assertNull(table.get(1, 2, 3, 5, 5, 77));
        // the same key under another hash is another record as far as the table can tell
        assertNull(table.get(1, 2, 3, 4, 5, 78));
    }

    /** Growth from the smallest table keeps every record reachable (rehash by the cached hash). */
    @Test
    void growingFromTheSmallestTableKeepsEveryRecord() {
        KeyTable<Item> table = new KeyTable<>(0);
        Map<Key, Item> model = new HashMap<>();
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Key k = new Key(i, -i, i * 31L, 0, i);
            keys.add(k);
            Item v = item(k, Hashing.REAL);
            table.add(v);
            model.put(k, v);
            if (Integer.bitCount(i + 1) == 1) { // check at each power of two, around the growth points
                assertAgrees(table, model, keys, Hashing.REAL, "after " + (i + 1) + " adds");
            }
        }
        assertAgrees(table, model, keys, Hashing.REAL, "after 5000 adds");
    }
}
