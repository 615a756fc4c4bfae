package dev.twhazard.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Several captures read as one stream in timestamp order, as {@code mergecap} merges them: a
 * rotated capture ({@code tcpdump -G}/{@code -C}) is analysed as one, and files that overlap in
 * time are interleaved. Files are opened only when the merge reaches their first packet, so a
 * directory of many sequential files holds one open reader at a time.
 *
 * <p>Frame numbers: with one input they are the file's own (Wireshark's {@code frame.number});
 * with several, the records are numbered in merged order, which equals the frame numbers of
 * {@code mergecap -w merged.pcap} over the same files in the same order. Ties in time keep input
 * order.
 *
 * <p>An input that cannot be opened (not a capture, unreadable) is reported to the error
 * consumer and skipped; the others are still read.
 */
public final class MergedCaptureReader implements CaptureReader {

    /** Per input: what was read from it, for the run summary. */
    public static final class InputStats {
        private final String name;
        long packets;
        long warnings;
        String error;

        InputStats(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public long packets() {
            return packets;
        }

        public long warnings() {
            return warnings;
        }

        public String error() {
            return error;
        }
    }

    private record Pending(CaptureSource input, InputStats stats, long firstTime, int order, CaptureReader open) {
    }

    private static final class Active {
        final CaptureReader reader;
        final InputStats stats;
        final int order;

        Active(CaptureReader reader, InputStats stats, int order) {
            this.reader = reader;
            this.stats = stats;
            this.order = order;
        }
    }

    private final Consumer<CaptureWarning> warnings;
    private final Consumer<IOException> errors;
    private final List<InputStats> stats = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final PriorityQueue<Active> heap = new PriorityQueue<>(
            Comparator.comparingLong((Active a) -> a.reader.timestampNanos()).thenComparingInt(a -> a.order));
    private final boolean renumber;
    private int nextPending;
    private Active current;
    private long frame;
    private long closedBytes;

    /**
     * Peeks at the first record of every input to order them; inputs that fail are reported to
     * {@code errors} and left out.
     */
    public MergedCaptureReader(List<CaptureSource> inputs, Consumer<CaptureWarning> warnings, Consumer<IOException> errors) {
        this.warnings = warnings;
        this.errors = errors;
        this.renumber = inputs.size() > 1;
        int order = 0;
        for (CaptureSource in : inputs) {
            InputStats s = new InputStats(in.name());
            stats.add(s);
            CaptureReader r = null;
            // Warnings of the peek are held back: with several inputs, a file is closed after its
            // first record (not every input stays open) and read again from its start when the
            // merge reaches it, and would report them a second time. A single input stays open.
            HeldWarnings peek = new HeldWarnings();
            try {
                r = in.opener().open(peek);
                if (!r.next()) {
                    peek.release(counting(s));
                    r.close();
                    continue;
                }
                long first = r.timestampNanos();
                if (in.reopenable() && renumber) {
                    r.close();
                    r = null;
                } else {
                    peek.release(counting(s));
                }
                pending.add(new Pending(in, s, first, order++, r));
            } catch (IOException e) {
                peek.release(counting(s));
                closeQuietly(r);
                s.error = e.getMessage();
                errors.accept(e);
            }
        }
        pending.sort(Comparator.comparingLong(Pending::firstTime).thenComparingInt(Pending::order));
    }

    /** Holds warnings until {@link #release} names where they go; from then on passes them straight on. */
    private static final class HeldWarnings implements Consumer<CaptureWarning> {
        private final List<CaptureWarning> held = new ArrayList<>();
        private Consumer<CaptureWarning> target;

        @Override
        public void accept(CaptureWarning w) {
            if (target == null) {
                held.add(w);
            } else {
                target.accept(w);
            }
        }

        void release(Consumer<CaptureWarning> to) {
            target = to;
            held.forEach(to);
            held.clear();
        }
    }

    private Consumer<CaptureWarning> counting(InputStats s) {
        return w -> {
            s.warnings++;
            warnings.accept(w);
        };
    }

    public List<InputStats> inputStats() {
        return stats;
    }

    @Override
    public boolean next() throws IOException {
        if (current != null && heap.isEmpty() && nextPending == pending.size()) {
            // One input left (the common case): no merging to do.
            if (advance(current)) {
                current.stats.packets++;
                frame = renumber ? frame + 1 : current.reader.frameNumber();
                return true;
            }
            current = null;
            return false;
        }
        if (current != null) {
            if (advance(current)) {
                heap.add(current);
            }
            current = null;
        }
        while (nextPending < pending.size()
                && (heap.isEmpty() || pending.get(nextPending).firstTime <= heap.peek().reader.timestampNanos())) {
            openPending(pending.get(nextPending++));
        }
        current = heap.poll();
        if (current == null) {
            return false;
        }
        current.stats.packets++;
        frame = renumber ? frame + 1 : current.reader.frameNumber();
        return true;
    }

    private boolean advance(Active a) throws IOException {
        try {
            if (a.reader.next()) {
                return true;
            }
        } catch (CaptureFormatException e) {
            a.stats.error = e.getMessage();
            errors.accept(e);
        }
        closedBytes += a.reader.sourceBytesRead();
        a.reader.close();
        return false;
    }

    private void openPending(Pending p) throws IOException {
        CaptureReader r = p.open;
        try {
            if (r == null) {
                r = p.input.opener().open(counting(p.stats));
                if (!r.next()) {
                    r.close();
                    return;
                }
            }
            heap.add(new Active(r, p.stats, p.order));
        } catch (CaptureFormatException e) {
            closeQuietly(r);
            p.stats.error = e.getMessage();
            errors.accept(e);
        }
    }

    private static void closeQuietly(CaptureReader r) {
        if (r != null) {
            try {
                r.close();
            } catch (IOException ignored) {
                // Closing a reader that already failed: nothing more to report.
            }
        }
    }

    @Override
    public long frameNumber() {
        return frame;
    }

    @Override
    public long timestampNanos() {
        return current.reader.timestampNanos();
    }

    @Override
    public int linkType() {
        return current.reader.linkType();
    }

    @Override
    public ByteBuffer buffer() {
        return current.reader.buffer();
    }

    @Override
    public int dataOffset() {
        return current.reader.dataOffset();
    }

    @Override
    public int capturedLength() {
        return current.reader.capturedLength();
    }

    @Override
    public long originalLength() {
        return current.reader.originalLength();
    }

    @Override
    public long recordOffset() {
        return current.reader.recordOffset();
    }

    @Override
    public long sourceBytesRead() {
        long open = current == null ? 0 : current.reader.sourceBytesRead();
        for (Active a : heap) {
            open += a.reader.sourceBytesRead();
        }
        return closedBytes + open;
    }

    @Override
    public int timestampDigits() {
        return current == null ? 6 : current.reader.timestampDigits();
    }

    @Override
    public String sourceName() {
        return current == null ? "" : current.reader.sourceName();
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.reader.close();
            current = null;
        }
        for (Active a : heap) {
            a.reader.close();
        }
        heap.clear();
        for (int i = nextPending; i < pending.size(); i++) {
            closeQuietly(pending.get(i).open);
        }
    }
}
