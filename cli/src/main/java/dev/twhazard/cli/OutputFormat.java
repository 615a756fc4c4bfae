package dev.twhazard.cli;

import dev.twhazard.report.CsvFindingWriter;
import dev.twhazard.report.FindingWriter;
import dev.twhazard.report.JsonFindingWriter;
import dev.twhazard.report.JsonLinesFindingWriter;
import dev.twhazard.report.TextReport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
     * Opens an output file named by {@code option}; one that cannot be created is a usage error
     * (exit code 2) in one line, not an internal error.
     */
    static OutputStream openFile(String option, Path file) {
        try {
            return Files.newOutputStream(file);
        } catch (IOException e) {
            String reason = e instanceof NoSuchFileException ? "no such directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            throw new UsageException(option + " " + file + ": cannot write (" + reason + ")");
        }
    }

    static Writer openWriter(String option, Path file) {
        return new BufferedWriter(new OutputStreamWriter(openFile(option, file), StandardCharsets.UTF_8));
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
