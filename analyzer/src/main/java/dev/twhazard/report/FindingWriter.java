package dev.twhazard.report;

import java.io.Closeable;
import java.io.IOException;

/** Writes findings in one output format; {@link #finish} comes once, after the last finding. */
public interface FindingWriter extends Closeable {

    /** A final finding; streaming formats write it at once. */
    void write(Finding finding) throws IOException;

    /** The input is over; formats that carry the summary write it now. */
    void finish(RunSummary summary) throws IOException;
}
