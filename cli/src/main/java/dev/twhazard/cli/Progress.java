package dev.twhazard.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on standard error, redrawn a few times a second: bytes read of the
 * total, packets per second, and the time left. Shown only when standard error is a terminal and
 * the input is large; silent otherwise.
 */
final class Progress {

    private static final long REDRAW_NANOS = 250_000_000L;
    private static final long LARGE_INPUT = 64L << 20;

    private final PrintWriter err;
    private final long totalBytes;
    private final LongSupplier bytesRead;
    private final long start = System.nanoTime();
    private long lastDraw = start;
    private long packets;
    private boolean drawn;

    private Progress(PrintWriter err, long totalBytes, LongSupplier bytesRead) {
        this.err = err;
        this.totalBytes = totalBytes;
        this.bytesRead = bytesRead;
    }

    /** A progress bar if standard error is a terminal and the input is large (or of unknown size), else null. */
    static Progress forTerminal(PrintWriter err, long totalBytes, boolean quiet, LongSupplier bytesRead) {
        return create(err, totalBytes, quiet, stderrIsTerminal(), bytesRead);
    }

    /** As {@link #forTerminal}, with the terminal test given (for tests). */
    static Progress create(PrintWriter err, long totalBytes, boolean quiet, boolean stderrIsTerminal,
                           LongSupplier bytesRead) {
        if (quiet || !stderrIsTerminal || (totalBytes >= 0 && totalBytes < LARGE_INPUT)) {
            return null;
        }
        return new Progress(err, totalBytes, bytesRead);
    }

    /** Linux: standard error is a terminal when fd 2 points at a tty or pty. */
    static boolean stderrIsTerminal() {
        return isTerminal(2);
    }

    /** Standard output is a terminal (for the default output format). */
    static boolean stdoutIsTerminal() {
        return isTerminal(1);
    }

    private static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }

    void packet() {
        if ((++packets & 0xFFFF) == 0) {
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                draw(now);
            }
        }
    }

    private void draw(long now) {
        err.print("\r" + line(now - start, bytesRead.getAsLong(), totalBytes, packets));
        err.flush();
        drawn = true;
    }

    /**
     * The bar's text after {@code elapsedNanos}: with a known total, share done, megabytes, rate
     * and time left; with an unknown total (standard input), megabytes, packets and rate.
     */
    static String line(long elapsedNanos, long bytesRead, long totalBytes, long packets) {
        double secs = elapsedNanos / 1e9;
        double rate = packets / Math.max(secs, 1e-9);
        StringBuilder b = new StringBuilder();
        if (totalBytes > 0) {
            double share = Math.min(1.0, bytesRead / (double) totalBytes);
            int width = 30;
            int filled = (int) Math.round(share * width);
            b.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
            b.append(String.format(Locale.ROOT, "%3.0f%% %,d/%,d MB", share * 100, bytesRead >> 20, totalBytes >> 20));
            double eta = share > 0 ? secs * (1 - share) / share : 0;
            b.append(String.format(Locale.ROOT, "  %,.0f packets/s  ETA %.0f s", rate, eta));
        } else {
            b.append(String.format(Locale.ROOT, "%,d MB  %,d packets  %,.0f packets/s", bytesRead >> 20, packets, rate));
        }
        return b.toString();
    }

    void done() {
        if (drawn) {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
        }
    }
}
