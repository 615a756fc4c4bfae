package dev.twhazard.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes well-formed pcapng blocks, for tests that need more than a few hand-written ones. */
final class PcapNgBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    /** Starts a section in {@code order}; the blocks after it use that order. */
    PcapNgBuilder section(ByteOrder order) {
        this.order = order;
        ByteBuffer body = body(16);
        body.putInt(PcapNgReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1);
        return block(PcapNgReader.SECTION_HEADER_BLOCK, body.array());
    }

    /** An interface; {@code tsresol} below 0 leaves the option out, as does a zero {@code tsoffset}. */
    PcapNgBuilder interfaceDescription(int linkType, int snapLength, int tsresol, long tsoffset) {
        ByteBuffer body = body(8 + (tsresol >= 0 ? 8 : 0) + (tsoffset != 0 ? 12 : 0) + 4);
        body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        if (tsresol >= 0) {
            body.putShort((short) PcapNgReader.IF_TSRESOL).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
        }
        if (tsoffset != 0) {
            body.putShort((short) PcapNgReader.IF_TSOFFSET).putShort((short) 8).putLong(tsoffset);
        }
        body.putInt(0);
        return block(PcapNgReader.INTERFACE_DESCRIPTION_BLOCK, body.array());
    }

    PcapNgBuilder enhancedPacket(int interfaceId, long timestamp, byte[] data, int originalLength) {
        ByteBuffer body = body(20 + padded(data.length));
        body.putInt(interfaceId).putInt((int) (timestamp >>> 32)).putInt((int) timestamp)
                .putInt(data.length).putInt(originalLength).put(data);
        return block(PcapNgReader.ENHANCED_PACKET_BLOCK, body.array());
    }

    PcapNgBuilder simplePacket(byte[] data, int originalLength) {
        ByteBuffer body = body(4 + padded(data.length));
        body.putInt(originalLength).put(data);
        return block(PcapNgReader.SIMPLE_PACKET_BLOCK, body.array());
    }

    PcapNgBuilder obsoletePacket(int interfaceId, long timestamp, byte[] data, int originalLength) {
        ByteBuffer body = body(20 + padded(data.length));
        body.putShort((short) interfaceId).putShort((short) 0).putInt((int) (timestamp >>> 32)).putInt((int) timestamp)
                .putInt(data.length).putInt(originalLength).put(data);
        return block(PcapNgReader.PACKET_BLOCK, body.array());
    }

    /** Any block: type, total length, the body padded to 32 bits, total length. */
    PcapNgBuilder block(int type, byte[] body) {
        int total = 12 + padded(body.length);
        ByteBuffer b = ByteBuffer.allocate(total).order(order);
        b.putInt(type).putInt(total).put(body);
        b.putInt(total - 4, total);
        out.writeBytes(b.array());
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private ByteBuffer body(int length) {
        return ByteBuffer.allocate(length).order(order);
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }
}
