package dev.twhazard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code planted.csv}: a hazard the generator planted (or a look-alike it planted
 * that must not be reported, with type {@code none}), the quadruple and incarnation it is on,
 * the frame that shows it, and the attributes the analyzer is expected to report. Attribute
 * columns left empty are not checked. Column names are those of the analyzer's CSV output.
 */
final class PlantedRow {

    static final String NONE = "none";

    static final String[] COLUMNS = {"type", "scenario", "client_ip", "client_port", "server_ip", "server_port",
        "incarnation", "key_frame", "tw_holder", "reused_by", "answer", "result", "syn_packets", "stale_acks",
        "protection", "linux_isn_fingerprint", "scope", "packets", "host", "trigger", "in_window", "direction"};

    final Map<String, String> values = new LinkedHashMap<>();
    long keyFrame;

    PlantedRow(String type, String scenario, String clientIp, int clientPort, String serverIp, int serverPort,
               int incarnation) {
        values.put("type", type);
        values.put("scenario", scenario);
        values.put("client_ip", clientIp);
        values.put("client_port", Integer.toString(clientPort));
        values.put("server_ip", serverIp);
        values.put("server_port", Integer.toString(serverPort));
        values.put("incarnation", Integer.toString(incarnation));
    }

    private PlantedRow() {
    }

    PlantedRow expect(String column, Object value) {
        values.put(column, String.valueOf(value));
        return this;
    }

    String get(String column) {
        if (column.equals("key_frame")) {
            return Long.toString(keyFrame);
        }
        return values.getOrDefault(column, "");
    }

    String type() {
        return get("type");
    }

    /** type|client ip|client port|server ip|server port|incarnation. */
    String key() {
        return get("type") + "|" + get("client_ip") + "|" + get("client_port") + "|" + get("server_ip") + "|"
                + get("server_port") + "|" + get("incarnation");
    }

    static void writeHeader(Writer w) throws IOException {
        w.write(String.join(",", COLUMNS));
        w.write('\n');
    }

    void write(Writer w) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < COLUMNS.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(get(COLUMNS[i]));
        }
        b.append('\n');
        w.write(b.toString());
    }

    static List<PlantedRow> read(Path file) throws IOException {
        List<PlantedRow> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.equals(String.join(",", COLUMNS))) {
                throw new IOException(file + ": header " + header + " (expected: " + String.join(",", COLUMNS) + ")");
            }
            String line;
            while ((line = r.readLine()) != null) {
                String[] cells = line.split(",", -1);
                PlantedRow row = new PlantedRow();
                for (int i = 0; i < COLUMNS.length; i++) {
                    String v = i < cells.length ? cells[i] : "";
                    if (COLUMNS[i].equals("key_frame")) {
                        row.keyFrame = Long.parseLong(v);
                    } else if (!v.isEmpty()) {
                        row.values.put(COLUMNS[i], v);
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
