package dev.twhazard.detect;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.flow.Flow;
import dev.twhazard.flow.Incarnation;
import dev.twhazard.flow.KeyTable;
import dev.twhazard.flow.TimeWaitLedger;
import dev.twhazard.report.Finding;
import dev.twhazard.report.TimeWaitPressureFinding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code time_wait_pressure}, per host: its peak concurrent TIME_WAIT count and when, and for
 * each port it serves, the share of connections it closed first. Only the active closer holds
 * TIME_WAIT, so a server that closes first (HTTP/1.0 style) accumulates it; each TIME_WAIT costs
 * a bucket of {@code tcp_max_tw_buckets} and pins its quadruple.
 */
public final class TimeWaitPressureDetector implements Detector {

    /** Server ports listed per host, busiest first. */
    private static final int MAX_PORTS = 5;

    /** Closes counted for one server port: how many, and how many the server closed first. */
    private static final class ServerPort implements KeyTable.Keyed {
        final long hi;
        final long lo;
        final int port;
        private final int keyHash;
        long closes;
        long serverFirst;

        ServerPort(long hi, long lo, int port) {
            this.hi = hi;
            this.lo = lo;
            this.port = port;
            this.keyHash = KeyTable.hash(hi, lo, 0, 0, port);
        }

        @Override
        public boolean hasKey(long a, long b, long c, long d, int e) {
            return port == e && lo == b && hi == a;
        }

        @Override
        public int keyHash() {
            return keyHash;
        }
    }

    private final DetectorContext ctx;
    private final TimeWaitOverflowDetector overflow;
    private final KeyTable<ServerPort> closes = new KeyTable<>();
    /** The last server port counted: connections to one service come in runs. */
    private ServerPort last;

    public TimeWaitPressureDetector(DetectorContext ctx, TimeWaitOverflowDetector overflow) {
        this.ctx = ctx;
        this.overflow = overflow;
    }

    /** Forgets idle hosts that could not be reported (low peak, no overflow). */
    @Override
    public void sweep(long idleBefore) {
        ctx.ledger().sweepHosts(idleBefore, h -> h.peak() >= ctx.config().minTimeWaitPeak()
                || overflow.overflowsOf(h.hi(), h.lo()) > 0 || h.rfc1337());
    }

    @Override
    public void onIncarnationEnd(Flow flow, Incarnation inc, long time) {
        int client = inc.clientSide();
        if (client < 0 || inc.firstCloser() < 0) {
            return;
        }
        int server = 1 - client;
        long hi = flow.hi(server);
        long lo = flow.lo(server);
        int port = flow.port(server);
        ServerPort c = last;
        if (c == null || c.port != port || c.lo != lo || c.hi != hi) {
            c = closes.get(hi, lo, 0, 0, port, KeyTable.hash(hi, lo, 0, 0, port));
            if (c == null) {
                c = new ServerPort(hi, lo, port);
                closes.add(c);
            }
            last = c;
        }
        c.closes++;
        if (inc.activeCloser(server)) {
            c.serverFirst++;
        }
    }

    @Override
    public void finish() {
        // Only the hosts that can be reported are sorted, and the closes grouped by host once.
        List<TimeWaitLedger.HostTw> hosts = ctx.ledger().hosts().stream()
                .filter(h -> h.peak() >= ctx.config().minTimeWaitPeak() || overflow.overflowsOf(h.hi(), h.lo()) > 0)
                .sorted(Comparator.comparingInt(TimeWaitLedger.HostTw::peak).reversed()
                        .thenComparing(h -> IpAddress.format(h.hi(), h.lo())))
                .toList();
        if (hosts.isEmpty()) {
            return;
        }
        record Address(long hi, long lo) {
        }
        Map<Address, List<ServerPort>> portsOf = new HashMap<>();
        for (TimeWaitLedger.HostTw h : hosts) {
            portsOf.put(new Address(h.hi(), h.lo()), new ArrayList<>());
        }
        for (ServerPort p : closes.values()) {
            List<ServerPort> ports = portsOf.get(new Address(p.hi, p.lo));
            if (ports != null) {
                ports.add(p);
            }
        }
        for (TimeWaitLedger.HostTw h : hosts) {
            report(h, overflow.overflowsOf(h.hi(), h.lo()), portsOf.get(new Address(h.hi(), h.lo())));
        }
    }

    private void report(TimeWaitLedger.HostTw h, int overflows, List<ServerPort> ports) {
        String host = IpAddress.format(h.hi(), h.lo());
        List<ServerPort> busiest = ports.stream().sorted((x, y) -> Long.compare(y.closes, x.closes)).limit(MAX_PORTS).toList();
        String shares = busiest.stream().map(p -> p.port + ":" + share(p)).collect(Collectors.joining(" "));
        Severity severity = overflows > 0 ? Severity.HIGH
                : h.peak() >= 50_000 ? Severity.MEDIUM
                : h.peak() >= 10_000 ? Severity.LOW : Severity.INFO;
        StringBuilder b = new StringBuilder();
        b.append(host).append(" held up to ").append(h.peak()).append(" TIME_WAIT sockets at once (")
                .append(h.entered()).append(" in all, ").append(Phrases.seconds(h.timeWaitNanos())).append(" each)");
        if (!shares.isEmpty()) {
            b.append("; as a server it closed first on ")
                    .append(busiest.stream().map(p -> "port " + p.port + ": " + share(p)).collect(Collectors.joining(", ")))
                    .append(" of connections, and the first closer is the one that holds TIME_WAIT");
        }
        if (overflows > 0) {
            b.append("; ").append(overflows).append(overflows == 1 ? " RST showed" : " RSTs showed")
                    .append(" its TIME_WAIT table overflowing (tcp_max_tw_buckets)");
        }
        b.append('.');
        Finding.FindingCore core = new Finding.FindingCore(HazardId.TIME_WAIT_PRESSURE, severity, h.firstTime(),
                h.lastTime(), null, null, null, null, null, List.of(), b.toString());
        ctx.emit(new TimeWaitPressureFinding(core, host, h.peak(), h.peakTime(), shares));
    }

    private static String share(ServerPort p) {
        return String.format(Locale.ROOT, "%.2f", p.serverFirst / (double) p.closes);
    }
}
