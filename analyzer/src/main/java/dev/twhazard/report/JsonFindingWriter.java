package dev.twhazard.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON document, {@code {"summary": {...}, "findings": [...]}}, written when the input is
 * over (the summary is only complete then). Field names are those of the CSV columns.
 *
 * <p>Findings wait for the summary: the first {@value #IN_MEMORY_ROWS} in memory, the rest in a
 * temporary file (one JSON line each, read back in order at the end), so memory does not grow
 * with the number of findings of a long stream.
 */
public final class JsonFindingWriter implements FindingWriter {

    static final int IN_MEMORY_ROWS = 4096;

    private final Writer out;
    private final int inMemoryRows;
    private final ObjectMapper mapper = mapper();
    private final List<FindingRow> rows = new ArrayList<>();
    private Path spillFile;
    private Writer spill;

    public JsonFindingWriter(Writer out) {
        this(out, IN_MEMORY_ROWS);
    }

    JsonFindingWriter(Writer out, int inMemoryRows) {
        this.out = out;
        this.inMemoryRows = inMemoryRows;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    @Override
    public void write(Finding finding) throws IOException {
        FindingRow row = FindingRow.of(finding);
        if (spill == null && rows.size() < inMemoryRows) {
            rows.add(row);
            return;
        }
        if (spill == null) {
            spillFile = Files.createTempFile("twhazard-findings-", ".jsonl");
            spillFile.toFile().deleteOnExit();
            spill = Files.newBufferedWriter(spillFile, StandardCharsets.UTF_8);
        }
        spill.write(mapper.writeValueAsString(row));
        spill.write('\n');
    }

    @Override
    public void finish(RunSummary summary) throws IOException {
        try (JsonGenerator g = mapper.createGenerator(out).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeFieldName("summary");
            mapper.writeValue(g, summary);
            g.writeArrayFieldStart("findings");
            for (FindingRow r : rows) {
                mapper.writeValue(g, r);
            }
            if (spill != null) {
                spill.close();
                try (MappingIterator<FindingRow> spilled = mapper.readerFor(FindingRow.class).readValues(spillFile.toFile())) {
                    while (spilled.hasNext()) {
                        mapper.writeValue(g, spilled.next());
                    }
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write(System.lineSeparator());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            if (spill != null) {
                spill.close();
                Files.deleteIfExists(spillFile);
            }
        } finally {
            out.flush();
        }
    }
}
