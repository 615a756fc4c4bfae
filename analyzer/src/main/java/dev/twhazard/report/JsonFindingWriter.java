package dev.twhazard.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON document, {@code {"summary": {...}, "findings": [...]}}, written when the input is
 * over (the summary is only complete then). Field names are those of the CSV columns.
 */
public final class JsonFindingWriter implements FindingWriter {

    private final Writer out;
    private final List<FindingRow> rows = new ArrayList<>();

    public JsonFindingWriter(Writer out) {
        this.out = out;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    @Override
    public void write(Finding finding) {
        rows.add(FindingRow.of(finding));
    }

    @Override
    public void finish(RunSummary summary) throws IOException {
        ObjectMapper mapper = mapper();
        try (JsonGenerator g = mapper.createGenerator(out).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeFieldName("summary");
            mapper.writeValue(g, summary);
            g.writeArrayFieldStart("findings");
            for (FindingRow r : rows) {
                mapper.writeValue(g, r);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write(System.lineSeparator());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
