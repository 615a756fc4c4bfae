package dev.twhazard.capture;

import static dev.twhazard.capture.CaptureFixtures.concat;
import static dev.twhazard.capture.CaptureFixtures.gzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.capture.CaptureFixtures.Packet;
import dev.twhazard.capture.CaptureFixtures.ReadResult;
import dev.twhazard.capture.CaptureWarning.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the bytes, a reader returns records, reports warnings, or throws
 * {@link CaptureFormatException} (or {@link IOException}); it never throws anything else, always
 * ends, and accounts for every frame number it assigns.
 */
class ReaderRobustnessProperties {

    /** Small enough that records straddle refills, and the buffer must grow. */
    static final int SMALL_BUFFER = CaptureInput.LOOKAHEAD_BYTES;
    static final int MEDIUM_BUFFER = 4096;

    static final List<byte[]> VALID_FILES = List.of(pcapLittleEndian(), pcapBigEndianNanos(), pcapNg(), snoop());

    /** What a read came to: the records and warnings, or the format error. */
    record Outcome(ReadResult result, String formatError) {
    }

    @Property(tries = 300)
    void randomBytesAreHandled(@ForAll @Size(max = 600) byte[] bytes) {
        readChecked(bytes, MEDIUM_BUFFER);
    }

    @Property(tries = 600)
    void randomBytesBehindAValidMagicAreHandled(@ForAll("magics") byte[] magic, @ForAll @Size(max = 600) byte[] rest,
                                                @ForAll boolean compressed) {
        byte[] bytes = concat(magic, rest);
        readChecked(compressed ? gzip(bytes) : bytes, MEDIUM_BUFFER);
    }

    @Property(tries = 1500)
    void mutatedFilesAreHandledAndReadTheSameWithAnyBuffer(@ForAll("mutatedFiles") byte[] bytes) {
        Outcome small = readChecked(bytes, SMALL_BUFFER);
        Outcome medium = readChecked(bytes, MEDIUM_BUFFER);
        assertSameOutcome(medium, small);
    }

    @Property(tries = 200)
    void mutatedCompressedFilesAreHandled(@ForAll("mutatedFiles") byte[] bytes, @ForAll @IntRange(max = 64) int cut) {
        byte[] compressed = gzip(bytes);
        readChecked(Arrays.copyOf(compressed, Math.max(2, compressed.length - cut)), MEDIUM_BUFFER);
    }

    /**
     * Cutting a valid file anywhere after its header loses at most the record cut in two, which is
     * reported; every record before it is delivered as in the whole file.
     */
    @Example
    void truncationAtEveryOffset() {
        for (byte[] file : VALID_FILES) {
            List<Packet> whole = readChecked(file, MEDIUM_BUFFER).result().packets();
            for (int length = 0; length < file.length; length++) {
                Outcome cut = readChecked(Arrays.copyOf(file, length), SMALL_BUFFER);
                if (cut.result() == null) {
                    continue; // the file header itself is cut: a format error
                }
                List<Packet> delivered = cut.result().packets();
                assertTrue(delivered.size() <= whole.size());
                for (int i = 0; i < delivered.size(); i++) {
                    assertSamePacket(whole.get(i), delivered.get(i));
                }
                for (CaptureWarning w : cut.result().warnings()) {
                    assertTrue(w.kind() == Kind.TRUNCATED_RECORD || w.kind() == Kind.NOTICE, w.describe());
                }
                assertTrue(cut.result().warningsOf(Kind.TRUNCATED_RECORD).size() <= 1);
            }
        }
    }

    @Example
    void validFilesReadWithoutWarnings() {
        for (byte[] file : VALID_FILES) {
            ReadResult r = readChecked(file, SMALL_BUFFER).result();
            assertTrue(r.packets().size() >= 4);
            assertTrue(r.warnings().stream().allMatch(w -> w.kind() == Kind.NOTICE), r.warnings().toString());
        }
    }

