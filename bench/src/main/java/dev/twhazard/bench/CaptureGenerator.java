package dev.twhazard.bench;

import dev.twhazard.decode.IpAddress;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Writes a deterministic capture of many short TCP connections between simulated Linux and
 * Windows hosts, as a mirror port near the servers would record them, with TIME_WAIT hazards
 * planted at known places, and {@code planted.csv} listing each one with the attributes the
 * analyzer should report.
 *
 * <p>The simulation is event-driven: connections start as a Poisson process, each follows a
 * script (handshake with MSS/SACK_PERM/TS/WS, one or more request/response exchanges, a close by
 * either end or an abort, sometimes with retransmissions), and a priority queue interleaves the
 * segments of the thousands of connections open at once in capture-time order. Planted hazards
 * are short stories over one quadruple (see {@link Story}); each reproduces what a Linux kernel
 * sends (see DOMAIN.md and the comments at each step).
 *
 * <pre>
 * java -cp bench.jar dev.twhazard.bench.CaptureGenerator --seed 1 --connections 1000000 \
 *     --mix realistic -o out/big.pcap          # also writes out/big.planted.csv
 * java -cp bench.jar dev.twhazard.bench.CaptureGenerator --connections 10000000 -o - | twhazard analyze -
 * </pre>
 */
public final class CaptureGenerator implements Conn.Listener {

    static final long SECOND = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final long US = 1_000L;
    /** Linux TCP_TIMEWAIT_LEN. */
    static final long TIME_WAIT = 60 * SECOND;
    /** Linux nf_conntrack_tcp_timeout_time_wait: how long a NAT keeps a closed mapping. */
    static final long NAT_TIME_WAIT = 120 * SECOND;
    /** Linux TCP_TIMEOUT_INIT: the first SYN retransmission. */
    static final long SYN_RTO = SECOND;
    static final long MIN_RTO = 200 * MS;
    static final long ROUTER_MAC = 0x02_00_5E_00_00_01L;
    static final int MSS_PAYLOAD = 1448;

