package dev.twhazard.cli;

/**
 * The exit codes of every twhazard command, documented in {@code --help} and the README. When
 * several apply, the first in this order wins: internal error, bad usage, unreadable input,
 * findings.
 */
public final class ExitCode {
    /** Success; no finding at or above {@code --fail-on} (if given). */
    public static final int OK = 0;
    /** A finding at or above the {@code --fail-on} severity was reported. */
    public static final int FINDINGS = 1;
    /** Bad usage: unknown option, bad value, missing input. */
    public static final int USAGE = 2;
    /**
     * An input could not be read (not a capture, unreadable, or its framing was lost part-way);
     * the readable inputs were still analysed and their findings written.
     */
    public static final int INPUT = 3;
    /** An internal error (a bug): please report it. */
    public static final int INTERNAL = 4;

    /** The text for {@code --help}. */
    static final String HELP = """
            Exit codes:
              0  success (no finding at or above --fail-on)
              1  a finding at or above --fail-on was reported
              2  bad usage (unknown option, bad value, no input)
              3  an input could not be read or was damaged past recovery;
                 the other inputs were still analysed
              4  internal error (a bug: please report it)""";

    private ExitCode() {
    }
}
