package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final long MB = 1L << 20;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void silentUnlessStderrIsATerminalAndTheInputIsLarge() {
        PrintWriter err = new PrintWriter(new StringWriter());
        assertNull(Progress.create(err, 1024 * MB, false, false, () -> 0), "stderr not a terminal");
        assertNull(Progress.create(err, 1024 * MB, true, true, () -> 0), "--quiet");
        assertNull(Progress.create(err, 10 * MB, false, true, () -> 0), "small input");
        assertNotNull(Progress.create(err, 1024 * MB, false, true, () -> 0));
        assertNotNull(Progress.create(err, -1, false, true, () -> 0), "standard input: size unknown");
    }

    @Test
    void underTheTestRunnerStderrIsNotATerminal() {
        // Maven's forked JVM writes stderr to a pipe: the real check must say no.
        assertNull(Progress.forTerminal(new PrintWriter(new StringWriter()), 1024 * MB, false, () -> 0));
    }

    @Test
    void barWithAKnownTotal() {
        assertEquals("[##########                    ]  33% 100/300 MB  50,000 packets/s  ETA 20 s",
                Progress.line(10 * SECOND, 100 * MB, 300 * MB, 500_000));
        assertEquals("[##############################] 100% 300/300 MB  1,000 packets/s  ETA 0 s",
                Progress.line(30 * SECOND, 300 * MB, 300 * MB, 30_000));
        assertEquals("[                              ]   0% 0/300 MB  0 packets/s  ETA 0 s",
                Progress.line(0, 0, 300 * MB, 0));
    }

    @Test
    void countersWithAnUnknownTotal() {
        assertEquals("1,536 MB  2,000,000 packets  400,000 packets/s", Progress.line(5 * SECOND, 1536 * MB, -1, 2_000_000));
    }

    @Test
    void drawsOnlyAfterManyPacketsAndErasesItsLineWhenDone() {
        StringWriter text = new StringWriter();
        Progress p = Progress.create(new PrintWriter(text), -1, false, true, () -> 5 * MB);
        for (int i = 0; i < 1000; i++) {
            p.packet();
        }
        p.done();
        assertEquals("", text.toString(), "nothing drawn yet, nothing to erase");
    }
}
