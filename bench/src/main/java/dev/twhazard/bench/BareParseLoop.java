package dev.twhazard.bench;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The floor to compare the analyzer with: the least work any capture analysis does. It reads a
 * classic pcap with plain buffered I/O, parses the Ethernet, IPv4 and TCP headers of each record
 * (ports, seq, ack, flags) and counts packets per quadruple in a primitive open-addressing
 * table. No decoding of options or tunnels, no state per connection, no findings.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.twhazard.bench.BareParseLoop FILE|-
 * </pre>
 */
public final class BareParseLoop {

    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE_SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final int FILE_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    private static final int ETHERNET = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int PROTOCOL_TCP = 6;

    private long[] addresses = new long[1 << 20];
    private int[] ports = new int[1 << 20];
    private int[] counts = new int[1 << 20];
    private int mask = (1 << 20) - 1;
    long flows;
    long packets;
    long tcp;
    long checksum;

    /** Counts a TCP segment of the quadruple (canonical order, so both directions share one entry). */
    private void count(int src, int dst, int srcPort, int dstPort) {
        boolean swap = Integer.compareUnsigned(src, dst) > 0 || (src == dst && srcPort > dstPort);
        long addr = swap ? (long) dst << 32 | (src & 0xFFFFFFFFL) : (long) src << 32 | (dst & 0xFFFFFFFFL);
        int p = swap ? dstPort << 16 | srcPort : srcPort << 16 | dstPort;
        long h = (addr ^ (long) p * 0x9E3779B97F4A7C15L) * 0xC2B2AE3D27D4EB4FL;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (counts[i] != 0) {
            if (addresses[i] == addr && ports[i] == p) {
                counts[i]++;
                return;
            }
            i = (i + 1) & mask;
        }
        addresses[i] = addr;
        ports[i] = p;
        counts[i] = 1;
        if (++flows * 2 > counts.length) {
            grow();
        }
    }

    private void grow() {
        long[] a = addresses;
        int[] p = ports;
        int[] c = counts;
        addresses = new long[a.length * 2];
        ports = new int[a.length * 2];
        counts = new int[a.length * 2];
        mask = a.length * 2 - 1;
        for (int j = 0; j < a.length; j++) {
            if (c[j] != 0) {
                long h = (a[j] ^ (long) p[j] * 0x9E3779B97F4A7C15L) * 0xC2B2AE3D27D4EB4FL;
                int i = (int) (h ^ (h >>> 32)) & mask;
                while (counts[i] != 0) {
                    i = (i + 1) & mask;
                }
                addresses[i] = a[j];
                ports[i] = p[j];
                counts[i] = c[j];
            }
        }
    }

    void run(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 20];
        int n = in.readNBytes(buf, 0, FILE_HEADER);
        if (n < FILE_HEADER || (int) LE_INT.get(buf, 0) != 0xA1B2C3D4 && (int) LE_INT.get(buf, 0) != 0xA1B23C4D) {
            throw new IOException("not a little-endian pcap file");
        }
        int start = 0;
        int end = 0;
        while (true) {
            if (end - start < RECORD_HEADER) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
                int r = in.read(buf, end, buf.length - end);
                if (r < 0) {
                    break;
                }
                end += r;
                continue;
            }
            int caplen = (int) LE_INT.get(buf, start + 8);
            if (caplen < 0 || caplen > buf.length - RECORD_HEADER) {
                throw new IOException("record length " + caplen);
            }
            if (end - start < RECORD_HEADER + caplen) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
                int r = in.read(buf, end, buf.length - end);
                if (r < 0) {
                    break;
                }
                end += r;
                continue;
            }
            packets++;
            parse(buf, start + RECORD_HEADER, caplen);
            start += RECORD_HEADER + caplen;
        }
    }

    private void parse(byte[] b, int o, int len) {
        if (len < ETHERNET + 20 || ((short) BE_SHORT.get(b, o + 12) & 0xFFFF) != ETHERTYPE_IPV4) {
            return;
        }
        int ip = o + ETHERNET;
        int ihl = (b[ip] & 0x0F) * 4;
        if ((b[ip] & 0xF0) != 0x40 || ihl < 20 || b[ip + 9] != PROTOCOL_TCP || len < ETHERNET + ihl + 20) {
            return;
        }
        int src = (int) BE_INT.get(b, ip + 12);
        int dst = (int) BE_INT.get(b, ip + 16);
        int t = ip + ihl;
        int srcPort = (short) BE_SHORT.get(b, t) & 0xFFFF;
        int dstPort = (short) BE_SHORT.get(b, t + 2) & 0xFFFF;
        int seq = (int) BE_INT.get(b, t + 4);
        int ack = (int) BE_INT.get(b, t + 8);
        int flags = b[t + 13] & 0xFF;
        tcp++;
        checksum += seq ^ ack ^ flags;
        count(src, dst, srcPort, dstPort);
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BareParseLoop FILE|-");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        BareParseLoop loop = new BareParseLoop();
        try (InputStream in = args[0].equals("-") ? System.in : new FileInputStream(args[0])) {
            loop.run(in);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%d packets, %d TCP, %d quadruples in %.3f s: %.2f M packets/s (checksum %x)%n",
                loop.packets, loop.tcp, loop.flows, s, loop.packets / s / 1e6, loop.checksum);
    }
}
