package dev.twhazard.flow;

/**
 * The TCP state of one endpoint as an observer on the path infers it from what crossed the wire
 * (RFC 9293 3.3.2 names), plus the states an observer needs: {@link #PARTIAL} for a connection
 * first seen mid-stream and {@link #RESET} after an accepted RST.
 */
public enum EndpointState {
    UNKNOWN,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT,
    CLOSED,
    /** Data seen without the handshake: the capture started mid-connection. */
    PARTIAL,
    /** The connection was torn down by an accepted RST; no TIME_WAIT follows (RFC 9293 3.10.7.4). */
    RESET;

    /** True for the states in which this endpoint has sent its FIN. */
    public boolean finSent() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }
}
