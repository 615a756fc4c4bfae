package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code analyze -} reads a capture from standard input (here an injected stream), plain or gzip. */
class StandardInputTest {

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(data);
        }
        return buf.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tw-bucket-overflow", "client-tw-reuse"})
    void standardInputGivesTheFileFindings(String sample) throws IOException {
        Path file = Cli.sample(sample);
        byte[] bytes = Files.readAllBytes(file);
        Cli.Result fromFile = Cli.run("analyze", "--format", "jsonl", file.toString());
        assertFalse(fromFile.jsonLines().isEmpty());

        Cli.Result plain = Cli.run(bytes, "analyze", "--format", "jsonl", "-");
        assertEquals(ExitCode.OK, plain.code(), plain::toString);
        assertEquals(fromFile.out(), plain.out(), "byte for byte the same findings");

        Cli.Result gz = Cli.run(gzip(bytes), "analyze", "--format", "jsonl", "-");
        assertEquals(ExitCode.OK, gz.code(), gz::toString);
        assertEquals(fromFile.out(), gz.out());
        assertEquals("", gz.err());

        Cli.Result json = Cli.run(gzip(bytes), "analyze", "--format", "json", "-");
        assertEquals("-", json.json().get("summary").get("inputs").get(0).get("name").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tw-bucket-overflow"})
    void standardInputTogetherWithAFile(String sample, @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        // The first half of the packets on standard input, the rest in a file: one stream.
        Path whole = Cli.sample(sample);
        RotatedInputsTest.rotate(whole, dir, 232);
        byte[] first = Files.readAllBytes(dir.resolve("cap.pcap"));
        Cli.Result r = Cli.run(first, "analyze", "--format", "jsonl", "-", dir.resolve("cap.pcap01").toString());
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals(Cli.keys(Cli.run("analyze", "--format", "jsonl", whole.toString()).jsonLines()), Cli.keys(r.jsonLines()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 23})
    void tooShortForAFileHeaderIsAnInputError(int length) throws IOException {
        byte[] bytes = Arrays.copyOf(Files.readAllBytes(Cli.sample("clean-client-close")), length);
        Cli.Result r = Cli.run(bytes, "analyze", "--format", "jsonl", "-");
        assertEquals(ExitCode.INPUT, r.code(), r::toString);
        assertTrue(r.err().startsWith("twhazard: -: "), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        r.assertNoStackTrace();
    }
}
