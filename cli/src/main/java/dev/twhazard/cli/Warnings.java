package dev.twhazard.cli;

import dev.twhazard.capture.CaptureFormatException;
import dev.twhazard.capture.CaptureWarning;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Reports problems with the input on standard error, with file, byte offset and frame number: the
 * first {@value #SHOWN_PER_INPUT} warnings of each input in full, then a count. Remembers whether
 * any input was unreadable or lost its framing, which makes the exit code 3.
 */
final class Warnings {

    static final int SHOWN_PER_INPUT = 20;

    private final PrintWriter err;
    private final Map<String, Integer> perInput = new HashMap<>();
    private boolean inputFailed;

    Warnings(PrintWriter err) {
        this.err = err;
    }

    void warning(CaptureWarning w) {
        if (w.kind() == CaptureWarning.Kind.STOPPED) {
            inputFailed = true;
        }
        int n = perInput.merge(w.source(), 1, Integer::sum);
        if (n <= SHOWN_PER_INPUT) {
            err.println("twhazard: warning: " + w.describe());
        }
    }

    void inputError(IOException e) {
        inputFailed = true;
        err.println("twhazard: " + (e instanceof CaptureFormatException ? "" : "cannot read input: ") + e.getMessage());
    }

    void missing(String what) {
        inputFailed = true;
        err.println("twhazard: " + what);
    }

    /** Names the link types whose packets could not be decoded (they are counted, never dropped silently). */
    void unsupportedLinkTypes(dev.twhazard.report.RunSummary summary) {
        summary.unsupportedLinkTypes.forEach((type, n) -> err.println("twhazard: warning: link type " + type
                + " is not decoded: " + n + " packets skipped (see https://www.tcpdump.org/linktypes.html)"));
    }

    /** Prints how many warnings were not shown. */
    void finish() {
        perInput.forEach((source, n) -> {
            if (n > SHOWN_PER_INPUT) {
                err.println("twhazard: " + source + ": " + (n - SHOWN_PER_INPUT) + " more warnings not shown");
            }
        });
        err.flush();
    }

    boolean inputFailed() {
        return inputFailed;
    }
}
