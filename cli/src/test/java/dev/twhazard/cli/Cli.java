package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the command line in-process with captured streams, and reads what it wrote. */
final class Cli {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The real-kernel sample captures, seen from the cli module's directory (Maven's working directory). */
    static final Path SAMPLES = Path.of("..", "samples");

    private Cli() {
    }

    /** What one run returned and printed. */
    record Result(int code, String out, String err) {

        /** Standard output as JSON Lines: one JSON object per line. */
        List<JsonNode> jsonLines() {
            List<JsonNode> rows = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    rows.add(readJson(line));
                }
            }
            return rows;
        }

        JsonNode json() {
            return readJson(out);
        }

        /** No Java exception or stack frame reached the user. */
        void assertNoStackTrace() {
            assertFalse(err.contains("\tat ") || err.contains("Exception"),
                    "stack trace or exception on stderr:\n" + err);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Result run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    static Result run(InputStream stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Twhazard.execute(args, new PrintWriter(out), new PrintWriter(err), stdin);
        return new Result(code, out.toString(), err.toString());
    }

    static Result run(byte[] stdin, String... args) {
        return run(new ByteArrayInputStream(stdin), args);
    }

    static Path sample(String name) {
        return SAMPLES.resolve(name).resolve("capture.pcap");
    }

    static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /**
     * What identifies a finding across runs: type, quadruple, incarnation and evidence frames.
     */
    record FindingKey(String type, String client, String server, int incarnation, List<Long> frames) {

        static FindingKey of(JsonNode f) {
            List<Long> frames = new ArrayList<>();
            f.path("frames").forEach(n -> frames.add(n.asLong()));
            return new FindingKey(f.path("type").asText(), f.path("client_ip").asText() + ":" + f.path("client_port").asText(),
                    f.path("server_ip").asText() + ":" + f.path("server_port").asText(), f.path("incarnation").asInt(), frames);
        }

        /** The same finding without its frames (which depend on how the inputs are numbered). */
        FindingKey withoutFrames() {
            return new FindingKey(type, client, server, incarnation, List.of());
        }
    }

    static List<FindingKey> keys(List<JsonNode> findings) {
        return findings.stream().map(FindingKey::of).toList();
    }

    /** Tests that need an outside tool skip without it, except in CI ({@code TWHAZARD_REQUIRE_TOOLS=1}). */
    static boolean toolsRequired() {
        return "1".equals(System.getenv("TWHAZARD_REQUIRE_TOOLS"));
    }

    static void assumeTool(boolean available, String what) {
        if (!available) {
            if (toolsRequired()) {
                fail(what + " is needed and TWHAZARD_REQUIRE_TOOLS=1");
            }
            Assumptions.abort(what + " not available");
        }
    }

    /** Whether {@code command} is on the PATH. */
    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin"}) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** libpcap (for --filter) can be loaded and compile a filter. */
    static boolean libpcapLoads() {
        try {
            BpfFilter.compile("tcp");
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Runs an outside command to completion (bounded), failing the test if it fails. */
    static String exec(Path dir, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            Path log = Files.createTempFile("twhazard-exec", ".log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + String.join(" ", command));
            }
            String output = Files.readString(log);
            Files.delete(log);
            if (p.exitValue() != 0) {
                fail(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
