package dev.twhazard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.detect.AnalyzerConfig;
import dev.twhazard.detect.HazardId;
import dev.twhazard.detect.Severity;
import dev.twhazard.flow.TimeWaitLengths;
import dev.twhazard.report.Finding;
import dev.twhazard.report.TwOverflowRstFinding;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The command line parsed without running (picocli {@code parseArgs}): options reach the right
 * settings. Then bad values, run for real: exit code 2 and a one-line message, no stack trace.
 */
class CommandLineParseTest {

    private static ParseResult parse(String... args) {
        CommandLine cl = Twhazard.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                InputStream.nullInputStream());
        return cl.parseArgs(args);
    }

    private static <T> T command(Class<T> type, String... args) {
        ParseResult sub = parse(args).subcommand();
        return type.cast(sub.commandSpec().userObject());
    }

    private static long timeWaitNanos(AnalyzerConfig config, String address) {
        long[] a = IpAddress.parse(address);
        return config.tracker().timeWait().nanosFor(a[0], a[1]);
    }

    private static Finding finding(HazardId type, Severity severity) {
        // Only the type and the severity matter to the output filter.
        return new TwOverflowRstFinding(new Finding.FindingCore(type, severity, 0, 0, "10.0.0.1", 1, "10.0.0.2", 2, 1,
                List.of(1L), "x"), "10.0.0.2", "fin_retransmit", 1);
    }

    @Nested
    class Analyze {

        @Test
        void timeWaitForIsRepeatableAndLongestPrefixWins() {
            AnalyzeCommand c = command(AnalyzeCommand.class, "analyze", "--time-wait-for", "10.1.0.0/16=240s",
                    "--time-wait-for", "10.1.2.0/24=30s", "--time-wait", "90s", "in.pcap");
            assertEquals(List.of("10.1.0.0/16=240s", "10.1.2.0/24=30s"), c.analysis.timeWaitFor);
            AnalyzerConfig config = c.analysis.config();
            assertEquals(TimeUnit.SECONDS.toNanos(240), timeWaitNanos(config, "10.1.9.9"));
            assertEquals(TimeUnit.SECONDS.toNanos(30), timeWaitNanos(config, "10.1.2.3"));
            assertEquals(TimeUnit.SECONDS.toNanos(90), timeWaitNanos(config, "192.0.2.1"));
        }

        @Test
        void osProfileSetsTheDefaultAndTimeWaitOverridesIt() {
            AnalyzerConfig windows = command(AnalyzeCommand.class, "analyze", "--os-profile", "windows", "x").analysis.config();
            assertEquals(TimeUnit.SECONDS.toNanos(120), windows.tracker().timeWait().defaultNanos());
            AnalyzerConfig both = command(AnalyzeCommand.class, "analyze", "--os-profile", "windows", "--time-wait", "1500ms",
                    "x").analysis.config();
            assertEquals(TimeUnit.MILLISECONDS.toNanos(1500), both.tracker().timeWait().defaultNanos());
            AnalyzerConfig none = command(AnalyzeCommand.class, "analyze", "x").analysis.config();
            assertEquals(TimeWaitLengths.linuxDefault().defaultNanos(), none.tracker().timeWait().defaultNanos());
        }

        @Test
        void portRange() {
            AnalyzerConfig c = command(AnalyzeCommand.class, "analyze", "--port-range", "32768-60999", "x").analysis.config();
            assertTrue(c.portRangeConfigured());
            assertEquals(32768, c.portRangeLow());
            assertEquals(60999, c.portRangeHigh());
            assertFalse(command(AnalyzeCommand.class, "analyze", "x").analysis.config().portRangeConfigured());
        }

        @Test
        void maxFlows() {
            assertEquals(5000, command(AnalyzeCommand.class, "analyze", "--max-flows", "5000", "x").analysis.config()
                    .tracker().maxFlows());
        }

        @Test
        void typeIsRepeatableAndCombinesWithMinSeverity() {
            AnalyzeCommand c = command(AnalyzeCommand.class, "analyze", "--type", "tw_overflow_rst", "--type",
                    "time_wait_reuse", "--min-severity", "medium", "x");
            Predicate<Finding> show = c.analysis.show();
            assertTrue(show.test(finding(HazardId.TW_OVERFLOW_RST, Severity.MEDIUM)));
            assertTrue(show.test(finding(HazardId.TIME_WAIT_REUSE, Severity.HIGH)));
            assertFalse(show.test(finding(HazardId.TW_OVERFLOW_RST, Severity.LOW)), "below --min-severity");
            assertFalse(show.test(finding(HazardId.PAWS_NAT_REGRESSION, Severity.HIGH)), "not a --type asked for");
            Predicate<Finding> all = command(AnalyzeCommand.class, "analyze", "x").analysis.show();
            assertTrue(all.test(finding(HazardId.PAWS_NAT_REGRESSION, Severity.INFO)));
        }

        @ParameterizedTest
        @CsvSource({
            "1795420750, 1795420750000000000",
            "1795420750.25, 1795420750250000000",
            "2026-11-23T07:59:10Z, 1795420750000000000",
            "2026-11-23T07:59:10.5Z, 1795420750500000000",
            "2026-11-23T08:59:10+01:00, 1795420750000000000",
            "2026-11-23T07:59:10, 1795420750000000000",
            "2026-11-23 07:59:10, 1795420750000000000",
        })
        void sinceAndUntilTakeEpochSecondsOrIsoTimes(String text, long nanos) {
            AnalyzeCommand c = command(AnalyzeCommand.class, "analyze", "--since", text, "--until", text, "x");
            assertEquals(nanos, c.analysis.sinceNanos());
            assertEquals(nanos, c.analysis.untilNanos());
        }

        @Test
        void noTimeRangeMeansEverything() {
            AnalyzeCommand c = command(AnalyzeCommand.class, "analyze", "x");
            assertEquals(Long.MIN_VALUE, c.analysis.sinceNanos());
            assertEquals(Long.MAX_VALUE, c.analysis.untilNanos());
        }

        @Test
        void outputFormatAndInputs() {
            AnalyzeCommand c = command(AnalyzeCommand.class, "analyze", "--format", "CSV", "-o", "f.out", "--fail-on", "high",
                    "-q", "a.pcap", "dir", "-");
            assertEquals(OutputFormat.CSV, c.format);
            assertEquals(Path.of("f.out"), c.output);
            assertEquals("high", c.failOn);
            assertTrue(c.quiet);
            assertEquals(List.of("a.pcap", "dir", "-"), c.inputs);
        }

        @Test
        void formatFollowsTheOutputFileExtension() {
            assertEquals(OutputFormat.CSV, OutputFormat.resolve(null, Path.of("x/Findings.CSV"), true));
            assertEquals(OutputFormat.JSON, OutputFormat.resolve(null, Path.of("f.json"), true));
            assertEquals(OutputFormat.JSONL, OutputFormat.resolve(null, Path.of("f.jsonl"), true));
            assertEquals(OutputFormat.JSONL, OutputFormat.resolve(null, Path.of("f.ndjson"), true));
            assertEquals(OutputFormat.TEXT, OutputFormat.resolve(null, Path.of("f.txt"), false));
            assertEquals(OutputFormat.TEXT, OutputFormat.resolve(null, null, true), "terminal");
            assertEquals(OutputFormat.JSONL, OutputFormat.resolve(null, null, false), "pipe");
            assertEquals(OutputFormat.JSON, OutputFormat.resolve(OutputFormat.JSON, Path.of("f.csv"), false), "asked wins");
        }

        @Test
        void filterIsKeptAsWritten() {
            assertEquals("tcp port 80 and host 10.0.0.1",
                    command(AnalyzeCommand.class, "analyze", "--filter", "tcp port 80 and host 10.0.0.1", "x").analysis.filter);
        }
    }

    @Nested
    class Live {

        @Test
        void options() {
            LiveCommand c = command(LiveCommand.class, "live", "-i", "veth0", "--duration", "8s", "--count", "100", "--every",
                    "2s", "--write", "cap.pcap", "--format", "jsonl", "--filter", "tcp port 8080", "--snaplen", "2000");
            assertEquals("veth0", c.iface);
            assertEquals("8s", c.duration);
            assertEquals(100, c.count);
            assertEquals("2s", c.every);
            assertEquals(Path.of("cap.pcap"), c.write);
            assertEquals(OutputFormat.JSONL, c.format);
            assertEquals("tcp port 8080", c.analysis.filter);
            assertEquals(2000, c.snaplen);
        }

        @Test
        void defaults() {
            LiveCommand c = command(LiveCommand.class, "live", "-i", "eth0");
            assertNull(c.duration);
            assertEquals(0, c.count);
            assertEquals(OutputFormat.TEXT, c.format);
            assertEquals(262_144, c.snaplen);
        }

        @Test
        void interfaceIsRequired() {
            assertThrows(CommandLine.MissingParameterException.class, () -> parse("live"));
        }
    }

    @Test
    void explainTakesAnOptionalType() {
        assertEquals("tw_overflow_rst", command(ExplainCommand.class, "explain", "tw_overflow_rst").type);
        assertNull(command(ExplainCommand.class, "explain").type);
    }

    @Test
    void unknownOptionIsAParseError() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> parse("analyze", "--bogus", "x"));
        assertInstanceOf(CommandLine.UnmatchedArgumentException.class, e);
    }

    /** Bad values, run for real: exit 2, the problem in one line that names the option and value. */
    @Nested
    class BadUsage {

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "--port-range 5-2                     | --port-range 5-2: LOW is above HIGH",
            "--port-range 0-70000                 | --port-range 0-70000: port out of range",
            "--port-range many                    | --port-range many: not a port range",
            "--min-severity urgent                | --min-severity urgent: unknown severity",
            "--fail-on urgent                     | --fail-on urgent: unknown severity",
            "--type nope                          | --type nope: unknown finding type",
            "--time-wait -5s                      | --time-wait -5s: not above zero",
            "--time-wait soon                     | --time-wait soon: not a duration",
            "--time-wait-for 10.1.0.0/16          | --time-wait-for 10.1.0.0/16: expected CIDR=DURATION",
            "--time-wait-for 10.1.0.0/33=240s     | --time-wait-for 10.1.0.0/33=240s: bad prefix length",
            "--time-wait-for 10.1.0.0/16=forever  | --time-wait-for 10.1.0.0/16=forever: not a duration",
            "--os-profile plan9                   | --os-profile plan9: unknown OS profile",
            "--since yesterday                    | --since yesterday: expected epoch seconds or an ISO date-time",
            "--max-flows 5                        | --max-flows 5: too small",
            "--format xml                         | Invalid value for option '--format'",
            "--bogus                              | Unknown option: '--bogus'",
        })
        void analyzeRejects(String options, String message) {
            List<String> args = new java.util.ArrayList<>(List.of("analyze"));
            args.addAll(List.of(options.trim().split(" ")));
            args.add(Cli.sample("clean-client-close").toString());
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(ExitCode.USAGE, r.code(), r::toString);
            assertEquals("", r.out(), "nothing on stdout");
            String first = r.err().lines().findFirst().orElse("");
            assertTrue(first.startsWith("twhazard: ") && first.contains(message.trim()), r::toString);
            assertTrue(r.err().lines().skip(1).allMatch(l -> l.startsWith("Try '")), "one line, then at most a hint: " + r.err());
            r.assertNoStackTrace();
        }

        @Test
        void noInput() {
            Cli.Result r = Cli.run("analyze");
            assertEquals(ExitCode.USAGE, r.code(), r::toString);
            assertTrue(r.err().startsWith("twhazard: Missing required parameter: 'INPUT'"), r::toString);
            r.assertNoStackTrace();
        }

        @Test
        void noSubcommand() {
            Cli.Result r = Cli.run();
            assertEquals(ExitCode.USAGE, r.code(), r::toString);
            assertTrue(r.err().startsWith("twhazard: a subcommand is required"), r::toString);
        }

        @Test
        void stdinTwice() {
            Cli.Result r = Cli.run("analyze", "-", "-");
            assertEquals(ExitCode.USAGE, r.code(), r::toString);
            assertTrue(r.err().contains("standard input (-) can be given only once"), r::toString);
        }

        @Test
        void liveRejectsBadValuesBeforeTouchingAnInterface() {
            for (String[] args : List.of(new String[] {"live", "-i", "x", "--duration", "0s"},
                    new String[] {"live", "-i", "x", "--every", "-1s"}, new String[] {"live", "-i", "x", "--count", "-1"},
                    new String[] {"live", "-i", "x", "--snaplen", "10"}, new String[] {"live", "-i", "x", "--fail-on", "bad"})) {
                Cli.Result r = Cli.run(args);
                assertEquals(ExitCode.USAGE, r.code(), r::toString);
                assertTrue(r.err().startsWith("twhazard: " + args[3] + " " + args[4] + ": "), r::toString);
                r.assertNoStackTrace();
            }
        }

        @Test
        void outputThatCannotBeCreated(@org.junit.jupiter.api.io.TempDir Path dir) {
            String target = dir.resolve("no/such/dir/out.csv").toString();
            for (String sub : new String[] {"analyze", "packets"}) {
                Cli.Result r = Cli.run(sub, "-o", target, Cli.sample("clean-client-close").toString());
                assertEquals(ExitCode.USAGE, r.code(), r::toString);
                assertEquals("twhazard: -o " + target + ": cannot write (no such directory)", r.err().strip());
            }
        }

        @Test
        void missingFileIsAnInputError() {
            Cli.Result r = Cli.run("analyze", "no/such/file.pcap");
            assertEquals(ExitCode.INPUT, r.code(), r::toString);
            assertTrue(r.err().contains("no/such/file.pcap: no such file or directory"), r::toString);
        }
    }

    @Test
    void helpListsTheExitCodes() {
        for (String sub : new String[] {"analyze", "packets", "live", "explain"}) {
            Cli.Result r = Cli.run(sub, "--help");
            assertEquals(ExitCode.OK, r.code(), r::toString);
            assertTrue(r.out().contains("Exit codes:") && r.out().contains("3  an input could not be read")
                    && r.out().contains("A last record cut short"), r::toString);
        }
    }
}
