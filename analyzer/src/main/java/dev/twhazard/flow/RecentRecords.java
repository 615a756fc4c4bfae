package dev.twhazard.flow;

/**
 * A direct-mapped cache in front of a {@link KeyTable}: one record per slot, chosen by the key's
 * hash, with the hash stored beside it. The busy keys (servers, active clients and their
 * sources) are found without a probe of the table, and a miss is told from the stored hash alone,
 * without a visit to a record that is not wanted (most (client, server, port) lookups miss).
 *
 * <p>The caller checks the key, and that the record was not forgotten since: the cache holds
 * records the table may have dropped. It sits beside the table in each caller rather than inside
 * {@link KeyTable} because there the key check calls one record type's {@code hasKey}, which the
 * JIT inlines; inside the shared table the call would see all four record types. Moved inside
 * (forgotten on removal), it was slower in 8 of 10 interleaved pairs, same output.
 *
 * @param <V> the records
 */
public final class RecentRecords<V> {

    private static final int MASK = (1 << 16) - 1;

    private final Object[] records = new Object[MASK + 1];
    private final int[] hashes = new int[MASK + 1];

    /** The record last put with {@code hash}'s slot if it was put with this very hash, else null. */
    @SuppressWarnings("unchecked")
    public V candidate(int hash) {
        int slot = hash & MASK;
        return hashes[slot] == hash ? (V) records[slot] : null;
    }

    /** Makes {@code v} the record of {@code hash}'s slot. */
    public void put(int hash, V v) {
        int slot = hash & MASK;
        records[slot] = v;
        hashes[slot] = hash;
    }
}
