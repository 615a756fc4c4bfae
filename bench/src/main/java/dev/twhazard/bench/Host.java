package dev.twhazard.bench;

/**
 * One simulated host: its address, its stack's behaviour (Linux or Windows, timestamps on or
 * off), and the secrets and clocks from which its ISNs and TSvals derive:
 * <ul>
 *   <li>ISN = hash(secret, 4-tuple) + (time in ns &gt;&gt; 6), as Linux {@code secure_tcp_seq}
 *       (RFC 6528 with a 64 ns clock);</li>
 *   <li>TSval = hash(tsSecret, 4-tuple) + milliseconds since boot, as Linux 6.x with its random
 *       offset per 4-tuple ({@code secure_tcp_seq_and_ts_off}): incarnations of one quadruple
 *       from one host share a clock, other quadruples and other hosts do not;</li>
 *   <li>IPv4 identification: Linux counts per socket from a random start
 *       ({@code ip_select_ident_segs}; SYN-ACKs, and the ACKs and RSTs sent without a full
 *       socket, carry 0); Windows counts once per host.</li>
 * </ul>
 */
final class Host {

    static final int LINUX = 0;
    static final int WINDOWS = 1;

    /** Linux {@code ip_local_port_range} default, and the Windows dynamic port range. */
    static final int LINUX_PORT_LOW = 32768;
    static final int LINUX_PORT_HIGH = 60999;
    static final int WINDOWS_PORT_LOW = 49152;
    static final int WINDOWS_PORT_HIGH = 65535;
    /** Ports the planted stories bind explicitly: above Linux's ephemeral range, never chosen by it. */
    static final int PLANTED_PORT_LOW = 61000;
    static final int PLANTED_PORT_HIGH = 65535;
    static final int PERTURB_BUCKETS = 64;

    final int index;
    final int ip;
    final long mac;
    final int os;
    final boolean timestamps;
    final int windowScale;
    /** TTL of its packets where the capture sees them. */
    final int ttl;
    final long bootNanos;
    final long secret;
    final long tsSecret;
    /** For a host behind a NAT: the gateway; else -1. */
    final int gateway;

    int globalIpId;
    private int[] perturb;
    private int windowsNextPort;
    int plantedNextPort = PLANTED_PORT_LOW;

    Host(int index, int ip, long mac, int os, boolean timestamps, int windowScale, int ttl, long bootNanos, long secret,
         long tsSecret, int gateway, int firstIpId) {
        this.index = index;
        this.ip = ip;
        this.mac = mac;
        this.os = os;
        this.timestamps = timestamps;
        this.windowScale = windowScale;
        this.ttl = ttl;
        this.bootNanos = bootNanos;
        this.secret = secret;
        this.tsSecret = tsSecret;
        this.gateway = gateway;
        this.globalIpId = firstIpId;
        this.windowsNextPort = WINDOWS_PORT_LOW + (int) Long.remainderUnsigned(secret, WINDOWS_PORT_HIGH - WINDOWS_PORT_LOW);
    }

    /** The 4-tuple hash used for ISNs and TSval offsets, keyed by one of the host's secrets. */
    static long tupleHash(long key, int srcIp, int srcPort, int dstIp, int dstPort) {
        long h = key ^ ((long) srcIp << 32 | (dstIp & 0xFFFFFFFFL));
        h = mix(h);
        h ^= (long) srcPort << 16 | dstPort;
        return mix(h);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    int isn(int srcIp, int srcPort, int dstIp, int dstPort, long sendNanos) {
        if (os == WINDOWS) {
            // RFC 6528 with a 4 us clock.
            return (int) tupleHash(secret, srcIp, srcPort, dstIp, dstPort) + (int) (sendNanos / 4_000);
        }
        return (int) tupleHash(secret, srcIp, srcPort, dstIp, dstPort) + (int) (sendNanos >>> 6);
    }

    int tsOffset(int srcIp, int srcPort, int dstIp, int dstPort) {
        return (int) tupleHash(tsSecret, srcIp, srcPort, dstIp, dstPort);
    }

    /** Milliseconds since boot, the clock TSvals count (1 kHz). */
    int tsClock(long sendNanos) {
        return (int) ((sendNanos - bootNanos) / 1_000_000L);
    }

    /**
     * The next ephemeral port toward a destination. Linux ({@code __inet_hash_connect}): even
     * ports from an offset hashed from the destination plus a per-bucket perturbation that grows
     * by 2 per connection, so ports to one destination come around only after the range is used
     * up. Windows: one sequential counter.
     */
    int ephemeralPort(int dstIp, int dstPort) {
        if (os == WINDOWS) {
            int p = windowsNextPort++;
            if (windowsNextPort > WINDOWS_PORT_HIGH) {
                windowsNextPort = WINDOWS_PORT_LOW;
            }
            return p;
        }
        if (perturb == null) {
            perturb = new int[PERTURB_BUCKETS];
        }
        long h = tupleHash(secret, ip, 0, dstIp, dstPort);
        int bucket = (int) (h >>> 58) & (PERTURB_BUCKETS - 1);
        int range = LINUX_PORT_HIGH - LINUX_PORT_LOW + 1;
        int offset = (int) Long.remainderUnsigned(h + perturb[bucket], range) & ~1;
        perturb[bucket] += 2;
        return LINUX_PORT_LOW + offset;
    }

    /** A port for a planted story (bound explicitly, outside the ephemeral range); -1 when used up. */
    int plantedPort() {
        if (plantedNextPort > PLANTED_PORT_HIGH) {
            return -1;
        }
        return plantedNextPort++;
    }
}
