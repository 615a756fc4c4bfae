package dev.twhazard.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twhazard.capture.CaptureSource;
import dev.twhazard.detect.AnalyzerConfig;
import dev.twhazard.pipeline.AnalysisRun;
import dev.twhazard.report.Finding;
import dev.twhazard.report.FindingRow;
import dev.twhazard.report.FindingWriter;
import dev.twhazard.report.OldIncarnationSegmentFinding;
import dev.twhazard.report.PawsNatRegressionFinding;
import dev.twhazard.report.PortExhaustionRiskFinding;
import dev.twhazard.report.RunSummary;
import dev.twhazard.report.TimeWaitPressureFinding;
import dev.twhazard.report.TimeWaitReuseFinding;
import dev.twhazard.report.TwOverflowRstFinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The detectors against a real Linux kernel (6.18, network namespaces): every case under
 * {@code samples/} holds a capture and the kernel's own counters and the traffic programs' logs
 * ({@code truth.json}, see {@code samples/scenarios/README.md}). Two checks per case:
 * <ol>
 *   <li>the kernel truth: hand-written relations between findings and counters (for example
 *       the number of {@code tw_overflow_rst} findings equals TcpExtTCPTimeWaitOverflow);</li>
 *   <li>the golden files {@code expected-findings.csv} and {@code expected-summary.json}: the
 *       stable columns of every finding (all but the explanation wording) and the summary's
 *       counts. {@code mvn test -Dgolden.update=true} regenerates them.</li>
 * </ol>
 */
class RealKernelSamplesTest {

    static final Path SAMPLES = Path.of("").toAbsolutePath();
    static final boolean UPDATE = Boolean.getBoolean("golden.update");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A case's analysis result and its truth. */
    record Case(String name, List<Finding> findings, RunSummary summary, JsonNode truth) {

        <T extends Finding> List<T> of(Class<T> type) {
            return findings.stream().filter(type::isInstance).map(type::cast).toList();
        }

        long hazards() {
            return findings.stream().filter(f -> f.type().isHazard()).count();
        }

        /** A kernel counter of a namespace, 0 when the kernel did not count it. */
        long counter(String namespace, String name) {
            return truth.path("namespaces").path(namespace).path(name).asLong(0);
        }

        long program(String field) {
            return truth.path("programs").path(field).asLong(0);
        }

        long connectErrors(String errno) {
            return truth.path("programs").path("connect_errors").path(errno).asLong(0);
        }
    }

