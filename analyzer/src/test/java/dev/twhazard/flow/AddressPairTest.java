package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.decode.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * {@link AddressPair}: every pair of a set of addresses that share their last 32 bits (so that an
 * IPv4 pair's one-long form cannot tell them apart by itself) comes back whole, and is equal to
 * itself only.
 */
class AddressPairTest {

    static final long[][] ADDRESSES = {
        {0, IpAddress.v4Lo(0x0A00_0001)},             // 10.0.0.1
        {0, IpAddress.v4Lo(0xC0A8_0001)},             // 192.168.0.1
        {0, IpAddress.v4Lo(0xFFFF_FFFF)},             // 255.255.255.255: the sign bit of the low word
        {0, 0x0A00_0001L},                            // ::10.0.0.1, IPv4-compatible
        {1, IpAddress.v4Lo(0x0A00_0001)},             // ::1:0:0:0:ffff:a00:1
        {0x2001_0DB8_0000_0000L, 0x0A00_0001L},       // 2001:db8::a00:1
    };

    @Test
    void everyPairComesBackWholeAndMatchesOnlyItself() {
        for (long[] a : ADDRESSES) {
            for (long[] b : ADDRESSES) {
                long v4 = AddressPair.v4(a[1], b[1]);
                long[] v6 = AddressPair.v6(a[0], a[1], b[0], b[1]);
                boolean bothV4 = IpAddress.isV4(a[0], a[1]) && IpAddress.isV4(b[0], b[1]);
                assertEquals(bothV4, v6 == null, "only IPv4 pairs go without the array");
                assertEquals(a[0], AddressPair.hi(v6, 0));
                assertEquals(a[1], AddressPair.lo(v4, v6, 0));
                assertEquals(b[0], AddressPair.hi(v6, 1));
                assertEquals(b[1], AddressPair.lo(v4, v6, 1));
                for (long[] c : ADDRESSES) {
                    for (long[] d : ADDRESSES) {
                        boolean same = c == a && d == b;
                        assertEquals(same, AddressPair.is(v4, v6, c[0], c[1], d[0], d[1]),
                                () -> java.util.Arrays.toString(a) + java.util.Arrays.toString(b) + " against "
                                        + java.util.Arrays.toString(c) + java.util.Arrays.toString(d));
                    }
                }
            }
        }
    }

    @Test
    void aMixedPairKeepsTheArray() {
        assertNotNull(AddressPair.v6(0, IpAddress.v4Lo(0x0A00_0001), 0x2001_0DB8_0000_0000L, 1));
        assertNull(AddressPair.v6(0, IpAddress.v4Lo(0x0A00_0001), 0, IpAddress.v4Lo(0x0A00_0002)));
        assertTrue(IpAddress.isV4(0, IpAddress.v4Lo(0)));
        assertFalse(IpAddress.isV4(0, 0));
    }
}
