package dev.twhazard.flow;

/**
 * The two moves that {@link FlowTable} and {@link KeyTable} share: both keep entries in a slot
 * array with a parallel array of cached hashes, probe linearly, and delete without tombstones.
 */
final class LinearProbing {

    private LinearProbing() {
    }

    /**
     * Empties slot {@code i} and shifts later entries of its probe run back (Knuth's algorithm R,
     * TAOCP 6.4), so lookups never meet a hole inside a run.
     */
    static void deleteAt(Object[] slots, int[] hashes, int mask, int i) {
        slots[i] = null;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            Object o = slots[j];
            if (o == null) {
                return;
            }
            int home = hashes[j] & mask;
            // Move the entry back into the hole at i unless its home lies cyclically in (i, j].
            boolean homeInRange = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!homeInRange) {
                slots[i] = o;
                hashes[i] = hashes[j];
                slots[j] = null;
                i = j;
            }
        }
    }

    /**
     * Re-inserts every entry of the old arrays into the (larger, empty) new ones by its cached
     * hash: no entry object is touched.
     */
    static void rehash(Object[] oldSlots, int[] oldHashes, Object[] slots, int[] hashes) {
        int mask = slots.length - 1;
        for (int k = 0; k < oldSlots.length; k++) {
            if (oldSlots[k] != null) {
                int i = oldHashes[k] & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = oldSlots[k];
                hashes[i] = oldHashes[k];
            }
        }
    }
}