    /** The kernel truth of each case. */
    static final Map<String, Consumer<Case>> TRUTH = Map.ofEntries(
            Map.entry("client-tw-reuse", c -> {
                List<TimeWaitReuseFinding> reuse = c.of(TimeWaitReuseFinding.class);
                // Every connect() takeover of a TIME_WAIT quadruple (tcp_twsk_unique) is one finding.
                assertEquals(c.counter("client", "TcpExtTWRecycled"), reuse.size());
                reuse.forEach(r -> {
                    assertEquals("holder", r.reusedBy());
                    assertEquals("client", r.twHolder());
                    assertEquals("established", r.result());
                    assertEquals("timestamps", r.protection());
                    assertTrue(r.linuxIsnFingerprint(), "takeover ISN = old snd_nxt + 65537");
                });
                assertEquals(0, c.hazards() - reuse.size());
            }),
            Map.entry("seed000-loop", c -> {
                List<TimeWaitReuseFinding> reuse = c.of(TimeWaitReuseFinding.class);
                assertEquals(c.counter("host", "TcpExtTWRecycled"), reuse.size());
                reuse.forEach(r -> assertTrue(r.linuxIsnFingerprint()));
                // The TIME_WAIT count plateaus at about half the 200-port range (connect() prefers
                // even ports and takes its own TIME_WAITs over): ss sampled a peak; we see the same.
                PortExhaustionRiskFinding ports = c.of(PortExhaustionRiskFinding.class).get(0);
                long ssPeak = c.truth.path("ss_time_wait_peak").path("host").asLong();
                assertEquals(200, ports.portRangeSize());
                assertTrue(Math.abs(ports.peakPortsInTimeWait() - ssPeak) <= 2,
                        "peak " + ports.peakPortsInTimeWait() + " vs ss " + ssPeak);
            }),
            Map.entry("server-tw-accept", c -> {
                List<TimeWaitReuseFinding> reuse = c.of(TimeWaitReuseFinding.class);
                // Every reconnect after the first connection met the server's TIME_WAIT.
                assertEquals(c.program("connects") - 1, reuse.size());
                reuse.forEach(r -> {
                    assertEquals("peer", r.reusedBy());
                    assertEquals("server", r.twHolder());
                    assertEquals("syn_ack", r.answer());
                    assertEquals("timestamps", r.protection());
                    assertTrue(r.linuxIsnFingerprint(), "SYN-ACK ISN = old snd_nxt + 65537");
                });
                assertEquals(0, c.counter("server", "TcpExtPAWSTimewait"));
                assertTrue(c.of(PawsNatRegressionFinding.class).isEmpty());
            }),
            Map.entry("server-tw-reject", c -> {
                List<TimeWaitReuseFinding> reuse = c.of(TimeWaitReuseFinding.class);
                // Each rejected SYN got a stale ACK, answered by one client RST (TcpOutRsts).
                long rejected = reuse.stream().filter(r -> r.answer().equals("stale_ack")).count();
                assertEquals(c.counter("client", "TcpOutRsts"), rejected);
                reuse.forEach(r -> assertEquals("established_after_retry", r.result()));
            }),
            Map.entry("server-tw-reject-rfc1337", c -> {
                List<TimeWaitReuseFinding> reuse = c.of(TimeWaitReuseFinding.class);
                long failed = reuse.stream().filter(r -> r.result().equals("failed")).count();
                assertEquals(c.connectErrors("ETIMEDOUT"), failed);
                // The TIME_WAIT survives the client's RST (tcp_rfc1337=1): every SYN of a failed
                // connect was rejected; the kernel counts the stale ACKs it could not send.
                reuse.stream().filter(r -> r.result().equals("failed")).forEach(r -> assertEquals("stale_ack", r.answer()));
                assertEquals(c.counter("client", "TcpExtTCPSynRetrans"),
                        reuse.stream().filter(r -> r.result().equals("failed")).mapToInt(r -> r.synPackets() - 1).sum());
            }),
            Map.entry("nat-paws", c -> {
                List<PawsNatRegressionFinding> paws = c.of(PawsNatRegressionFinding.class);
                assertEquals(c.counter("server", "TcpExtPAWSTimewait"), paws.stream().mapToInt(PawsNatRegressionFinding::packets).sum());
                paws.forEach(p -> {
                    assertEquals("time_wait", p.scope());
                    assertEquals(c.truth.path("hosts_behind_public_ip").asInt(), p.clocksBehindIp());
                });
                assertEquals(c.truth.path("paws_rejected_rounds").size(), paws.size());
                assertEquals(c.program("connects") - 1, c.of(TimeWaitReuseFinding.class).size());
            }),
            Map.entry("nat-paws-rfc1337", c -> {
                List<PawsNatRegressionFinding> paws = c.of(PawsNatRegressionFinding.class);
                // With tcp_rfc1337=1 every retransmitted SYN is PAWS-rejected again.
                assertEquals(c.counter("server", "TcpExtPAWSTimewait"), paws.stream().mapToInt(PawsNatRegressionFinding::packets).sum());
                List<TimeWaitReuseFinding> reuse = c.of(TimeWaitReuseFinding.class);
                // The capture ends at the last SYN of the last round, before the client's
                // ETIMEDOUT: that attempt is "unknown", the others "failed".
                long failedOrOpen = reuse.stream().filter(r -> r.result().equals("failed") || r.result().equals("unknown")).count();
                assertEquals(c.connectErrors("ETIMEDOUT"), failedOrOpen);
                assertTrue(reuse.stream().filter(r -> r.result().equals("unknown")).count() <= 1);
            }),
            Map.entry("old-incarnation-inject", c -> {
                List<OldIncarnationSegmentFinding> old = c.of(OldIncarnationSegmentFinding.class);
                boolean delivered = c.truth.path("server_app_received_marker").asBoolean();
                // The crafted segment was delivered to the server application: in window.
                assertEquals(delivered ? 1 : 0, old.stream().filter(OldIncarnationSegmentFinding::inWindow).count());
                // The replayed old segment fell before rcv_nxt: out of window.
                assertEquals(1, old.stream().filter(o -> !o.inWindow()).count());
                assertEquals(c.truth.path("injected").size(), old.size());
            }),
            Map.entry("old-incarnation-paws", c -> {
                // Both injected segments were dropped by PAWS (TcpExtPAWSEstab): the replayed one is in
                // the old sequence space, the crafted one in the new space with an old TSval.
                long rejected = c.of(OldIncarnationSegmentFinding.class).stream().filter(o -> !o.inWindow()).count()
                        + c.of(PawsNatRegressionFinding.class).stream().filter(p -> p.scope().equals("connection")).count();
                assertEquals(c.counter("server", "TcpExtPAWSEstab"), rejected);
                assertTrue(c.of(OldIncarnationSegmentFinding.class).stream().noneMatch(OldIncarnationSegmentFinding::inWindow),
                        "the marker was not delivered");
            }),
            Map.entry("tw-bucket-overflow", c -> {
                List<TwOverflowRstFinding> rsts = c.of(TwOverflowRstFinding.class);
                // Every final ACK was dropped after the capture point, so every overflowed close
                // was revealed by a RST answering the retransmitted FIN.
                assertEquals(c.counter("server", "TcpExtTCPTimeWaitOverflow"), rsts.size());
                long abortive = c.truth.path("abortive_connections").path("client_ports").size();
                assertEquals(c.counter("server", "TcpOutRsts") - abortive, rsts.size(), "abortive RSTs are not overflow");
                long buckets = c.truth.path("max_tw_buckets").asLong();
                rsts.forEach(r -> {
                    assertEquals("fin_retransmit", r.trigger());
                    assertEquals(buckets, r.concurrentTimeWaitEstimate(), "estimates tcp_max_tw_buckets");
                });
                TimeWaitPressureFinding server = c.of(TimeWaitPressureFinding.class).get(0);
                assertEquals(c.truth.path("ss_time_wait_peak").path("server").asLong(), server.peakTimeWait());
                assertEquals(c.hazards(), rsts.size());
            }),
            Map.entry("port-exhaustion", c -> {
                PortExhaustionRiskFinding ports = c.of(PortExhaustionRiskFinding.class).get(0);
                assertEquals(c.truth.path("ss_time_wait_peak").path("client").asLong(), ports.peakPortsInTimeWait());
                assertEquals(0, ports.headroomMin(), "connect() failed with EADDRNOTAVAIL: no port was free");
                assertTrue(c.connectErrors("EADDRNOTAVAIL") > 0);
                assertEquals(0, c.hazards());
            }));

