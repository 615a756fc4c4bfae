package dev.twhazard.report;

import dev.twhazard.detect.HazardId;
import java.util.List;

/**
 * What each finding type means, why it matters, how to confirm it on the host and what to
 * change. The {@code explain} command prints it; the text report quotes {@link #meaning()}.
 *
 * @param title one line
 * @param meaning what the finding says happened
 * @param whyItMatters the consequence
 * @param confirm commands that show it on the hosts themselves
 * @param remedies what to change, most preferable first
 */
public record HazardGuide(HazardId type, String title, String meaning, String whyItMatters, List<String> confirm,
                          List<String> remedies) {

    /** The truth about tcp_fin_timeout, which many guides get wrong. */
    public static final String FIN_TIMEOUT_NOTE = "net.ipv4.tcp_fin_timeout does NOT shorten TIME_WAIT: it bounds how long"
            + " an orphaned socket waits in FIN_WAIT_2. Linux's TIME_WAIT is TCP_TIMEWAIT_LEN, 60 s, fixed at compile time.";

    public static HazardGuide of(HazardId type) {
        return switch (type) {
            case TIME_WAIT_REUSE -> new HazardGuide(type,
                    "A connection reused a quadruple that was still in TIME_WAIT",
                    "A SYN opened a new connection on the same (source ip, source port, destination ip, destination port) as an"
                            + " earlier connection whose TIME_WAIT (60 s on Linux) had not run out. Either the TIME_WAIT holder"
                            + " connected again itself (Linux tcp_tw_reuse takes its own TIME_WAIT over), or the peer's SYN met the"
                            + " holder's TIME_WAIT, which accepts it only if its timestamp or ISN is newer (RFC 6191, RFC 1122"
                            + " 4.2.2.13) and otherwise answers with a stale ACK of the old connection.",
                    "A reuse protected by newer timestamps is safe. Without that protection, delayed segments of the old"
                            + " connection can be taken as data of the new one. A rejected SYN costs a retry (about 1 s on older"
                            + " kernels, about 10 ms on 6.x) or a failed connect when the TIME_WAIT ignores the client's RST"
                            + " (tcp_rfc1337=1).",
                    List.of("ss -tan state time-wait | wc -l   # TIME_WAIT sockets now",
                            "nstat -az TcpExtTWRecycled TcpExtTWKilled TcpExtPAWSTimewait   # takeovers, kills, PAWS rejects in TIME_WAIT",
                            "sysctl net.ipv4.tcp_tw_reuse net.ipv4.tcp_timestamps net.ipv4.ip_local_port_range"),
                    List.of("Let the client close first, so TIME_WAIT stays with the many clients instead of the one server.",
                            "Use connection pooling or keep-alive instead of one connection per request.",
                            "On the client side only, net.ipv4.tcp_tw_reuse=1 is safe for outbound connections when timestamps are on.",
                            "Widen net.ipv4.ip_local_port_range so ports come round less often.",
                            "Never enable tcp_tw_recycle (removed in Linux 4.12): it breaks clients behind NAT.",
                            FIN_TIMEOUT_NOTE));
            case OLD_INCARNATION_SEGMENT -> new HazardGuide(type,
                    "A segment of an earlier connection arrived in a new one on the same quadruple",
                    "After the quadruple was reused, a segment whose sequence (and acknowledgment) numbers belong to the previous"
                            + " incarnation arrived. If it falls inside the new connection's receive window, with an acceptable ACK"
                            + " and no PAWS rejection, the receiver takes it as data (in_window=true).",
                    "In-window old segments corrupt the new byte stream silently: this is the failure TIME_WAIT exists to prevent."
                            + " Out-of-window ones only cost duplicate or challenge ACKs, but show the protection is thin.",
                    List.of("nstat -az TcpExtPAWSEstab TcpExtTCPChallengeACK TcpExtTCPACKSkippedSeq",
                            "Check the application's data for corruption around the finding's time."),
                    List.of("Keep TCP timestamps on (net.ipv4.tcp_timestamps=1): PAWS rejects old segments.",
                            "Do not shorten or bypass TIME_WAIT (no SO_LINGER 0 closes, no tcp_tw_recycle).",
                            "Find why the quadruple was reused so fast (port range, pooling, who closes first)."));
            case PAWS_NAT_REGRESSION -> new HazardGuide(type,
                    "A timestamp went backwards for the receiver (PAWS), typically hosts behind one NAT address",
                    "A SYN or segment carried a TSval older than what the receiving side holds: the TS.Recent of a TIME_WAIT on the"
                            + " same quadruple (scope time_wait), the newest TSval the same source IP sent (scope source_ip), or"
                            + " an earlier segment of the same connection (scope connection). Hosts sharing a NAT address have"
                            + " unrelated timestamp clocks, so one host's SYN can look old to state another host left behind.",
                    "PAWS (RFC 7323 5) drops such segments. A SYN rejected by a TIME_WAIT gets a stale ACK and a retry; per-host"
                            + " checks (old tcp_tw_recycle, some middleboxes) drop SYNs silently, which users see as connect"
                            + " timeouts from some clients only.",
                    List.of("nstat -az TcpExtPAWSTimewait TcpExtPAWSActive TcpExtPAWSEstab",
                            "sysctl net.ipv4.tcp_tw_recycle   # must not exist or be 0",
                            "conntrack -L | grep <public ip>   # NAT mappings sharing a port"),
                    List.of("Let clients close first, so servers hold no TIME_WAIT for NATed quadruples.",
                            "Keep a NAT's TIME_WAIT long enough (conntrack nf_conntrack_tcp_timeout_time_wait) that it moves the next"
                                    + " host to another public port instead of reusing the quadruple.",
                            "Never use tcp_tw_recycle; disable per-source-IP timestamp checks on middleboxes."));
            case TW_OVERFLOW_RST -> new HazardGuide(type,
                    "A host answered with RST where its TIME_WAIT should have answered: it kept none",
                    "The host closed first, then answered a retransmitted FIN (its final ACK was lost) or another late segment"
                            + " of that connection with a RST. A TIME_WAIT never sends RST, so the host had no TIME_WAIT (or"
                            + " orphaned FIN_WAIT_2) state: past net.ipv4.tcp_max_tw_buckets, tcp_time_wait() cannot allocate"
                            + " one and closes the socket at once. Abortive closes, RFC 1337 assassinations, expired TIME_WAITs"
                            + " and reboots are told apart and not reported.",
                    "The peer sees a RST instead of a clean close (ECONNRESET), and the quadruple is unprotected against old"
                            + " segments. Kernels from 4.x no longer log \"time wait bucket table overflow\".",
                    List.of("nstat -az TcpExtTCPTimeWaitOverflow",
                            "sysctl net.ipv4.tcp_max_tw_buckets",
                            "ss -tan state time-wait | wc -l"),
                    List.of("Raise net.ipv4.tcp_max_tw_buckets above the peak TIME_WAIT count (concurrent_time_wait_estimate"
                                    + " estimates the current limit); each bucket costs only a few hundred bytes.",
                            "Let the clients close first so the server holds fewer TIME_WAITs.",
                            "Use keep-alive or pooling to open fewer connections.",
                            FIN_TIMEOUT_NOTE));
            case PORT_EXHAUSTION_RISK -> new HazardGuide(type,
                    "Client ports toward one server port were close to running out",
                    "Every quadruple in TIME_WAIT blocks its client port toward that server ip:port for the TIME_WAIT length. With"
                            + " R usable ports and a TIME_WAIT of T seconds, at most R/T new connections per second are sustainable"
                            + " from one client IP to one server ip:port (Linux defaults: 28232 ports / 60 s, about 470/s)."
                            + " Linux connect() prefers even ports, so with tcp_tw_reuse the count of TIME_WAITs plateaus near half"
                            + " the range.",
                    "At the limit connect() fails with EADDRNOTAVAIL on the client; a server-side TIME_WAIT makes the server reject"
                            + " or delay SYNs on that quadruple.",
                    List.of("ss -tan state time-wait '( dport = :<port> )' | wc -l",
                            "sysctl net.ipv4.ip_local_port_range",
                            "grep -c EADDRNOTAVAIL <application log>"),
                    List.of("Use connection pooling or keep-alive.",
                            "Widen net.ipv4.ip_local_port_range, or add client IPs or server ports.",
                            "On the client, net.ipv4.tcp_tw_reuse=1 for outbound connections (timestamps on).",
                            FIN_TIMEOUT_NOTE));
            case TIME_WAIT_PRESSURE -> new HazardGuide(type,
                    "A host held many TIME_WAIT sockets at once",
                    "The peak number of connections this host held in TIME_WAIT at the same time, and for each port it serves, the"
                            + " share of connections it closed first. Only the endpoint that closes first holds TIME_WAIT.",
                    "Each TIME_WAIT holds a bucket of tcp_max_tw_buckets (and a little memory) and pins its quadruple; past the"
                            + " limit the host drops TIME_WAIT state (see tw_overflow_rst).",
                    List.of("ss -tan state time-wait | wc -l", "nstat -az TcpExtTW TcpExtTCPTimeWaitOverflow",
                            "sysctl net.ipv4.tcp_max_tw_buckets"),
                    List.of("Let the client close first (HTTP keep-alive, or the protocol's own close).",
                            "Size net.ipv4.tcp_max_tw_buckets above the peak.", FIN_TIMEOUT_NOTE));
        };
    }

    /** The full text printed by {@code twhazard explain TYPE}. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(type.id()).append(": ").append(title).append("\n\n");
        b.append("What it means\n  ").append(meaning).append("\n\n");
        b.append("Why it matters\n  ").append(whyItMatters).append("\n\n");
        b.append("How to confirm it on the host\n");
        for (String c : confirm) {
            b.append("  $ ").append(c).append('\n');
        }
        b.append("\nWhat to change\n");
        for (String r : remedies) {
            b.append("  - ").append(r).append('\n');
        }
        return b.toString();
    }
}
