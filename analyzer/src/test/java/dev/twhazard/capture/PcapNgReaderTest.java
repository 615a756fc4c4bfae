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
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PcapNgReaderTest {

    static final byte[] SHB_LE = hex(
            "0a0d0d0a",          // block type: Section Header Block
            "1c000000",          // block total length 28
            "4d3c2b1a",          // byte-order magic 1a2b3c4d, written little-endian
            "0100 0000",         // version 1.0
            "ffffffff ffffffff", // section length: not given
            "1c000000");         // block total length

    static final byte[] SHB_BE = hex(
            "0a0d0d0a",          // block type: Section Header Block
            "0000001c",          // block total length 28
            "1a2b3c4d",          // byte-order magic, big-endian
            "0001 0000",         // version 1.0
            "ffffffff ffffffff", // section length: not given
            "0000001c");         // block total length

    static final byte[] IDB_LE_ETHERNET = hex(
            "01000000",  // block type: Interface Description Block
            "14000000",  // block total length 20
            "0100",      // link type 1, Ethernet
            "0000",      // reserved
            "00000400",  // snaplen 262144
            "14000000"); // block total length

    /** Interface 0, 1700000000.123456 s in the default microseconds, 4 of 60 bytes. */
    static final byte[] EPB_LE = hex(
            "06000000",  // block type: Enhanced Packet Block
            "24000000",  // block total length 36
            "00000000",  // interface ID 0
            "240a0600",  // timestamp (high) 0x00060a24
            "40222018",  // timestamp (low) 0x18202240: 1700000000123456 units
            "04000000",  // captured length 4
            "3c000000",  // original length 60
            "deadbeef",  // packet data
            "24000000"); // block total length

    static final long EPB_NANOS = 1_700_000_000_123_456_000L;

    /** Offset of the first block after SHB_LE and IDB_LE_ETHERNET. */
    static final int FIRST_PACKET_OFFSET = 28 + 20;

    @Nested
    class Blocks {

        @Test
        void littleEndianSection() throws Exception {
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE));
            assertEquals(List.of(), r.warnings());
            Packet p = r.packets().get(0);
            assertEquals(1, p.frame());
            assertEquals(EPB_NANOS, p.timestampNanos());
            assertEquals(LinkType.ETHERNET, p.linkType());
            assertArrayEquals(hex("deadbeef"), p.data());
            assertEquals(60, p.originalLength());
            assertEquals(FIRST_PACKET_OFFSET, p.recordOffset());
            assertEquals(6, p.timestampDigits());
        }

        @Test
        void bigEndianSection() throws Exception {
            ReadResult r = read(concat(SHB_BE, hex(
                    "00000001",  // Interface Description Block
                    "00000014",  // total length 20
                    "0001 0000", // link type 1, reserved
                    "00040000",  // snaplen 262144
                    "00000014"), hex(
                    "00000006",  // Enhanced Packet Block
                    "00000024",  // total length 36
                    "00000000",  // interface 0
                    "00060a24",  // timestamp (high)
                    "18202240",  // timestamp (low)
                    "00000004",  // captured length 4
                    "0000003c",  // original length 60
                    "deadbeef",  // data
                    "00000024")));
            assertEquals(List.of(), r.warnings());
            assertEquals(EPB_NANOS, r.packets().get(0).timestampNanos());
            assertArrayEquals(hex("deadbeef"), r.packets().get(0).data());
        }

        @Test
        void tsresolDecimalNanoseconds() throws Exception {
            ReadResult r = read(concat(SHB_LE, hex(
                    "01000000", "20000000", // Interface Description Block, total length 32
                    "0100 0000",            // link type 1
                    "00000400",             // snaplen 262144
                    "0900 0100 09 000000",  // if_tsresol (9), length 1: 10^-9, padded
                    "0000 0000",            // opt_endofopt
                    "20000000"), hex(
                    "06000000", "24000000", "00000000",
                    "fe9c9717",             // timestamp (high) 0x17979cfe
                    "15cd853d",             // timestamp (low) 0x3d85cd15: 1700000000123456789 ns
                    "04000000", "04000000", "deadbeef", "24000000")));
            assertEquals(List.of(), r.warnings());
            assertEquals(1_700_000_000_123_456_789L, r.packets().get(0).timestampNanos());
            assertEquals(9, r.packets().get(0).timestampDigits());
        }

        @Test
        void tsresolDecimalMilliseconds() throws Exception {
            ReadResult r = read(concat(SHB_LE, hex(
                    "01000000", "20000000", "0100 0000", "00000400",
                    "0900 0100 03 000000",  // if_tsresol: 10^-3
                    "0000 0000", "20000000"), hex(
                    "06000000", "24000000", "00000000",
                    "00000000", "dc050000", // timestamp 1500 ms
                    "04000000", "04000000", "deadbeef", "24000000")));
            assertEquals(1_500_000_000L, r.packets().get(0).timestampNanos());
            assertEquals(6, r.packets().get(0).timestampDigits());
        }

        @Test
        void tsresolBinaryIsExact() throws Exception {
            ReadResult r = read(concat(SHB_LE, hex(
                    "01000000", "20000000", "0100 0000", "00000400",
                    "0900 0100 94 000000",  // if_tsresol 0x94: bit 7 set, 2^-20 s
                    "0000 0000", "20000000"), hex(
                    "06000000", "24000000", "00000000",
                    "3f550600",             // timestamp (high) 0x0006553f
                    "01000010",             // timestamp (low) 0x10000001: 1700000000 * 2^20 + 1
                    "04000000", "04000000", "deadbeef", "24000000")));
            // 2^-20 s = 953.67431640625 ns, truncated toward zero.
            assertEquals(1_700_000_000_000_000_953L, r.packets().get(0).timestampNanos());
            assertEquals(9, r.packets().get(0).timestampDigits());
        }

        @Test
        void tsoffsetIsAddedInSeconds() throws Exception {
            ReadResult r = read(concat(SHB_LE, hex(
                    "01000000", "24000000", "0100 0000", "00000400",
                    "0e00 0800",            // if_tsoffset (14), length 8
                    "100e0000 00000000",    // 3600 s
                    "0000 0000", "24000000"), hex(
                    "06000000", "24000000", "00000000",
                    "00000000", "40420f00", // timestamp 1000000 µs
                    "04000000", "04000000", "deadbeef", "24000000")));
            assertEquals(3_601_000_000_000L, r.packets().get(0).timestampNanos());
        }

        @Test
        void simplePacketBlockBelongsToInterfaceZeroAndIsCutToItsSnaplen() throws Exception {
            ReadResult r = read(concat(SHB_LE, hex(
                    "01000000", "14000000", "0100 0000",
                    "04000000",             // snaplen 4
                    "14000000"), EPB_LE, hex(
                    "03000000",             // block type: Simple Packet Block
                    "18000000",             // total length 24
                    "06000000",             // original length 6
                    "010203040506 0000",    // data, padded to 32 bits
                    "18000000")));
            assertEquals(2, r.packets().size());
            Packet p = r.packets().get(1);
            assertEquals(2, p.frame());
            assertArrayEquals(hex("01020304"), p.data());
            assertEquals(6, p.originalLength());
            assertEquals(EPB_NANOS, p.timestampNanos(), "no timestamp: the previous packet's");
            assertEquals(List.of(Kind.NOTICE), kinds(r));
        }

        @Test
        void obsoletePacketBlock() throws Exception {
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, hex(
                    "02000000",             // block type: Packet Block (obsolete)
                    "24000000",             // total length 36
                    "0000",                 // interface ID 0, 16 bits
                    "0000",                 // drops count
                    "240a0600", "40222018", // timestamp
                    "04000000",             // captured length
                    "3c000000",             // packet length
                    "cafebabe",
                    "24000000")));
            assertEquals(List.of(), r.warnings());
            assertEquals(EPB_NANOS, r.packets().get(0).timestampNanos());
            assertArrayEquals(hex("cafebabe"), r.packets().get(0).data());
        }

        @Test
        void otherBlocksAreSkipped() throws Exception {
            ReadResult r = read(concat(SHB_LE, hex(
                    "04000000", "10000000", // Name Resolution Block, total length 16
                    "0000 0000",            // nrb_record_end
                    "10000000"), IDB_LE_ETHERNET, hex(
                    "05000000", "18000000", // Interface Statistics Block, total length 24
                    "00000000",             // interface 0
                    "00000000 00000000",    // timestamp
                    "18000000"), EPB_LE, hex(
                    "ad0b0000", "14000000", // Custom Block, total length 20
                    "7b000000",             // private enterprise number 123
                    "abcdabcd",             // custom data
                    "14000000"), hex(
                    "78563412", "10000000", // unknown block type 0x12345678, total length 16
                    "01020304",
                    "10000000"), EPB_LE));
            assertEquals(List.of(), r.warnings());
            // The Custom Block takes frame 2, as Wireshark numbers it.
            assertEquals(List.of(1L, 3L), r.packets().stream().map(Packet::frame).toList());
        }

        @Test
        void sectionsHaveTheirOwnByteOrderAndInterfaces() throws Exception {
            byte[] second = concat(SHB_BE, hex(
                    "00000001", "00000014",
                    "0065 0000",            // link type 101, raw IP
                    "0000ffff", "00000014"), hex(
                    "00000006", "00000024",
                    "00000000",             // interface 0 of this section: raw IP
                    "00060a24", "18202240", "00000004", "0000003c", "45000000", "00000024"), hex(
                    "00000006", "00000024",
                    "00000001",             // interface 1: declared only in the first section
                    "00060a24", "18202240", "00000004", "0000003c", "45000000", "00000024"));
            byte[] third = concat(SHB_LE, EPB_LE); // no interface at all
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, IDB_LE_ETHERNET, EPB_LE, second, third));
            assertEquals(List.of(1L, 2L), r.packets().stream().map(Packet::frame).toList());
            assertEquals(List.of(LinkType.ETHERNET, LinkType.RAW), r.packets().stream().map(Packet::linkType).toList());
            assertEquals(List.of(Kind.UNKNOWN_INTERFACE, Kind.UNKNOWN_INTERFACE), kinds(r));
            assertEquals(List.of(3L, 4L), r.warnings().stream().map(CaptureWarning::frame).toList());
            assertEquals(4, r.framesRead());
        }

        @Test
        void interfacesWithDifferentLinkTypes() throws Exception {
            byte[] file = new PcapNgBuilder().section(ByteOrder.LITTLE_ENDIAN)
                    .interfaceDescription(LinkType.ETHERNET, 0, -1, 0)
                    .interfaceDescription(LinkType.LINUX_SLL, 0, -1, 0)
                    .interfaceDescription(LinkType.RAW, 0, 9, 0)
                    .enhancedPacket(2, 5, new byte[] {1}, 1)
                    .enhancedPacket(0, 5, new byte[] {2}, 1)
                    .enhancedPacket(1, 5, new byte[] {3}, 1)
                    .bytes();
            ReadResult r = read(file);
            assertEquals(List.of(LinkType.RAW, LinkType.ETHERNET, LinkType.LINUX_SLL),
                    r.packets().stream().map(Packet::linkType).toList());
            assertEquals(List.of(5L, 5_000L, 5_000L), r.packets().stream().map(Packet::timestampNanos).toList());
        }

        @Test
        void blocksStraddlingBufferRefillsAreReadWhole() throws Exception {
            PcapNgBuilder b = new PcapNgBuilder().section(ByteOrder.BIG_ENDIAN).interfaceDescription(1, 0, -1, 0);
            for (int i = 0; i < 40; i++) {
                b.enhancedPacket(0, i, new byte[i * 7], i * 7);
                b.block(PcapNgReader.NAME_RESOLUTION_BLOCK, new byte[i * 3]);
            }
            b.enhancedPacket(0, 99, new byte[3000], 3000);
            ReadResult r = read(b.bytes(), CaptureInput.LOOKAHEAD_BYTES);
            assertEquals(List.of(), r.warnings());
            assertEquals(41, r.packets().size());
            for (int i = 0; i < 40; i++) {
                assertEquals(i * 7, r.packets().get(i).data().length);
                assertEquals(i * 1000L, r.packets().get(i).timestampNanos());
            }
            assertEquals(3000, r.packets().get(40).data().length);
        }
    }

    @Nested
    class BadInput {

        @Test
        void trailingLengthMismatchWithAPlausibleNextBlockSkipsThePacket() throws Exception {
            byte[] bad = EPB_LE.clone();
            bad[bad.length - 4] = 0x28; // trailing length 40, leading 36
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE, bad, EPB_LE));
            assertEquals(List.of(1L, 3L), r.packets().stream().map(Packet::frame).toList());
            assertEquals(List.of(Kind.BAD_BLOCK_LENGTH), kinds(r));
            CaptureWarning w = r.warnings().get(0);
            assertEquals(FIRST_PACKET_OFFSET + 36, w.offset());
            assertEquals(2, w.frame());
            assertEquals("enhanced packet block trailing length 40 differs from its leading length 36 (expected: equal lengths)",
                    w.message());
        }

        @Test
        void trailingLengthMismatchFollowedByGarbageStops() throws Exception {
            byte[] bad = EPB_LE.clone();
            bad[bad.length - 4] = 0x28;
            byte[] garbage = new byte[40];
            Arrays.fill(garbage, (byte) 0x77);
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE, bad, garbage, EPB_LE));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.STOPPED), kinds(r));
            assertEquals(FIRST_PACKET_OFFSET + 36, r.warnings().get(0).offset());
            assertEquals(2, r.warnings().get(0).frame());
            assertEquals(1, r.framesRead());
        }

        @Test
        void totalLengthNotAMultipleOfFourStops() throws Exception {
            byte[] bad = EPB_LE.clone();
            bad[4] = 0x22; // total length 34
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE, bad, EPB_LE));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.STOPPED), kinds(r));
            assertEquals(FIRST_PACKET_OFFSET + 36, r.warnings().get(0).offset());
            assertEquals("framing lost: enhanced packet block total length 34 (expected: a multiple of 4, at least 12)",
                    r.warnings().get(0).message());
        }

        @Test
        void totalLengthBelowTwelveStops() throws Exception {
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE, hex("06000000", "08000000", "08000000"), EPB_LE));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.STOPPED), kinds(r));
            assertEquals(2, r.warnings().get(0).frame());
        }

        @Test
        void undeclaredInterfaceSkipsThePacket() throws Exception {
            byte[] bad = EPB_LE.clone();
            bad[8] = 5; // interface ID 5
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, bad, EPB_LE));
            assertEquals(List.of(2L), r.packets().stream().map(Packet::frame).toList());
            assertEquals(List.of(Kind.UNKNOWN_INTERFACE), kinds(r));
            CaptureWarning w = r.warnings().get(0);
            assertEquals(FIRST_PACKET_OFFSET, w.offset());
            assertEquals(1, w.frame());
            assertTrue(w.message().startsWith("interface ID 5: not declared (expected: below 1"), w.message());
        }

        @Test
        void simplePacketBeforeAnyInterfaceIsSkipped() throws Exception {
            ReadResult r = read(concat(SHB_LE, hex("03000000", "14000000", "04000000", "01020304", "14000000")));
            assertEquals(List.of(), r.packets());
            assertEquals(List.of(Kind.UNKNOWN_INTERFACE), kinds(r));
        }

        @Test
        void packetBlockCutShortIsATruncatedRecord() throws Exception {
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE, Arrays.copyOf(EPB_LE, 20)));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.TRUNCATED_RECORD), kinds(r));
            CaptureWarning w = r.warnings().get(0);
            assertEquals(FIRST_PACKET_OFFSET + 36, w.offset());
            assertEquals(2, w.frame());
            assertTrue(w.message().contains("20 of 36 bytes"), w.message());
            assertEquals(2, r.framesRead());
        }

        @Test
        void packetBlockHeaderCutShortIsATruncatedRecord() throws Exception {
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE, Arrays.copyOf(EPB_LE, 5)));
            assertEquals(List.of(Kind.TRUNCATED_RECORD), kinds(r));
            assertEquals(2, r.warnings().get(0).frame());
        }

        @Test
        void otherBlockCutShortIsOnlyANotice() throws Exception {
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE, hex("05000000", "18000000", "00000000")));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.NOTICE), kinds(r));
            assertEquals(1, r.framesRead());
        }

        @Test
        void capturedLengthBeyondItsBlockIsMalformed() throws Exception {
            byte[] bad = EPB_LE.clone();
            bad[20] = 100; // captured length 100 in a 36-byte block
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, bad, EPB_LE));
            assertEquals(List.of(2L), r.packets().stream().map(Packet::frame).toList());
            assertEquals(List.of(Kind.MALFORMED_RECORD), kinds(r));
            assertEquals(1, r.warnings().get(0).frame());
        }

        @Test
        void interfaceDescriptionTooShortMakesItsPacketsMalformed() throws Exception {
            ReadResult r = read(concat(SHB_LE, hex("01000000", "10000000", "01000000", "10000000"), IDB_LE_ETHERNET,
                    EPB_LE, hex("06000000", "24000000", "01000000", "00000000 00000000", "04000000 04000000",
                            "01020304", "24000000")));
            assertEquals(List.of(Kind.NOTICE, Kind.MALFORMED_RECORD), kinds(r));
            assertEquals(List.of(2L), r.packets().stream().map(Packet::frame).toList());
        }

        @Test
        void oversizedPacketBlockWithMatchingTrailerIsSkipped() throws Exception {
            byte[] huge = new PcapNgBuilder().enhancedPacket(0, 0, new byte[CaptureInput.MAX_RECORD_BYTES], 1).bytes();
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE, huge, EPB_LE));
            assertEquals(List.of(1L, 3L), r.packets().stream().map(Packet::frame).toList());
            assertEquals(List.of(Kind.OVERSIZED_RECORD), kinds(r));
            assertEquals(2, r.warnings().get(0).frame());
            assertEquals(FIRST_PACKET_OFFSET + 36, r.warnings().get(0).offset());
        }

        @Test
        void otherBlockWithBadTrailerIsKeptWhenAPlausibleBlockFollows() throws Exception {
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, hex("04000000", "10000000", "00000000", "99000000"), EPB_LE));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.NOTICE), kinds(r));
        }

        @Test
        void timestampBeyondTheNanosecondRangeIsANotice() throws Exception {
            byte[] late = EPB_LE.clone();
            Arrays.fill(late, 12, 20, (byte) 0xFF); // 2^64 - 1 microseconds
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, late, late));
            assertEquals(2, r.packets().size());
            assertEquals(List.of(Kind.NOTICE), kinds(r));
            assertTrue(r.warnings().get(0).message().startsWith("timestamp 18446744073709551615 units of interface 0"
                    + " is after the year 2262"), r.warnings().get(0).message());
        }

        @Test
        void badInterfaceOptionsAreNoticesAndTheDefaultsHold() throws Exception {
            ReadResult r = read(concat(SHB_LE, hex(
                    "01000000", "20000000", "0100 0000", "00000400",
                    "0900 0200 0909 0000",  // if_tsresol with length 2: ignored
                    "0e00 4000",            // if_tsoffset claiming 64 bytes: overruns the block
                    "20000000"), EPB_LE));
            assertEquals(List.of(Kind.NOTICE, Kind.NOTICE), kinds(r));
            assertEquals(EPB_NANOS, r.packets().get(0).timestampNanos());
        }

        @Test
        void firstSectionWithBadByteOrderMagicIsAFormatError() {
            byte[] bad = SHB_LE.clone();
            bad[8] = 0x11;
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(concat(bad, IDB_LE_ETHERNET)));
            assertEquals(8, e.offset());
            assertTrue(e.getMessage().contains("section header byte-order magic: 0x113c2b1a (expected: 1a2b3c4d"),
                    e.getMessage());
        }

        @Test
        void laterSectionWithBadByteOrderMagicStops() throws Exception {
            byte[] bad = SHB_BE.clone();
            bad[8] = 0x11;
            ReadResult r = read(concat(SHB_LE, IDB_LE_ETHERNET, EPB_LE, bad, EPB_LE));
            assertEquals(1, r.packets().size());
            assertEquals(List.of(Kind.STOPPED), kinds(r));
            assertEquals(FIRST_PACKET_OFFSET + 36 + 8, r.warnings().get(0).offset());
        }

        @Test
        void unsupportedMajorVersionIsAFormatError() {
            byte[] bad = SHB_LE.clone();
            bad[12] = 2;
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(bad));
            assertEquals(12, e.offset());
            assertTrue(e.getMessage().contains("pcapng version: 2.0 (expected: 1.x)"), e.getMessage());
        }

        @Test
        void sectionHeaderCutShortIsAFormatError() {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(Arrays.copyOf(SHB_LE, 20)));
            assertTrue(e.getMessage().contains("truncated file header: 20 bytes"), e.getMessage());
        }
    }

    static List<Kind> kinds(ReadResult r) {
        return r.warnings().stream().map(CaptureWarning::kind).toList();
    }
}
