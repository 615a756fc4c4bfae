package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --filter}: a tcpdump expression compiled by libpcap, for {@code analyze} and {@code packets}. */
class FilterTest {

    private static final String REUSE = Cli.sample("client-tw-reuse").toString();

    @BeforeEach
    void libpcap() {
        Cli.assumeTool(Cli.libpcapLoads(), "libpcap (libpcap0.8)");
    }

    /** The unfiltered packets CSV, one row per TCP segment: src_port and dst_port are columns 4 and 6. */
    private static long segmentsWithPort(int port) {
        Cli.Result r = Cli.run("packets", REUSE);
        assertEquals(ExitCode.OK, r.code(), r::toString);
        return r.out().lines().skip(1).map(l -> l.split(","))
                .filter(c -> c[3].equals(String.valueOf(port)) || c[5].equals(String.valueOf(port))).count();
    }

    @Test
    void analyzeKeepsOnlyTheMatchingTraffic() {
        JsonNode all = Cli.run("analyze", "--format", "json", REUSE).json();
        Cli.Result r = Cli.run("analyze", "--format", "json", "--filter", "tcp port 40001", REUSE);
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals("", r.err());
        JsonNode filtered = r.json();

        List<Cli.FindingKey> expected = Cli.keys(List.copyOf(all.get("findings").findParents("type"))).stream()
                .filter(k -> k.type().equals("time_wait_reuse") && k.client().endsWith(":40001")).toList();
        List<Cli.FindingKey> got = Cli.keys(List.copyOf(filtered.get("findings").findParents("type"))).stream()
                .filter(k -> k.type().equals("time_wait_reuse")).toList();
        assertFalse(expected.isEmpty());
        assertEquals(expected, got, "the reuses on port 40001, with the same frame numbers");

        JsonNode s = filtered.get("summary");
        long kept = segmentsWithPort(40001);
        assertEquals(all.get("summary").get("packets_read").asLong(), s.get("packets_read").asLong(), "every packet is read");
        assertEquals(kept, s.get("packets_decoded").asLong());
        assertEquals(s.get("packets_read").asLong() - kept, s.get("packets_skipped").get("excluded_by_filter").asLong());
    }

    @Test
    void filterThatMatchesNothing() {
        Cli.Result r = Cli.run("analyze", "--format", "json", "--filter", "udp", REUSE);
        assertEquals(ExitCode.OK, r.code(), r::toString);
        JsonNode s = r.json().get("summary");
        assertEquals(0, s.get("packets_decoded").asLong());
        assertEquals(s.get("packets_read").asLong(), s.get("packets_skipped").get("excluded_by_filter").asLong());
        assertEquals(0, r.json().get("findings").size());
    }

    @Test
    void badExpressionIsAUsageErrorWithLibpcapsMessage() {
        Cli.Result r = Cli.run("analyze", "--filter", "tcp prt 80", REUSE);
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertEquals("twhazard: --filter 'tcp prt 80': can't parse filter expression: syntax error", r.err().strip());
        assertEquals("", r.out());

        Cli.Result p = Cli.run("packets", "--filter", "host 999.1.1.1", REUSE);
        assertEquals(ExitCode.USAGE, p.code(), p::toString);
        assertTrue(p.err().startsWith("twhazard: --filter 'host 999.1.1.1': "), p::toString);
        assertEquals(1, p.err().lines().count(), p::toString);
        p.assertNoStackTrace();
    }

    @Test
    void packetsListsOnlyTheMatchingSegments() {
        Cli.Result r = Cli.run("packets", "--filter", "tcp port 40001", REUSE);
        assertEquals(ExitCode.OK, r.code(), r::toString);
        List<String> rows = r.out().lines().skip(1).toList();
        assertEquals(segmentsWithPort(40001), rows.size());
        rows.forEach(l -> {
            String[] c = l.split(",");
            assertTrue(c[3].equals("40001") || c[5].equals("40001"), l);
        });
        assertTrue(r.err().contains("skipped {excluded_by_filter="), r::toString);
    }
}
