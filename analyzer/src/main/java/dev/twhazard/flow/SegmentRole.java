package dev.twhazard.flow;

/** What the close tracker concluded one segment was, from the quadruple's state before it. */
public enum SegmentRole {
    /** A SYN with an ISN not seen before on this quadruple: a new connection attempt. */
    SYN_NEW_ATTEMPT,
    /** The same SYN again (same ISN): a retransmission of the attempt. */
    SYN_RETRANSMIT,
    /** The SYN-ACK accepting the attempt (RFC 9293 3.5). */
    SYN_ACK,
    SYN_ACK_RETRANSMIT,
    /** A SYN-ACK whose SYN was not captured: the incarnation starts here. */
    SYN_ACK_FIRST,
    /** The client's ACK of the SYN-ACK: the connection is established. */
    HANDSHAKE_ACK,
    /**
     * A bare ACK answering a SYN with an acknowledgment unrelated to that SYN: the SYN met an
     * older incarnation's state, typically a TIME_WAIT that rejected it
     * ({@code tcp_timewait_state_process} returning TCP_TW_ACK).
     */
    STALE_ACK,
    /** The client's RST answering a stale ACK (RFC 9293 3.10.7.3, SYN-SENT with a bad ACK). */
    RST_TO_STALE_ACK,
    /** A RST answering a SYN: nothing listening, or refused. */
    RST_REFUSED,
    /** The first segment of a connection whose handshake was not captured. */
    PARTIAL_START,
    /** Data or ACK inside an incarnation. */
    DATA,
    FIN,
    FIN_RETRANSMIT,
    /** A RST from an endpoint that had not closed: an abortive close (RST instead of FIN). */
    RST_ABORT,
    /** A RST from an active closer after its FIN was acknowledged: it kept no socket. */
    RST_AFTER_CLOSE,
    /** A RST the receiver would not accept (outside its window). */
    RST_IGNORED,
    /** A segment of the previous incarnation arriving during the current one. */
    OLD_INCARNATION,
    /** After the close: the passive closer sends its FIN again (the final ACK was lost). */
    LATE_FIN_RETRANSMIT,
    /** After the close: another segment of the closed connection from the passive closer. */
    LATE_SEGMENT,
    /** After the close: the TIME_WAIT holder ACKs again; its TIME_WAIT is alive and restarts. */
    TW_REACK,
    /** After the close: a RST from the TIME_WAIT holder, so it kept no TIME_WAIT state. */
    LATE_RST_FROM_HOLDER,
    /** After the close: an acceptable RST reached the TIME_WAIT and killed it (RFC 1337). */
    TW_ASSASSINATION,
    /** After the close: anything else. */
    LATE_OTHER,
    /** A copy of a segment already seen (mirror port, "any" capture). */
    DUPLICATE,
    /** A segment with an impossible flag combination (SYN with RST). */
    INVALID
}
