package dev.twhazard.detect;

import dev.twhazard.decode.TcpSegment;
import dev.twhazard.flow.Flow;
import dev.twhazard.flow.FlowTracker;
import dev.twhazard.flow.Incarnation;
import dev.twhazard.flow.SegmentEvent;
import dev.twhazard.flow.SegmentRole;
import dev.twhazard.flow.TimeWaitLedger;
import dev.twhazard.flow.TrackerListener;
import dev.twhazard.report.Finding;
import java.util.List;
import java.util.function.Consumer;

/**
 * The analysis engine as a library: feed it decoded TCP segments in capture-time order, and it
 * emits findings to the sink as soon as each is final; {@link #finish()} ends the input and
 * emits what was still pending (attempts in progress, capacity findings). It knows nothing of
 * files or the command line, so any driver (the CLI, a batch job over many captures, a live
 * capture) can use it. Not thread-safe; one instance per stream.
 *
 * {@snippet :
 * HazardAnalyzer analyzer = new HazardAnalyzer(AnalyzerConfig.defaults(), findings::add);
 * for (TcpSegment segment : segments) {   // decoded, in time order
 *     analyzer.accept(segment);
 * }
 * analyzer.finish();
 * }
 */
public final class HazardAnalyzer implements TrackerListener {

    private static final long TICK_NANOS = 1_000_000_000L;

    private final DetectorContext ctx;
    private final FlowTracker tracker;
    private final Detector[] detectors;
    private long nextTick = Long.MIN_VALUE;
    /** How often the detectors forget idle records ({@link Detector#sweep}). */
    private static final long SWEEP_EVERY_NANOS = 60_000_000_000L;
    /**
     * Records idle this long are forgotten (unless reportable): memory follows the hosts active
     * in the last minutes, while recurring clients keep their records instead of re-creating them.
     */
    private static final long RECORD_IDLE_NANOS = 300_000_000_000L;
    private long nextSweep = Long.MIN_VALUE;
    private boolean finished;

    public HazardAnalyzer(AnalyzerConfig config, Consumer<Finding> sink) {
        this.tracker = new FlowTracker(config.tracker(), this);
        this.ctx = new DetectorContext(config, tracker.ledger(), sink);
        TimeWaitOverflowDetector overflow = new TimeWaitOverflowDetector(ctx);
        this.detectors = new Detector[] {
            new TimeWaitReuseDetector(ctx),
            new OldIncarnationDetector(ctx),
            new PawsRegressionDetector(ctx),
            overflow,
            new PortExhaustionDetector(ctx),
            new TimeWaitPressureDetector(ctx, overflow),
        };
    }

    /**
     * Analyses one segment. The returned event describes it (role, incarnation, endpoint states
     * after it) and is valid until the next call.
     */
    public SegmentEvent accept(TcpSegment segment) {
        if (finished) {
            throw new IllegalStateException("the analysis is finished");
        }
        SegmentEvent e = tracker.track(segment);
        if (!uneventful(e)) {
            for (Detector d : detectors) {
                d.onSegment(e);
            }
        }
        tracker.endSegment();
        long now = tracker.clock();
        if (now >= nextTick) {
            for (Detector d : detectors) {
                d.onClock(now);
            }
            nextTick = now + TICK_NANOS;
            if (nextSweep == Long.MIN_VALUE) {
                nextSweep = now + SWEEP_EVERY_NANOS;
            } else if (now >= nextSweep) {
                for (Detector d : detectors) {
                    d.sweep(now - RECORD_IDLE_NANOS);
                }
                nextSweep = now + SWEEP_EVERY_NANOS;
            }
        }
        return e;
    }

    /**
     * Most segments are data or ACKs inside a connection that no detector follows: none of them
     * acts on such a segment unless its TSval regressed, so they are not called (a measurable
     * share of the per-packet cost at millions of packets per second).
     */
    private static boolean uneventful(SegmentEvent e) {
        SegmentRole role = e.role();
        if (role == SegmentRole.DUPLICATE) {
            return true;
        }
        if (role != SegmentRole.DATA || e.tsRegressed()) {
            return false;
        }
        Incarnation inc = e.incarnation();
        return inc != null && !inc.hasAttachments();
    }

    /** The input is over: emits every finding still pending. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        ctx.setCaptureOver();
        tracker.finish();
        for (Detector d : detectors) {
            d.finish();
        }
    }

    @Override
    public void onIncarnationEnd(Flow flow, Incarnation incarnation, long time) {
        for (Detector d : detectors) {
            d.onIncarnationEnd(flow, incarnation, time);
        }
    }

    @Override
    public void onFlowRemoved(Flow flow, boolean evicted) {
        for (Detector d : detectors) {
            d.onFlowRemoved(flow, evicted);
        }
    }

    /** Counters for the run summary. */
    public AnalysisStats stats() {
        List<TimeWaitLedger.HostTw> hosts = tracker.ledger().hosts().stream()
                .sorted((a, b) -> Integer.compare(b.peak(), a.peak())).limit(AnalysisStats.TOP_HOSTS).toList();
        return new AnalysisStats(tracker.flowsCreated(), tracker.incarnationsStarted(),
                tracker.partialIncarnations(), tracker.duplicates(), tracker.flowsExpired(), tracker.flowsEvicted(),
                ctx.emitted(), ctx.suppressed(), ctx.bySeverity(), ctx.classified(), hosts);
    }
}