    @Property(tries = 2000)
    void binaryFractionsConvertExactly(@ForAll long units, @ForAll @IntRange(min = 1, max = 127) int n) {
        BigInteger exact = new BigInteger(Long.toUnsignedString(units)).multiply(BigInteger.valueOf(1_000_000_000L)).shiftRight(n);
        assertEquals(exact.longValue(), PcapNgReader.binaryUnitsToNanos(units, n));
    }

    @Provide
    Arbitrary<byte[]> magics() {
        return Arbitraries.of(
                CaptureFixtures.hex("d4c3b2a1"), CaptureFixtures.hex("a1b2c3d4"),
                CaptureFixtures.hex("4d3cb2a1"), CaptureFixtures.hex("a1b23c4d"),
                CaptureFixtures.hex("d4c3b2a1 0200 0400"), CaptureFixtures.hex("a1b2c3d4 0002 0004"),
                CaptureFixtures.hex("0a0d0d0a"), CaptureFixtures.hex("0a0d0d0a 1c000000 4d3c2b1a 0100 0000"),
                CaptureFixtures.hex("0a0d0d0a 0000001c 1a2b3c4d 0001 0000"),
                CaptureFixtures.hex("736e6f6f 70000000 00000002 00000004"));
    }

    @Provide
    Arbitrary<byte[]> mutatedFiles() {
        return Arbitraries.of(VALID_FILES).flatMap(file -> Arbitraries.oneOf(
                bitFlips(file), truncations(file), lengthCorruptions(file), lengthCorruptions(file).flatMap(this::bitFlips)));
    }

