package dev.twhazard.detect;

import dev.twhazard.flow.SegmentEvent;
import dev.twhazard.flow.TrackerListener;

/**
 * One hazard's logic over the close tracker's events. A detector keeps whatever state it needs
 * (usually attached to the incarnation it follows) and emits findings through its
 * {@link DetectorContext} once they are final.
 */
public interface Detector extends TrackerListener {

    /** Every tracked segment, after the tracker classified it and before it closes anything. */
    default void onSegment(SegmentEvent event) {
    }

    /** Capture time moved forward (called about once per second of capture time). */
    default void onClock(long now) {
    }

    /**
     * Forget records unused since {@code idleBefore} that could not be reported, so that memory
     * follows the hosts active in the last minutes, not the capture's length (called about once
     * a minute of capture time, after {@link #onClock}).
     */
    default void sweep(long idleBefore) {
    }

    /** The input is over: emit everything still pending. */
    default void finish() {
    }
}
