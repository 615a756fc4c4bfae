package dev.twhazard.cli;

import dev.twhazard.capture.CaptureReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;

/**
 * Packets from a live libpcap handle (through pcap4j) as a {@link CaptureReader}, so that live
 * capture runs through the same pipeline as files. pcap4j copies every packet into a new array;
 * live rates are bounded by the interface, so that cost is acceptable here (it is why files are
 * read by plain Java instead).
 */
final class LiveCaptureReader implements CaptureReader {

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
                continue; // the read timeout expired with no packet: look at stop again
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

    @Override
    public void close() {
        handle.close();
    }
}
