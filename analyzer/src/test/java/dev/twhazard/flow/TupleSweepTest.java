package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.decode.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * The sweep of (client, server, port) records: an idle one is forgotten unless the caller keeps
 * it, and an idle one that is kept lets go of the detector record it remembers ({@link
 * TimeWaitLedger.TupleTw#memo}), so that records kept for their port history do not hold
 * forgotten detector state in memory. A busy one keeps both.
 */
class TupleSweepTest {

    private static final long S = 1_000_000_000L;

    private final TimeWaitLedger ledger = new TimeWaitLedger(TimeWaitLengths.linuxDefault());

    /** A connection from 10.0.0.1:{@code clientPort} to 192.0.2.7:443 starts at {@code time}, and ends. */
    private TimeWaitLedger.TupleTw connection(int clientPort, long time) {
        long client = IpAddress.v4Lo(0x0A00_0001);
        long server = IpAddress.v4Lo(0xC000_0207);
        Flow f = new Flow(client, clientPort, server, 443);
        Incarnation inc = new Incarnation();
        inc.clientSide = 0;
        inc.number = 1;
        ledger.connectionStarted(f, inc, time);
        TimeWaitLedger.TupleTw t = inc.tuple;
        ledger.connectionEnded(inc);
        return t;
    }

    @Test
    void anIdleKeptTupleDropsItsMemoAndABusyOneKeepsIt() {
        TimeWaitLedger.TupleTw tuple = connection(40000, 10 * S);
        Object record = new Object();
        tuple.memo(record);
        assertSame(tuple, connection(40002, 20 * S), "one record per (client, server, port)");

        ledger.sweepTuples(15 * S, t -> true);
        assertSame(record, tuple.memo(), "active after the horizon: the memo stays");

        ledger.sweepTuples(25 * S, t -> true);
        assertNull(tuple.memo(), "idle and kept: the memo goes");
        assertFalse(tuple.evicted);
        assertEquals(1, ledger.tuples().size());
        assertSame(tuple, connection(40004, 30 * S), "the kept record is still the tuple's");
    }

    @Test
    void anIdleTupleNotKeptIsForgotten() {
        TimeWaitLedger.TupleTw t = connection(40000, 10 * S);
        ledger.sweepTuples(15 * S, x -> false);
        assertTrue(t.evicted);
        assertEquals(0, ledger.tuples().size());
    }
}
