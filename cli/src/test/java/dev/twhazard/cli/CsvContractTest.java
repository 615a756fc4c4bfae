package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.twhazard.detect.HazardId;
import dev.twhazard.detect.Severity;
import dev.twhazard.report.CsvFindingWriter;
import dev.twhazard.report.Finding;
import dev.twhazard.report.RunSummary;
import dev.twhazard.report.TimeWaitReuseFinding;
import dev.twhazard.report.TwOverflowRstFinding;
import java.io.IOException;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The findings CSV is a contract with scripts and spreadsheets: its header line is pinned here,
 * every column has a declared type that the cells of real samples parse as, and no text cell can
 * be run as a spreadsheet formula.
 */
class CsvContractTest {

    /**
     * The header, copied from {@code FindingRow}'s {@code @JsonPropertyOrder}. Changing the CSV's
     * columns breaks users: add columns only at the end of a type's group, and update this line
     * in the same commit, on purpose.
     */
    static final String HEADER = "type,severity,first_time,last_time,first_time_utc,last_time_utc,"
            + "client_ip,client_port,server_ip,server_port,incarnation,frames,"
            + "tw_holder,reused_by,since_tw_start_s,tw_length_s,answer,result,syn_packets,stale_acks,"
            + "protection,linux_isn_fingerprint,"
            + "in_window,direction,"
            + "scope,tsval,ts_recent,clocks_behind_ip,packets,"
            + "host,trigger,concurrent_time_wait_estimate,"
            + "peak_ports_in_time_wait,port_range_size,port_range_source,sustainable_rate_per_s,headroom_min,"
            + "headroom_min_time,"
            + "peak_time_wait,peak_time,server_active_close_share,"
            + "explanation";

    /** What a spreadsheet must recognise each column as. */
    enum Kind { TEXT, INTEGER, DECIMAL, BOOLEAN, DATE_TIME, FRAMES }

