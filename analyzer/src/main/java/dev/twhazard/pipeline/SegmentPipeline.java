package dev.twhazard.pipeline;

import dev.twhazard.capture.CaptureReader;
import dev.twhazard.capture.CaptureWarning;
import dev.twhazard.decode.DecodeStatus;
import dev.twhazard.decode.PacketDecoder;
import dev.twhazard.decode.TcpSegment;
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

    /** Reads {@code reader} to its end. */
    public void run(CaptureReader reader, Consumer<TcpSegment> sink) throws IOException {
        long read = 0;
        long decoded = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try {
            while (reader.next()) {
                read++;
                perRecord.run();
                long t = reader.timestampNanos();
                if (t < first) {
                    first = t;
                }
                if (t > last) {
                    last = t;
                }
                if (t < sinceNanos || t >= untilNanos) {
                    outsideRange++;
                    continue;
                }
                if (filter != null && !filter.accept(reader.linkType(), reader.buffer(), reader.dataOffset(),
                        reader.capturedLength(), reader.originalLength())) {
                    excluded++;
                    continue;
                }
                DecodeStatus status = decoder.decode(reader.linkType(), reader.buffer(), reader.dataOffset(),
                        reader.capturedLength(), segment);
                if (status != DecodeStatus.DECODED) {
                    skippedByStatus[status.ordinal()]++;
                    continue;
                }
                segment.frame = reader.frameNumber();
                segment.timestampNanos = t;
                decoded++;
                sink.accept(segment);
            }
        } finally {
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
    }
}
