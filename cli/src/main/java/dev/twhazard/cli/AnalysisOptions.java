package dev.twhazard.cli;

import dev.twhazard.detect.AnalyzerConfig;
import dev.twhazard.detect.HazardId;
import dev.twhazard.detect.Severity;
import dev.twhazard.flow.TimeWaitLengths;
import dev.twhazard.flow.TrackerConfig;
import dev.twhazard.report.Finding;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/** Analysis options shared by {@code analyze}, {@code packets} and {@code live}. */
final class AnalysisOptions {

    @Option(names = "--time-wait", paramLabel = "DURATION",
            description = "TIME_WAIT length assumed for every host (default: 60s, Linux's TCP_TIMEWAIT_LEN; "
                    + "or the --os-profile's). Units: ms, s, m.")
    String timeWait;

    @Option(names = "--time-wait-for", paramLabel = "CIDR=DURATION",
            description = "TIME_WAIT length for a host or subnet, e.g. 10.1.0.0/16=240s (repeatable; longest prefix wins).")
    List<String> timeWaitFor = new ArrayList<>();

    @Option(names = "--os-profile", paramLabel = "NAME",
            description = "Default TIME_WAIT length from an OS profile: linux (60 s), windows (120 s), freebsd (60 s), "
                    + "macos (30 s), solaris (60 s), rfc793 (240 s).")
    String osProfile;

    @Option(names = "--port-range", paramLabel = "LOW-HIGH",
            description = "The clients' ephemeral port range (net.ipv4.ip_local_port_range), e.g. 32768-60999; "
                    + "default: inferred from the ports seen.")
    String portRange;

    @Option(names = "--min-severity", paramLabel = "SEVERITY",
            description = "Report only findings at or above: info, low, medium, high (default: info).")
    String minSeverity = "info";

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Report only this finding type (repeatable): time_wait_reuse, old_incarnation_segment, "
                    + "paws_nat_regression, tw_overflow_rst, port_exhaustion_risk, time_wait_pressure.")
    List<String> types = new ArrayList<>();

    @Option(names = "--since", paramLabel = "TIME",
            description = "Analyse only packets at or after TIME (epoch seconds, or ISO date-time, UTC if no zone).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Analyse only packets before TIME.")
    String until;

    @Option(names = "--filter", paramLabel = "EXPR",
            description = "Capture filter in tcpdump's syntax (e.g. 'host 10.0.0.1 and port 80'), compiled by libpcap.")
    String filter;

    @Option(names = "--max-flows", paramLabel = "N",
            description = "Track at most N quadruples; the least recently active are evicted beyond (default: 4000000).")
    int maxFlows = 4_000_000;

    AnalyzerConfig config() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault();
        if (osProfile != null) {
            try {
                lengths = TimeWaitLengths.of(TimeWaitLengths.OsProfile.parse(osProfile).timeWait());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--os-profile " + osProfile + ": " + e.getMessage());
            }
        }
        if (timeWait != null) {
            lengths = TimeWaitLengths.of(duration("--time-wait", timeWait));
        }
        for (String rule : timeWaitFor) {
            int eq = rule.indexOf('=');
            if (eq < 0) {
                throw new UsageException("--time-wait-for " + rule + ": expected CIDR=DURATION, e.g. 10.1.0.0/16=240s");
            }
            Duration length = positiveDuration("--time-wait-for " + rule, rule.substring(eq + 1));
            try {
                lengths = lengths.with(rule.substring(0, eq), length);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--time-wait-for " + rule + ": " + e.getMessage());
            }
        }
        if (maxFlows < 1000) {
            throw new UsageException("--max-flows " + maxFlows + ": too small (expected: at least 1000)");
        }
        AnalyzerConfig cfg = AnalyzerConfig.defaults()
                .withTracker(TrackerConfig.defaults().withTimeWait(lengths).withMaxFlows(maxFlows));
        if (portRange != null) {
            int[] range = portRange(portRange);
            cfg = cfg.withPortRange(range[0], range[1]);
        }
        return cfg;
    }

    /** {@code LOW-HIGH} with {@code 1 <= LOW <= HIGH <= 65535}. */
    static int[] portRange(String text) {
        String rule = " (expected: LOW-HIGH with 1 <= LOW <= HIGH <= 65535, e.g. 32768-60999)";
        String[] p = text.trim().split("-", 2);
        int low;
        int high;
        try {
            low = Integer.parseInt(p[0].trim());
            high = Integer.parseInt(p[1].trim());
        } catch (RuntimeException e) {
            throw new UsageException("--port-range " + text + ": not a port range" + rule);
        }
        if (low < 1 || high > 65535) {
            throw new UsageException("--port-range " + text + ": port out of range" + rule);
        }
        if (low > high) {
            throw new UsageException("--port-range " + text + ": LOW is above HIGH" + rule);
        }
        return new int[] {low, high};
    }

    Predicate<Finding> show() {
        Severity min = severity("--min-severity", minSeverity);
        Set<HazardId> only = EnumSet.noneOf(HazardId.class);
        for (String t : types) {
            try {
                only.add(HazardId.parse(t));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--type " + t + ": " + e.getMessage());
            }
        }
        return f -> f.severity().atLeast(min) && (only.isEmpty() || only.contains(f.type()));
    }

    /** A severity option's value, or a one-line usage error naming the option. */
    static Severity severity(String option, String text) {
        try {
            return Severity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " " + text + ": " + e.getMessage());
        }
    }

    long sinceNanos() {
        return since == null ? Long.MIN_VALUE : parseTime("--since", since);
    }

    long untilNanos() {
        return until == null ? Long.MAX_VALUE : parseTime("--until", until);
    }

    static long parseTime(String option, String text) {
        String t = text.trim();
        try {
            if (t.matches("[0-9]+(\\.[0-9]+)?")) {
                // Exact decimal arithmetic: a double has too few digits for nanoseconds since 1970.
                return new BigDecimal(t).movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
            }
            Instant instant;
            try {
                instant = Instant.parse(t);
            } catch (DateTimeParseException e) {
                instant = LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            }
            return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new UsageException(option + " " + text + ": expected epoch seconds or an ISO date-time, "
                    + "e.g. 2026-11-23T07:30:00Z");
        }
    }

    /** A duration option's value, which must be above zero; else a one-line usage error naming the option. */
    static Duration duration(String option, String text) {
        return positiveDuration(option + " " + text, text);
    }

    /** {@code text} as a duration above zero; {@code what} starts the message if it is not one. */
    private static Duration positiveDuration(String what, String text) {
        Duration d;
        try {
            d = TimeWaitLengths.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + ": " + e.getMessage());
        }
        if (d.isNegative() || d.isZero()) {
            throw new UsageException(what + ": not above zero (expected: a positive duration, e.g. 60s, 2m, 1500ms)");
        }
        return d;
    }
}
