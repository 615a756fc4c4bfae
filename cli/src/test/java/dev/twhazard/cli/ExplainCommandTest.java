package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.detect.HazardId;
import dev.twhazard.report.HazardGuide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExplainCommandTest {

    @ParameterizedTest
    @EnumSource(HazardId.class)
    void eachTypePrintsItsGuide(HazardId type) {
        Cli.Result r = Cli.run("explain", type.id());
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals(HazardGuide.of(type).render(), r.out());
        assertTrue(r.out().contains(HazardGuide.of(type).title()));
        assertEquals("", r.err());
    }

    @Test
    void withoutATypeListsThemAll() {
        Cli.Result r = Cli.run("explain");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        for (HazardId h : HazardId.values()) {
            assertTrue(r.out().contains(h.id()), h.id());
        }
    }

    @Test
    void unknownTypeIsAUsageError() {
        Cli.Result r = Cli.run("explain", "nope");
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertTrue(r.err().startsWith("twhazard: unknown finding type: nope"), r::toString);
        assertEquals(1, r.err().lines().count());
        assertEquals("", r.out());
    }
}
