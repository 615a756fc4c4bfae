package dev.twhazard.pipeline;

import dev.twhazard.decode.TcpSegment;
import java.io.IOException;

/** A reused batch of decoded segments passed from the reader thread to the analysis thread. */
final class SegmentBatch {

    /** Segments per batch: large enough that handing over costs nothing per packet. */
    static final int CAPACITY = 4096;

    final TcpSegment[] segments = new TcpSegment[CAPACITY];
    int size;
    /** The reader's last batch: after it there is nothing more. */
    boolean last;
    /** Why reading stopped, when it failed. */
    IOException error;

    SegmentBatch() {
        for (int i = 0; i < CAPACITY; i++) {
            segments[i] = new TcpSegment();
        }
    }

    void clear() {
        size = 0;
        last = false;
        error = null;
    }
}
