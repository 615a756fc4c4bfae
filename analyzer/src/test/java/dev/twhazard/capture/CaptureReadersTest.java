package dev.twhazard.capture;

import static dev.twhazard.capture.CaptureFixtures.concat;
import static dev.twhazard.capture.CaptureFixtures.gzip;
import static dev.twhazard.capture.CaptureFixtures.hex;
import static dev.twhazard.capture.CaptureFixtures.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.capture.CaptureFixtures.Packet;
import dev.twhazard.capture.CaptureFixtures.ReadResult;
import dev.twhazard.capture.CaptureWarning.Kind;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureReadersTest {

    /** A pcap of 200 records of varying sizes. */
    static byte[] samplePcap() {
        byte[] file = PcapReaderTest.HEADER_LE_MICROS;
        for (int i = 0; i < 200; i++) {
            file = concat(file, PcapReaderTest.record(100_000_000 + i, i, i * 5, i * 5 + 10));
        }
        return file;
    }

    @Test
    void gzipIsDetectedByMagicNotByName(@TempDir Path dir) throws Exception {
        byte[] plain = samplePcap();
        Path misleading = dir.resolve("capture.pcapng");
        Files.write(misleading, gzip(plain));
        Path plainNamedGz = dir.resolve("capture.pcap.gz");
        Files.write(plainNamedGz, plain);

        ReadResult expected = read(plain);
        assertEquals(200, expected.packets().size());
        assertSame(expected, readPath(misleading));
        assertSame(expected, readPath(plainNamedGz));
    }

    @Test
    void gzipWithSeveralMembersIsReadWhole() throws Exception {
        byte[] plain = samplePcap();
        int cut = 24 + 16 * 100 + 5 * (99 * 100 / 2) + 7; // inside record 101
        byte[] twoMembers = concat(gzip(Arrays.copyOf(plain, cut)), gzip(Arrays.copyOfRange(plain, cut, plain.length)));
        assertSame(read(plain), read(twoMembers));
    }

    @Test
    void progressCountsCompressedBytes() throws Exception {
        byte[] compressed = gzip(samplePcap());
        try (CaptureReader reader = CaptureReaders.open(new ByteArrayInputStream(compressed), "-", w -> { })) {
            while (reader.next()) {
                assertTrue(reader.sourceBytesRead() <= compressed.length);
            }
            assertEquals(compressed.length, reader.sourceBytesRead());
            assertEquals("-", reader.sourceName());
        }
    }

    @Test
    void truncatedGzipKeepsWhatItDecompressedAndSaysWhyItStopped() throws Exception {
        byte[] compressed = gzip(samplePcap());
        ReadResult r = read(Arrays.copyOf(compressed, compressed.length / 2));
        assertFalse(r.packets().isEmpty());
        CaptureWarning last = r.warnings().get(r.warnings().size() - 1);
        assertEquals(Kind.STOPPED, last.kind());
        assertTrue(last.message().startsWith("gzip stream: ends before its trailer"), last.message());
    }

    @Test
    void corruptGzipDataEndsTheInputWithAWarning() throws Exception {
        byte[] compressed = gzip(samplePcap());
        for (int i = compressed.length / 2; i < compressed.length / 2 + 20; i++) {
            compressed[i] ^= (byte) 0xA5;
        }
        ReadResult r = read(compressed);
        assertFalse(r.packets().isEmpty());
        assertEquals(Kind.STOPPED, r.warnings().get(r.warnings().size() - 1).kind());
    }

    @Test
    void gzipCorruptBeforeTheCaptureHeaderIsAFormatError() {
        byte[] compressed = gzip(samplePcap());
        for (int i = 10; i < 30; i++) {
            compressed[i] ^= (byte) 0xA5;
        }
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(compressed));
        assertTrue(e.getMessage().contains("gzip stream: corrupt data"), e.getMessage());
    }

    @Test
    void streamsArriveInPiecesAndAreReadTheSame() throws Exception {
        byte[] plain = samplePcap();
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(plain)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 3));
            }
        };
        assertSame(read(plain), CaptureFixtures.read(trickle, CaptureInput.DEFAULT_CAPACITY, Long.MAX_VALUE));
    }

    @Test
    void ioErrorsPropagateAsTheyAre() throws Exception {
        byte[] plain = samplePcap();
        IOException failure = new IOException("disk on fire");
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(plain, 0, 1000)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    throw failure;
                }
                return n;
            }
        };
        IOException e = assertThrows(IOException.class, () -> CaptureFixtures.read(failing, 64, Long.MAX_VALUE));
        assertEquals(failure, e);
    }

    @Test
    void emptyFile() {
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(new byte[0]));
        assertEquals("test: empty file: 0 bytes (expected: a capture file header) at offset 0x0", e.getMessage());
        assertEquals(0, e.offset());
        assertEquals("test", e.source());
    }

    @Test
    void emptyGzip() {
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(gzip(new byte[0])));
        assertTrue(e.getMessage().contains("empty gzip-compressed data"), e.getMessage());
    }

    @Test
    void fileShorterThanAMagic() {
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(hex("d4c3b2")));
        assertTrue(e.getMessage().contains("truncated file header: file of 3 bytes (expected: at least 4)"), e.getMessage());
    }

    @Test
    void zstdIsNamed() {
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(hex("28b52ffd 0400 0000")));
        assertTrue(e.getMessage().contains("zstd-compressed capture: not supported (decompress it first: zstd -d)"),
                e.getMessage());
    }

    @Test
    void otherFilesNameTheirMagic() {
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(hex("7f454c46 0201 0100")));
        assertEquals("test: not a capture file: magic 0x7f454c46 (expected: pcap a1b2c3d4/a1b23c4d or pcapng 0a0d0d0a,"
                + " either byte order, optionally gzip-compressed) at offset 0x0", e.getMessage());
    }

    @Test
    void gzipOfSomethingElseSaysSo() {
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> read(gzip(hex("7f454c46 0201 0100"))));
        assertTrue(e.getMessage().contains("not a capture gzip-compressed data: magic 0x7f454c46"), e.getMessage());
    }

    @Test
    void openPathReportsTheFileName(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello, world");
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> CaptureReaders.open(text, w -> { }));
        assertEquals(text.toString(), e.source());
        assertInstanceOf(IOException.class, e);
    }

    static ReadResult readPath(Path file) throws IOException {
        List<CaptureWarning> warnings = new ArrayList<>();
        List<Packet> packets = new ArrayList<>();
        try (CaptureReader reader = CaptureReaders.open(file, warnings::add)) {
            while (reader.next()) {
                byte[] data = new byte[reader.capturedLength()];
                reader.buffer().get(reader.dataOffset(), data);
                packets.add(new Packet(reader.frameNumber(), reader.timestampNanos(), reader.linkType(), data,
                        reader.originalLength(), reader.recordOffset(), reader.timestampDigits()));
            }
            assertEquals(file.toString(), reader.sourceName());
        }
        return new ReadResult(packets, warnings);
    }

    /** Same records, same warnings (record equality compares arrays by identity, hence by hand). */
    static void assertSame(ReadResult expected, ReadResult actual) {
        assertEquals(expected.warnings().stream().map(CaptureWarning::message).toList(),
                actual.warnings().stream().map(CaptureWarning::message).toList());
        assertEquals(expected.packets().size(), actual.packets().size());
        for (int i = 0; i < expected.packets().size(); i++) {
            Packet e = expected.packets().get(i);
            Packet a = actual.packets().get(i);
            assertEquals(e.frame(), a.frame());
            assertEquals(e.timestampNanos(), a.timestampNanos());
            assertEquals(e.linkType(), a.linkType());
            assertEquals(e.originalLength(), a.originalLength());
            assertEquals(e.recordOffset(), a.recordOffset());
            assertArrayEquals(e.data(), a.data());
        }
    }
}
