package dev.twhazard.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only reader for small classic pcap and pcapng files, so that the decoder can be tested on
 * real captures independently of the production readers. Reads the whole file; no error recovery.
 */
final class CaptureFile {

    record Frame(int number, int linkType, byte[] data) {
    }

    private static final int PCAP_MAGIC_MICROS = 0xA1B2C3D4;
    private static final int PCAP_MAGIC_NANOS = 0xA1B23C4D;
    private static final int PCAPNG_SHB = 0x0A0D0D0A;
    private static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int PCAPNG_IDB = 1;
    private static final int PCAPNG_PB = 2;
    private static final int PCAPNG_SPB = 3;
    private static final int PCAPNG_EPB = 6;

    private CaptureFile() {
    }

    static List<Frame> read(Path path) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path));
        int magic = b.getInt(0);
        return magic == PCAPNG_SHB ? readPcapng(b) : readPcap(b);
    }

    private static List<Frame> readPcap(ByteBuffer b) {
        int magic = b.getInt(0);
        if (magic != PCAP_MAGIC_MICROS && magic != PCAP_MAGIC_NANOS) {
            b.order(ByteOrder.LITTLE_ENDIAN);
            magic = b.getInt(0);
            if (magic != PCAP_MAGIC_MICROS && magic != PCAP_MAGIC_NANOS) {
                throw new IllegalArgumentException("not a pcap file: magic 0x" + Integer.toHexString(magic));
            }
        }
        int linkType = b.getInt(20);
        List<Frame> frames = new ArrayList<>();
        int p = 24;
        while (p + 16 <= b.limit()) {
            int captured = b.getInt(p + 8);
            if (captured < 0 || p + 16 + captured > b.limit()) {
                break;
            }
            byte[] data = new byte[captured];
            b.get(p + 16, data);
            frames.add(new Frame(frames.size() + 1, linkType, data));
            p += 16 + captured;
        }
        return frames;
    }

    private static List<Frame> readPcapng(ByteBuffer b) {
        List<Frame> frames = new ArrayList<>();
        List<Integer> interfaces = new ArrayList<>();
        ByteOrder order = ByteOrder.BIG_ENDIAN;
        int p = 0;
        while (p + 12 <= b.limit()) {
            int type = b.order(order).getInt(p);
            if (type == PCAPNG_SHB) {
                order = b.order(ByteOrder.BIG_ENDIAN).getInt(p + 8) == PCAPNG_BYTE_ORDER_MAGIC
                        ? ByteOrder.BIG_ENDIAN
                        : ByteOrder.LITTLE_ENDIAN;
                b.order(order);
                interfaces.clear();
            }
            int length = b.getInt(p + 4);
            if (length < 12 || p + length > b.limit()) {
                break;
            }
            switch (type) {
                case PCAPNG_IDB -> interfaces.add(b.getShort(p + 8) & 0xFFFF);
                case PCAPNG_EPB, PCAPNG_PB -> {
                    int iface = type == PCAPNG_EPB ? b.getInt(p + 8) : b.getShort(p + 8) & 0xFFFF;
                    int captured = b.getInt(p + 20);
                    byte[] data = new byte[captured];
                    b.get(p + 28, data);
                    frames.add(new Frame(frames.size() + 1, interfaces.get(iface), data));
                }
                case PCAPNG_SPB -> {
                    int captured = Math.min(b.getInt(p + 8), length - 16);
                    byte[] data = new byte[captured];
                    b.get(p + 12, data);
                    frames.add(new Frame(frames.size() + 1, interfaces.get(0), data));
                }
                default -> {
                    // Statistics, name resolution and custom blocks hold no packets.
                }
            }
            p += length;
        }
        return frames;
    }
}
