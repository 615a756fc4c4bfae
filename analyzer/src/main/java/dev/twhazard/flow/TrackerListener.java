package dev.twhazard.flow;

/** Callbacks from the close tracker at the moments detectors need beyond single segments. */
public interface TrackerListener {

    /**
     * The incarnation ends (closed, reset, replaced by a new attempt, or expired). Called while
     * the incarnation is still intact, before its summary replaces the flow's previous one.
     */
    default void onIncarnationEnd(Flow flow, Incarnation incarnation, long time) {
    }

    /** The flow is about to be forgotten (expired or evicted). */
    default void onFlowRemoved(Flow flow, boolean evicted) {
    }
}
