package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** {@link RecentRecords}: a slot answers only for the hash it was filled with. */
class RecentRecordsTest {

    @Test
    void answersForTheHashPutAndForNoOtherInTheSameSlot() {
        RecentRecords<String> recent = new RecentRecords<>();
        String a = "a";
        recent.put(0x0001_0005, a);
        assertSame(a, recent.candidate(0x0001_0005));
        // Same slot (the low 16 bits), another hash: a miss, told without looking at the record.
        assertNull(recent.candidate(0x0002_0005));
        // Another slot, never filled.
        assertNull(recent.candidate(0x0001_0006));
    }

    @Test
    void aLaterPutTakesTheSlotOver() {
        RecentRecords<String> recent = new RecentRecords<>();
        String a = "a";
        String b = "b";
        recent.put(0x0001_0005, a);
        recent.put(0x0002_0005, b);
        assertNull(recent.candidate(0x0001_0005));
        assertSame(b, recent.candidate(0x0002_0005));
    }

    @Test
    void anEmptySlotHoldsNothingEvenForHashZero() {
        assertNull(new RecentRecords<String>().candidate(0));
    }
}
