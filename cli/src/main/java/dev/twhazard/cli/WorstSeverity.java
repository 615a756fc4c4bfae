package dev.twhazard.cli;

import dev.twhazard.detect.Severity;

/** The highest severity among the findings reported, for {@code --fail-on}. */
final class WorstSeverity {

    private Severity worst;

    void note(Severity s) {
        if (worst == null || s.atLeast(worst)) {
            worst = s;
        }
    }

    /** {@link ExitCode#FINDINGS} when a finding at or above {@code failOn} was reported; OK otherwise or without {@code failOn}. */
    int exitCode(Severity failOn) {
        return failOn != null && worst != null && worst.atLeast(failOn) ? ExitCode.FINDINGS : ExitCode.OK;
    }
}
