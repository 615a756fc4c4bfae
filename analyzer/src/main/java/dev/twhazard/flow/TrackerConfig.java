package dev.twhazard.flow;

import java.time.Duration;

/**
 * Settings of the close tracker.
 *
 * @param timeWait TIME_WAIT length per host
 * @param idleTimeout an incarnation with no segment for this long is forgotten (memory bound)
 * @param grace how long a closed quadruple is kept after its TIME_WAIT ends, to recognise late
 *     segments and reuses just after it
 * @param maxFlows when more quadruples than this are tracked, the least recently active are
 *     evicted (and counted)
 */
public record TrackerConfig(TimeWaitLengths timeWait, Duration idleTimeout, Duration grace, int maxFlows) {

    public TrackerConfig {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || grace.isNegative() || maxFlows < 1) {
            throw new IllegalArgumentException("bad tracker limits: idle " + idleTimeout + ", grace " + grace
                    + ", max flows " + maxFlows);
        }
    }

    public static TrackerConfig defaults() {
        return new TrackerConfig(TimeWaitLengths.linuxDefault(), Duration.ofMinutes(15), Duration.ofSeconds(10), 4_000_000);
    }

    public TrackerConfig withTimeWait(TimeWaitLengths lengths) {
        return new TrackerConfig(lengths, idleTimeout, grace, maxFlows);
    }

    public TrackerConfig withMaxFlows(int max) {
        return new TrackerConfig(timeWait, idleTimeout, grace, max);
    }
}
