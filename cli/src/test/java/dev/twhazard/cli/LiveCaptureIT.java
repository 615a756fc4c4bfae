package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twhazard live} for real, on a real kernel: two network namespaces joined by a veth pair
 * (offloads off, so captured segments are wire-sized), a client that takes over its own
 * TIME_WAIT ({@code tcp_tw_reuse=1}, one ephemeral port, reconnecting 1.3 s after each close, past
 * {@code tcp_tw_reuse_delay}), and the packaged jar capturing on the client's end. The finding is
 * checked against the kernel's own counter ({@code TcpExtTWRecycled}), and the {@code --write}
 * capture must give the same finding when analysed as a file.
 *
 * <p>Needs root, {@code ip netns}, ethtool, sysctl and libpcap: skipped without them, except
 * when {@code TWHAZARD_REQUIRE_TOOLS=1} (CI), where it fails instead. Namespaces are named
 * {@code twcli-<pid>-c} and {@code twcli-<pid>-s} and removed afterwards, even on failure; every
 * wait has a time limit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveCaptureIT {

    private static final String CLIENT = "10.77.0.1";
    private static final String SERVER = "10.77.0.2";
    private static final int PORT = 8080;
    /** The client's only ephemeral port (net.ipv4.ip_local_port_range = "40000 40000"). */
    private static final int CLIENT_PORT = 40000;
    private static final String CLIENT_DEV = "twc0";
    private static final String SERVER_DEV = "tws0";
    /** Past Linux's tcp_tw_reuse_delay (1000 ms), so that connect() may take the TIME_WAIT over. */
    private static final long GAP_MILLIS = 1300;
    private static final long WAIT_SECONDS = 30;

    @TempDir
    static Path work;

    private static String clientNs;
    private static String serverNs;
    private static final List<String> namespaces = new ArrayList<>();
    private static final List<Process> processes = new ArrayList<>();
    private static Path jar;
    private static String java;
    private static String testClasses;

    @BeforeAll
    static void namespaces() throws IOException, URISyntaxException {
        Cli.assumeTool(isRoot(), "root (for network namespaces and capturing)");
        Cli.assumeTool(Cli.onPath("ip") && succeeds("ip", "netns", "list"), "ip netns (iproute2)");
        Cli.assumeTool(Cli.onPath("ethtool"), "ethtool");
        Cli.assumeTool(Cli.onPath("sysctl"), "sysctl (procps)");
        Cli.assumeTool(Cli.onPath("nstat"), "nstat (iproute2)");
        Cli.assumeTool(Cli.libpcapLoads(), "libpcap (libpcap0.8)");
        jar = Path.of(System.getProperty("twhazard.jar", "target/twhazard.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the packaged jar (mvn package) at " + jar);
        java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        testClasses = Path.of(LivePeer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();

        long pid = ProcessHandle.current().pid();
        clientNs = "twcli-" + pid + "-c";
        serverNs = "twcli-" + pid + "-s";
        for (String ns : new String[] {clientNs, serverNs}) {
            sh("ip", "netns", "add", ns);
            namespaces.add(ns);
            sh("ip", "-n", ns, "link", "set", "lo", "up");
            // IPv4 only: no IPv6 chatter (MLD, router solicitations) in the capture.
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1");
        }
        sh("ip", "-n", clientNs, "link", "add", CLIENT_DEV, "type", "veth", "peer", "name", SERVER_DEV, "netns", serverNs);
        sh("ip", "netns", "exec", clientNs, "ethtool", "-K", CLIENT_DEV, "tso", "off", "gso", "off", "gro", "off");
        sh("ip", "netns", "exec", serverNs, "ethtool", "-K", SERVER_DEV, "tso", "off", "gso", "off", "gro", "off");
        sh("ip", "-n", clientNs, "addr", "add", CLIENT + "/24", "dev", CLIENT_DEV);
        sh("ip", "-n", serverNs, "addr", "add", SERVER + "/24", "dev", SERVER_DEV);
        sh("ip", "-n", clientNs, "link", "set", CLIENT_DEV, "up");
        sh("ip", "-n", serverNs, "link", "set", SERVER_DEV, "up");
        sh("ip", "netns", "exec", clientNs, "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1",
                "net.ipv4.ip_local_port_range=" + CLIENT_PORT + " " + CLIENT_PORT, "net.ipv4.tcp_timestamps=1");

        Path serverLog = work.resolve("server.log");
        Process server = start(serverLog, work.resolve("server.err"), "ip", "netns", "exec", serverNs, java, "-cp", testClasses,
                LivePeer.class.getName(), "server", SERVER, String.valueOf(PORT), "120");
        awaitLine(server, serverLog, "listening");
    }

    @AfterAll
    static void cleanUp() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces) {
            succeeds("ip", "netns", "del", ns);
        }
    }

    /**
     * The hazard, live: three connections from the one client port, the second and third taking
     * over the client's own TIME_WAIT. Stopped with SIGTERM (as Ctrl-C stops it) once the
     * traffic is over: the findings and the saved capture must be complete all the same.
     */
    @Test
    @Order(1)
    void clientTakingOverItsTimeWaitIsFoundLive() throws IOException {
        Path out = work.resolve("live.jsonl");
        Path err = work.resolve("live.err");
        Path pcap = work.resolve("live.pcap");
        long recycledBefore = counter(clientNs, "TcpExtTWRecycled");
        long started = System.nanoTime();
        Process live = start(out, err, liveCommand(clientNs, "-i", CLIENT_DEV, "--filter", "tcp port " + PORT,
                "--duration", "60s", "--every", "1s", "--format", "jsonl", "--write", pcap.toString()));
        awaitLine(live, err, "twhazard: capturing on " + CLIENT_DEV);

        String clientOut = client(3);
        assertEquals(3, clientOut.lines().filter(l -> l.contains("local port " + CLIENT_PORT + " answer pong")).count(),
                clientOut);
        sleep(300); // the last FIN exchange reaches the capture
        live.destroy(); // SIGTERM
        assertTrue(waitFor(live), "live stopped after SIGTERM");
        long recycled = counter(clientNs, "TcpExtTWRecycled") - recycledBefore;
        String stderr = Files.readString(err);
        String stdout = Files.readString(out);

        // Every line of standard output is a finding: the --every reports went to standard error.
        List<JsonNode> findings = new Cli.Result(0, stdout, stderr).jsonLines();
        List<JsonNode> reuses = findings.stream().filter(f -> f.path("type").asText().equals("time_wait_reuse")).toList();
        assertEquals(2, reuses.size(), stdout + stderr);
        assertEquals(recycled, reuses.size(), "one finding per takeover the kernel counted (TcpExtTWRecycled)");
        int incarnation = 2;
        for (JsonNode f : reuses) {
            assertEquals("holder", f.path("reused_by").asText(), f::toString);
            assertTrue(f.path("linux_isn_fingerprint").asBoolean(), f::toString);
            assertEquals("client", f.path("tw_holder").asText(), f::toString);
            assertEquals("established", f.path("result").asText(), f::toString);
            assertEquals(CLIENT, f.path("client_ip").asText());
            assertEquals(CLIENT_PORT, f.path("client_port").asInt());
            assertEquals(SERVER, f.path("server_ip").asText());
            assertEquals(PORT, f.path("server_port").asInt());
            assertEquals(incarnation++, f.path("incarnation").asInt());
            double since = f.path("since_tw_start_s").asDouble();
            assertTrue(since >= 1.0 && since < 5, "taken over after tcp_tw_reuse_delay: " + since);
        }
        assertTrue(stderr.lines().filter(l -> l.startsWith("[live] ")).count() >= 2, "periodic reports:\n" + stderr);
        assertTrue(stderr.contains("packets captured on " + CLIENT_DEV), stderr);
        assertFalse(stderr.contains("SLF4J"), "no slf4j noise:\n" + stderr);
        assertFalse(stderr.contains("restricted method"), "no JNA native-access warning:\n" + stderr);
        assertFalse(stderr.contains("Exception"), stderr);

        // The saved capture, analysed as a file, gives the same findings.
        Cli.Result fromFile = Cli.run("analyze", "--format", "jsonl", "--type", "time_wait_reuse", pcap.toString());
        assertEquals(ExitCode.OK, fromFile.code(), fromFile::toString);
        assertEquals(Cli.keys(reuses), Cli.keys(fromFile.jsonLines()));
        assertEquals(reuses, fromFile.jsonLines(), "field for field");
        System.out.printf("live reuse test: %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** {@code --count N} stops after N packets by itself, with exit code 0 and a complete JSON report. */
    @Test
    @Order(2)
    void countStopsTheCapture() throws IOException {
        Path out = work.resolve("count.json");
        Path err = work.resolve("count.err");
        Process live = start(out, err, liveCommand(clientNs, "-i", CLIENT_DEV, "--filter", "tcp port " + PORT,
                "--count", "4", "--every", "1s", "--format", "json"));
        awaitLine(live, err, "twhazard: capturing on " + CLIENT_DEV);
        client(1);
        assertTrue(waitFor(live), "live stopped after --count packets");
        assertEquals(ExitCode.OK, live.exitValue(), Files.readString(err));
        JsonNode summary = Cli.readJson(Files.readString(out)).get("summary");
        assertEquals(4, summary.get("packets_read").asLong(), summary::toString);
        assertEquals(4, summary.get("packets_decoded").asLong(), "the kernel filter let only TCP through");
    }

    /** {@code --duration} ends the capture on a silent interface too (libpcap's immediate mode would block). */
    @Test
    @Order(3)
    void durationEndsTheCaptureOfASilentInterface() throws IOException {
        Path out = work.resolve("idle.txt");
        Path err = work.resolve("idle.err");
        long t0 = System.nanoTime();
        Process live = start(out, err, liveCommand(serverNs, "-i", "lo", "--duration", "2s", "--every", "500ms"));
        assertTrue(waitFor(live), "live stopped after --duration");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(ExitCode.OK, live.exitValue(), Files.readString(err));
        assertTrue(seconds >= 2, "ran " + seconds + " s");
        String text = Files.readString(out);
        assertTrue(text.contains("[live] 0 packets"), "periodic reports on stdout with --format text:\n" + text);
        assertTrue(text.contains("0 packets"), text);
    }

    @Test
    @Order(4)
    void unknownInterfaceIsAUsageError() throws IOException {
        Path err = work.resolve("nope.err");
        Process live = start(work.resolve("nope.out"), err, liveCommand(serverNs, "-i", "nope0", "--duration", "1s"));
        assertTrue(waitFor(live));
        assertEquals(ExitCode.USAGE, live.exitValue());
        assertEquals("twhazard: no interface named nope0 (see 'ip link')", Files.readString(err).strip());
    }

    private static String[] liveCommand(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "-jar", jar.toString(), "live"));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    /** Runs {@code count} client connections in the client namespace; returns what the client printed. */
    private static String client(int count) throws IOException {
        Path log = work.resolve("client-" + System.nanoTime() + ".log");
        Process p = start(log, log.resolveSibling(log.getFileName() + ".err"), "ip", "netns", "exec", clientNs, java, "-cp",
                testClasses, LivePeer.class.getName(), "client", SERVER, String.valueOf(PORT), String.valueOf(count),
                String.valueOf(GAP_MILLIS));
        assertTrue(waitFor(p), "client finished");
        String output = Files.readString(log) + Files.readString(log.resolveSibling(log.getFileName() + ".err"));
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    /** A kernel counter of the namespace, absolute ({@code nstat -a}), leaving nstat's history alone ({@code -s}). */
    private static long counter(String ns, String name) {
        String out = sh("ip", "netns", "exec", ns, "nstat", "-asz", name);
        return out.lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[1]))
                .findFirst().orElse(0);
    }

    private static Process start(Path stdout, Path stderr, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        processes.add(p);
        return p;
    }

    private static boolean waitFor(Process p) {
        try {
            if (p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.destroyForcibly();
        return false;
    }

    /** Waits (bounded) until {@code file} has a line starting with {@code prefix}, written by {@code p}. */
    private static void awaitLine(Process p, Path file, String prefix) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.readString(file).lines().anyMatch(l -> l.startsWith(prefix))) {
                return;
            }
            if (!p.isAlive()) {
                fail("exited " + p.exitValue() + " before printing '" + prefix + "':\n" + Files.readString(file));
            }
            sleep(50);
        }
        fail("no '" + prefix + "' within " + WAIT_SECONDS + " s:\n" + Files.readString(file));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String sh(String... command) {
        return Cli.exec(work == null ? Path.of(".") : work, command);
    }

    private static boolean succeeds(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && uid.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
