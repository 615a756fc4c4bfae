package dev.twhazard.capture;

import static dev.twhazard.capture.CaptureFixtures.concat;
import static dev.twhazard.capture.CaptureFixtures.hex;
import static dev.twhazard.capture.CaptureFixtures.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.capture.CaptureFixtures.Packet;
import dev.twhazard.capture.CaptureFixtures.ReadResult;
import dev.twhazard.capture.CaptureWarning.Kind;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnoopReaderTest {

    static final byte[] HEADER = hex(
            "736e6f6f 70000000", // identification pattern "snoop\0\0\0"
            "00000002",          // version 2
            "00000004");         // datalink type 4, Ethernet

    static final byte[] RECORD = hex(
            "0000003c",  // original length 60
            "00000004",  // included length 4
            "0000001c",  // packet record length 28: 24-byte header + 4 bytes of data
            "00000000",  // cumulative drops
            "3650f2df",  // seconds 911274719
            "000d830c",  // microseconds 885516
            "deadbeef"); // packet data

    @Test
    void readsRecords() throws Exception {
        ReadResult r = read(concat(HEADER, RECORD, RECORD));
        assertEquals(List.of(), r.warnings());
        assertEquals(2, r.packets().size());
        Packet p = r.packets().get(0);
        assertEquals(1, p.frame());
        assertEquals(911_274_719_885_516_000L, p.timestampNanos());
        assertEquals(LinkType.ETHERNET, p.linkType());
        assertArrayEquals(hex("deadbeef"), p.data());
        assertEquals(60, p.originalLength());
        assertEquals(16, p.recordOffset());
        assertEquals(16 + 28, r.packets().get(1).recordOffset());
    }

    @Test
    void paddingAfterTheDataIsSkipped() throws Exception {
        byte[] padded = hex("0000003c", "00000002", "0000001c", "00000000", "3650f2df", "000d830c", "abcd 0000");
        ReadResult r = read(concat(HEADER, padded, RECORD));
        assertArrayEquals(hex("abcd"), r.packets().get(0).data());
        assertArrayEquals(hex("deadbeef"), r.packets().get(1).data());
    }

    @Test
    void otherDatalinkTypesAreRefused() {
        byte[] fddi = HEADER.clone();
        fddi[15] = 8;
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(fddi));
        assertEquals(12, e.offset());
        assertTrue(e.getMessage().contains("snoop datalink type: 8 not supported"), e.getMessage());
    }

    @Test
    void otherVersionsAreRefused() {
        byte[] v3 = HEADER.clone();
        v3[11] = 3;
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(v3));
        assertTrue(e.getMessage().contains("snoop version: 3 (expected: 2)"), e.getMessage());
    }

    @Test
    void recordCutShortIsATruncatedRecord() throws Exception {
        ReadResult r = read(concat(HEADER, RECORD, Arrays.copyOf(RECORD, 26)));
        assertEquals(1, r.packets().size());
        assertEquals(List.of(Kind.TRUNCATED_RECORD), r.warnings().stream().map(CaptureWarning::kind).toList());
        assertEquals(44, r.warnings().get(0).offset());
        assertEquals(2, r.warnings().get(0).frame());
    }

    @Test
    void includedLengthBeyondItsRecordIsMalformed() throws Exception {
        byte[] bad = RECORD.clone();
        bad[7] = 9; // included length 9 in a record with room for 4
        ReadResult r = read(concat(HEADER, bad, RECORD));
        assertEquals(List.of(2L), r.packets().stream().map(Packet::frame).toList());
        assertEquals(List.of(Kind.MALFORMED_RECORD), r.warnings().stream().map(CaptureWarning::kind).toList());
    }

    @Test
    void recordLengthBelowItsHeaderStops() throws Exception {
        byte[] bad = RECORD.clone();
        bad[11] = 8; // packet record length 8
        ReadResult r = read(concat(HEADER, RECORD, bad, RECORD));
        assertEquals(1, r.packets().size());
        assertEquals(List.of(Kind.STOPPED), r.warnings().stream().map(CaptureWarning::kind).toList());
        assertEquals(44, r.warnings().get(0).offset());
    }
}