    Arbitrary<byte[]> bitFlips(byte[] file) {
        return Arbitraries.integers().between(0, file.length * 8 - 1).list().ofMinSize(1).ofMaxSize(8).map(bits -> {
            byte[] copy = file.clone();
            for (int bit : bits) {
                copy[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            return copy;
        });
    }

    Arbitrary<byte[]> truncations(byte[] file) {
        return Arbitraries.integers().between(0, file.length).map(n -> Arrays.copyOf(file, n));
    }

    /** Overwrites an aligned 32-bit word (where lengths live) with a value chosen to hurt. */
    Arbitrary<byte[]> lengthCorruptions(byte[] file) {
        Arbitrary<Integer> word = Arbitraries.integers().between(0, file.length / 4 - 1);
        Arbitrary<Integer> value = Arbitraries.oneOf(
                Arbitraries.of(0, 1, 4, 8, 11, 12, 13, 16, 20, 28, 32, 100, 65535, 65536, 262144, 262148,
                        CaptureInput.MAX_RECORD_BYTES - 16, CaptureInput.MAX_RECORD_BYTES,
                        CaptureInput.MAX_RECORD_BYTES + 4, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFC),
                Arbitraries.integers());
        return Combinators.combine(word, value, Arbitraries.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN))
                .as((w, v, order) -> {
                    byte[] copy = file.clone();
                    ByteBuffer.wrap(copy).order(order).putInt(w * 4, v);
                    return copy;
                });
    }

    /**
     * Reads {@code bytes}, allowing only records, warnings and format errors, then checks that the
     * frame numbers of delivered and lost records are exactly 1 to N and that offsets are sane.
     */
    static Outcome readChecked(byte[] bytes, int capacity) {
        ReadResult r;
        try {
            r = CaptureFixtures.read(new ByteArrayInputStream(bytes), capacity, bytes.length + 10L);
        } catch (CaptureFormatException e) {
            assertTrue(e.offset() >= 0, e.getMessage());
            return new Outcome(null, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array cannot fail to be read", e);
        }
        List<Long> frames = new ArrayList<>();
        r.packets().forEach(p -> frames.add(p.frame()));
        r.warnings().stream().filter(w -> w.kind().losesRecord()).forEach(w -> frames.add(w.frame()));
        frames.sort(null);
        assertEquals(LongStream.rangeClosed(1, frames.size()).boxed().toList(), frames, "frame numbers 1..N, each once");
        for (int i = 1; i < r.packets().size(); i++) {
            assertTrue(r.packets().get(i).frame() > r.packets().get(i - 1).frame());
        }
        assertTrue(r.warnings().stream().filter(w -> w.kind() == Kind.STOPPED).count() <= 1);
        boolean compressed = bytes.length >= 2 && bytes[0] == (byte) 0x1F && bytes[1] == (byte) 0x8B;
        for (CaptureWarning w : r.warnings()) {
            assertTrue(w.offset() >= 0 && (compressed || w.offset() <= bytes.length), w.describe());
            assertTrue(w.frame() >= 1, w.describe());
        }
        for (Packet p : r.packets()) {
            assertTrue(p.recordOffset() >= 0 && (compressed || p.recordOffset() + p.data().length <= bytes.length));
        }
        return new Outcome(r, null);
    }

    static void assertSameOutcome(Outcome expected, Outcome actual) {
        assertEquals(expected.formatError(), actual.formatError());
        if (expected.result() == null) {
            return;
        }
        assertEquals(expected.result().warnings(), actual.result().warnings());
        assertEquals(expected.result().packets().size(), actual.result().packets().size());
        for (int i = 0; i < expected.result().packets().size(); i++) {
            assertSamePacket(expected.result().packets().get(i), actual.result().packets().get(i));
        }
    }

    static void assertSamePacket(Packet expected, Packet actual) {
        assertEquals(expected.frame(), actual.frame());
        assertEquals(expected.recordOffset(), actual.recordOffset());
        assertEquals(expected.timestampNanos(), actual.timestampNanos());
        assertEquals(expected.linkType(), actual.linkType());
        assertEquals(expected.originalLength(), actual.originalLength());
        assertArrayEquals(expected.data(), actual.data());
    }

    static byte[] pcapLittleEndian() {
        byte[] file = PcapReaderTest.HEADER_LE_MICROS;
        int[] sizes = {60, 0, 1, 1514, 7, 64};
        for (int i = 0; i < sizes.length; i++) {
            file = concat(file, PcapReaderTest.record(1_600_000_000 + i, i * 1000, sizes[i], sizes[i] + i));
        }
        return file;
    }

    static byte[] pcapBigEndianNanos() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(CaptureFixtures.hex("a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000071"));
        for (int i = 0; i < 5; i++) {
            ByteBuffer b = ByteBuffer.allocate(16 + 3 * i);
            b.putInt(1_700_000_000).putInt(i * 999_999).putInt(3 * i).putInt(3 * i + 40);
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    static byte[] pcapNg() {
        return new PcapNgBuilder()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceDescription(LinkType.ETHERNET, 65535, -1, 0)
                .block(PcapNgReader.NAME_RESOLUTION_BLOCK, new byte[4])
                .interfaceDescription(LinkType.RAW, 0, 0x94, 7)
                .enhancedPacket(0, 1_700_000_000_000_000L, new byte[60], 60)
                .enhancedPacket(1, 1L << 40, new byte[21], 1500)
                .simplePacket(new byte[10], 10)
                .obsoletePacket(0, 5, new byte[3], 3)
                .block(PcapNgReader.INTERFACE_STATISTICS_BLOCK, new byte[12])
                .block(PcapNgReader.CUSTOM_BLOCK, new byte[9])
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceDescription(LinkType.LINUX_SLL, 128, 9, 0)
                .enhancedPacket(0, 1_700_000_000_000_000_000L, new byte[33], 33)
                .enhancedPacket(0, 1_700_000_000_000_000_001L, new byte[0], 0)
                .bytes();
    }

    static byte[] snoop() {
        byte[] file = SnoopReaderTest.HEADER;
        for (int i = 0; i < 4; i++) {
            file = concat(file, SnoopReaderTest.RECORD);
        }
        return file;
    }
}
