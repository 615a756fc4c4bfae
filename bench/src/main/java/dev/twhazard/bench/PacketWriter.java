package dev.twhazard.bench;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Builds Ethernet/IPv4/TCP frames in place in the capture's buffer, with correct IPv4 and TCP
 * checksums, and numbers them as Wireshark does (from 1). It also plays the mirror port: a share
 * of the frames is written a second time, byte for byte, {@link #DUPLICATE_DELAY_NANOS} later.
 * Timestamps are made strictly increasing (a frame due at the same nanosecond as the previous
 * one is moved 1 ns later). Frames due before the capture start are not written (the capture
 * starts in the middle of the traffic). Allocates nothing per frame.
 */
final class PacketWriter {

    static final long DUPLICATE_DELAY_NANOS = 10_000;
    static final int ETHERNET = 14;
    static final int IPV4 = 20;
    static final int TCP = 20;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int IP_DONT_FRAGMENT = 0x4000;
    static final int PROTOCOL_TCP = 6;

    /** TCP option layouts (RFC 9293 3.1, RFC 7323, RFC 2018), as Linux and Windows order them. */
    static final int OPT_NONE = 0;
    /** NOP, NOP, Timestamps: Linux on every segment after the SYNs. */
    static final int OPT_TS = 1;
    /** MSS, SACK_PERM, Timestamps, NOP, WS: a Linux SYN or SYN-ACK with timestamps. */
    static final int OPT_SYN_LINUX_TS = 2;
    /** MSS, NOP, NOP, SACK_PERM, NOP, WS: a Linux SYN or SYN-ACK without timestamps. */
    static final int OPT_SYN_LINUX = 3;
    /** MSS, NOP, WS, NOP, NOP, SACK_PERM: a Windows SYN. */
    static final int OPT_SYN_WINDOWS = 4;

    static final int MSS = 1460;

    private static final VarHandle BE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE_SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    /** Payload text of requests and responses, and its running 16-bit sums for the checksum. */
    static final byte[] REQUEST = pattern("GET /api/v2/items?id=4711&fields=name,price HTTP/1.1\r\nHost: shop.example\r\n"
            + "User-Agent: bench/1.0\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    static final byte[] RESPONSE = pattern("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1234\r\n"
            + "Cache-Control: no-store\r\n\r\n{\"id\":4711,\"name\":\"widget\",\"price\":12.5,\"stock\":[1,2,3,4,5,6,7,8]}\r\n");
    private static final long[] REQUEST_SUMS = sums(REQUEST);
    private static final long[] RESPONSE_SUMS = sums(RESPONSE);

    private final CaptureOut out;
    private final long captureStart;
    private final double duplicateShare;
    private final SplittableRandom random;
    private long lastTime = Long.MIN_VALUE;

    // Copies waiting to be written (FIFO; times in order since the delay is constant).
    private final byte[] pending = new byte[1 << 20];
    private final int[] pendingOffset = new int[4096];
    private final int[] pendingLength = new int[4096];
    private final long[] pendingTime = new long[4096];
    private int pendingHead;
    private int pendingCount;
    private int pendingWrite;

    long duplicates;

    PacketWriter(CaptureOut out, long captureStart, double duplicateShare, long seed) {
        this.out = out;
        this.captureStart = captureStart;
        this.duplicateShare = duplicateShare;
        this.random = new SplittableRandom(seed);
    }

    /** Frames written so far; after {@link #tcp} it is the frame number of that segment. */
    long frames() {
        return out.records;
    }

    /**
     * Writes one TCP segment captured at {@code t}.
     *
     * @return its frame number, or 0 when it is before the capture start
     */
    long tcp(long t, int srcIp, int dstIp, long srcMac, long dstMac, int ttl, int ipId, int srcPort, int dstPort,
             int seq, int ack, int flags, int window, int options, int windowScale, int tsVal, int tsEcr,
             int payloadLength, boolean request) throws IOException {
        if (t < captureStart) {
            return 0;
        }
        flushPending(t);
        if (t <= lastTime) {
            t = lastTime + 1;
        }
        lastTime = t;
        int optionBytes = switch (options) {
            case OPT_TS -> 12;
            case OPT_SYN_LINUX_TS -> 20;
            case OPT_SYN_LINUX, OPT_SYN_WINDOWS -> 12;
            default -> 0;
        };
        int tcpHeader = TCP + optionBytes;
        int length = ETHERNET + IPV4 + tcpHeader + payloadLength;
        byte[] b = out.buf;
        int p = out.begin(length);
        // Ethernet II.
        putMac(b, p, dstMac);
        putMac(b, p + 6, srcMac);
        BE_SHORT.set(b, p + 12, (short) ETHERTYPE_IPV4);
        // IPv4 (RFC 791), no options, DF set as Linux and Windows send TCP.
        int ip = p + ETHERNET;
        b[ip] = 0x45;
        b[ip + 1] = 0;
        BE_SHORT.set(b, ip + 2, (short) (IPV4 + tcpHeader + payloadLength));
        BE_SHORT.set(b, ip + 4, (short) ipId);
        BE_SHORT.set(b, ip + 6, (short) IP_DONT_FRAGMENT);
        b[ip + 8] = (byte) ttl;
        b[ip + 9] = PROTOCOL_TCP;
        BE_SHORT.set(b, ip + 10, (short) 0);
        BE_INT.set(b, ip + 12, srcIp);
        BE_INT.set(b, ip + 16, dstIp);
        BE_SHORT.set(b, ip + 10, (short) checksum(sum(b, ip, IPV4)));
        // TCP (RFC 9293 3.1).
        int tcp = ip + IPV4;
        BE_SHORT.set(b, tcp, (short) srcPort);
        BE_SHORT.set(b, tcp + 2, (short) dstPort);
        BE_INT.set(b, tcp + 4, seq);
        BE_INT.set(b, tcp + 8, ack);
        b[tcp + 12] = (byte) ((tcpHeader / 4) << 4);
        b[tcp + 13] = (byte) flags;
        BE_SHORT.set(b, tcp + 14, (short) window);
        BE_SHORT.set(b, tcp + 16, (short) 0);
        BE_SHORT.set(b, tcp + 18, (short) 0);
        writeOptions(b, tcp + TCP, options, windowScale, tsVal, tsEcr);
        byte[] text = request ? REQUEST : RESPONSE;
        int data = tcp + tcpHeader;
        int copied = 0;
        while (copied < payloadLength) {
            int n = Math.min(payloadLength - copied, text.length);
            System.arraycopy(text, 0, b, data + copied, n);
            copied += n;
        }
        long s = (srcIp >>> 16) + (srcIp & 0xFFFF) + (dstIp >>> 16) + (dstIp & 0xFFFF) + PROTOCOL_TCP
                + tcpHeader + payloadLength;
        s += sum(b, tcp, tcpHeader);
        s += payloadSum(request ? REQUEST_SUMS : RESPONSE_SUMS, text.length, payloadLength);
        BE_SHORT.set(b, tcp + 16, (short) checksum(s));
        out.end(t, length);
        long frame = out.records;
        if (duplicateShare > 0 && random.nextDouble() < duplicateShare) {
            keepCopy(b, p, length, t + DUPLICATE_DELAY_NANOS);
        }
        return frame;
    }

    /** Writes the copies still waiting. */
    void finish() throws IOException {
        flushPending(Long.MAX_VALUE);
    }

    private void keepCopy(byte[] b, int p, int length, long t) throws IOException {
        if (pendingCount == pendingTime.length || pendingWrite + length > pending.length) {
            flushPending(Long.MAX_VALUE); // never at realistic rates: 1 MiB of copies within 10 us
        }
        int slot = (pendingHead + pendingCount) % pendingTime.length;
        System.arraycopy(b, p, pending, pendingWrite, length);
        pendingOffset[slot] = pendingWrite;
        pendingLength[slot] = length;
        pendingTime[slot] = t;
        pendingWrite += length;
        pendingCount++;
    }

    private void flushPending(long until) throws IOException {
        while (pendingCount > 0 && pendingTime[pendingHead] <= until) {
            int length = pendingLength[pendingHead];
            long t = pendingTime[pendingHead];
            if (t <= lastTime) {
                t = lastTime + 1;
            }
            lastTime = t;
            int p = out.begin(length);
            System.arraycopy(pending, pendingOffset[pendingHead], out.buf, p, length);
            out.end(t, length);
            duplicates++;
            pendingHead = (pendingHead + 1) % pendingTime.length;
            pendingCount--;
        }
        if (pendingCount == 0) {
            pendingWrite = 0;
            pendingHead = 0;
        }
    }

    private static void writeOptions(byte[] b, int o, int options, int windowScale, int tsVal, int tsEcr) {
        switch (options) {
            case OPT_TS -> {
                b[o] = 1;
                b[o + 1] = 1;
                timestamps(b, o + 2, tsVal, tsEcr);
            }
            case OPT_SYN_LINUX_TS -> {
                mss(b, o);
                b[o + 4] = 4;
                b[o + 5] = 2;
                timestamps(b, o + 6, tsVal, tsEcr);
                b[o + 16] = 1;
                windowScale(b, o + 17, windowScale);
            }
            case OPT_SYN_LINUX -> {
                mss(b, o);
                b[o + 4] = 1;
                b[o + 5] = 1;
                b[o + 6] = 4;
                b[o + 7] = 2;
                b[o + 8] = 1;
                windowScale(b, o + 9, windowScale);
            }
            case OPT_SYN_WINDOWS -> {
                mss(b, o);
                b[o + 4] = 1;
                windowScale(b, o + 5, windowScale);
                b[o + 8] = 1;
                b[o + 9] = 1;
                b[o + 10] = 4;
                b[o + 11] = 2;
            }
            default -> {
            }
        }
    }

    private static void mss(byte[] b, int o) {
        b[o] = 2;
        b[o + 1] = 4;
        BE_SHORT.set(b, o + 2, (short) MSS);
    }

    private static void windowScale(byte[] b, int o, int shift) {
        b[o] = 3;
        b[o + 1] = 3;
        b[o + 2] = (byte) shift;
    }

    private static void timestamps(byte[] b, int o, int tsVal, int tsEcr) {
        b[o] = 8;
        b[o + 1] = 10;
        BE_INT.set(b, o + 2, tsVal);
        BE_INT.set(b, o + 6, tsEcr);
    }

    private static void putMac(byte[] b, int o, long mac) {
        BE_SHORT.set(b, o, (short) (mac >>> 32));
        BE_INT.set(b, o + 2, (int) mac);
    }

    /** One's-complement sum of 16-bit big-endian words (RFC 1071); {@code n} is even here. */
    private static long sum(byte[] b, int o, int n) {
        long s = 0;
        for (int i = 0; i < n; i += 2) {
            s += (short) BE_SHORT.get(b, o + i) & 0xFFFF;
        }
        return s;
    }

    private static int checksum(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) ~s & 0xFFFF;
    }

    /** Sum of a payload made of the pattern repeated: whole repetitions, then a prefix. */
    private static long payloadSum(long[] sums, int patternLength, int length) {
        // The pattern lengths are even, so each repetition starts on a 16-bit word boundary.
        int whole = length / patternLength;
        return whole * sums[patternLength] + sums[length - whole * patternLength];
    }

    private static byte[] pattern(String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        if (t.length % 2 != 0) {
            t = (text + " ").getBytes(StandardCharsets.US_ASCII);
        }
        return t;
    }

    private static long[] sums(byte[] t) {
        long[] s = new long[t.length + 1];
        for (int i = 0; i < t.length; i++) {
            int v = (t[i] & 0xFF) << ((i % 2 == 0) ? 8 : 0);
            s[i + 1] = s[i] + v;
        }
        return s;
    }
}
