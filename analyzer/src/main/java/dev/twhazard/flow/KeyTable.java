package dev.twhazard.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Records keyed by up to four longs and an int (addresses and a port), in an open-addressing
 * table with linear probing: a lookup allocates no key object and follows no chain, which matters
 * for records looked up once per connection (hosts, (client, server, port) tuples, timestamp
 * sources). Deletion leaves no tombstones ({@link LinearProbing}).
 *
 * @param <V> the records; they carry their own key ({@link Keyed})
 */
public final class KeyTable<V extends KeyTable.Keyed> {

    /** A record that knows its key. */
    public interface Keyed {
        boolean hasKey(long a, long b, long c, long d, int e);

        int keyHash();
    }

    private static final float MAX_LOAD = 0.6f;

    private Object[] slots;
    private int[] hashes;
    private int mask;
    private int size;

    /** A table for many records. */
    public KeyTable() {
        this(1024);
    }

    /** A table starting with room for about {@code expected} records (a power of two is used). */
    public KeyTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, (int) (expected / MAX_LOAD)) - 1) << 1;
        slots = new Object[cap];
        hashes = new int[cap];
        mask = cap - 1;
    }

    /** The hash a record with this key must report from {@link Keyed#keyHash()}. */
    public static int hash(long a, long b, long c, long d, int e) {
        long h = a * 0x9E3779B97F4A7C15L ^ b * 0xC2B2AE3D27D4EB4FL ^ c * 0x165667B19E3779F9L
                ^ d * 0xD6E8FEB86659FD93L ^ (e & 0xFFFFFFFFL) * 0xFF51AFD7ED558CCDL;
        h ^= h >>> 32;
        h *= 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    @SuppressWarnings("unchecked")
    public V get(long a, long b, long c, long d, int e, int hash) {
        int i = hash & mask;
        Object o;
        while ((o = slots[i]) != null) {
            if (hashes[i] == hash && ((V) o).hasKey(a, b, c, d, e)) {
                return (V) o;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Adds a record whose key is not in the table yet. */
    public void add(V v) {
        int h = v.keyHash();
        int i = h & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = v;
        hashes[i] = h;
        if (++size > MAX_LOAD * slots.length) {
            grow();
        }
    }

    public int size() {
        return size;
    }

    /** A snapshot of the records. */
    @SuppressWarnings("unchecked")
    public List<V> values() {
        List<V> out = new ArrayList<>(size);
        for (Object o : slots) {
            if (o != null) {
                out.add((V) o);
            }
        }
        return out;
    }

    /** Removes the records {@code drop} selects. */
    @SuppressWarnings("unchecked")
    public void removeIf(Predicate<V> drop) {
        for (int i = 0; i < slots.length; ) {
            Object o = slots[i];
            if (o != null && drop.test((V) o)) {
                deleteAt(i);
                // A later entry may have moved into slot i: look at it again.
            } else {
                i++;
            }
        }
    }

    private void deleteAt(int i) {
        LinearProbing.deleteAt(slots, hashes, mask, i);
        size--;
    }

    private void grow() {
        Object[] oldSlots = slots;
        int[] oldHashes = hashes;
        slots = new Object[oldSlots.length * 2];
        hashes = new int[oldSlots.length * 2];
        mask = slots.length - 1;
        LinearProbing.rehash(oldSlots, oldHashes, slots, hashes);
    }
}
