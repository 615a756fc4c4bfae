package dev.twhazard.bench;

/**
 * A planted story: one or two connections on a quadruple used by nothing else, scripted so that
 * the wire shows exactly what a Linux kernel sends in that situation, and the rows of
 * {@code planted.csv} saying what the analyzer must report about it. Stories bind client ports
 * above Linux's ephemeral range ({@link Host#PLANTED_PORT_LOW}), so natural traffic never
 * touches their quadruples.
 */
final class Story extends Scheduler.Actor {

    private static final long SECOND = CaptureGenerator.SECOND;
    private static final long MS = CaptureGenerator.MS;
    private static final long US = CaptureGenerator.US;
    /** Segments sent back to back per round trip (a 64 KB window), 1448 bytes every 12 us (1 Gbit/s). */
    private static final int BURST = 44;
    private static final long SEGMENT_GAP = 12 * US;

    private final CaptureGenerator g;
    final String kind;
    final int connections;

    // The quadruple and its ends.
    private Host host;
    private Host other;
    private int gateway = -1;
    private int port;
    private int serverIndex;
    private Host server;
    private int serverPort;
    private long dc;
    private long otherDc;
    private boolean withOld;
    private boolean clientClosesFirst;
    private long gap;

    // What the first connection left behind.
    private int oldClientNxt;
    private int oldServerNxt;
    private int oldClientLastTs;
    private final Conn.Segment oldData = new Conn.Segment();
    private long nextTime;
    private int uploadSegments;
    private int oldClientIsn;
    private long newSynTime;

    Story(CaptureGenerator g, String kind, long now) {
        this.g = g;
        this.kind = kind;
        this.connections = switch (kind) {
            case Mix.OVERFLOW_RST, Mix.TW_REACK -> 1;
            default -> 2;
        };
        this.time = now;
    }

    private long us(long lo, long hi) {
        return lo * US + g.random.nextLong((hi - lo) * US + 1);
    }

    /** Chooses the ends and starts the first connection; false when no host is left for it. */
    boolean begin() {
        long now = time;
        serverIndex = g.random.nextInt(g.servers.length);
        server = g.servers[serverIndex];
        int[] ports = g.serverPorts[serverIndex];
        serverPort = ports[g.random.nextInt(ports.length)];
        withOld = g.random.nextDouble() < g.options.mix().get(Mix.OLD_SEGMENT);
        clientClosesFirst = g.random.nextBoolean();
        switch (kind) {
            case Mix.NAT_PAWS -> {
                gap = 200 * MS + g.random.nextLong(40 * SECOND);
                if (!chooseNatPair(now)) {
                    return false;
                }
            }
            case Mix.OLD_SEGMENT_IN_WINDOW -> {
                if (!chooseClient(now, false)) {
                    return false;
                }
                dc = 100 * US + g.random.nextLong(200 * US); // a client on the same LAN
            }
            default -> {
                if (!chooseClient(now, true)) {
                    return false;
                }
            }
        }
        Conn c = connection(host, dc);
        CaptureGenerator.Script s = g.new Script(c, now);
        switch (kind) {
            case Mix.HOLDER_REUSE -> {
                s.handshake(false);
                s.exchange(0, false, false);
                s.clientCloses(false);
            }
            case Mix.PEER_ACCEPT, Mix.NAT_PAWS -> {
                s.handshake(false);
                s.exchange(0, true, false);
                s.serverCloses(CaptureGenerator.Script.FINAL_ACK);
            }
            case Mix.OVERFLOW_RST, Mix.TW_REACK -> {
                s.handshake(false);
                s.exchange(0, true, false);
                boolean overflow = kind.equals(Mix.OVERFLOW_RST);
                s.serverCloses(overflow ? CaptureGenerator.Script.LOST_FINAL_ACK_RST
                        : CaptureGenerator.Script.LOST_FINAL_ACK_REACKED);
                PlantedRow row = row(overflow ? "tw_overflow_rst" : PlantedRow.NONE, 1);
                if (overflow) {
                    row.expect("host", CaptureGenerator.ip(server.ip)).expect("trigger", "fin_retransmit");
                }
                c.key(row, c.n - 1);
            }
            case Mix.REUSE_AFTER_EXPIRY -> {
                s.handshake(false);
                s.exchange(0, !clientClosesFirst, false);
                if (clientClosesFirst) {
                    s.clientCloses(false);
                } else {
                    s.serverCloses(CaptureGenerator.Script.FINAL_ACK);
                }
            }
            case Mix.OLD_SEGMENT_IN_WINDOW -> bulkConnection(c, now);
            default -> throw new IllegalStateException(kind);
        }
        g.start(c);
        return true;
    }

