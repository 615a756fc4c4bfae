package dev.twhazard.detect;

import java.util.Locale;

/** How much a finding matters, in increasing order. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    public static Severity parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown severity: " + text + " (expected: info, low, medium or high)", e);
        }
    }

    @Override
    public String toString() {
        return label();
    }
}
