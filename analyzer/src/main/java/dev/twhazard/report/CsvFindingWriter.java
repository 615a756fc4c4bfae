package dev.twhazard.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;

/**
 * Findings as CSV for spreadsheets: one header row, then one row per finding as it becomes final,
 * with the columns of {@link FindingRow} in their fixed order. Numbers are plain numbers, times
 * are epoch seconds plus UTC date-time columns, booleans are {@code true}/{@code false}, frames
 * are separated by spaces (ready for Wireshark's {@code frame.number in {...}}).
 *
 * <p>Text cells that a spreadsheet would run as a formula (starting with {@code = + - @}, tab or
 * carriage return) get a leading apostrophe (OWASP "CSV injection"). Cells are quoted only when
 * they need it; since Jackson's minimal quoting does not quote a bare carriage return, one that
 * ends or breaks a line inside text is written as a line feed, which is quoted.
 */
public final class CsvFindingWriter implements FindingWriter {

    private final SequenceWriter rows;

    public CsvFindingWriter(Writer out) throws IOException {
        CsvMapper mapper = mapper();
        CsvSchema schema = schema(mapper);
        this.rows = mapper.writer(schema).writeValues(out);
    }

    static CsvMapper mapper() {
        // Quote only the cells that need it (a comma, a quote, a line break), not every text
        // longer than 24 characters as Jackson does by default, so that the header line is plain.
        CsvMapper mapper = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();
        SimpleModule guard = new SimpleModule("csv-formula-guard");
        guard.addSerializer(String.class, new JsonSerializer<>() {
            @Override
            public void serialize(String value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(neutralize(value).replace("\r\n", "\n").replace('\r', '\n'));
            }
        });
        mapper.registerModule(guard);
        return mapper;
    }

    /** The fixed schema: FindingRow's columns, a header row, frames joined by spaces. */
    public static CsvSchema schema(CsvMapper mapper) {
        return mapper.schemaFor(FindingRow.class).withHeader().withArrayElementSeparator(" ");
    }

    /** The header line, as written. */
    public static String header() {
        CsvMapper mapper = mapper();
        StringBuilder b = new StringBuilder();
        for (CsvSchema.Column c : schema(mapper)) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(c.getName());
        }
        return b.toString();
    }

    /** Prefixes a cell that a spreadsheet would evaluate as a formula. */
    static String neutralize(String value) {
        if (value.isEmpty()) {
            return value;
        }
        char c = value.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + value : value;
    }

    @Override
    public void write(Finding finding) throws IOException {
        rows.write(FindingRow.of(finding));
        rows.flush();
    }

    @Override
    public void finish(RunSummary summary) throws IOException {
        rows.flush();
    }

    @Override
    public void close() throws IOException {
        rows.close();
    }
}
