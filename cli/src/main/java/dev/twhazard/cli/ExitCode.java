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
    /** Bad usage: unknown option, bad value, no input given, an output file that cannot be created. */
    public static final int USAGE = 2;
    /**
     * An input could not be read: missing, not a capture (bad magic, also for a file with a
     * capture's name inside a directory), unreadable, a damaged gzip stream (also one that ends
     * before its trailer), or a record length that cannot be trusted part-way through (framing lost: the rest of that file is skipped);
     * for {@code live}, the interface could not be captured on. The readable inputs were still
     * analysed and their findings written.
     *
     * <p>Not this code: a last record cut short by the end of the file (tcpdump killed while
     * writing, a file still being written) is reported as a warning with its offset and packet
     * number, and the run ends with 0 (or 1); so do records skipped while the framing held.
     */
    public static final int INPUT = 3;
    /** An internal error (a bug): please report it. */
    public static final int INTERNAL = 4;

    /** The text for {@code --help}. */
    static final String HELP = """
            Exit codes:
              0  success (no finding at or above --fail-on)
              1  a finding at or above --fail-on was reported
              2  bad usage (unknown option, bad value, no input, an output
                 file that cannot be created)
              3  an input could not be read (missing, not a capture, unreadable,
                 damaged or cut-short gzip) or lost its framing part-way;
                 the other inputs were still analysed. A last record cut short
                 (tcpdump killed) is only a warning. live: the interface could
                 not be opened
              4  internal error (a bug: please report it)""";

    private ExitCode() {
    }
}
