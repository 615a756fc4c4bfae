package dev.twhazard.cli;

import dev.twhazard.capture.CaptureReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapStat;

/**
 * Packets from a live libpcap handle (through pcap4j) as a {@link CaptureReader}, so that live
 * capture runs through the same pipeline as files. pcap4j copies every packet into a new array;
 * live rates are bounded by the interface, so that cost is acceptable here (it is why files are
 * read by plain Java instead).
 *
 * <p>The handle must be in non-blocking mode: in libpcap's immediate mode on Linux a blocking
 * {@code pcap_next_ex} waits for the next packet however long that takes (the read timeout is not
 * applied), so on a quiet interface {@code --duration}, {@code --every} and Ctrl-C would wait for
 * traffic. With no packet ready the reader sleeps {@value #IDLE_MILLIS} ms and looks at
 * {@code stop} again; packet times come from the kernel, so the sleep does not skew them.
 */
final class LiveCaptureReader implements CaptureReader {

    /** How long to wait when no packet is ready. */
    static final long IDLE_MILLIS = 10;

    private final PcapHandle handle;
    private final int linkType;
    private final BooleanSupplier stop;
    private final String name;
    private byte[] data = new byte[65536];
    private ByteBuffer buffer = ByteBuffer.wrap(data);
    private long frame;
    private long timestamp;
    private int length;
    private long originalLength;
    private long bytes;

    LiveCaptureReader(PcapHandle handle, String name, BooleanSupplier stop) {
        this.handle = handle;
        this.linkType = handle.getDlt().value();
        this.stop = stop;
        this.name = name;
    }

    @Override
    public boolean next() throws IOException {
        while (!stop.getAsBoolean()) {
            byte[] raw;
            try {
                raw = handle.getNextRawPacketEx();
            } catch (TimeoutException e) {
                // No packet ready (non-blocking handle): wait a little, then look at stop again.
                try {
                    Thread.sleep(IDLE_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                continue;
            } catch (EOFException e) {
                return false;
            } catch (PcapNativeException | NotOpenException e) {
                throw new IOException("live capture on " + name + ": " + e.getMessage(), e);
            }
            if (raw.length > data.length) {
                data = new byte[raw.length];
                buffer = ByteBuffer.wrap(data);
            }
            System.arraycopy(raw, 0, data, 0, raw.length);
            length = raw.length;
            Integer orig = handle.getOriginalLength();
            originalLength = orig == null ? raw.length : orig;
            Timestamp ts = handle.getTimestamp();
            timestamp = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
            frame++;
            bytes += raw.length;
            return true;
        }
        return false;
    }

    @Override
    public long frameNumber() {
        return frame;
    }

    @Override
    public long timestampNanos() {
        return timestamp;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public int dataOffset() {
        return 0;
    }

    @Override
    public int capturedLength() {
        return length;
    }

    @Override
    public long originalLength() {
        return originalLength;
    }

    @Override
    public long recordOffset() {
        return 0;
    }

    @Override
    public long sourceBytesRead() {
        return bytes;
    }

    @Override
    public int timestampDigits() {
        return 6;
    }

    @Override
    public String sourceName() {
        return name;
    }

    /**
     * Prints libpcap's counters, as tcpdump does when it stops: packets the kernel dropped were
     * never analysed, and a missed FIN or SYN can change what the analysis concludes.
     */
    void printStatistics(PrintWriter err) {
        try {
            PcapStat s = handle.getStats();
            err.printf(Locale.ROOT, "twhazard: %d packets captured on %s, %d received by filter, %d dropped by kernel%n",
                    frame, name, s.getNumPacketsReceived(), s.getNumPacketsDropped());
        } catch (PcapNativeException | NotOpenException | UnsupportedOperationException e) {
            err.printf(Locale.ROOT, "twhazard: %d packets captured on %s%n", frame, name);
        }
    }

    @Override
    public void close() {
        handle.close();
    }
}
