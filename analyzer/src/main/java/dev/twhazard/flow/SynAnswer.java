package dev.twhazard.flow;

/** The first reply a SYN got from the other end, as the findings report it. */
public enum SynAnswer {
    /** A SYN-ACK acknowledging this SYN: the attempt was accepted. */
    SYN_ACK("syn_ack"),
    /** A bare ACK of an older incarnation: a TIME_WAIT (or a stale socket) rejected the SYN. */
    STALE_ACK("stale_ack"),
    /** A RST: nothing listening, or the SYN was refused. */
    RST("rst"),
    /** No reply before the SYN was retransmitted or the capture ended. */
    NONE("none");

    private final String label;

    SynAnswer(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
