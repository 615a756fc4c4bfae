package dev.twhazard.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Writes Ethernet records into a capture file through one large reused buffer: the caller asks
 * for room ({@link #begin}), writes the frame bytes in place at the returned offset of
 * {@link #buf}, and closes the record with its timestamp ({@link #end}). Nothing is allocated per
 * record. Timestamps are nanoseconds; both formats here keep nanosecond resolution, so times
 * that the generator keeps strictly increasing stay so in the file.
 */
abstract sealed class CaptureOut implements Closeable permits CaptureOut.Pcap, CaptureOut.PcapNg {

    static final int LINKTYPE_ETHERNET = 1;
    static final int SNAPLEN = 262_144;
    static final int BUFFER_BYTES = 4 << 20;

    static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LE_SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    final byte[] buf = new byte[BUFFER_BYTES];
    int pos;
    private final OutputStream out;
    long records;
    long bytesWritten;

    CaptureOut(OutputStream out) {
        this.out = out;
    }

    static CaptureOut open(String format, OutputStream out) throws IOException {
        return switch (format) {
            case "pcap" -> new Pcap(out);
            case "pcapng" -> new PcapNg(out);
            default -> throw new IllegalArgumentException("format: " + format + " (expected: pcap or pcapng)");
        };
    }

    /** Makes room for a record of {@code length} frame bytes; returns where the frame goes in {@link #buf}. */
    abstract int begin(int length) throws IOException;

    /** Completes the record begun last. */
    abstract void end(long timestampNanos, int length);

    final void ensure(int n) throws IOException {
        if (pos + n > buf.length) {
            drain();
        }
    }

    final void drain() throws IOException {
        out.write(buf, 0, pos);
        bytesWritten += pos;
        pos = 0;
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
            out.flush();
        } finally {
            out.close();
        }
    }

    /** Classic pcap, little-endian, nanosecond magic a1b23c4d. */
    static final class Pcap extends CaptureOut {
        static final int MAGIC_NANOSECONDS = 0xA1B23C4D;
        static final int RECORD_HEADER = 16;

        Pcap(OutputStream out) {
            super(out);
            LE_INT.set(buf, 0, MAGIC_NANOSECONDS);
            LE_SHORT.set(buf, 4, (short) 2);
            LE_SHORT.set(buf, 6, (short) 4);
            LE_INT.set(buf, 8, 0);
            LE_INT.set(buf, 12, 0);
            LE_INT.set(buf, 16, SNAPLEN);
            LE_INT.set(buf, 20, LINKTYPE_ETHERNET);
            pos = 24;
        }

        @Override
        int begin(int length) throws IOException {
            ensure(RECORD_HEADER + length);
            return pos + RECORD_HEADER;
        }

        @Override
        void end(long t, int length) {
            int p = pos;
            LE_INT.set(buf, p, (int) (t / 1_000_000_000L));
            LE_INT.set(buf, p + 4, (int) (t % 1_000_000_000L));
            LE_INT.set(buf, p + 8, length);
            LE_INT.set(buf, p + 12, length);
            pos = p + RECORD_HEADER + length;
            records++;
        }
    }

    /**
     * Minimal pcapng: one Section Header Block, one Interface Description Block (Ethernet, with
     * {@code if_tsresol} = 9 for nanoseconds), then one Enhanced Packet Block per record.
     */
    static final class PcapNg extends CaptureOut {
        static final int SHB = 0x0A0D0D0A;
        static final int IDB = 1;
        static final int EPB = 6;
        static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
        static final int EPB_OVERHEAD = 32;
        static final short OPT_ENDOFOPT = 0;
        static final short OPT_IF_TSRESOL = 9;

        PcapNg(OutputStream out) {
            super(out);
            int p = 0;
            LE_INT.set(buf, p, SHB);
            LE_INT.set(buf, p + 4, 28);
            LE_INT.set(buf, p + 8, BYTE_ORDER_MAGIC);
            LE_SHORT.set(buf, p + 12, (short) 1);
            LE_SHORT.set(buf, p + 14, (short) 0);
            LE_INT.set(buf, p + 16, -1);
            LE_INT.set(buf, p + 20, -1);
            LE_INT.set(buf, p + 24, 28);
            p += 28;
            LE_INT.set(buf, p, IDB);
            LE_INT.set(buf, p + 4, 32);
            LE_SHORT.set(buf, p + 8, (short) LINKTYPE_ETHERNET);
            LE_SHORT.set(buf, p + 10, (short) 0);
            LE_INT.set(buf, p + 12, SNAPLEN);
            LE_SHORT.set(buf, p + 16, OPT_IF_TSRESOL);
            LE_SHORT.set(buf, p + 18, (short) 1);
            buf[p + 20] = 9;
            LE_SHORT.set(buf, p + 24, OPT_ENDOFOPT);
            LE_SHORT.set(buf, p + 26, (short) 0);
            LE_INT.set(buf, p + 28, 32);
            pos = p + 32;
        }

        @Override
        int begin(int length) throws IOException {
            ensure(EPB_OVERHEAD + length + 3);
            return pos + 28;
        }

        @Override
        void end(long t, int length) {
            int padded = (length + 3) & ~3;
            int total = EPB_OVERHEAD + padded;
            int p = pos;
            LE_INT.set(buf, p, EPB);
            LE_INT.set(buf, p + 4, total);
            LE_INT.set(buf, p + 8, 0);
            LE_INT.set(buf, p + 12, (int) (t >>> 32));
            LE_INT.set(buf, p + 16, (int) t);
            LE_INT.set(buf, p + 20, length);
            LE_INT.set(buf, p + 24, length);
            for (int i = p + 28 + length; i < p + 28 + padded; i++) {
                buf[i] = 0;
            }
            LE_INT.set(buf, p + 28 + padded, total);
            pos = p + total;
            records++;
        }
    }
}
