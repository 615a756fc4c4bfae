package dev.twhazard.cli;

import dev.twhazard.report.CsvFindingWriter;
import dev.twhazard.report.FindingWriter;
import dev.twhazard.report.JsonFindingWriter;
import dev.twhazard.report.JsonLinesFindingWriter;
import dev.twhazard.report.TextReport;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Locale;

/** The output formats of {@code analyze}. */
enum OutputFormat {
    TEXT, CSV, JSON, JSONL;

    /** Findings listed per type in the text report before the rest are counted. */
    static final int TEXT_MAX_PER_TYPE = 25;

    FindingWriter writer(Writer out) throws IOException {
        return switch (this) {
            case TEXT -> new TextReport(out, TEXT_MAX_PER_TYPE);
            case CSV -> new CsvFindingWriter(out);
            case JSON -> new JsonFindingWriter(out);
            case JSONL -> new JsonLinesFindingWriter(out);
        };
    }

    /**
     * The format asked for; else the output file's extension; else text when standard output is
     * a terminal and JSON Lines when it is a pipe or file (for batch pipelines).
     */
    static OutputFormat resolve(OutputFormat asked, Path output, boolean stdoutIsTerminal) {
        if (asked != null) {
            return asked;
        }
        if (output != null) {
            String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv")) {
                return CSV;
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
                return JSONL;
            }
            if (name.endsWith(".json")) {
                return JSON;
            }
            return TEXT;
        }
        return stdoutIsTerminal ? TEXT : JSONL;
    }
}
