package dev.twhazard.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A capture to read: its name for messages and how to open it.
 *
 * @param reopenable false for a stream (standard input) that can be opened only once
 */
public record CaptureSource(String name, Opener opener, boolean reopenable) {

    /** Opens the input; warnings about its records go to the consumer. */
    @FunctionalInterface
    public interface Opener {
        CaptureReader open(Consumer<CaptureWarning> warnings) throws IOException;
    }

    public static CaptureSource file(Path path) {
        return new CaptureSource(path.toString(), w -> CaptureReaders.open(path, w), true);
    }

    public static CaptureSource stream(InputStream in, String name) {
        return new CaptureSource(name, w -> CaptureReaders.open(in, name, w), false);
    }
}
