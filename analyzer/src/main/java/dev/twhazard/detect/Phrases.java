package dev.twhazard.detect;

import java.util.Locale;

/** Wording shared by the detectors' explanations: durations, endpoints. */
final class Phrases {

    private Phrases() {
    }

    /** "12 ms", "1.3 s", "4.2 min". */
    static String duration(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 1) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        double s = ms / 1000;
        if (s < 120) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        return String.format(Locale.ROOT, "%.1f min", s / 60);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.0f s", nanos / 1e9);
    }

    static double toSeconds(long nanos) {
        return Math.round(nanos / 1e3) / 1e6;
    }
}
