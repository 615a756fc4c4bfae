package dev.twhazard.flow;

import static dev.twhazard.flow.TimeWaitLedger.SERIES_BUCKET_NANOS;
import static dev.twhazard.flow.TimeWaitLedger.SERIES_MAX_BUCKETS;
import static dev.twhazard.flow.TimeWaitLedger.SERIES_THRESHOLD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-host TIME_WAIT time series of {@link TimeWaitLedger.HostTw}: the maximum live count per
 * bucket, from the first time the host held {@link TimeWaitLedger#SERIES_THRESHOLD} at once; beyond
 * {@link TimeWaitLedger#SERIES_MAX_BUCKETS} buckets, pairs merge by max and the width doubles.
 * The model recomputes the series from scratch at the final width, so merging must give exactly
 * what bucketing at that width from the start would have: bounded length, the peak kept, and in
 * the right bucket.
 */
class TimeWaitSeriesTest {

    static final long S = 1_000_000_000L;
    static final long T0 = 1_795_420_753L * S + 123_456_789L; // not on a bucket boundary

    record Sample(long time, int live) {
    }

    static TimeWaitLedger.HostTw host() {
        return new TimeWaitLedger.HostTw(0, 0x0000_FFFF_0A00_0001L, 60 * S);
    }

    static void record(TimeWaitLedger.HostTw h, List<Sample> log, long time, int live) {
        h.live = live;
        h.record(time);
        log.add(new Sample(time, live));
    }

    /** The series the documented rule gives for these samples (times ascending). */
    static void assertSeriesAsModelled(TimeWaitLedger.HostTw h, List<Sample> log) {
        int first = 0;
        while (first < log.size() && log.get(first).live < SERIES_THRESHOLD) {
            first++;
        }
        if (first == log.size()) {
            assertEquals(-1, h.seriesStart());
            assertEquals(0, h.series().length);
            return;
        }
        long t = log.get(first).time;
        long start = t - Math.floorMod(t, SERIES_BUCKET_NANOS); // aligned to the 10 s grid
        assertEquals(start, h.seriesStart());
        long last = log.get(log.size() - 1).time - start;
        long width = SERIES_BUCKET_NANOS;
        while (last / width >= SERIES_MAX_BUCKETS) {
            width *= 2;
        }
        assertEquals(width, h.seriesBucketNanos(), "bucket width");
        int[] expected = new int[(int) (last / width) + 1];
        for (int i = first; i < log.size(); i++) {
            Sample s = log.get(i);
            int b = (int) ((s.time - start) / width);
            expected[b] = Math.max(expected[b], s.live);
        }
        assertArrayEquals(expected, h.series());
    }

    /** Three days of a random walk, sampled at random intervals: the width doubles many times. */
    @Test
    void longRandomSeriesStaysBoundedAndMatchesTheModel() {
        SplittableRandom random = new SplittableRandom(1337);
        TimeWaitLedger.HostTw h = host();
        List<Sample> log = new ArrayList<>();
        long time = T0;
        int live = 0;
        int maxLive = 0;
        long maxTime = 0;
        while (time < T0 + 3 * 86_400 * S) {
            live = Math.max(0, live + random.nextInt(-20, 21));
            if (random.nextInt(5000) == 0) {
                live += 5000; // a rare burst, the peak that must survive every merge
            }
            if (live > maxLive) {
                maxLive = live;
                maxTime = time;
            }
            record(h, log, time, live);
            assertTrue(h.series().length <= SERIES_MAX_BUCKETS, "series longer than its bound");
            time += random.nextLong(1, 60 * S);
            live = Math.min(live, 4000); // the burst drains
        }
        assertSeriesAsModelled(h, log);
        assertTrue(h.seriesBucketNanos() >= 16 * SERIES_BUCKET_NANOS, "the test should coarsen several times");
        int seriesMax = 0;
        for (int v : h.series()) {
            seriesMax = Math.max(seriesMax, v);
        }
        assertEquals(maxLive, seriesMax, "peak lost in merging");
        assertEquals(maxLive, h.peak());
        assertEquals(maxTime, h.peakTime());
    }

    /** One spike among low counts: after many merges it is still there, in the bucket of its time. */
    @Test
    void aSingleSpikeSurvivesEveryMergeInItsBucket() {
        TimeWaitLedger.HostTw h = host();
        List<Sample> log = new ArrayList<>();
        long spike = T0 + 12_345 * S;
        for (long t = T0; t < T0 + 2 * 86_400 * S; t += 10 * S) {
            record(h, log, t, 10 + (int) ((t / S) % 7));
            if (t <= spike && spike < t + 10 * S) {
                record(h, log, spike, 900);
            }
        }
        assertSeriesAsModelled(h, log);
        int[] series = h.series();
        int at = (int) ((spike - h.seriesStart()) / h.seriesBucketNanos());
        assertEquals(900, series[at]);
        assertEquals(900, h.peak());
    }

    /** 1024 buckets fit at 10 s; the first sample of a 1025th halves the series to 513 at 20 s. */
    @Test
    void coarsensExactlyWhenTheBucketLimitIsPassed() {
        TimeWaitLedger.HostTw h = host();
        List<Sample> log = new ArrayList<>();
        long start = T0 - Math.floorMod(T0, SERIES_BUCKET_NANOS);
        for (int b = 0; b < SERIES_MAX_BUCKETS; b++) {
            record(h, log, Math.max(T0, start + b * SERIES_BUCKET_NANOS), SERIES_THRESHOLD + b);
        }
        assertEquals(SERIES_MAX_BUCKETS, h.series().length);
        assertEquals(SERIES_BUCKET_NANOS, h.seriesBucketNanos());
        assertSeriesAsModelled(h, log);
        record(h, log, start + SERIES_MAX_BUCKETS * SERIES_BUCKET_NANOS, 1);
        assertEquals(2 * SERIES_BUCKET_NANOS, h.seriesBucketNanos());
        assertEquals(SERIES_MAX_BUCKETS / 2 + 1, h.series().length);
        // pairs merged by max: bucket i holds the later (higher) of 2i and 2i+1
        assertEquals(SERIES_THRESHOLD + 1, h.series()[0]);
        assertEquals(SERIES_THRESHOLD + 1023, h.series()[511]);
        assertEquals(1, h.series()[512]);
        assertSeriesAsModelled(h, log);
    }

    /** A host below the threshold keeps no series; the peak is counted all the same. */
    @Test
    void noSeriesBelowTheThreshold() {
        TimeWaitLedger.HostTw h = host();
        List<Sample> log = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            record(h, log, T0 + i * S, i % SERIES_THRESHOLD);
        }
        assertEquals(-1, h.seriesStart());
        assertEquals(0, h.series().length);
        assertEquals(SERIES_THRESHOLD - 1, h.peak());
        assertSeriesAsModelled(h, log);
    }

    /** Samples before the threshold is first reached are not in the series, later low ones are. */
    @Test
    void seriesStartsAtTheFirstSampleAtTheThreshold() {
        TimeWaitLedger.HostTw h = host();
        List<Sample> log = new ArrayList<>();
        record(h, log, T0, 9);
        record(h, log, T0 + 100 * S, SERIES_THRESHOLD);
        record(h, log, T0 + 125 * S, 3);
        assertSeriesAsModelled(h, log);
        long start = (T0 + 100 * S) - Math.floorMod(T0 + 100 * S, SERIES_BUCKET_NANOS);
        assertEquals(start, h.seriesStart());
    }

    /** capAt (tcp_max_tw_buckets seen): neither the peak nor any bucket can exceed the limit. */
    @Test
    void capAtBoundsPeakAndSeries() {
        TimeWaitLedger.HostTw h = host();
        List<Sample> log = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            record(h, log, T0 + i * 10 * S, 10 + 3 * i);
        }
        h.capAt(40);
        assertEquals(40, h.peak());
        for (int v : h.series()) {
            assertTrue(v <= 40, "bucket above the cap: " + v);
        }
        assertEquals(10, h.series()[0]); // values under the cap are kept
    }
}
