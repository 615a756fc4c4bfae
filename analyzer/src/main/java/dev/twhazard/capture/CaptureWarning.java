package dev.twhazard.capture;

/**
 * A problem with one record (or with the rest of the input) that the reader reports and survives.
 *
 * @param source the input name
 * @param offset byte offset in the (decompressed) input where the problem was found
 * @param frame the frame number the damaged record had or would have had (1-based)
 * @param kind what went wrong; the summary counts skipped records by kind
 * @param message {@code what: observed (expected: rule)} in the house style
 */
public record CaptureWarning(String source, long offset, long frame, Kind kind, String message) {

    /** Kinds of record problems. Kinds that lose a record are counted as skipped packets. */
    public enum Kind {
        /** The last record is cut short by the end of the input; the partial record is skipped. */
        TRUNCATED_RECORD(true),
        /** A record length beyond any sane snapshot length; the record is skipped. */
        OVERSIZED_RECORD(true),
        /** A pcapng block whose trailing length does not match its leading length. */
        BAD_BLOCK_LENGTH(true),
        /** A packet block naming an interface that no Interface Description Block declared. */
        UNKNOWN_INTERFACE(true),
        /** A record was damaged in another way but the framing survived; the record is skipped. */
        MALFORMED_RECORD(true),
        /** Informational: something unusual that lost no packet (e.g. caplen above snaplen). */
        NOTICE(false),
        /** The framing can no longer be trusted; the reader stops here. */
        STOPPED(false);

        private final boolean losesRecord;

        Kind(boolean losesRecord) {
            this.losesRecord = losesRecord;
        }

        /** True when this warning stands for one packet record that was read but not delivered. */
        public boolean losesRecord() {
            return losesRecord;
        }
    }

    /** The message with its location, as shown to users. */
    public String describe() {
        return source + ": " + message + " at offset 0x" + Long.toHexString(offset) + ", packet #" + frame;
    }
}
