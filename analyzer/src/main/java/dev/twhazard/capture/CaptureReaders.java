package dev.twhazard.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Opens captures: detects gzip by its magic (not by the file name), then pcap or pcapng by theirs.
 */
public final class CaptureReaders {

    private CaptureReaders() {
    }

    /** Opens a file; {@code "-"} is not special here (see {@link #open(InputStream, String, Consumer)}). */
    public static CaptureReader open(Path file, Consumer<CaptureWarning> warnings) throws IOException {
        throw new UnsupportedOperationException("reader not written yet");
    }

    /** Reads a capture streamed from {@code in} (standard input, a pipe); {@code name} is for messages. */
    public static CaptureReader open(InputStream in, String name, Consumer<CaptureWarning> warnings) throws IOException {
        throw new UnsupportedOperationException("reader not written yet");
    }
}
