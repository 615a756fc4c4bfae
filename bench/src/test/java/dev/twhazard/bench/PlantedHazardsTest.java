package dev.twhazard.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer against the generator at scale: it must find exactly the hazards planted in a
 * large capture of realistic traffic, with their attributes. The size is the system property
 * {@code bench.connections} (default in the pom: one million connections, about 10.7 million
 * packets); {@code bench.mix} chooses the mix (default {@code realistic}; use {@code dense} for
 * small sizes so that every story is planted). No timing is asserted.
 */
class PlantedHazardsTest {

    static Path generate(Path dir, String name, long seed, long connections, String mix) throws IOException {
        Path capture = dir.resolve(name);
        CaptureGenerator.Options o = CaptureGenerator.Options.parse(new String[] {"--seed", Long.toString(seed),
            "--connections", Long.toString(connections), "--mix", mix, "-o", capture.toString()});
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(capture), 1 << 16)) {
            new CaptureGenerator(o, out).run();
        }
        return capture;
    }

    static Path plantedOf(Path capture) {
        return capture.resolveSibling(capture.getFileName().toString().replaceFirst("\\.(pcap|pcapng)$", "") + ".planted.csv");
    }

    @Test
    void analyzerFindsExactlyThePlantedHazards(@TempDir Path dir) throws IOException {
        long connections = Long.getLong("bench.connections", 1_000_000);
        String mix = System.getProperty("bench.mix", "realistic");
        Path capture = generate(dir, "capture.pcap", 20_260_105, connections, mix);
        List<PlantedRow> planted = PlantedRow.read(plantedOf(capture));
        PlantedCheck.Analysis analysis = PlantedCheck.analyze(capture);
        PlantedCheck.Result result = PlantedCheck.compare(planted, analysis);
        System.out.println("PlantedHazardsTest: " + connections + " connections (" + mix + "), "
                + analysis.summary().packetsRead + " packets\n" + result.report());
        assertTrue(analysis.warnings().isEmpty(), analysis.warnings().toString());
        assertEquals(analysis.summary().packetsRead, analysis.summary().packetsDecoded, "every packet decodes");
        assertTrue(result.ok(), result.report());
        if (connections >= 500_000 || mix.equals("dense")) {
            result.counts().forEach((type, c) -> assertTrue(c.planted() > 0, "no " + type + " planted"));
        }
    }

    @Test
    void sameSeedWritesTheSameBytes() throws IOException {
        byte[] a = CaptureGenerator.generate(42, 3_000, "dense");
        byte[] b = CaptureGenerator.generate(42, 3_000, "dense");
        byte[] c = CaptureGenerator.generate(43, 3_000, "dense");
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void pcapngCarriesTheSameHazards(@TempDir Path dir) throws IOException {
        Path pcap = generate(dir, "small.pcap", 5, 20_000, "dense");
        Path pcapng = generate(dir, "small.pcapng", 5, 20_000, "dense");
        assertEquals(Files.readString(plantedOf(pcap)), Files.readString(plantedOf(pcapng)));
        PlantedCheck.Result r = PlantedCheck.compare(PlantedRow.read(plantedOf(pcapng)), PlantedCheck.analyze(pcapng));
        assertTrue(r.ok(), r.report());
        r.counts().forEach((type, c) -> assertTrue(c.planted() > 0, "no " + type + " planted"));
    }
}
