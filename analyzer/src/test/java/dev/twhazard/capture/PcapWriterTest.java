package dev.twhazard.capture;

import static dev.twhazard.capture.CaptureFixtures.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.twhazard.capture.CaptureFixtures.Packet;
import dev.twhazard.capture.CaptureFixtures.ReadResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcapWriterTest {

    @Test
    void headerIsLittleEndianVersion24() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PcapWriter(out, LinkType.LINUX_SLL, 65535, false).close();
        assertArrayEquals(CaptureFixtures.hex(
                "d4c3b2a1",  // magic, little-endian microseconds
                "0200 0400", // version 2.4
                "00000000 00000000",
                "ffff0000",  // snaplen 65535
                "71000000"), // link type 113
                out.toByteArray());
    }

    @Test
    void nanosecondRecordsReadBackExactly() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer packet = ByteBuffer.wrap(new byte[] {9, 9, 1, 2, 3, 4, 5, 9});
        try (PcapWriter writer = new PcapWriter(out, LinkType.RAW, 262144, true)) {
            writer.write(1_700_000_000_123_456_789L, packet, 2, 5, 60);
            writer.write(0, packet, 0, 0, 0);
        }
        ReadResult r = read(out.toByteArray());
        assertEquals(List.of(), r.warnings());
        Packet p = r.packets().get(0);
        assertEquals(1_700_000_000_123_456_789L, p.timestampNanos());
        assertEquals(LinkType.RAW, p.linkType());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, p.data());
        assertEquals(60, p.originalLength());
        assertEquals(9, p.timestampDigits());
        assertEquals(0, r.packets().get(1).data().length);
    }

    @Test
    void microsecondRecordsTruncateTheNanoseconds() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(out, LinkType.ETHERNET, 65535, false)) {
            writer.write(1_700_000_000_123_456_789L, ByteBuffer.allocate(1), 0, 1, 1);
        }
        assertEquals(1_700_000_000_123_456_000L, read(out.toByteArray()).packets().get(0).timestampNanos());
    }

    @Test
    void recordsLargerThanTheStagingBufferAndCopiesOfAReader() throws Exception {
        byte[] big = new byte[PcapWriter.STAGING_BYTES * 2 + 17];
        Arrays.fill(big, (byte) 0x42);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(first, LinkType.ETHERNET, big.length, true)) {
            for (int i = 0; i < 3; i++) {
                writer.write(i, ByteBuffer.wrap(big), 0, big.length - i, big.length);
            }
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        try (CaptureReader reader = CaptureReaders.open(new ByteArrayInputStream(first.toByteArray()), "t", w -> { });
                PcapWriter writer = new PcapWriter(copy, LinkType.ETHERNET, big.length, true)) {
            while (reader.next()) {
                writer.write(reader);
            }
        }
        assertArrayEquals(first.toByteArray(), copy.toByteArray());
        assertEquals(3, read(copy.toByteArray()).packets().size());
    }

    @Test
    void timestampsOutsidePcapsRangeAreRefused() throws Exception {
        try (PcapWriter writer = new PcapWriter(new ByteArrayOutputStream(), 1, 65535, false)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            assertThrows(IllegalArgumentException.class, () -> writer.write(-1, b, 0, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> writer.write((1L << 32) * 1_000_000_000L, b, 0, 1, 1));
        }
    }
}
