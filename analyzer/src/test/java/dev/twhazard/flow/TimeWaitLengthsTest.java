package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TIME_WAIT lengths per host: the OS profiles with the values the class javadoc and the README
 * document, a global default, and per-host / per-subnet overrides where the longest prefix wins.
 * Host addresses are built with {@link InetAddress} (not the class's own parser), so a parsing bug
 * on the rule side cannot cancel out against the same bug on the lookup side.
 */
class TimeWaitLengthsTest {

    static final long SECOND = 1_000_000_000L;

    // ---- OS profiles ----

    /** The documented defaults (class javadoc; README "--os-profile"). */
    @ParameterizedTest(name = "{0} keeps TIME_WAIT {1} s")
    @CsvSource({
        "linux, 60",   // TCP_TIMEWAIT_LEN, include/net/tcp.h
        "windows, 120", // TcpTimedWaitDelay default of current Windows
        "freebsd, 60", // 2 * net.inet.tcp.msl (30 s)
        "macos, 30",   // 2 * net.inet.tcp.msl (15 s)
        "solaris, 60", // tcp_time_wait_interval
        "rfc793, 240", // 2 * MSL, MSL = 2 minutes (RFC 793 3.3; RFC 9293 3.4.2)
    })
    void osProfileHasItsDocumentedLength(String name, long seconds) {
        TimeWaitLengths.OsProfile profile = TimeWaitLengths.OsProfile.parse(name);
        assertEquals(Duration.ofSeconds(seconds), profile.timeWait());
        TimeWaitLengths lengths = TimeWaitLengths.of(profile.timeWait());
        assertEquals(seconds * SECOND, lengths.defaultNanos());
        assertEquals(seconds * SECOND, lengths.nanosFor(0, v4("192.0.2.1")));
    }

    /** Every profile is one of the six documented ones: a new one must be documented (and tested). */
    @Test
    void onlyTheDocumentedProfilesExist() {
        assertEquals(6, TimeWaitLengths.OsProfile.values().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"LINUX", "Linux", "  linux ", "lInUx\t"})
    void osProfileNamesIgnoreCaseAndSurroundingSpace(String name) {
        assertEquals(TimeWaitLengths.OsProfile.LINUX, TimeWaitLengths.OsProfile.parse(name));
    }

    @Test
    void unknownOsProfileIsRejectedNamingItAndTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeWaitLengths.OsProfile.parse("openbsd"));
        assertTrue(e.getMessage().contains("openbsd"), e.getMessage());
        for (String choice : new String[] {"linux", "windows", "freebsd", "macos", "solaris", "rfc793"}) {
            assertTrue(e.getMessage().contains(choice), () -> e.getMessage() + " lacks " + choice);
        }
    }

    // ---- default and global override ----

    @Test
    void linuxDefaultIsSixtySecondsForEveryHost() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault();
        assertEquals(60 * SECOND, lengths.defaultNanos());
        assertEquals(60 * SECOND, lengths.maxNanos());
        assertEquals(60 * SECOND, lengths.nanosFor(0, v4("10.0.0.1")));
        long[] v6 = v6("2001:db8::1");
        assertEquals(60 * SECOND, lengths.nanosFor(v6[0], v6[1]));
    }

    @Test
    void globalLengthAppliesToEveryHostOfBothFamilies() {
        TimeWaitLengths lengths = TimeWaitLengths.of(Duration.ofMillis(1500));
        assertEquals(1_500_000_000L, lengths.defaultNanos());
        assertEquals(1_500_000_000L, lengths.nanosFor(0, v4("10.0.0.1")));
        assertEquals(1_500_000_000L, lengths.nanosFor(0, v4("255.255.255.255")));
        long[] v6 = v6("fe80::1");
        assertEquals(1_500_000_000L, lengths.nanosFor(v6[0], v6[1]));
    }

    // ---- per-host and per-subnet overrides, IPv4 ----

    @Test
    void addressWithoutPrefixOverridesThatHostOnly() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("10.1.2.3", Duration.ofSeconds(240));
        assertEquals(240 * SECOND, lengths.nanosFor(0, v4("10.1.2.3")));
        assertEquals(60 * SECOND, lengths.nanosFor(0, v4("10.1.2.2")));
        assertEquals(60 * SECOND, lengths.nanosFor(0, v4("10.1.2.4")));
    }

    @Test
    void subnetOverrideCoversExactlyItsAddresses() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("10.1.0.0/16", Duration.ofSeconds(240));
        assertEquals(240 * SECOND, lengths.nanosFor(0, v4("10.1.0.0")));
        assertEquals(240 * SECOND, lengths.nanosFor(0, v4("10.1.200.7")));
        assertEquals(240 * SECOND, lengths.nanosFor(0, v4("10.1.255.255")));
        assertEquals(60 * SECOND, lengths.nanosFor(0, v4("10.0.255.255")));
        assertEquals(60 * SECOND, lengths.nanosFor(0, v4("10.2.0.0")));
    }

    /** The host bits of the rule's address are ignored: 10.1.2.3/16 means 10.1.0.0/16. */
    @Test
    void hostBitsOfTheRuleAddressAreMaskedOff() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("10.1.2.3/16", Duration.ofSeconds(240));
        assertEquals(240 * SECOND, lengths.nanosFor(0, v4("10.1.99.99")));
        assertEquals(60 * SECOND, lengths.nanosFor(0, v4("10.2.2.3")));
    }

    /** Prefixes that do not end on an octet boundary: /17 splits the third octet at 128. */
    @Test
    void prefixNotOnAnOctetBoundary() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("10.1.128.0/17", Duration.ofSeconds(30));
        assertEquals(30 * SECOND, lengths.nanosFor(0, v4("10.1.128.0")));
        assertEquals(30 * SECOND, lengths.nanosFor(0, v4("10.1.255.1")));
        assertEquals(60 * SECOND, lengths.nanosFor(0, v4("10.1.127.255")));
        TimeWaitLengths slash1 = TimeWaitLengths.linuxDefault().with("128.0.0.0/1", Duration.ofSeconds(30));
        assertEquals(30 * SECOND, slash1.nanosFor(0, v4("200.0.0.1")));
        assertEquals(60 * SECOND, slash1.nanosFor(0, v4("127.255.255.255")));
    }

    /** 0.0.0.0/0 is every IPv4 host, but no IPv6 host: its 96 mapped bits still have to match. */
    @Test
    void ipv4SlashZeroCoversAllIpv4AndNoIpv6() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("0.0.0.0/0", Duration.ofSeconds(120));
        assertEquals(120 * SECOND, lengths.nanosFor(0, v4("1.2.3.4")));
        assertEquals(120 * SECOND, lengths.nanosFor(0, v4("255.255.255.255")));
        long[] v6 = v6("2001:db8::1");
        assertEquals(60 * SECOND, lengths.nanosFor(v6[0], v6[1]));
    }

    /** An IPv6 address whose low 32 bits spell 10.0.0.1 is not the IPv4 host 10.0.0.1. */
    @Test
    void ipv4RuleDoesNotMatchIpv6HostWithTheSameLowBits() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("10.0.0.0/8", Duration.ofSeconds(120));
        long[] compat = v6("::a00:1"); // 0..0:0a00:0001, not IPv4-mapped
        assertEquals(60 * SECOND, lengths.nanosFor(compat[0], compat[1]));
        long[] other = v6("2001:db8::a00:1");
        assertEquals(60 * SECOND, lengths.nanosFor(other[0], other[1]));
    }

    // ---- IPv6 ----

    @Test
    void ipv6PrefixWithinTheHighHalf() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("2001:db8::/32", Duration.ofSeconds(120));
        assertEquals(120 * SECOND, nanos(lengths, v6("2001:db8::1")));
        assertEquals(120 * SECOND, nanos(lengths, v6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertEquals(60 * SECOND, nanos(lengths, v6("2001:db9::1")));
        assertEquals(60 * SECOND, nanos(lengths, v6("2001:db7:ffff::1")));
    }

    /** /64 is exactly the high half: every interface id of the subnet, nothing of the next one. */
    @Test
    void ipv6SlashSixtyFour() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("2001:db8:0:5::/64", Duration.ofSeconds(30));
        assertEquals(30 * SECOND, nanos(lengths, v6("2001:db8:0:5::")));
        assertEquals(30 * SECOND, nanos(lengths, v6("2001:db8:0:5:ffff:ffff:ffff:ffff")));
        assertEquals(60 * SECOND, nanos(lengths, v6("2001:db8:0:6::")));
        assertEquals(60 * SECOND, nanos(lengths, v6("2001:db8:0:4:ffff:ffff:ffff:ffff")));
    }

    /** Prefixes longer than 64 bits compare the whole high half and part of the low half. */
    @Test
    void ipv6PrefixReachingIntoTheLowHalf() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("2001:db8::1:0/112", Duration.ofSeconds(30));
        assertEquals(30 * SECOND, nanos(lengths, v6("2001:db8::1:0")));
        assertEquals(30 * SECOND, nanos(lengths, v6("2001:db8::1:ffff")));
        assertEquals(60 * SECOND, nanos(lengths, v6("2001:db8::2:0")));
        assertEquals(60 * SECOND, nanos(lengths, v6("2001:db8::0:ffff")));
        // same low half under another /64: the high half must match too
        assertEquals(60 * SECOND, nanos(lengths, v6("2001:db8:0:1::1:5")));
    }

    @Test
    void ipv6SingleHost() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("2001:db8::42", Duration.ofSeconds(30));
        assertEquals(30 * SECOND, nanos(lengths, v6("2001:db8::42")));
        assertEquals(60 * SECOND, nanos(lengths, v6("2001:db8::43")));
        assertEquals(60 * SECOND, nanos(lengths, v6("2001:db8:0:0:1::42")));
    }

    /** ::/0 is every host, IPv4-mapped ones included. */
    @Test
    void ipv6SlashZeroCoversEveryHost() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault().with("::/0", Duration.ofSeconds(30));
        assertEquals(30 * SECOND, nanos(lengths, v6("2001:db8::1")));
        assertEquals(30 * SECOND, lengths.nanosFor(0, v4("10.0.0.1")));
    }

    // ---- precedence ----

    /** Longest prefix wins (class javadoc, README), whatever order the rules were given in. */
    @Test
    void longestPrefixWinsInAnyInsertionOrder() {
        List<String[]> rules = new ArrayList<>(List.of(
                new String[] {"10.0.0.0/8", "8"},
                new String[] {"10.1.0.0/16", "16"},
                new String[] {"10.1.2.0/24", "24"},
                new String[] {"10.1.2.3", "32"}));
        Random random = new Random(1982);
        for (int round = 0; round < 24; round++) {
            Collections.shuffle(rules, random);
            TimeWaitLengths lengths = TimeWaitLengths.linuxDefault();
            for (String[] r : rules) {
                lengths = lengths.with(r[0], Duration.ofSeconds(Long.parseLong(r[1])));
            }
            String order = rules.stream().map(r -> r[0]).toList().toString();
            assertEquals(32 * SECOND, lengths.nanosFor(0, v4("10.1.2.3")), order);
            assertEquals(24 * SECOND, lengths.nanosFor(0, v4("10.1.2.4")), order);
            assertEquals(16 * SECOND, lengths.nanosFor(0, v4("10.1.3.3")), order);
            assertEquals(8 * SECOND, lengths.nanosFor(0, v4("10.2.2.3")), order);
            assertEquals(60 * SECOND, lengths.nanosFor(0, v4("11.1.2.3")), order);
        }
    }

    @Test
    void longestPrefixWinsForIpv6() {
        TimeWaitLengths lengths = TimeWaitLengths.linuxDefault()
                .with("2001:db8::1:0/112", Duration.ofSeconds(112))
                .with("2001:db8::/32", Duration.ofSeconds(32))
                .with("2001:db8::/64", Duration.ofSeconds(64));
        assertEquals(112 * SECOND, nanos(lengths, v6("2001:db8::1:9")));
        assertEquals(64 * SECOND, nanos(lengths, v6("2001:db8::2:9")));
        assertEquals(32 * SECOND, nanos(lengths, v6("2001:db8:1::9")));
    }

    /** Overrides apply over an OS profile's default, which stays for the other hosts. */
    @Test
    void overridesSitOnTopOfAProfileDefault() {
        TimeWaitLengths lengths = TimeWaitLengths.of(TimeWaitLengths.OsProfile.WINDOWS.timeWait())
                .with("10.1.0.0/16", Duration.ofSeconds(30));
        assertEquals(30 * SECOND, lengths.nanosFor(0, v4("10.1.0.9")));
        assertEquals(120 * SECOND, lengths.nanosFor(0, v4("10.2.0.9")));
        assertEquals(120 * SECOND, lengths.defaultNanos());
    }

    /** {@code with} returns a new value: the CLI builds lengths rule by rule and must not share them. */
    @Test
    void withLeavesTheOriginalUnchanged() {
        TimeWaitLengths base = TimeWaitLengths.linuxDefault();
        TimeWaitLengths derived = base.with("10.0.0.0/8", Duration.ofSeconds(240));
        assertEquals(60 * SECOND, base.nanosFor(0, v4("10.0.0.1")));
        assertEquals(60 * SECOND, base.maxNanos());
        assertEquals(240 * SECOND, derived.nanosFor(0, v4("10.0.0.1")));
    }

    /** The longest length any host can have: the default, or a longer override (retention uses it). */
    @Test
    void maxNanosIsTheLongestOfDefaultAndOverrides() {
        TimeWaitLengths shorter = TimeWaitLengths.linuxDefault().with("10.0.0.0/8", Duration.ofSeconds(30));
        assertEquals(60 * SECOND, shorter.maxNanos());
        TimeWaitLengths longer = shorter
                .with("2001:db8::/32", Duration.ofSeconds(240))
                .with("10.1.0.0/16", Duration.ofSeconds(120));
        assertEquals(240 * SECOND, longer.maxNanos());
    }

    // ---- bad input ----

    @ParameterizedTest
    @CsvSource({"10.0.0.0/33, 32", "10.0.0.0/-1, 32", "2001:db8::/129, 128"})
    void prefixOutOfRangeIsRejectedNamingTheRuleAndTheRange(String cidr, int max) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeWaitLengths.linuxDefault().with(cidr, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains(cidr), e.getMessage());
        assertTrue(e.getMessage().contains("0 to " + max), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.0/16", "10.1.0.0.0/16", "256.0.0.0/8", "10.0.0.-1/8"})
    void malformedIpv4AddressIsRejectedNamingIt(String cidr) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeWaitLengths.linuxDefault().with(cidr, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains(cidr.split("/")[0]), e.getMessage());
    }

    /** Still an IllegalArgumentException (NumberFormatException is one), so the CLI reports a usage error. */
    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/abc", "10.0.0.0/", "10..0.1", "10.a.0.1/8"})
    void nonNumericPartIsRejected(String cidr) {
        assertThrows(IllegalArgumentException.class,
                () -> TimeWaitLengths.linuxDefault().with(cidr, Duration.ofSeconds(1)));
    }

    /** As the other CIDR errors do, the message should say which rule or address was wrong. */
    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/", "10..0.1", "10.a.0.1/8"})
    void nonNumericPartIsRejectedNamingTheRule(String cidr) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeWaitLengths.linuxDefault().with(cidr, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains(cidr.split("/")[0]), e.getMessage());
    }

    @Test
    void zeroOrNegativeLengthIsRejected() {
        TimeWaitLengths base = TimeWaitLengths.linuxDefault();
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> base.with("10.0.0.0/8", Duration.ZERO));
        assertTrue(zero.getMessage().contains("positive"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> base.with("10.0.0.0/8", Duration.ofSeconds(-60)));
    }

    // ---- durations ----

    @ParameterizedTest(name = "\"{0}\" is {1} ms")
    @CsvSource(delimiter = '|', value = {
        "60s     | 60000",
        "2m      | 120000",
        "1500ms  | 1500",
        "90      | 90000",   // a bare number is seconds
        "1.5s    | 1500",
        "0.5m    | 30000",
        "1h      | 3600000",
        "'  30S '| 30000",   // case and surrounding space do not matter
        "'250 ms'| 250",
        "4M      | 240000",
    })
    void parsesTheDocumentedDurationForms(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), TimeWaitLengths.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "s", "ms", "10x", "10 sec", "1.5ms", "60s60"})
    void badDurationIsRejectedNamingTheTextAndTheForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeWaitLengths.parseDuration(text));
        assertTrue(e.getMessage().startsWith("not a duration: " + text), e.getMessage());
        assertTrue(e.getMessage().contains("60s"), e.getMessage());
    }

    /**
     * A unit the parser does not know must not be read as something else: "2d" looks like two
     * days but Double.parseDouble accepts a trailing d/f (Java literal suffixes), so it came out
     * as two seconds.
     */
    /** Durations become nanoseconds in a long: a text beyond that range is an error, not an overflow. */
    @ParameterizedTest
    @ValueSource(strings = {"999999999999h", "999999999999s", "1e12s", "NaN", "Infinity"})
    void hugeOrNonNumericDurationIsAUsageError(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeWaitLengths.parseDuration(text));
        assertTrue(e.getMessage().startsWith("not a duration: " + text), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2d", "2D", "2f", "1.5F"})
    void unknownUnitSuffixIsNotSilentlyReadAsSeconds(String text) {
        assertThrows(IllegalArgumentException.class, () -> TimeWaitLengths.parseDuration(text),
                () -> "parsed as " + TimeWaitLengths.parseDuration(text));
    }

    // ---- helpers ----

    /** Low half of the IPv4-mapped address (RFC 4291 2.5.5.2), built by hand; the high half is 0. */
    static long v4(String dotted) {
        byte[] b = literal(dotted);
        assertEquals(4, b.length);
        long v = ByteBuffer.wrap(b).getInt() & 0xFFFF_FFFFL;
        return 0x0000_FFFF_0000_0000L | v;
    }

    static long[] v6(String text) {
        byte[] b = literal(text);
        assertEquals(16, b.length, text);
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new long[] {buf.getLong(), buf.getLong()};
    }

    static long nanos(TimeWaitLengths lengths, long[] addr) {
        return lengths.nanosFor(addr[0], addr[1]);
    }

    private static byte[] literal(String text) {
        try { // only literals are passed here, so no name is looked up

            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(text, e);
        }
    }
}
