package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link EndQueue} against an {@link ArrayDeque} of entries, across many block boundaries. */
class EndQueueTest {

    record Entry(Flow flow, int side, int epoch, long end) {
    }

    private static final Flow[] FLOWS = {new Flow(1, 2, 3, 4), new Flow(5, 6, 7, 8), new Flow(9, 10, 11, 12)};

    /**
     * Bursts of adds and removals of random lengths, so that the queue fills several blocks,
     * drains to empty inside a block and at a block's end, and refills: every entry comes out
     * once, in order, with its own fields.
     */
    @Test
    void randomBurstsKeepFifoOrder() {
        EndQueue q = new EndQueue();
        ArrayDeque<Entry> model = new ArrayDeque<>();
        SplittableRandom random = new SplittableRandom(61);
        long end = 0;
        int drainedToEmpty = 0;
        for (int burst = 0; burst < 400; burst++) {
            if (random.nextBoolean()) {
                int n = random.nextInt(3 * EndQueue.BLOCK);
                for (int i = 0; i < n; i++) {
                    Entry e = new Entry(FLOWS[random.nextInt(FLOWS.length)], random.nextInt(2), random.nextInt(), end++);
                    q.add(e.flow, e.side, e.epoch, e.end);
                    model.addLast(e);
                }
            } else {
                int n = random.nextInt(3 * EndQueue.BLOCK);
                for (int i = 0; i < n && !model.isEmpty(); i++) {
                    takeAndCompare(q, model.removeFirst());
                }
                if (model.isEmpty()) {
                    drainedToEmpty++;
                }
            }
            assertEquals(model.size(), q.size());
            assertEquals(model.isEmpty(), q.isEmpty());
        }
        while (!model.isEmpty()) {
            takeAndCompare(q, model.removeFirst());
        }
        assertTrue(q.isEmpty());
        assertTrue(drainedToEmpty > 10, "the bursts should empty the queue often, not " + drainedToEmpty + " times");
    }

    /** Emptied exactly at a block's end, and again one entry into the next: both refill cleanly. */
    @Test
    void drainsAtAndJustPastABlockBoundary() {
        EndQueue q = new EndQueue();
        for (int round = 0; round < 3; round++) {
            int n = EndQueue.BLOCK + round - 1;
            for (int i = 0; i < n; i++) {
                q.add(FLOWS[i % 3], i & 1, i, 1000L * round + i);
            }
            for (int i = 0; i < n; i++) {
                assertEquals(1000L * round + i, q.firstEnd());
                assertSame(FLOWS[i % 3], q.firstFlow());
                assertEquals(i & 1, q.firstSide());
                assertEquals(i, q.firstEpoch());
                q.removeFirst();
            }
            assertTrue(q.isEmpty());
        }
    }

    private static void takeAndCompare(EndQueue q, Entry e) {
        assertEquals(e.end, q.firstEnd());
        assertSame(e.flow, q.firstFlow());
        assertEquals(e.side, q.firstSide());
        assertEquals(e.epoch, q.firstEpoch());
        q.removeFirst();
    }
}
