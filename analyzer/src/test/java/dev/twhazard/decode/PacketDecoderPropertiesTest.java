package dev.twhazard.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.twhazard.capture.LinkType;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The decoder's never-throw contract, on random and on mutated valid frames. */
class PacketDecoderPropertiesTest {

    static final int[] LINK_TYPES = {
        LinkType.NULL, LinkType.ETHERNET, LinkType.RAW_OPENBSD, LinkType.RAW_BSD, LinkType.RAW,
        LinkType.LOOP, LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2,
    };

    static final List<PacketDecoderTest.Valid> VALID = PacketDecoderTest.validFrames().toList();

    final PacketDecoder decoder = new PacketDecoder();
    final TcpSegment out = new TcpSegment();

    @Provide
    Arbitrary<Integer> linkTypes() {
        return Arbitraries.oneOf(Arbitraries.of(0, 1, 12, 14, 101, 108, 113, 228, 229, 276), Arbitraries.integers());
    }

    @Property(tries = 3000)
    void randomBytesNeverThrow(@ForAll("linkTypes") int linkType, @ForAll @Size(max = 400) byte[] data) {
        assertNotNull(decoder.decode(linkType, ByteBuffer.wrap(data), 0, data.length, out));
    }

    /** Random bytes behind each link layer's valid start, so the walk gets past the first header. */
    @Property(tries = 3000)
    void randomPayloadsBehindValidHeadersNeverThrow(
            @ForAll @IntRange(min = 0, max = 9) int which, @ForAll @Size(max = 300) byte[] tail) {
        int linkType = LINK_TYPES[which];
        byte[] head = Fixtures.bytes(switch (linkType) {
            case LinkType.ETHERNET -> Fixtures.MAC_B + Fixtures.MAC_A + "0800";
            case LinkType.LINUX_SLL -> "0000 0001 0006 0200000000a10000 86dd";
            case LinkType.LINUX_SLL2 -> "0800 0000 00000002 0001 00 06 0200000000a10000";
            case LinkType.NULL, LinkType.LOOP -> "00000002";
            default -> "45";
        });
        byte[] frame = new byte[head.length + tail.length];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(tail, 0, frame, head.length, tail.length);
        assertNotNull(decoder.decode(linkType, ByteBuffer.wrap(frame), 0, frame.length, out));
    }

    record Mutation(int frame, int[] positions, byte[] values, int cut) {
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(
                Arbitraries.integers().between(0, VALID.size() - 1),
                Arbitraries.integers().between(0, 10_000).array(int[].class).ofMinSize(1).ofMaxSize(6),
                Arbitraries.bytes().array(byte[].class).ofSize(6),
                Arbitraries.integers().between(0, 10_000))
                .as(Mutation::new);
    }

    byte[] apply(Mutation m) {
        byte[] frame = Fixtures.bytes(VALID.get(m.frame()).hex());
        for (int i = 0; i < m.positions().length; i++) {
            frame[m.positions()[i] % frame.length] = m.values()[i];
        }
        return frame;
    }

    /** Valid frames with a few bytes changed (lengths, types, flags) and cut anywhere never throw. */
    @Property(tries = 5000)
    void mutatedValidFramesNeverThrow(@ForAll("mutations") Mutation m) {
        byte[] frame = apply(m);
        int length = m.cut() % (frame.length + 1);
        int linkType = VALID.get(m.frame()).linkType();
        assertNotNull(decoder.decode(linkType, ByteBuffer.wrap(frame), 0, length, out));
    }

    /**
     * The decoder reads only {@code buf[offset, offset+length)}: the same frame inside a larger
     * buffer, surrounded by other bytes, decodes to the same result.
     */
    @Property(tries = 2000)
    void decodeReadsOnlyItsRegion(@ForAll("mutations") Mutation m, @ForAll @Size(max = 64) byte[] before,
            @ForAll @Size(max = 64) byte[] after) {
        byte[] frame = apply(m);
        int linkType = VALID.get(m.frame()).linkType();
        DecodeStatus alone = decoder.decode(linkType, ByteBuffer.wrap(frame), 0, frame.length, out);
        String expected = summary(alone);
        byte[] big = new byte[before.length + frame.length + after.length];
        System.arraycopy(before, 0, big, 0, before.length);
        System.arraycopy(frame, 0, big, before.length, frame.length);
        System.arraycopy(after, 0, big, before.length + frame.length, after.length);
        DecodeStatus embedded = decoder.decode(linkType, ByteBuffer.wrap(big), before.length, frame.length, out);
        assertEquals(expected, summary(embedded));
    }

    private String summary(DecodeStatus s) {
        return s + " " + out.srcLo + " " + out.dstLo + " " + out.srcPort + " " + out.dstPort + " " + out.seq
                + " " + out.ack + " " + out.flags + " " + out.payloadLength + " " + out.tsVal + " " + out.tunnels
                + " " + out.vlanCount + " " + out.optionsMalformed;
    }
}
