package dev.twhazard.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;

/**
 * JSON Lines: one finding per line, written and flushed as soon as it is final, so a pipeline can
 * consume findings while the capture is still being read. The summary is not part of this
 * stream (every line is a finding).
 */
public final class JsonLinesFindingWriter implements FindingWriter {

    private final Writer out;
    private final ObjectMapper mapper = JsonFindingWriter.mapper();

    public JsonLinesFindingWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void write(Finding finding) throws IOException {
        out.write(mapper.writeValueAsString(FindingRow.of(finding)));
        out.write('\n');
        out.flush();
    }

    @Override
    public void finish(RunSummary summary) throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
