package dev.twhazard.flow;

import dev.twhazard.decode.IpAddress;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long each host keeps TIME_WAIT: a default, optionally from an OS profile, overridden per
 * host or subnet (longest prefix wins). The lengths are the stacks' defaults:
 * <ul>
 *   <li>{@code linux}: 60 s, {@code TCP_TIMEWAIT_LEN}, fixed at compile time
 *       ({@code include/net/tcp.h}); {@code tcp_fin_timeout} does not change it.</li>
 *   <li>{@code windows}: 120 s, the {@code TcpTimedWaitDelay} default of current Windows
 *       (older releases used 240 s; the registry allows 30 to 300 s).</li>
 *   <li>{@code freebsd}: 60 s, 2 * {@code net.inet.tcp.msl} (30 s).</li>
 *   <li>{@code macos}: 30 s, 2 * {@code net.inet.tcp.msl} (15 s).</li>
 *   <li>{@code solaris}: 60 s, {@code tcp_time_wait_interval}.</li>
 *   <li>{@code rfc793}: 240 s, 2 * MSL with the RFC's MSL of 2 minutes.</li>
 * </ul>
 */
public final class TimeWaitLengths {

    /** Named OS profiles and their TIME_WAIT lengths. */
    public enum OsProfile {
        LINUX(60), WINDOWS(120), FREEBSD(60), MACOS(30), SOLARIS(60), RFC793(240);

        private final long seconds;

        OsProfile(long seconds) {
            this.seconds = seconds;
        }

        public Duration timeWait() {
            return Duration.ofSeconds(seconds);
        }

        public static OsProfile parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown OS profile: " + name
                        + " (expected: linux, windows, freebsd, macos, solaris or rfc793)", e);
            }
        }
    }

    private record Rule(long netHi, long netLo, int prefixBits, long nanos) {
        boolean matches(long hi, long lo) {
            if (prefixBits == 0) {
                return true;
            }
            if (prefixBits <= 64) {
                long mask = prefixBits == 64 ? -1L : ~(-1L >>> prefixBits);
                return (hi & mask) == netHi;
            }
            long mask = prefixBits == 128 ? -1L : ~(-1L >>> (prefixBits - 64));
            return hi == netHi && (lo & mask) == netLo;
        }
    }

    private final long defaultNanos;
    private final List<Rule> rules;

    private TimeWaitLengths(long defaultNanos, List<Rule> rules) {
        this.defaultNanos = defaultNanos;
        this.rules = List.copyOf(rules);
    }

    /** Linux's 60 s for every host. */
    public static TimeWaitLengths linuxDefault() {
        return new TimeWaitLengths(OsProfile.LINUX.timeWait().toNanos(), List.of());
    }

    public static TimeWaitLengths of(Duration defaultLength) {
        return new TimeWaitLengths(defaultLength.toNanos(), List.of());
    }

    /**
     * Adds an override for a host or subnet, e.g. {@code 10.1.0.0/16} or {@code 2001:db8::/32}
     * or a single address. A longer prefix wins over a shorter one.
     */
    public TimeWaitLengths with(String cidr, Duration length) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("TIME_WAIT length must be positive: " + length);
        }
        String[] parts = cidr.trim().split("/", 2);
        long[] addr = IpAddress.parse(parts[0]);
        boolean v4 = IpAddress.isV4(addr[0], addr[1]);
        int max = v4 ? 32 : 128;
        String prefix = parts.length == 2 ? parts[1].trim() : String.valueOf(max);
        int bits = prefix.matches("[0-9]{1,3}") ? Integer.parseInt(prefix) : -1;
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("bad prefix length in " + cidr + " (expected: 0 to " + max + ")");
        }
        int bits128 = v4 ? 96 + bits : bits;
        long hiMask = bits128 >= 64 ? -1L : (bits128 == 0 ? 0 : ~(-1L >>> bits128));
        long loMask = bits128 <= 64 ? 0 : (bits128 == 128 ? -1L : ~(-1L >>> (bits128 - 64)));
        List<Rule> next = new ArrayList<>(rules);
        next.add(new Rule(addr[0] & hiMask, addr[1] & loMask, bits128, length.toNanos()));
        next.sort((x, y) -> Integer.compare(y.prefixBits, x.prefixBits));
        return new TimeWaitLengths(defaultNanos, next);
    }

    /** TIME_WAIT length of the host, in nanoseconds. */
    public long nanosFor(long hi, long lo) {
        for (Rule r : rules) {
            if (r.matches(hi, lo)) {
                return r.nanos;
            }
        }
        return defaultNanos;
    }

    public long defaultNanos() {
        return defaultNanos;
    }

    /** The longest length any host can have, for retention of closed connections. */
    public long maxNanos() {
        long max = defaultNanos;
        for (Rule r : rules) {
            max = Math.max(max, r.nanos);
        }
        return max;
    }

    /** Parses {@code 60s}, {@code 2m}, {@code 1500ms}, {@code 90} (seconds). */
    public static Duration parseDuration(String text) {
        // Only plain decimal numbers: Double.parseDouble would also take "2d" or "1e3f" (Java
        // literal suffixes), "NaN" and "Infinity", none of which is a duration a user meant.
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text + " (expected: e.g. 60s, 2m, 1500ms)");
        }
        String unit = m.group(2);
        if (unit.equals("ms") && m.group(1).contains(".")) {
            throw new IllegalArgumentException("not a duration: " + text + " (expected: e.g. 60s, 2m, 1500ms; whole milliseconds)");
        }
        long millisPerUnit = switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1_000; // "s" or a bare number
        };
        long millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(millisPerUnit))
                .setScale(0, RoundingMode.HALF_UP).longValueExact();
        if (millis > MAX_MILLIS) {
            // Durations become nanoseconds (a long: about 292 years) for the tracker's clocks.
            throw new IllegalArgumentException("not a duration: " + text + " (at most 100 years)");
        }
        return Duration.ofMillis(millis);
    }

    /** A decimal number (at most 12 digits before the point; a sign, for a clear "not above zero" later), and a unit. */
    private static final long MAX_MILLIS = Duration.ofDays(36_525).toMillis();

    private static final Pattern DURATION = Pattern.compile("(-?[0-9]{1,12}(?:\\.[0-9]{1,9})?)\\s*(ms|s|m|h|)");
}