    /** Settings of one run. */
    record Options(long seed, long connections, Mix mix, double rate, String format, String output, String planted,
                   long startNanos, double warmupSeconds, int servers, int clients, int gateways) {

        static Options parse(String[] args) {
            long seed = 1;
            long connections = 100_000;
            String mix = "realistic";
            double rate = 5000;
            String format = null;
            String output = null;
            String planted = null;
            long start = Instant.parse("2026-01-05T09:00:00Z").getEpochSecond() * SECOND;
            double warmup = 1;
            int servers = 48;
            int clients = 6000;
            int gateways = 64;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--seed" -> seed = Long.parseLong(need(a, v));
                    case "--connections", "-n" -> connections = parseCount(need(a, v));
                    case "--mix" -> mix = need(a, v);
                    case "--rate" -> rate = Double.parseDouble(need(a, v));
                    case "--format" -> format = need(a, v);
                    case "-o", "--output" -> output = need(a, v);
                    case "--planted" -> planted = need(a, v);
                    case "--start" -> start = Instant.parse(need(a, v)).getEpochSecond() * SECOND;
                    case "--warmup" -> warmup = Double.parseDouble(need(a, v));
                    case "--servers" -> servers = Integer.parseInt(need(a, v));
                    case "--clients" -> clients = Integer.parseInt(need(a, v));
                    case "--gateways" -> gateways = Integer.parseInt(need(a, v));
                    case "-h", "--help" -> throw new IllegalArgumentException("help");
                    default -> throw new IllegalArgumentException("unknown option: " + a);
                }
                i++;
            }
            if (output == null) {
                throw new IllegalArgumentException("-o FILE (or -o - for standard output) is required");
            }
            if (format == null) {
                format = output.endsWith(".pcapng") ? "pcapng" : "pcap";
            }
            if (planted == null && !output.equals("-")) {
                String base = output.replaceFirst("\\.(pcap|pcapng)$", "");
                planted = base + ".planted.csv";
            }
            if (connections < 1 || rate <= 0 || servers < 1 || clients < 1 || gateways < 1 || warmup < 0) {
                throw new IllegalArgumentException("counts and the rate must be positive");
            }
            return new Options(seed, connections, Mix.parse(mix), rate, format, output, planted, start, warmup, servers,
                    clients, gateways);
        }

        private static String need(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }

        private static long parseCount(String s) {
            String t = s.toLowerCase(Locale.ROOT).replace("_", "");
            long m = 1;
            if (t.endsWith("k")) {
                m = 1_000;
                t = t.substring(0, t.length() - 1);
            } else if (t.endsWith("m")) {
                m = 1_000_000;
                t = t.substring(0, t.length() - 1);
            }
            return Math.round(Double.parseDouble(t) * m);
        }
    }

    static final String USAGE = """
            usage: CaptureGenerator -o FILE|- [--seed N] [--connections N] [--mix SPEC] [--rate CONN_PER_S]
                                    [--format pcap|pcapng] [--planted FILE] [--start ISO_INSTANT] [--warmup SECONDS]
                                    [--servers N] [--clients N] [--gateways N]
              -o FILE        the capture (.pcap or .pcapng; - for standard output)
              --connections  SYN-started connections to simulate (default 100k; 1m = one million)
              --mix          realistic (default), dense or clean, with overrides: realistic,nat_paws=0.001
              --rate         new connections per second of capture time (default 5000)
              --planted      where to list the planted hazards (default: FILE without extension + .planted.csv)
              --warmup       seconds simulated before the capture starts (default 1: it starts mid-traffic)
            """;

    /** Counters printed at the end. */
    static final class Stats {
        long connections;
        long stories;
        long peakOpen;
        long open;
        final Map<String, Long> planted = new TreeMap<>();
    }

    final Options options;
    final SplittableRandom random;
    final Scheduler scheduler = new Scheduler();
    final PacketWriter writer;
    final CaptureOut out;
    final Stats stats = new Stats();
    private final ArrayDeque<Conn> pool = new ArrayDeque<>();
    private final List<PlantedRow> rows = new ArrayList<>();
    private final LongLongMap natTable = new LongLongMap(1 << 16);
    final long captureStart;

    // The hosts.
    final Host[] servers;
    final int[][] serverPorts;
    final long[] serverDelay;
    final Host[] clients;
    final long[] clientDelay;
    final Host[] gateways;
    final Host[][] members;
    final long[] gatewayDelay;

    CaptureGenerator(Options options, OutputStream sink) throws IOException {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.out = CaptureOut.open(options.format(), sink);
        this.captureStart = options.startNanos();
        this.writer = new PacketWriter(out, captureStart, options.mix().get(Mix.DUPLICATE), random.nextLong());
        long now = captureStart;
        int n = options.servers();
        servers = new Host[n];
        serverPorts = new int[n][];
        serverDelay = new long[n];
        int[] portChoices = {80, 443, 8080};
        for (int i = 0; i < n; i++) {
            // Servers: 198.18.0.0/24 (RFC 2544 benchmarking addresses), Linux with timestamps.
            servers[i] = linuxHost(i, 0xC6120000 | (i + 10), true, 64, now);
            serverPorts[i] = random.nextInt(3) == 0 ? new int[] {80, 443} : new int[] {portChoices[i % 3]};
            serverDelay[i] = 20 * US + random.nextLong(130 * US);
        }
        Mix mix = options.mix();
        int m = options.clients();
        clients = new Host[m];
        clientDelay = new long[m];
        for (int i = 0; i < m; i++) {
            int ip = 0xC6130000 + 0x100 + i; // 198.19.1.0 upward
            int hops = 3 + random.nextInt(18);
            double kind = random.nextDouble();
            if (kind < mix.get(Mix.WINDOWS_CLIENTS)) {
                clients[i] = new Host(i, ip, mac(ip), Host.WINDOWS, false, 8, 128 - hops, now - uptime(),
                        random.nextLong(), random.nextLong(), -1, random.nextInt(65536));
            } else {
                boolean ts = kind >= mix.get(Mix.WINDOWS_CLIENTS) + mix.get(Mix.NO_TS_CLIENTS);
                clients[i] = linuxHost(i, ip, ts, 64 - hops, now);
            }
            clientDelay[i] = pathDelay();
        }
        int g = options.gateways();
        gateways = new Host[g];
        members = new Host[g][];
        gatewayDelay = new long[g];
        for (int i = 0; i < g; i++) {
            int ip = 0xC613F000 + i; // 198.19.240.0 upward
            int hops = 3 + random.nextInt(15);
            gateways[i] = linuxHost(i, ip, true, 64, now);
            gatewayDelay[i] = pathDelay();
            members[i] = new Host[3 + random.nextInt(14)];
            for (int j = 0; j < members[i].length; j++) {
                int priv = 0xC0A80000 | (i << 8) | (j + 2); // 192.168.i.j, never on the wire
                members[i][j] = new Host(j, priv, mac(ip), Host.LINUX, true, 7, 64 - hops - 1, now - uptime(),
                        random.nextLong(), random.nextLong(), i, random.nextInt(65536));
            }
        }
    }

    private Host linuxHost(int index, int ip, boolean timestamps, int ttl, long now) {
        return new Host(index, ip, mac(ip), Host.LINUX, timestamps, 7, ttl, now - uptime(), random.nextLong(),
                random.nextLong(), -1, random.nextInt(65536));
    }

    private long uptime() {
        return SECOND * (3600 + random.nextLong(100L * 86_400));
    }

    private static long mac(int ip) {
        return 0x02_00_00_00_00_00L | (ip & 0xFFFFFFFFL);
    }

    /** One-way delay between a client and the capture point (near the servers). */
    private long pathDelay() {
        double d = random.nextDouble();
        if (d < 0.3) {
            return 200 * US + random.nextLong(800 * US);
        }
        if (d < 0.8) {
            return 2 * MS + random.nextLong(13 * MS);
        }
        return 20 * MS + random.nextLong(40 * MS);
    }

    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().equals("help")) {
                System.err.println("CaptureGenerator: " + e.getMessage());
            }
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        OutputStream sink = o.output().equals("-") ? new FileOutputStream(java.io.FileDescriptor.out)
                : new BufferedOutputStream(Files.newOutputStream(Path.of(o.output())), 1 << 16);
        long t0 = System.nanoTime();
        CaptureGenerator g = new CaptureGenerator(o, sink);
        g.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        PrintStream err = System.err;
        err.printf(Locale.ROOT, "generated %s: %d packets (%d mirror duplicates), %.1f MB, %d connections (%d planted stories),"
                        + " %.1f s of capture, peak %d open connections, in %.1f s (%.2f M packets/s)%n",
                o.output(), g.writer.frames(), g.writer.duplicates, g.out.bytesWritten / 1e6, g.stats.connections,
                g.stats.stories, g.captureSeconds(), g.stats.peakOpen, secs, g.writer.frames() / secs / 1e6);
        err.println("planted: " + g.stats.planted + (o.planted() != null ? " -> " + o.planted() : ""));
    }

    /**
     * Generates a capture in memory (for benchmarks and tests): classic pcap, no planted list.
     *
     * @param mix a mix spec as for {@code --mix}
     */
    public static byte[] generate(long seed, long connections, String mix) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Options o = Options.parse(new String[] {"--seed", Long.toString(seed), "--connections", Long.toString(connections),
            "--mix", mix, "--warmup", "0", "-o", "-"});
        new CaptureGenerator(o, bytes).run();
        return bytes.toByteArray();
    }

    long lastTime;

    double captureSeconds() {
        return (lastTime - captureStart) / 1e9;
    }

    /** Runs the simulation to its end and closes the outputs. */
    void run() throws IOException {
        long simStart = captureStart - Math.round(options.warmupSeconds() * SECOND);
        scheduler.add(new Arrivals(), simStart);
        Scheduler.Actor a;
        while ((a = scheduler.peek()) != null) {
            lastTime = Math.max(lastTime, a.time);
            scheduler.step();
        }
        writer.finish();
        out.close();
        if (options.planted() != null) {
            rows.sort(Comparator.comparingLong(r -> r.keyFrame));
            try (Writer w = Files.newBufferedWriter(Path.of(options.planted()), StandardCharsets.UTF_8)) {
                PlantedRow.writeHeader(w);
                for (PlantedRow r : rows) {
                    if (r.keyFrame > 0) {
                        r.write(w);
                    }
                }
            }
        }
    }

    // ---- Connections --------------------------------------------------------------------------

    Conn obtain() {
        Conn c = pool.pollFirst();
        if (c == null) {
            c = new Conn(writer, this);
        }
        c.reset();
        stats.connections++;
        stats.open++;
        stats.peakOpen = Math.max(stats.peakOpen, stats.open);
        return c;
    }

    void start(Conn c) {
        scheduler.add(c, c.opTime[0]);
    }

    @Override
    public void done(Conn c, long now) {
        stats.open--;
        if (c.natKey >= 0) {
            natTable.put(c.natKey, now + NAT_TIME_WAIT);
        }
        if (c.story != null) {
            ((Story) c.story).connectionDone(c, now);
        }
        pool.addFirst(c);
    }

    /** Fills in who talks to whom; the client is {@code host} behind {@code gateway} (or -1). */
    void endpoints(Conn c, Host host, int gateway, int privatePort, int publicPort, Host server, int serverPort,
                   long serverDelayNanos) {
        c.client = host;
        c.server = server;
        c.privateIp = host.ip;
        c.privatePort = privatePort;
        c.clientIp = gateway >= 0 ? gateways[gateway].ip : host.ip;
        c.clientPort = publicPort;
        c.serverIp = server.ip;
        c.serverPort = serverPort;
        c.clientMac = ROUTER_MAC;
        c.serverMac = server.mac;
        c.clientTtl = host.ttl;
        c.ds = serverDelayNanos;
        c.ipId[Conn.C] = random.nextInt(65536);
        c.ipId[Conn.S] = random.nextInt(65536);
    }

    /** A natural connection from a random client to a random server. */
    void natural(long now) {
        Conn c = obtain();
        Mix mix = options.mix();
        int si = random.nextInt(servers.length);
        Host server = servers[si];
        int[] ports = serverPorts[si];
        int sport = ports[random.nextInt(ports.length)];
        if (random.nextDouble() < mix.get(Mix.NAT_CLIENTS)) {
            int g = random.nextInt(gateways.length);
            Host h = members[g][random.nextInt(members[g].length)];
            int priv = h.ephemeralPort(server.ip, sport);
            int pub = natPort(g, priv, si, sport, now);
            c.natKey = natKey(g, pub, si, sport);
            natTable.put(c.natKey, Long.MAX_VALUE);
            endpoints(c, h, g, priv, pub, server, sport, serverDelay[si]);
            c.dc = gatewayDelay[g] + 50 * US + random.nextLong(500 * US);
        } else {
            int ci = random.nextInt(clients.length);
            Host h = clients[ci];
            int port = h.ephemeralPort(server.ip, sport);
            endpoints(c, h, -1, port, port, server, sport, serverDelay[si]);
            c.dc = clientDelay[ci];
        }
        Script s = new Script(c, now);
        s.handshake(random.nextDouble() < mix.get(Mix.SYN_RETRANSMIT));
        int rounds = random.nextDouble() < mix.get(Mix.KEEP_ALIVE) ? 2 + random.nextInt(4) : 1;
        boolean abort = random.nextDouble() < mix.get(Mix.ABORT);
        boolean serverCloses = !abort && random.nextDouble() < mix.get(Mix.SERVER_CLOSES);
        for (int i = 0; i < rounds; i++) {
            boolean last = i == rounds - 1;
            s.exchange(i == 0 ? 0 : think(), last && serverCloses, random.nextDouble() < mix.get(Mix.DATA_RETRANSMIT));
        }
        boolean finalAckLost = random.nextDouble() < mix.get(Mix.FINAL_ACK_LOST);
        if (abort) {
            s.abort(random.nextBoolean() ? Conn.S : Conn.C);
        } else if (serverCloses) {
            s.serverCloses(finalAckLost ? Script.LOST_FINAL_ACK_REACKED : Script.FINAL_ACK);
        } else {
            s.clientCloses(finalAckLost);
        }
        start(c);
    }

    private long think() {
        return 20 * MS + (long) (-Math.log(1 - random.nextDouble()) * SECOND);
    }

    static long natKey(int gateway, int port, int server, int serverPort) {
        return (long) gateway << 48 | (long) port << 32 | (long) server << 16 | serverPort;
    }

    /**
     * The NAT keeps the private port when that public quadruple is free (MASQUERADE,
     * {@code nf_nat_setup_info}: the original tuple if unique), else takes the next free one. A
     * closed mapping stays taken for the conntrack TIME_WAIT timeout (120 s).
     */
    private int natPort(int g, int privatePort, int server, int serverPort, long now) {
        if (natTable.size() > 1 << 20) {
            natTable.retainAtLeast(now);
        }
        int port = privatePort;
        for (int i = 0; i < 65536; i++) {
            long until = natTable.get(natKey(g, port, server, serverPort));
            if (until == LongLongMap.MISSING || until < now) {
                return port;
            }
            port = port + 1 > Host.LINUX_PORT_HIGH ? Host.LINUX_PORT_LOW : port + 1;
        }
        throw new IllegalStateException("NAT " + g + ": no free port");
    }

    /**
     * Builds a connection's script with the timing of a path through the capture point: a
     * segment one end sends in answer to the other is captured {@code 2 * d} after what it
     * answers ({@code d} its one-way delay to the capture point) plus its processing time.
     */
    final class Script {
        static final int FINAL_ACK = 0;
        static final int LOST_FINAL_ACK_REACKED = 1;
        static final int LOST_FINAL_ACK_RST = 2;

        final Conn c;
        long t;
        private boolean serverFinSent;

        Script(Conn c, long start) {
            this.c = c;
            this.t = start;
        }

        long us(long lo, long hi) {
            return lo * US + random.nextLong((hi - lo) * US + 1);
        }

        /** SYN (a retransmission 1 s later if the first was lost past the capture point), SYN-ACK, ACK. */
        void handshake(boolean synLost) {
            long synTime = c.add(Conn.SYN, Conn.C, t);
            t = synTime;
            if (synLost) {
                t = c.add(Conn.SYN_RETRANSMIT, Conn.C, t + SYN_RTO);
            }
            t = c.add(Conn.SYN_ACK, Conn.S, t + 2 * c.ds + us(15, 80));
            c.initEnds(synTime - c.dc, t - c.ds);
            t = c.add(Conn.ACK, Conn.C, t + 2 * c.dc + us(5, 30));
        }

        /** A request and its response, the client's ACK; the server may close with its response. */
        void exchange(long thinkTime, boolean serverClosesAfter, boolean responseLost) {
            t = c.add(Conn.DATA, Conn.C, t + (thinkTime == 0 ? us(2, 20) : thinkTime), requestSize());
            long proc = 50 * US + (long) (-Math.log(1 - random.nextDouble()) * 800 * US);
            t += 2 * c.ds + proc;
            if (serverClosesAfter && !responseLost && random.nextBoolean()) {
                t = c.add(Conn.DATA_FIN, Conn.S, t, responseSize());
                serverFinSent = true;
            } else {
                t = c.add(Conn.DATA, Conn.S, t, responseSize());
                if (responseLost) {
                    // Lost past the capture point: the RTO (at least 200 ms) sends it again.
                    t = c.add(Conn.RETRANSMIT_DATA, Conn.S, t + MIN_RTO + 2 * (c.dc + c.ds) + us(0, 20_000));
                }
                if (serverClosesAfter) {
                    // close() right after write(): the FIN follows the response, crossing the client's ACK.
                    t = c.add(Conn.FIN, Conn.S, t + us(5, 60));
                    serverFinSent = true;
                }
            }
            if (!(serverFinSent && random.nextBoolean())) {
                t = c.add(Conn.ACK, Conn.C, t + 2 * c.dc + us(5, 40));
            }
        }

        /** HTTP/1.0 style: the server's FIN is out; the client answers with its FIN, the server ACKs. */
        void serverCloses(int finalAck) {
            if (!serverFinSent) {
                t = c.add(Conn.FIN, Conn.S, t + us(20, 300));
            }
            // The client's application sees EOF and closes; if it had not ACKed the FIN yet, its FIN
            // carries that ACK.
            t = c.add(Conn.FIN, Conn.C, t + (c.lastDir() == Conn.C ? us(10, 120) : 2 * c.dc + us(10, 120)));
            t = c.add(Conn.ACK, Conn.S, t + 2 * c.ds + us(5, 30));
            if (finalAck != FINAL_ACK) {
                // The final ACK was captured but lost behind the capture point: the client retransmits
                // its FIN from LAST_ACK after its RTO.
                t = c.add(Conn.RETRANSMIT_FIN, Conn.C, t + 2 * c.dc + MIN_RTO + us(0, 200_000));
                if (finalAck == LOST_FINAL_ACK_REACKED) {
                    // tcp_timewait_state_process: a retransmitted FIN is ACKed again (TCP_TW_ACK).
                    t = c.add(Conn.TIME_WAIT_ACK, Conn.S, t + 2 * c.ds + us(5, 30));
                } else {
                    // No TIME_WAIT bucket (tcp_max_tw_buckets reached): no socket answers with a RST.
                    t = c.add(Conn.RST_NO_SOCKET, Conn.S, t + 2 * c.ds + us(5, 30));
                }
            }
        }

        /** The client closes first and ends in TIME_WAIT. */
        void clientCloses(boolean finalAckLost) {
            t = c.add(Conn.FIN, Conn.C, t + us(10, 200));
            if (random.nextDouble() < 0.6) {
                // The server application closes at once: its FIN carries the ACK of the client's.
                t = c.add(Conn.FIN, Conn.S, t + 2 * c.ds + us(20, 300));
            } else {
                t = c.add(Conn.ACK, Conn.S, t + 2 * c.ds + us(5, 30));
                t = c.add(Conn.FIN, Conn.S, t + us(50, 3000));
            }
            t = c.add(Conn.ACK, Conn.C, t + 2 * c.dc + us(5, 30));
            if (finalAckLost) {
                t = c.add(Conn.RETRANSMIT_FIN, Conn.S, t + 2 * c.ds + MIN_RTO + us(0, 200_000));
                t = c.add(Conn.TIME_WAIT_ACK, Conn.C, t + 2 * c.dc + us(5, 30));
            }
        }

        /** SO_LINGER 0: RST|ACK instead of FIN, no TIME_WAIT anywhere. */
        void abort(int side) {
            t = c.add(Conn.RST_ABORT, side, t + (side == Conn.C ? us(10, 500) : 2 * c.ds + us(10, 500)));
        }

        int requestSize() {
            return 20 + random.nextInt(60);
        }

        int responseSize() {
            return 20 + random.nextInt(100);
        }
    }

    // ---- Arrivals -----------------------------------------------------------------------------

    /** Starts connections and stories as a Poisson process until the connection budget is spent. */
    final class Arrivals extends Scheduler.Actor {
        private final double[] storyShare = new double[Mix.STORIES.length];
        private long reserved;

        Arrivals() {
            for (int i = 0; i < storyShare.length; i++) {
                storyShare[i] = options.mix().get(Mix.STORIES[i]);
            }
        }

        @Override
        boolean fire(long now) {
            if (reserved >= options.connections()) {
                return false;
            }
            String story = null;
            if (now >= captureStart) {
                double d = random.nextDouble();
                for (int i = 0; i < storyShare.length; i++) {
                    if (d < storyShare[i]) {
                        story = Mix.STORIES[i];
                        break;
                    }
                    d -= storyShare[i];
                }
            }
            if (story != null) {
                Story s = new Story(CaptureGenerator.this, story, now);
                if (s.begin()) {
                    reserved += s.connections;
                    stats.stories++;
                } else {
                    natural(now);
                    reserved++;
                }
            } else {
                natural(now);
                reserved++;
            }
            time = now + Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * SECOND / options.rate()));
            return true;
        }
    }

    void plant(PlantedRow row) {
        rows.add(row);
        stats.planted.merge(row.get("scenario"), 1L, Long::sum);
    }

    /** As the analyzer writes it, so that planted rows and findings compare as strings. */
    static String ip(int ip) {
        return IpAddress.format(IpAddress.V4_MAPPED_HI, IpAddress.v4Lo(ip));
    }
}