    private Conn connection(Host client, long clientDelay) {
        Conn c = g.obtain();
        g.endpoints(c, client, gateway, port, port, server, serverPort, g.serverDelay[serverIndex]);
        c.dc = clientDelay;
        c.story = this;
        return c;
    }

    /** A direct Linux client (with or without timestamps) with a planted port left. */
    private boolean chooseClient(long now, boolean timestamps) {
        int n = g.clients.length;
        int first = g.random.nextInt(n);
        for (int k = 0; k < n; k++) {
            int i = (first + k) % n;
            Host h = g.clients[i];
            if (h.os == Host.LINUX && h.timestamps == timestamps) {
                int p = h.plantedPort();
                if (p > 0) {
                    host = h;
                    port = p;
                    dc = g.clientDelay[i];
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Two hosts A and B behind one NAT whose TSval clocks for the public quadruple are such that
     * B's is far behind A's when B connects (their offsets are unrelated hashes of their private
     * 4-tuples, so about half of all pairs qualify).
     */
    private boolean chooseNatPair(long now) {
        int n = g.gateways.length;
        int first = g.random.nextInt(n);
        for (int k = 0; k < n; k++) {
            int gi = (first + k) % n;
            Host gw = g.gateways[gi];
            int p = gw.plantedNextPort;
            if (p > Host.PLANTED_PORT_HIGH) {
                continue;
            }
            Host[] hosts = g.members[gi];
            long aEnd = now + SECOND;
            long bStart = aEnd + gap;
            for (Host a : hosts) {
                for (Host b : hosts) {
                    if (a == b) {
                        continue;
                    }
                    int tsA = a.tsOffset(a.ip, p, server.ip, serverPort) + a.tsClock(aEnd);
                    int tsB = b.tsOffset(b.ip, p, server.ip, serverPort) + b.tsClock(bStart);
                    int diff = tsA - tsB;
                    if (diff > 1_000_000 && diff < Integer.MAX_VALUE - 1_000_000) {
                        gateway = gi;
                        gw.plantedPort();
                        port = p;
                        host = a;
                        other = b;
                        dc = g.gatewayDelay[gi] + 50 * US + g.random.nextLong(500 * US);
                        otherDc = g.gatewayDelay[gi] + 50 * US + g.random.nextLong(500 * US);
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The first connection is over: keep what the next one depends on, and schedule it. */
    void connectionDone(Conn c, long now) {
        if (connections == 1 || c.storyTag != 0) {
            return;
        }
        oldClientNxt = c.nxt[Conn.C];
        oldServerNxt = c.nxt[Conn.S];
        oldClientLastTs = c.lastTsVal[Conn.C];
        long twStart = c.lastTime();
        switch (kind) {
            case Mix.HOLDER_REUSE -> {
                oldData.copy(c.firstData0);
                // tcp_tw_reuse waits at least 1 s after the last timestamp (tcp_tw_reuse_delay).
                nextTime = twStart + 1100 * MS + g.random.nextLong(19 * SECOND);
            }
            case Mix.PEER_ACCEPT -> {
                oldData.copy(c.firstData1);
                nextTime = twStart + 300 * MS + g.random.nextLong(50 * SECOND);
            }
            case Mix.NAT_PAWS -> nextTime = twStart + gap;
            case Mix.REUSE_AFTER_EXPIRY -> nextTime = twStart + 61 * SECOND + g.random.nextLong(39 * SECOND);
            case Mix.OLD_SEGMENT_IN_WINDOW -> {
                oldData.copy(c.marked);
                if (oldData.seq != oldClientIsn + 1 + uploadSegments * CaptureGenerator.MSS_PAYLOAD) {
                    throw new IllegalStateException("in-window story: request 2 at " + oldData.seq);
                }
                nextTime = newSynTime;
            }
            default -> throw new IllegalStateException(kind);
        }
        g.scheduler.add(this, Math.max(nextTime, now + 1));
    }

    @Override
    boolean fire(long now) {
        switch (kind) {
            case Mix.HOLDER_REUSE -> holderReuse(now);
            case Mix.PEER_ACCEPT -> peerAccept(now);
            case Mix.NAT_PAWS -> natPaws(now);
            case Mix.REUSE_AFTER_EXPIRY -> {
                Conn c = second(host, dc);
                CaptureGenerator.Script s = g.new Script(c, now);
                s.handshake(false);
                s.exchange(0, false, false);
                s.clientCloses(false);
                c.key(row(PlantedRow.NONE, 2), 0);
                g.start(c);
            }
            case Mix.OLD_SEGMENT_IN_WINDOW -> inWindow(now);
            default -> throw new IllegalStateException(kind);
        }
        return false;
    }

    private Conn second(Host client, long clientDelay) {
        Conn c = connection(client, clientDelay);
        c.storyTag = 2;
        return c;
    }

    /**
     * (a) The client, which closed first and holds TIME_WAIT, connects again on the same
     * quadruple with {@code tcp_tw_reuse}: {@code tcp_twsk_unique} takes the TIME_WAIT over and
     * starts the new connection at ISN = old snd_nxt + 65535 + 2; its TSval is newer (same
     * 4-tuple, same clock offset). The server, CLOSED since the close, answers a normal SYN-ACK.
     */
    private void holderReuse(long now) {
        Conn c = second(host, dc);
        c.isn[Conn.C] = takeover(oldClientNxt);
        c.isnOverride = 1 << Conn.C;
        CaptureGenerator.Script s = g.new Script(c, now);
        s.handshake(false);
        c.key(row("time_wait_reuse", 2).expect("tw_holder", "client").expect("reused_by", "holder")
                .expect("answer", "syn_ack").expect("result", "established").expect("syn_packets", 1)
                .expect("stale_acks", 0).expect("protection", "timestamps").expect("linux_isn_fingerprint", true), 0);
        s.exchange(0, false, false);
        if (withOld) {
            oldSegment(c, s, Conn.C);
        }
        closeAny(s);
        g.start(c);
    }

    /**
     * (b) The server closed first and holds TIME_WAIT; the client connects again within 60 s
     * with a newer TSval, so the TIME_WAIT accepts the SYN ({@code tcp_timewait_state_process},
     * TCP_TW_SYN) and the SYN-ACK's ISN is the old snd_nxt + 65537.
     */
    private void peerAccept(long now) {
        Conn c = second(host, dc);
        c.isn[Conn.S] = takeover(oldServerNxt);
        c.isnOverride = 1 << Conn.S;
        CaptureGenerator.Script s = g.new Script(c, now);
        s.handshake(false);
        c.key(row("time_wait_reuse", 2).expect("tw_holder", "server").expect("reused_by", "peer")
                .expect("answer", "syn_ack").expect("result", "established").expect("syn_packets", 1)
                .expect("stale_acks", 0).expect("protection", "timestamps").expect("linux_isn_fingerprint", true), 0);
        s.exchange(0, false, false);
        if (withOld) {
            oldSegment(c, s, Conn.S);
        }
        closeAny(s);
        g.start(c);
    }

    /**
     * (e i) A delayed copy of the first data segment of the previous incarnation (its old
     * seq, ack, TSval and IP ID) arrives in the new one. Its TSval is older than the sender's
     * current ones, so the receiver drops it (PAWS, RFC 7323 5.3: {@code tcp_paws_discard}) and
     * answers with a duplicate ACK ({@code tcp_send_dupack}).
     */
    private void oldSegment(Conn c, CaptureGenerator.Script s, int from) {
        c.old.copy(oldData);
        s.t = c.add(Conn.OLD_SEGMENT, from, s.t + 5 * MS + g.random.nextLong(80 * MS));
        c.key(row("old_incarnation_segment", 2).expect("in_window", false)
                .expect("direction", from == Conn.C ? "client_to_server" : "server_to_client"), c.n - 1);
        long back = from == Conn.C ? 2 * c.ds : 2 * c.dc;
        s.t = c.add(Conn.ACK, 1 - from, s.t + back + us(5, 30));
    }

    private void closeAny(CaptureGenerator.Script s) {
        if (clientClosesFirst) {
            s.clientCloses(false);
        } else {
            s.serverCloses(CaptureGenerator.Script.FINAL_ACK);
        }
    }

    /**
     * (c) Host B behind the same NAT address as A lands on the public quadruple that A's
     * connection left in the server's TIME_WAIT, with an older TSval. The TIME_WAIT rejects the
     * SYN (PAWS, {@code tcp_timewait_state_process}: paws_reject) with an ACK of the old
     * connection (seq = its snd_nxt, ack = its rcv_nxt, TSecr = its ts_recent). B, in SYN-SENT,
     * answers that unacceptable ACK with {@code <SEQ=SEG.ACK><CTL=RST>} (RFC 9293 3.10.7.3),
     * which kills the TIME_WAIT (tcp_rfc1337=0), and retransmits its SYN after TCP_TIMEOUT_MIN
     * (about 10 ms on Linux 6.18); the listener answers it with a normal SYN-ACK.
     */
    private void natPaws(long now) {
        Conn c = second(other, otherDc);
        c.privateIp = other.ip;
        c.stale.seq = oldServerNxt;
        c.stale.ack = oldClientNxt;
        c.stale.tsEcr = oldClientLastTs;
        c.stale.timestamps = true;
        c.stale.window = 509;
        long t0 = c.add(Conn.SYN, Conn.C, now);
        long t = c.add(Conn.STALE_ACK, Conn.S, t0 + 2 * c.ds + us(10, 40));
        t = c.add(Conn.RST_NO_SOCKET, Conn.C, t + 2 * c.dc + us(5, 20));
        t = c.add(Conn.SYN_RETRANSMIT, Conn.C, t + 8 * MS + g.random.nextLong(4 * MS));
        t = c.add(Conn.SYN_ACK, Conn.S, t + 2 * c.ds + us(15, 80));
        c.initEnds(t0 - c.dc, t - c.ds);
        t = c.add(Conn.ACK, Conn.C, t + 2 * c.dc + us(5, 30));
        int synTs = c.tsOffset[Conn.C] + other.tsClock(t0 - c.dc);
        if (oldClientLastTs - synTs <= 1) {
            throw new IllegalStateException("NAT story: B's TSval " + synTs + " is not older than " + oldClientLastTs);
        }
        String protection = c.isn[Conn.C] - oldClientNxt > 0 ? "isn_above_old" : "none";
        c.key(row("time_wait_reuse", 2).expect("tw_holder", "server").expect("reused_by", "peer")
                .expect("answer", "stale_ack").expect("result", "established_after_retry").expect("syn_packets", 2)
                .expect("stale_acks", 1).expect("protection", protection).expect("linux_isn_fingerprint", false), 0);
        c.key(row("paws_nat_regression", 2).expect("scope", "time_wait").expect("packets", 1)
                .expect("answer", "stale_ack"), 0);
        CaptureGenerator.Script s = g.new Script(c, t);
        s.exchange(0, !clientClosesFirst, false);
        closeAny(s);
        g.start(c);
    }

    /**
     * (e ii) The first connection, without timestamps, moves many bytes each way on a LAN and the
     * client closes first. Its TIME_WAIT is gone (overflowed, say) and it connects again on the
     * same quadruple a few milliseconds later: with no timestamps and secure_tcp_seq ISNs
     * advancing only 15.6 bytes per microsecond, both new ISNs fall inside the old sequence
     * ranges. The old connection's second request, delayed in the network, then arrives with
     * seq = the server's new rcv_nxt and an ACK the server accepts: the new connection takes the
     * old bytes as its own. Only the IP ID (another socket's counter) shows where it came from.
     */
    private void bulkConnection(Conn c, long t0) {
        uploadSegments = 128;
        while (true) {
            buildBulk(c, t0, uploadSegments);
            oldClientIsn = c.isn[Conn.C];
            long upload = (long) uploadSegments * CaptureGenerator.MSS_PAYLOAD;
            // The client's ISN clock (64 ns per step) must advance by upload - 1000 until the new SYN.
            long sendOld = t0 - c.dc;
            long sendNew = sendOld + (upload - 1000) * 64;
            for (int i = 0; i < 4; i++) {
                int newIsn = host.isn(host.ip, port, server.ip, serverPort, sendNew);
                long request = (oldClientIsn + 1 + (int) upload) - (newIsn + 1);
                sendNew += (request - 1000) * 64;
            }
            newSynTime = sendNew + c.dc;
            if (newSynTime > c.lastTime() + 500 * US) {
                return;
            }
            uploadSegments *= 2;
            if (uploadSegments > 4096) {
                throw new IllegalStateException("in-window story: the transfer cannot outrun the ISN clock");
            }
            c.n = 0;
        }
    }

    private void buildBulk(Conn c, long t0, int segments) {
        long t = c.add(Conn.SYN, Conn.C, t0);
        t = c.add(Conn.SYN_ACK, Conn.S, t + 2 * c.ds + us(15, 40));
        c.initEnds(t0 - c.dc, t - c.ds);
        t = c.add(Conn.ACK, Conn.C, t + 2 * c.dc + us(2, 10));
        t = burst(c, Conn.C, t + us(2, 10), segments);
        t = burst(c, Conn.S, t + 2 * c.ds + us(50, 150), segments);
        t = c.add(Conn.DATA, Conn.C, t + us(10, 50), 200 + g.random.nextInt(400));
        c.markLast();
        t = c.add(Conn.DATA, Conn.S, t + 2 * c.ds + us(50, 150), 100 + g.random.nextInt(200));
        t = c.add(Conn.ACK, Conn.C, t + 2 * c.dc + us(5, 20));
        t = c.add(Conn.FIN, Conn.C, t + us(10, 50));
        t = c.add(Conn.FIN, Conn.S, t + 2 * c.ds + us(10, 50));
        c.add(Conn.ACK, Conn.C, t + 2 * c.dc + us(5, 20));
    }

    /** Sends {@code segments} full segments in bursts; the receiver ACKs each burst. */
    private long burst(Conn c, int from, long t, int segments) {
        long sender = from == Conn.C ? c.dc : c.ds;
        long receiver = from == Conn.C ? c.ds : c.dc;
        for (int i = 0; i < segments; i++) {
            boolean last = i == segments - 1;
            t = c.add(last ? Conn.DATA : Conn.SEGMENT, from, t, CaptureGenerator.MSS_PAYLOAD);
            if (last || i % BURST == BURST - 1) {
                t = c.add(Conn.ACK, 1 - from, t + 2 * receiver + us(5, 15));
                t += 2 * sender + us(2, 10);
            } else {
                t += SEGMENT_GAP;
            }
        }
        return t;
    }

    private void inWindow(long now) {
        Conn c = second(host, dc);
        // A new socket's IP ID counter starts at random (get_random_u16): far from the old one.
        int id = g.random.nextInt(65536);
        int distance = Math.min((id - oldData.ipId) & 0xFFFF, (oldData.ipId - id) & 0xFFFF);
        if (distance < 8192) {
            id = (id + 32768) & 0xFFFF;
        }
        c.ipId[Conn.C] = id;
        long t = c.add(Conn.SYN, Conn.C, now);
        c.key(row("time_wait_reuse", 2).expect("tw_holder", "client").expect("reused_by", "holder")
                .expect("answer", "syn_ack").expect("result", "established").expect("syn_packets", 1)
                .expect("stale_acks", 0).expect("protection", "none").expect("linux_isn_fingerprint", false), 0);
        t = c.add(Conn.SYN_ACK, Conn.S, t + 2 * c.ds + us(15, 40));
        c.initEnds(now - c.dc, t - c.ds);
        int request = oldData.seq - (c.isn[Conn.C] + 1);
        if (request < 1 || request > CaptureGenerator.MSS_PAYLOAD) {
            throw new IllegalStateException("in-window story: new request of " + request + " bytes");
        }
        int need = oldData.ack - (c.isn[Conn.S] + 1);
        if (need < 0 || need > 8 * CaptureGenerator.MSS_PAYLOAD) {
            throw new IllegalStateException("in-window story: old ack " + need + " bytes past the new ISN");
        }
        t = c.add(Conn.ACK, Conn.C, t + 2 * c.dc + us(2, 10));
        t = c.add(Conn.DATA, Conn.C, t + us(2, 10), request);
        int response = need + 100 + g.random.nextInt(200);
        t += 2 * c.ds + us(50, 150);
        while (response > CaptureGenerator.MSS_PAYLOAD) {
            t = c.add(Conn.SEGMENT, Conn.S, t, CaptureGenerator.MSS_PAYLOAD);
            response -= CaptureGenerator.MSS_PAYLOAD;
            t += SEGMENT_GAP;
        }
        t = c.add(Conn.DATA, Conn.S, t, response);
        t = c.add(Conn.ACK, Conn.C, t + 2 * c.dc + us(5, 20));
        c.old.copy(oldData);
        t = c.add(Conn.OLD_SEGMENT, Conn.C, t + 3 * MS + g.random.nextLong(20 * MS));
        c.key(row("old_incarnation_segment", 2).expect("in_window", true).expect("direction", "client_to_server"),
                c.n - 1);
        // The server takes the old bytes as data and acknowledges them (its rcv_nxt moved on).
        c.forcedAck = oldData.seq + oldData.length;
        c.add(Conn.ACK_FORCED, Conn.S, t + 2 * c.ds + us(5, 30));
        g.start(c);
    }

    /** tw_snd_nxt + 65535 + 2, skipping 0 (tcp_twsk_unique, tcp_timewait_state_process). */
    static int takeover(int oldSndNxt) {
        int isn = oldSndNxt + 65535 + 2;
        return isn == 0 ? 1 : isn;
    }

    private PlantedRow row(String type, int incarnation) {
        int clientIp = gateway >= 0 ? g.gateways[gateway].ip : host.ip;
        PlantedRow r = new PlantedRow(type, kind, CaptureGenerator.ip(clientIp), port, CaptureGenerator.ip(server.ip),
                serverPort, incarnation);
        g.plant(r);
        return r;
    }
}