    /** The declared type of every column, in the header's order. */
    static final Map<String, Kind> COLUMNS = columns(
            "type", Kind.TEXT, "severity", Kind.TEXT, "first_time", Kind.DECIMAL, "last_time", Kind.DECIMAL,
            "first_time_utc", Kind.DATE_TIME, "last_time_utc", Kind.DATE_TIME,
            "client_ip", Kind.TEXT, "client_port", Kind.INTEGER, "server_ip", Kind.TEXT, "server_port", Kind.INTEGER,
            "incarnation", Kind.INTEGER, "frames", Kind.FRAMES,
            "tw_holder", Kind.TEXT, "reused_by", Kind.TEXT, "since_tw_start_s", Kind.DECIMAL, "tw_length_s", Kind.DECIMAL,
            "answer", Kind.TEXT, "result", Kind.TEXT, "syn_packets", Kind.INTEGER, "stale_acks", Kind.INTEGER,
            "protection", Kind.TEXT, "linux_isn_fingerprint", Kind.BOOLEAN,
            "in_window", Kind.BOOLEAN, "direction", Kind.TEXT,
            "scope", Kind.TEXT, "tsval", Kind.INTEGER, "ts_recent", Kind.INTEGER, "clocks_behind_ip", Kind.INTEGER,
            "packets", Kind.INTEGER,
            "host", Kind.TEXT, "trigger", Kind.TEXT, "concurrent_time_wait_estimate", Kind.INTEGER,
            "peak_ports_in_time_wait", Kind.INTEGER, "port_range_size", Kind.INTEGER, "port_range_source", Kind.TEXT,
            "sustainable_rate_per_s", Kind.DECIMAL, "headroom_min", Kind.INTEGER, "headroom_min_time", Kind.DECIMAL,
            "peak_time_wait", Kind.INTEGER, "peak_time", Kind.DECIMAL, "server_active_close_share", Kind.TEXT,
            "explanation", Kind.TEXT);

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private static Map<String, Kind> columns(Object... pairs) {
        Map<String, Kind> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Kind) pairs[i + 1]);
        }
        return m;
    }

    /** The typed schema: the pinned columns in order, a header row that must match them exactly. */
    private static CsvSchema typedSchema() {
        CsvSchema.Builder b = CsvSchema.builder().setUseHeader(true).setStrictHeaders(true).setArrayElementSeparator(" ");
        COLUMNS.forEach((name, kind) -> b.addColumn(name, switch (kind) {
            case TEXT, DATE_TIME -> CsvSchema.ColumnType.STRING;
            case INTEGER, DECIMAL -> CsvSchema.ColumnType.NUMBER;
            case BOOLEAN -> CsvSchema.ColumnType.BOOLEAN;
            case FRAMES -> CsvSchema.ColumnType.ARRAY;
        }));
        return b.build();
    }

    /**
     * The CSV's rows read back with jackson-dataformat-csv against the typed schema: frames come
     * back as a list (the ARRAY column split at spaces), joined here again for the checks; the
     * other cells as their text.
     */
    private static List<Map<String, String>> readBack(String csv) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> it = new CsvMapper().readerForMapOf(Object.class).with(typedSchema())
                .readValues(csv)) {
            while (it.hasNext()) {
                Map<String, String> row = new LinkedHashMap<>();
                it.next().forEach((k, v) -> row.put(k, v instanceof List<?> l
                        ? String.join(" ", l.stream().map(String::valueOf).toList()) : String.valueOf(v)));
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void headerIsPinned() {
        assertEquals(HEADER, CsvFindingWriter.header());
        assertEquals(HEADER, String.join(",", COLUMNS.keySet()), "every column has a declared type");
    }

    @Test
    void headerIsWrittenEvenWithNoFinding() {
        Cli.Result r = Cli.run("analyze", "--format", "csv", Cli.sample("clean-client-close").toString());
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals(List.of(HEADER), r.out().lines().toList());
    }

    /**
     * Every cell of every sample's CSV parses as its column's type (numbers as numbers, booleans
     * as true/false, times as date-times, frames as space-separated integers); across these
     * samples, every column is filled at least once.
     */
    @Test
    void samplesParseBackWithTheDeclaredTypes() throws IOException {
        Set<String> filled = new LinkedHashSet<>();
        for (String sample : new String[] {"client-tw-reuse", "tw-bucket-overflow", "nat-paws", "old-incarnation-inject"}) {
            Cli.Result r = Cli.run("analyze", "--format", "csv", Cli.sample(sample).toString());
            assertEquals(ExitCode.OK, r.code(), r::toString);
            List<Map<String, String>> rows = readBack(r.out());
            assertEquals(r.out().lines().count() - 1, rows.size(), "one row per line: no cell spans lines");
            assertTrue(rows.size() > 0, sample);
            for (Map<String, String> row : rows) {
                assertEquals(COLUMNS.keySet(), row.keySet());
                row.forEach((column, cell) -> {
                    if (!cell.isEmpty()) {
                        check(sample, column, COLUMNS.get(column), cell);
                        filled.add(column);
                    }
                });
                assertTrue(HazardId.parse(row.get("type")) != null);
                assertTrue(Severity.parse(row.get("severity")) != null);
            }
        }
        assertEquals(COLUMNS.keySet(), filled, "columns never filled by any sample");
    }

    private static void check(String sample, String column, Kind kind, String cell) {
        String where = sample + " column " + column + ": '" + cell + "'";
        try {
            switch (kind) {
                case TEXT -> assertTrue(!cell.startsWith("'"), "no text here needs the formula guard: " + where);
                case INTEGER -> Long.parseLong(cell);
                case DECIMAL -> assertTrue(Double.isFinite(Double.parseDouble(cell)), where);
                case BOOLEAN -> assertTrue(cell.equals("true") || cell.equals("false"), where);
                case DATE_TIME -> LocalDateTime.parse(cell, UTC);
                case FRAMES -> {
                    for (String f : cell.split(" ")) {
                        assertTrue(Long.parseLong(f) > 0, where);
                    }
                }
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            fail("not " + kind + ": " + where, e);
        }
    }

    @Test
    void utcColumnsRepeatTheEpochColumns() throws IOException {
        Cli.Result r = Cli.run("analyze", "--format", "csv", Cli.sample("client-tw-reuse").toString());
        for (Map<String, String> row : readBack(r.out())) {
            LocalDateTime utc = LocalDateTime.parse(row.get("first_time_utc"), UTC);
            double epoch = Double.parseDouble(row.get("first_time"));
            double fromUtc = utc.toEpochSecond(java.time.ZoneOffset.UTC) + utc.getNano() / 1e9;
            assertEquals(epoch, fromUtc, 1e-6, row.toString());
        }
    }

    /**
     * OWASP "CSV injection": text cells starting with = + - @ (or tab, CR) get a leading
     * apostrophe. A unit test of CsvFindingWriter: no sample has such text.
     */
    @ParameterizedTest
    @ValueSource(strings = {"=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\tx", "\rx"})
    void formulaInTextCellsIsNeutralised(String formula) throws IOException {
        Finding f = new TwOverflowRstFinding(new Finding.FindingCore(HazardId.TW_OVERFLOW_RST, Severity.MEDIUM,
                1_795_420_969_733_102_000L, 1_795_420_969_733_118_000L, formula, 58662, "10.0.2.2", 8080, 1,
                List.of(110L, 135L), formula), formula, "fin_retransmit", 10);
        StringWriter out = new StringWriter();
        try (CsvFindingWriter w = new CsvFindingWriter(out)) {
            w.write(f);
            w.finish(new RunSummary());
        }
        Map<String, String> row = readBack(out.toString()).get(0);
        for (String column : List.of("explanation", "client_ip", "host")) {
            // A carriage return comes back as a line feed (see CsvFindingWriter).
            assertEquals("'" + formula.replace('\r', '\n'), row.get(column), column);
        }
        assertEquals("10.0.2.2", row.get("server_ip"), "ordinary text is left alone");
        assertEquals("fin_retransmit", row.get("trigger"));
        assertEquals("58662", row.get("client_port"), "numbers are not text");
        assertEquals("110 135", row.get("frames"));
    }

    @Test
    void textWithCommasQuotesAndLineBreaksSurvivesTheRoundTrip() throws IOException {
        String explanation = "a, \"quoted\" word\nand a second line\r\nand a third\rand a fourth";
        Finding f = new TimeWaitReuseFinding(new Finding.FindingCore(HazardId.TIME_WAIT_REUSE, Severity.LOW, 0, 0,
                "10.0.0.1", 40000, "10.0.0.2", 80, 2, List.of(1L), explanation), "client", "holder", null, 60.0,
                "syn_ack", "established", 1, 0, "timestamps", true);
        StringWriter out = new StringWriter();
        try (CsvFindingWriter w = new CsvFindingWriter(out)) {
            w.write(f);
        }
        Map<String, String> row = readBack(out.toString()).get(0);
        assertEquals("a, \"quoted\" word\nand a second line\nand a third\nand a fourth", row.get("explanation"));
        assertEquals("", row.get("since_tw_start_s"), "null is an empty cell");
        assertEquals("true", row.get("linux_isn_fingerprint"));
    }
}
