package dev.twhazard.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opens captures: detects gzip by its magic (not by the file name), then pcap, pcapng or snoop by
 * theirs. Compressed formats other than gzip, and other files, are refused with a
 * {@link CaptureFormatException} that names what was found.
 */
public final class CaptureReaders {

    /** RFC 1952 section 2.3.1: ID1 ID2. */
    static final int GZIP_MAGIC_LENGTH = 2;
    static final byte GZIP_ID1 = (byte) 0x1F;
    static final byte GZIP_ID2 = (byte) 0x8B;
    /** Compressed bytes the decompressor reads at a time: large reads, as for plain files. */
    static final int GZIP_BUFFER_BYTES = 1 << 20;

    static final int MAGIC_LENGTH = 4;
    static final int PCAP_MAGIC_MICROSECONDS = PcapReader.MAGIC_MICROSECONDS;
    static final int PCAP_MAGIC_NANOSECONDS = PcapReader.MAGIC_NANOSECONDS;
    /** The Section Header Block type, which reads the same in both byte orders. */
    static final int PCAPNG_MAGIC = PcapNgReader.SECTION_HEADER_BLOCK;
    /** The first four bytes of RFC 1761's "snoop\0\0\0". */
    static final int SNOOP_MAGIC = 0x736E6F6F;
    /** Alexey Kuznetzov's modified pcap, whose record headers are 8 bytes longer. */
    static final int MODIFIED_PCAP_MAGIC = 0xA1B2CD34;
    /** RFC 8878 section 3.1.1. */
    static final int ZSTD_MAGIC = 0x28B52FFD;
    static final int XZ_MAGIC = 0xFD377A58;
    /** "BZh", in the top three bytes. */
    static final int BZIP2_MAGIC = 0x425A68;

    private CaptureReaders() {
    }

    /**
     * Whether a file's first four bytes are a pcap (either byte order or resolution), pcapng or
     * gzip magic: how a directory scan tells captures from other files without opening them as
     * one.
     */
    public static boolean hasCaptureMagic(byte[] head) {
        if (head.length < MAGIC_LENGTH) {
            return false;
        }
        if (head[0] == GZIP_ID1 && head[1] == GZIP_ID2) {
            return true;
        }
        int magic = (head[0] & 0xFF) << 24 | (head[1] & 0xFF) << 16 | (head[2] & 0xFF) << 8 | (head[3] & 0xFF);
        return magic == PCAP_MAGIC_MICROSECONDS || magic == Integer.reverseBytes(PCAP_MAGIC_MICROSECONDS)
                || magic == PCAP_MAGIC_NANOSECONDS || magic == Integer.reverseBytes(PCAP_MAGIC_NANOSECONDS)
                || magic == PCAPNG_MAGIC;
    }

    /**
     * Opens a file; {@code "-"} is not special here (see {@link #open(InputStream, String, Consumer)}).
     * The file is closed if it cannot be read as a capture.
     *
     * @throws CaptureFormatException if the file is not a capture this tool reads
     */
    public static CaptureReader open(Path file, Consumer<CaptureWarning> warnings) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return open(in, file.toString(), warnings);
        } catch (IOException | RuntimeException e) {
            try {
                in.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Reads a capture streamed from {@code in} (standard input, a pipe), never seeking;
     * {@code name} is for messages. On success the reader owns {@code in} and closes it; on
     * failure {@code in} is left open.
     *
     * @throws CaptureFormatException if the stream is not a capture this tool reads
     */
    public static CaptureReader open(InputStream in, String name, Consumer<CaptureWarning> warnings) throws IOException {
        return open(in, name, warnings, CaptureInput.DEFAULT_CAPACITY);
    }

    /** As {@link #open(InputStream, String, Consumer)}, with a chosen initial buffer size. */
    static CaptureReader open(InputStream in, String name, Consumer<CaptureWarning> warnings, int capacity)
            throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(warnings, "warnings");
        CountingInputStream source = new CountingInputStream(in);
        PushbackInputStream peek = new PushbackInputStream(source, GZIP_MAGIC_LENGTH);
        byte[] first = new byte[GZIP_MAGIC_LENGTH];
        int n = peek.readNBytes(first, 0, GZIP_MAGIC_LENGTH);
        if (n == 0) {
            throw new CaptureFormatException(name, 0, "empty file: 0 bytes (expected: a capture file header)");
        }
        peek.unread(first, 0, n);
        boolean gzip = n == GZIP_MAGIC_LENGTH && first[0] == GZIP_ID1 && first[1] == GZIP_ID2;
        InputStream data = peek;
        if (gzip) {
            try {
                data = new GZIPInputStream(peek, GZIP_BUFFER_BYTES);
            } catch (ZipException | EOFException e) {
                throw new CaptureFormatException(name, 0, "gzip header: " + e.getMessage() + " (expected: a complete gzip header)");
            }
        }
        CaptureInput input = new CaptureInput(data, source, gzip, capacity);
        try {
            return reader(input, name, gzip, warnings);
        } catch (CaptureFormatException e) {
            // A header cut short by damaged compression: the damage is the thing to report.
            String problem = input.sourceProblem();
            if (problem != null) {
                throw new CaptureFormatException(name, input.offset() + input.available(), problem);
            }
            throw e;
        }
    }

    private static CaptureReader reader(CaptureInput input, String name, boolean gzip, Consumer<CaptureWarning> warnings)
            throws IOException {
        String content = gzip ? "gzip-compressed data" : "file";
        if (!input.require(MAGIC_LENGTH)) {
            int n = input.available();
            if (n == 0) {
                throw new CaptureFormatException(name, 0, "empty " + content + ": 0 bytes (expected: a capture file header)");
            }
            throw new CaptureFormatException(name, 0, "truncated file header: " + content + " of " + n
                    + " bytes (expected: at least " + MAGIC_LENGTH + ")");
        }
        int magic = input.buffer().getInt(input.position());
        if (magic == PCAP_MAGIC_MICROSECONDS || magic == Integer.reverseBytes(PCAP_MAGIC_MICROSECONDS)
                || magic == PCAP_MAGIC_NANOSECONDS || magic == Integer.reverseBytes(PCAP_MAGIC_NANOSECONDS)) {
            return new PcapReader(input, name, warnings);
        }
        if (magic == PCAPNG_MAGIC) {
            return new PcapNgReader(input, name, warnings);
        }
        if (magic == SNOOP_MAGIC) {
            return new SnoopReader(input, name, warnings);
        }
        String message;
        if (magic == ZSTD_MAGIC) {
            message = "zstd-compressed capture: not supported (decompress it first: zstd -d)";
        } else if (magic == XZ_MAGIC) {
            message = "xz-compressed capture: not supported (decompress it first: xz -d)";
        } else if (magic >>> 8 == BZIP2_MAGIC) {
            message = "bzip2-compressed capture: not supported (decompress it first: bzip2 -d)";
        } else if (magic == MODIFIED_PCAP_MAGIC || magic == Integer.reverseBytes(MODIFIED_PCAP_MAGIC)) {
            message = "modified pcap (magic a1b2cd34): not supported (convert it first: editcap -F pcap)";
        } else {
            message = "not a capture " + content + ": magic 0x" + String.format("%08x", magic)
                    + " (expected: pcap a1b2c3d4/a1b23c4d or pcapng 0a0d0d0a, either byte order, optionally gzip-compressed)";
        }
        throw new CaptureFormatException(name, 0, message);
    }
}
