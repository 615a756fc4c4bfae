package dev.twhazard.pipeline;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Two queues between the reader and the analysis thread: full batches one way, emptied ones
 * back. A fixed set of batches circulates, so memory stays bounded and nothing is allocated
 * after start-up. {@link #cancel()} lets the reader stop when the analysis side gives up.
 */
final class BatchExchange {

    /** Batches in circulation: enough for the reader to stay ahead. */
    private static final int BATCHES = 4;

    private final BlockingQueue<SegmentBatch> full = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<SegmentBatch> empty = new ArrayBlockingQueue<>(BATCHES);
    private volatile boolean cancelled;

    BatchExchange() {
        for (int i = 0; i < BATCHES; i++) {
            empty.add(new SegmentBatch());
        }
    }

    /** An empty batch for the reader, or null once the analysis side has cancelled. */
    SegmentBatch takeEmpty() {
        try {
            while (!cancelled) {
                SegmentBatch b = empty.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (b != null) {
                    b.clear();
                    return b;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    void putFull(SegmentBatch b) {
        try {
            full.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    SegmentBatch takeFull() {
        try {
            return full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for packets", e);
        }
    }

    void giveBack(SegmentBatch b) {
        empty.offer(b);
    }

    void cancel() {
        cancelled = true;
        full.clear();
    }
}