    /** Cases whose truth is "no hazard at all" (capacity findings are fine). */
    static void clean(Case c) {
        assertEquals(0, c.hazards(), "hazard findings on a clean capture: " + c.findings);
        assertEquals(c.program("connects"), c.summary.incarnations);
    }

    @TestFactory
    Stream<DynamicTest> everyCase() throws IOException {
        List<Path> cases;
        try (Stream<Path> s = Files.list(SAMPLES)) {
            cases = s.filter(p -> Files.exists(p.resolve("capture.pcap")) && Files.exists(p.resolve("truth.json")))
                    .sorted().toList();
        }
        assertTrue(cases.size() >= 16, "cases found: " + cases.size());
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    static void check(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        JsonNode truth = JSON.readTree(dir.resolve("truth.json").toFile());
        List<Finding> findings = new ArrayList<>();
        FindingWriter collect = new FindingWriter() {
            @Override
            public void write(Finding f) {
                findings.add(f);
            }

            @Override
            public void finish(RunSummary s) {
            }

            @Override
            public void close() {
            }
        };
        List<String> problems = new ArrayList<>();
        RunSummary summary = new AnalysisRun(config(truth), collect, f -> true)
                .run(List.of(CaptureSource.file(dir.resolve("capture.pcap"))), w -> problems.add(w.describe()),
                        e -> problems.add(e.getMessage()));
        assertEquals(List.of(), problems, "the capture reads cleanly");
        Case c = new Case(name, findings, summary, truth);
        if (name.startsWith("clean-")) {
            clean(c);
        } else {
            Consumer<Case> rule = TRUTH.get(name);
            assertTrue(rule != null, "no kernel truth written for case " + name);
            rule.accept(c);
        }
        golden(dir, findings, summary);
    }

    /** As a user would run it: the client's ip_local_port_range from the case's sysctls. */
    static AnalyzerConfig config(JsonNode truth) {
        AnalyzerConfig cfg = AnalyzerConfig.defaults();
        JsonNode range = truth.path("port_range");
        if (range.isArray() && range.size() == 2) {
            cfg = cfg.withPortRange(range.get(0).asInt(), range.get(1).asInt());
        }
        return cfg;
    }

    static void golden(Path dir, List<Finding> findings, RunSummary summary) throws IOException {
        StringBuilder csv = new StringBuilder("# generated by RealKernelSamplesTest (mvn test -Dgolden.update=true); do not edit\n");
        // Sorted by time, then text: the order findings become final in is not part of the contract.
        List<String> rows = new ArrayList<>();
        for (Finding f : findings) {
            ObjectNode row = JSON.valueToTree(FindingRow.of(f));
            row.remove("explanation");
            rows.add(JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(row));
        }
        rows.sort(java.util.Comparator.comparing((String r) -> r.substring(r.indexOf("\"first_time\"")))
                .thenComparing(r -> r));
        rows.forEach(r -> csv.append(r).append('\n'));
        ObjectNode sum = JSON.createObjectNode();
        sum.put("_generated", "by RealKernelSamplesTest (mvn test -Dgolden.update=true); do not edit");
        sum.put("packets_read", summary.packetsRead);
        sum.put("packets_decoded", summary.packetsDecoded);
        sum.set("packets_skipped", JSON.valueToTree(summary.packetsSkipped));
        sum.put("duplicate_segments", summary.duplicateSegments);
        sum.put("flows", summary.flows);
        sum.put("incarnations", summary.incarnations);
        sum.set("findings", JSON.valueToTree(summary.findings));
        String sumText = JSON.writeValueAsString(sum) + "\n";
        Path expectedFindings = dir.resolve("expected-findings.jsonl");
        Path expectedSummary = dir.resolve("expected-summary.json");
        if (UPDATE || !Files.exists(expectedFindings) || !Files.exists(expectedSummary)) {
            assertTrue(UPDATE, "golden files missing in " + dir + ": run mvn test -Dgolden.update=true");
            Files.writeString(expectedFindings, csv.toString());
            Files.writeString(expectedSummary, sumText);
            return;
        }
        assertEquals(Files.readString(expectedSummary), sumText, "summary differs from " + expectedSummary);
        assertEquals(Files.readString(expectedFindings), csv.toString(), "findings differ from " + expectedFindings);
    }
}
