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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PcapReaderTest {

    /** Little-endian, microseconds, snaplen 65535, Ethernet. */
    static final byte[] HEADER_LE_MICROS = hex(
            "d4c3b2a1",  // magic a1b2c3d4 written little-endian: microsecond timestamps
            "0200 0400", // version 2.4
            "00000000",  // reserved (was thiszone)
            "00000000",  // reserved (was sigfigs)
            "ffff0000",  // snaplen 65535
            "01000000"); // link type 1, Ethernet

    /** A record of the file above: 4 bytes captured of 60. */
    static final byte[] RECORD_LE = hex(
            "00e1f505",  // seconds 100000000
            "40e20100",  // microseconds 123456
            "04000000",  // captured length 4
            "3c000000",  // original length 60
            "deadbeef"); // packet data

    @Nested
    class Headers {

        @Test
        void littleEndianMicroseconds() throws Exception {
            ReadResult r = read(concat(HEADER_LE_MICROS, RECORD_LE, RECORD_LE));
            assertEquals(List.of(), r.warnings());
            assertEquals(2, r.packets().size());
            Packet first = r.packets().get(0);
            assertEquals(1, first.frame());
            assertEquals(100_000_000L * 1_000_000_000L + 123_456_000L, first.timestampNanos());
            assertEquals(LinkType.ETHERNET, first.linkType());
            assertArrayEquals(hex("deadbeef"), first.data());
            assertEquals(60, first.originalLength());
            assertEquals(24, first.recordOffset());
            assertEquals(6, first.timestampDigits());
            assertEquals(2, r.packets().get(1).frame());
            assertEquals(24 + 20, r.packets().get(1).recordOffset());
        }

        @Test
        void bigEndianNanoseconds() throws Exception {
            ReadResult r = read(hex(
                    "a1b23c4d",  // magic a1b23c4d big-endian: nanosecond timestamps
                    "0002 0004", // version 2.4
                    "00000000",  // reserved
                    "00000000",  // reserved
                    "00040000",  // snaplen 262144
                    "00000065",  // link type 101, raw IP
                    "6553f100",  // seconds 1700000000
                    "3b9ac9ff",  // nanoseconds 999999999
                    "00000002",  // captured length 2
                    "00000028",  // original length 40
                    "4500"));    // packet data
            assertEquals(List.of(), r.warnings());
            Packet p = r.packets().get(0);
            assertEquals(1_700_000_000_999_999_999L, p.timestampNanos());
            assertEquals(LinkType.RAW, p.linkType());
            assertArrayEquals(hex("4500"), p.data());
            assertEquals(40, p.originalLength());
            assertEquals(9, p.timestampDigits());
        }

        @Test
        void littleEndianNanoseconds() throws Exception {
            ReadResult r = read(hex(
                    "4d3cb2a1",  // magic a1b23c4d written little-endian: nanoseconds
                    "0200 0400", // version 2.4
                    "00000000 00000000",
                    "ffff0000",  // snaplen 65535
                    "71000000",  // link type 113, Linux SLL
                    "00f15365",  // seconds 1700000000
                    "15000000",  // nanoseconds 21
                    "01000000",  // captured length 1
                    "01000000",  // original length 1
                    "ff"));
            assertEquals(1_700_000_000_000_000_021L, r.packets().get(0).timestampNanos());
            assertEquals(LinkType.LINUX_SLL, r.packets().get(0).linkType());
        }

        @Test
        void secondsAreUnsigned() throws Exception {
            ReadResult r = read(hex(
                    "a1b2c3d4",  // magic, big-endian microseconds
                    "0002 0004", "00000000 00000000", "0000ffff", "00000001",
                    "f0000000",  // seconds 0xf0000000 = 4026531840 (year 2097), unsigned
                    "000f423f",  // microseconds 999999
                    "00000000",  // captured length 0
                    "00000000")); // original length 0
            assertEquals(4_026_531_840L * 1_000_000_000L + 999_999_000L, r.packets().get(0).timestampNanos());
            assertEquals(0, r.packets().get(0).data().length);
        }

        @Test
        void linkTypeFieldKeepsOnlyItsLow16Bits() throws Exception {
            ReadResult r = read(concat(hex(
                    "d4c3b2a1", "0200 0400", "00000000 00000000", "ffff0000",
                    "84000030"), // 0x30000084: FCS length bits above link type 132
                    RECORD_LE));
            assertEquals(132, r.packets().get(0).linkType());
        }

        @Test
        void version22HasTheLengthsSwapped() throws Exception {
            ReadResult r = read(hex(
                    "d4c3b2a1", "0200 0200", // version 2.2: original length written first
                    "00000000 00000000", "ffff0000", "01000000",
                    "00000000", "00000000",
                    "3c000000",  // original length 60
                    "02000000",  // captured length 2
                    "abcd"));
            assertArrayEquals(hex("abcd"), r.packets().get(0).data());
            assertEquals(60, r.packets().get(0).originalLength());
        }

        @Test
        void emptyCaptureHasNoRecordsAndNoWarnings() throws Exception {
            ReadResult r = read(HEADER_LE_MICROS);
            assertEquals(List.of(), r.packets());
            assertEquals(List.of(), r.warnings());
        }

        @Test
        void recordsStraddlingBufferRefillsAreReadWhole() throws Exception {
            byte[] file = HEADER_LE_MICROS;
            for (int i = 0; i < 50; i++) {
                file = concat(file, RECORD_LE);
            }
            ReadResult r = read(file, CaptureInput.LOOKAHEAD_BYTES);
            assertEquals(List.of(), r.warnings());
            assertEquals(50, r.packets().size());
            for (Packet p : r.packets()) {
                assertArrayEquals(hex("deadbeef"), p.data());
            }
            assertEquals(24 + 49 * 20, r.packets().get(49).recordOffset());
        }

        @Test
        void recordLargerThanTheBufferGrowsIt() throws Exception {
            byte[] file = concat(HEADER_LE_MICROS, record(1, 0, 5000, 5000), RECORD_LE);
            ReadResult r = read(file, CaptureInput.LOOKAHEAD_BYTES);
            assertEquals(List.of(), r.warnings());
            assertEquals(2, r.packets().size());
            assertEquals(5000, r.packets().get(0).data().length);
            assertArrayEquals(hex("deadbeef"), r.packets().get(1).data());
        }
    }

    @Nested
    class BadInput {

        @Test
        void unsupportedMajorVersionIsAFormatError() {
            byte[] file = hex("d4c3b2a1", "0300 0000", "00000000 00000000", "ffff0000", "01000000");
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(file));
            assertEquals(4, e.offset());
            assertTrue(e.getMessage().contains("pcap version: 3.0 (expected: 2.x)"), e.getMessage());
        }

        @Test
        void fileHeaderCutShortIsAFormatError() {
            byte[] file = hex("d4c3b2a1", "0200 0400", "0000");
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(file));
            assertTrue(e.getMessage().contains("truncated file header: 10 bytes (expected: 24"), e.getMessage());
        }

        @Test
        void recordHeaderCutShortIsATruncatedRecord() throws Exception {
            ReadResult r = read(concat(HEADER_LE_MICROS, RECORD_LE, hex("00e1f505 40e2")));
            assertEquals(1, r.packets().size());
            assertEquals(1, r.warnings().size());
            CaptureWarning w = r.warnings().get(0);
            assertEquals(Kind.TRUNCATED_RECORD, w.kind());
            assertEquals(44, w.offset());
            assertEquals(2, w.frame());
            assertTrue(w.message().contains("6 of 16 bytes"), w.message());
            assertEquals(2, r.framesRead());
        }

        @Test
        void recordBodyCutShortIsATruncatedRecord() throws Exception {
            ReadResult r = read(concat(HEADER_LE_MICROS, RECORD_LE, hex(
                    "00e1f505 40e20100",
                    "64000000",  // captured length 100
                    "64000000",  // original length 100
                    "0102030405")));
            assertEquals(1, r.packets().size());
            assertEquals(1, r.warnings().size());
            CaptureWarning w = r.warnings().get(0);
            assertEquals(Kind.TRUNCATED_RECORD, w.kind());
            assertEquals(44, w.offset());
            assertEquals(2, w.frame());
            assertTrue(w.message().contains("5 of 100 packet bytes"), w.message());
            assertEquals("test: " + w.message() + " at offset 0x2c, packet #2", w.describe());
        }

        @Test
        void oversizedRecordFollowedByAPlausibleRecordIsSkipped() throws Exception {
            ReadResult r = read(concat(HEADER_LE_MICROS, RECORD_LE,
                    record(100_000_000, 5, 300_000, 300_000),  // above max(65535, 262144)
                    RECORD_LE));
            assertEquals(List.of(1L, 3L), r.packets().stream().map(Packet::frame).toList());
            assertEquals(1, r.warnings().size());
            CaptureWarning w = r.warnings().get(0);
            assertEquals(Kind.OVERSIZED_RECORD, w.kind());
            assertEquals(44, w.offset());
            assertEquals(2, w.frame());
            assertEquals("record length 300000 exceeds the limit (expected: at most 262144)", w.message());
            assertEquals(3, r.framesRead());
        }

        @Test
        void oversizedLastRecordEndingExactlyAtTheEndIsSkipped() throws Exception {
            ReadResult r = read(concat(HEADER_LE_MICROS, RECORD_LE, record(100_000_000, 5, 300_000, 300_000)));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.OVERSIZED_RECORD), kinds(r));
        }

        @Test
        void oversizedRecordFollowedByGarbageStops() throws Exception {
            byte[] garbage = new byte[16];
            Arrays.fill(garbage, (byte) 0x5a);
            ReadResult r = read(concat(HEADER_LE_MICROS, RECORD_LE, record(100_000_000, 5, 300_000, 300_000),
                    garbage, RECORD_LE));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.STOPPED), kinds(r));
            CaptureWarning w = r.warnings().get(0);
            assertEquals(44, w.offset());
            assertEquals(2, w.frame());
            assertTrue(w.message().startsWith("framing lost: record length 300000"), w.message());
            assertEquals(1, r.framesRead());
        }

        @Test
        void recordLengthBeyondTheHardCapStops() throws Exception {
            ReadResult r = read(concat(HEADER_LE_MICROS, RECORD_LE, hex(
                    "00e1f505 40e20100",
                    "c0c0c0c0",  // captured length 3233857728
                    "c0c0c0c0"), RECORD_LE));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.STOPPED), kinds(r));
            assertEquals(44, r.warnings().get(0).offset());
            assertTrue(r.warnings().get(0).message().contains("record length 3233857728 exceeds the hard cap"));
        }

        @Test
        void oversizedRecordRunningPastTheEndStops() throws Exception {
            byte[] cut = Arrays.copyOf(record(100_000_000, 5, 300_000, 300_000), 1000);
            ReadResult r = read(concat(HEADER_LE_MICROS, RECORD_LE, cut));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.STOPPED), kinds(r));
            assertTrue(r.warnings().get(0).message().contains("runs past the end of the input"));
        }

        @Test
        void capturedAboveOriginalIsANoticeOnceAndTheRecordIsKept() throws Exception {
            byte[] odd = hex("00e1f505 40e20100",
                    "04000000",  // captured length 4
                    "02000000",  // original length 2
                    "01020304");
            ReadResult r = read(concat(HEADER_LE_MICROS, odd, odd));
            assertEquals(2, r.packets().size());
            assertEquals(List.of(Kind.NOTICE), kinds(r));
            assertEquals(1, r.warnings().get(0).frame());
            assertTrue(r.warnings().get(0).message().startsWith("captured length 4 exceeds original length 2"));
        }

        @Test
        void microsecondFractionOfAMillionCarriesIntoTheSeconds() throws Exception {
            ReadResult r = read(concat(HEADER_LE_MICROS, hex(
                    "00e1f505",  // seconds 100000000
                    "40420f00",  // microseconds 1000000: out of range
                    "00000000 00000000")));
            assertEquals(100_000_001L * 1_000_000_000L, r.packets().get(0).timestampNanos());
            assertEquals(List.of(Kind.NOTICE), kinds(r));
        }
    }

    static List<Kind> kinds(ReadResult r) {
        return r.warnings().stream().map(CaptureWarning::kind).toList();
    }

    /** A little-endian record of {@code captured} bytes (all 0x11) for the header above. */
    static byte[] record(int seconds, int micros, int captured, int original) {
        ByteBuffer b = ByteBuffer.allocate(16 + captured).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(seconds).putInt(micros).putInt(captured).putInt(original);
        while (b.hasRemaining()) {
            b.put((byte) 0x11);
        }
        return b.array();
    }
}
