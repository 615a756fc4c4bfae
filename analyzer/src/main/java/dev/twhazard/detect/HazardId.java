package dev.twhazard.detect;

import java.util.Locale;

/**
 * The finding types. Their ids appear in every output format and are a contract: never renamed.
 */
public enum HazardId {
    /** A connection attempt on a quadruple whose previous incarnation's TIME_WAIT had not expired. */
    TIME_WAIT_REUSE("time_wait_reuse"),
    /** A segment of the previous incarnation arriving in the current one. */
    OLD_INCARNATION_SEGMENT("old_incarnation_segment"),
    /** A TSval older than what the receiving side holds (RFC 7323 5 PAWS), typically behind NAT. */
    PAWS_NAT_REGRESSION("paws_nat_regression"),
    /** A RST where a TIME_WAIT should have answered: the host kept none (table overflow). */
    TW_OVERFLOW_RST("tw_overflow_rst"),
    /** Client ports of one (client, server, port) held by TIME_WAIT, against the port range. */
    PORT_EXHAUSTION_RISK("port_exhaustion_risk"),
    /** A host's concurrent TIME_WAIT count. */
    TIME_WAIT_PRESSURE("time_wait_pressure");

    private final String id;

    HazardId(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** True for the four hazards (as opposed to the two capacity measures). */
    public boolean isHazard() {
        return this != PORT_EXHAUSTION_RISK && this != TIME_WAIT_PRESSURE;
    }

    public static HazardId parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (HazardId h : values()) {
            if (h.id.equals(t)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown finding type: " + text + " (expected one of: "
                + String.join(", ", java.util.Arrays.stream(values()).map(HazardId::id).toList()) + ")");
    }

    @Override
    public String toString() {
        return id;
    }
}
