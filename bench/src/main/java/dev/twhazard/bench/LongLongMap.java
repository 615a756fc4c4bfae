package dev.twhazard.bench;

import java.util.Arrays;

/**
 * A primitive open-addressing map from long keys to long values (linear probing), for the
 * generator's connection-tracking tables. {@link #MISSING} is returned for absent keys.
 * Entries are never removed one by one: {@link #retainAtLeast} rebuilds the table without the
 * entries whose value is below a bound (expired ones).
 */
final class LongLongMap {

    static final long MISSING = Long.MIN_VALUE;
    private static final long EMPTY = 0;

    private long[] keys;
    private long[] values;
    private int mask;
    private int size;

    LongLongMap(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
        keys = new long[cap];
        values = new long[cap];
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    long get(long key) {
        long k = key == EMPTY ? Long.MAX_VALUE : key;
        int i = slot(k);
        while (keys[i] != EMPTY) {
            if (keys[i] == k) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return MISSING;
    }

    void put(long key, long value) {
        long k = key == EMPTY ? Long.MAX_VALUE : key;
        int i = slot(k);
        while (keys[i] != EMPTY) {
            if (keys[i] == k) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = value;
        if (++size * 2 > keys.length) {
            rehash(keys.length * 2, Long.MIN_VALUE);
        }
    }

    /** Drops every entry whose value is below {@code bound}. */
    void retainAtLeast(long bound) {
        rehash(keys.length, bound);
        if (size * 8 < keys.length && keys.length > 1024) {
            rehash(keys.length / 2, bound);
        }
    }

    private void rehash(int capacity, long bound) {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[capacity];
        values = new long[capacity];
        mask = capacity - 1;
        size = 0;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != EMPTY && oldValues[j] >= bound) {
                int i = slot(oldKeys[j]);
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
                size++;
            }
        }
        Arrays.fill(oldKeys, 0);
    }

    private int slot(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
