package dev.twhazard.capture;

import java.io.IOException;

/**
 * The input is not a capture this tool can read: unknown magic, unsupported version, or a header
 * too damaged to go on. Fatal for that input; the message names the input, what was found and
 * the byte offset.
 */
public final class CaptureFormatException extends IOException {

    private final String source;
    private final long offset;

    public CaptureFormatException(String source, long offset, String message) {
        super(source + ": " + message + " at offset 0x" + Long.toHexString(offset));
        this.source = source;
        this.offset = offset;
    }

    public String source() {
        return source;
    }

    public long offset() {
        return offset;
    }
}
