package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over the options area of a TCP header (RFC 9293 section 3.2), which {@link TcpView}
 * has already checked lies inside the captured bytes.
 *
 * <p>{@link #readInto} walks the options once. An option whose length byte is missing, below 2,
 * or runs past the header cannot be skipped reliably, so the walk stops there and the segment is
 * flagged {@link TcpSegment#optionsMalformed}: RFC 9293 section 3.1 (MUST-7) requires being
 * prepared for an illegal option length such as zero, and a report is more useful to the reader
 * of a capture than a silently shortened option list. A known option with the wrong length for
 * its kind is skipped by its length without its value being taken, as Wireshark does.
 */
public final class TcpOptionsView {
    public static final int KIND_END_OF_LIST = 0;
    public static final int KIND_NOP = 1;
    /** RFC 9293 section 3.2. */
    public static final int KIND_MSS = 2;
    /** RFC 7323 section 2.2. */
    public static final int KIND_WINDOW_SCALE = 3;
    /** RFC 2018 section 2. */
    public static final int KIND_SACK_PERMITTED = 4;
    /** RFC 2018 section 3. */
    public static final int KIND_SACK = 5;
    /** RFC 7323 section 3.2. */
    public static final int KIND_TIMESTAMPS = 8;

    public static final int LENGTH_MSS = 4;
    public static final int LENGTH_WINDOW_SCALE = 3;
    public static final int LENGTH_SACK_PERMITTED = 2;
    public static final int LENGTH_TIMESTAMPS = 10;
    /** Kind and length bytes that precede every option's data. */
    public static final int OPTION_PREFIX = 2;
    /** Each SACK block is a left and a right edge of 4 bytes each (RFC 2018 section 3). */
    public static final int SACK_BLOCK_LENGTH = 8;

    private TcpOptionsView() {
    }

    /**
     * Sets the option fields of {@code out}, which the caller has cleared, from the {@code len}
     * option bytes at {@code off}.
     */
    public static void readInto(ByteBuffer buf, int off, int len, TcpSegment out) {
        int p = off;
        int end = off + len;
        while (p < end) {
            int kind = buf.get(p) & 0xFF;
            if (kind == KIND_END_OF_LIST) {
                return;
            }
            if (kind == KIND_NOP) {
                p++;
                continue;
            }
            if (end - p < OPTION_PREFIX) {
                out.optionsMalformed = true;
                return;
            }
            int length = buf.get(p + 1) & 0xFF;
            if (length < OPTION_PREFIX || length > end - p) {
                out.optionsMalformed = true;
                return;
            }
            switch (kind) {
                case KIND_MSS -> {
                    if (length == LENGTH_MSS) {
                        out.hasMss = true;
                        out.mss = buf.getShort(p + OPTION_PREFIX) & 0xFFFF;
                    }
                }
                case KIND_WINDOW_SCALE -> {
                    if (length == LENGTH_WINDOW_SCALE) {
                        out.hasWindowScale = true;
                        // The raw shift: RFC 7323 section 2.3 clamps values above 14, but the
                        // value on the wire is what a hazard report should show.
                        out.windowScale = buf.get(p + OPTION_PREFIX) & 0xFF;
                    }
                }
                case KIND_SACK_PERMITTED -> {
                    if (length == LENGTH_SACK_PERMITTED) {
                        out.sackPermitted = true;
                    }
                }
                case KIND_SACK -> {
                    if ((length - OPTION_PREFIX) % SACK_BLOCK_LENGTH == 0) {
                        out.sackBlocks = (length - OPTION_PREFIX) / SACK_BLOCK_LENGTH;
                    }
                }
                case KIND_TIMESTAMPS -> {
                    if (length == LENGTH_TIMESTAMPS) {
                        out.hasTimestamps = true;
                        out.tsVal = buf.getInt(p + OPTION_PREFIX);
                        out.tsEcr = buf.getInt(p + OPTION_PREFIX + 4);
                    }
                }
                default -> {
                    // Unknown kinds (MPTCP, TCP-AO, TFO cookies, ...) are skipped by their length.
                }
            }
            p += length;
        }
    }
}
