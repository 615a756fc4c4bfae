package dev.twhazard.pipeline;

import dev.twhazard.capture.CaptureReader;
import dev.twhazard.capture.CaptureWarning;
import dev.twhazard.decode.DecodeStatus;
import dev.twhazard.decode.PacketDecoder;
import dev.twhazard.decode.TcpSegment;
import dev.twhazard.flow.FlowTable;
import dev.twhazard.report.FindingRow;
import dev.twhazard.report.RunSummary;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads records, applies the time range and the packet filter, decodes, and hands each TCP
 * segment to a consumer, counting every packet read as decoded or skipped by reason in the
 * {@link RunSummary}. Records the reader could not deliver (damaged, truncated) are counted
 * through {@link #warnings(Consumer)}. The segment handed on is reused: consumers copy what they
 * keep.
 */
public final class SegmentPipeline {

    /** A capture filter over raw frames, e.g. a BPF program compiled by libpcap. */
    @FunctionalInterface
    public interface PacketFilter {
        boolean accept(int linkType, ByteBuffer buf, int offset, int capturedLength, long originalLength);
    }

    public static final String EXCLUDED_BY_FILTER = "excluded_by_filter";
    public static final String OUTSIDE_TIME_RANGE = "outside_time_range";

    private final RunSummary summary;
    private final PacketDecoder decoder = new PacketDecoder();
    private final TcpSegment segment = new TcpSegment();
    private final long[] skippedByStatus = new long[DecodeStatus.values().length];
    private PacketFilter filter;
    private Runnable perRecord = () -> { };
    private long sinceNanos = Long.MIN_VALUE;
    private long untilNanos = Long.MAX_VALUE;
    private long excluded;
    private long outsideRange;
    private final java.util.Map<Integer, Long> unsupportedLinkTypes = new java.util.TreeMap<>();

    public SegmentPipeline(RunSummary summary) {
        this.summary = summary;
    }

    public SegmentPipeline filter(PacketFilter f) {
        this.filter = f;
        return this;
    }

    /** Called once per record read (a progress bar counts with it). */
    public SegmentPipeline perRecord(Runnable r) {
        this.perRecord = r;
        return this;
    }

    /** Only packets with {@code since <= time < until} are analysed; the others are counted. */
    public SegmentPipeline timeRange(long since, long until) {
        this.sinceNanos = since;
        this.untilNanos = until;
        return this;
    }

    /** Wraps a warning consumer so that records lost by the reader are counted as read and skipped. */
    public Consumer<CaptureWarning> warnings(Consumer<CaptureWarning> downstream) {
        return w -> {
            summary.captureWarnings++;
            if (w.kind().losesRecord()) {
                summary.packetsRead++;
                summary.skip(w.kind().name().toLowerCase(Locale.ROOT));
            }
            downstream.accept(w);
        };
    }

    /** Reads {@code reader} to its end on the calling thread. */
    public void run(CaptureReader reader, Consumer<TcpSegment> sink) throws IOException {
        Reading r = new Reading();
        try {
            while (reader.next()) {
                if (decodeCurrent(reader, r, segment)) {
                    sink.accept(segment);
                }
            }
        } finally {
            r.flush();
        }
    }

    /**
     * Reads {@code reader} to its end with two threads: this one hands each decoded segment to
     * {@code sink} while a reader thread reads, filters and decodes ahead of it. Segments travel
     * in reused batches, so nothing is allocated per packet, and their order is kept. Everything
     * the summary counts is counted by the reader thread and visible once this method returns.
     */
    public void runInParallel(CaptureReader reader, Consumer<TcpSegment> sink) throws IOException {
        BatchExchange exchange = new BatchExchange();
        Thread producer = new Thread(() -> produce(reader, exchange), "twhazard-reader");
        producer.setDaemon(true);
        producer.start();
        try {
            for (;;) {
                SegmentBatch b = exchange.takeFull();
                for (int i = 0; i < b.size; i++) {
                    sink.accept(b.segments[i]);
                }
                if (b.last) {
                    if (b.error != null) {
                        throw b.error;
                    }
                    break;
                }
                exchange.giveBack(b);
            }
        } catch (RuntimeException | IOException e) {
            exchange.cancel();
            throw e;
        } finally {
            joinQuietly(producer);
        }
    }

    private void produce(CaptureReader reader, BatchExchange exchange) {
        Reading r = new Reading();
        SegmentBatch b = exchange.takeEmpty();
        try {
            while (b != null && reader.next()) {
                if (decodeCurrent(reader, r, b.segments[b.size])) {
                    if (++b.size == SegmentBatch.CAPACITY) {
                        exchange.putFull(b);
                        b = exchange.takeEmpty();
                    }
                }
            }
        } catch (IOException e) {
            if (b != null) {
                b.error = e;
            }
        } catch (RuntimeException e) {
            if (b != null) {
                b.error = new IOException("reading failed: " + e, e);
            }
        } finally {
            r.flush();
            if (b != null) {
                b.last = true;
                exchange.putFull(b);
            }
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Per-run counters, kept in locals of one thread and added to the summary at the end. */
    private final class Reading {
        long read;
        long decoded;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        void flush() {
            summary.packetsRead += read;
            summary.packetsDecoded += decoded;
            if (first != Long.MAX_VALUE) {
                BigDecimal f = FindingRow.seconds(first);
                BigDecimal l = FindingRow.seconds(last);
                summary.firstPacketTime = summary.firstPacketTime == null ? f : summary.firstPacketTime.min(f);
                summary.lastPacketTime = summary.lastPacketTime == null ? l : summary.lastPacketTime.max(l);
                summary.durationSeconds = summary.lastPacketTime.subtract(summary.firstPacketTime);
            }
            flushCounts();
        }
    }

    /** Counts, filters and decodes the reader's current record into {@code out}; true when it is a TCP segment to analyse. */
    private boolean decodeCurrent(CaptureReader reader, Reading r, TcpSegment out) {
        r.read++;
        perRecord.run();
        long t = reader.timestampNanos();
        if (t < r.first) {
            r.first = t;
        }
        if (t > r.last) {
            r.last = t;
        }
        if (t < sinceNanos || t >= untilNanos) {
            outsideRange++;
            return false;
        }
        if (filter != null && !filter.accept(reader.linkType(), reader.buffer(), reader.dataOffset(),
                reader.capturedLength(), reader.originalLength())) {
            excluded++;
            return false;
        }
        DecodeStatus status = decoder.decode(reader.linkType(), reader.buffer(), reader.dataOffset(),
                reader.capturedLength(), out);
        if (status != DecodeStatus.DECODED) {
            skippedByStatus[status.ordinal()]++;
            if (status == DecodeStatus.UNSUPPORTED_LINK_TYPE) {
                unsupportedLinkTypes.merge(reader.linkType(), 1L, Long::sum);
            }
            return false;
        }
        out.frame = reader.frameNumber();
        out.timestampNanos = t;
        FlowTable.prepare(out);
        r.decoded++;
        return true;
    }

    private void flushCounts() {
        for (DecodeStatus s : DecodeStatus.values()) {
            long n = skippedByStatus[s.ordinal()];
            if (n > 0) {
                summary.packetsSkipped.merge(s.label(), n, Long::sum);
                skippedByStatus[s.ordinal()] = 0;
            }
        }
        if (excluded > 0) {
            summary.packetsSkipped.merge(EXCLUDED_BY_FILTER, excluded, Long::sum);
            excluded = 0;
        }
        if (outsideRange > 0) {
            summary.packetsSkipped.merge(OUTSIDE_TIME_RANGE, outsideRange, Long::sum);
            outsideRange = 0;
        }
        unsupportedLinkTypes.forEach((type, n) -> summary.unsupportedLinkTypes.merge(String.valueOf(type), n, Long::sum));
        unsupportedLinkTypes.clear();
    }
}
