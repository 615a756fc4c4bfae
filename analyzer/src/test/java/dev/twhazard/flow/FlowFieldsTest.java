package dev.twhazard.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Flow} keeps seven small fields packed in one char: random sequences of the operations
 * that set them, against a model holding each in a field of its own, so that a field that spills
 * into its neighbour's bits (or a side kept without its + 1) shows.
 */
class FlowFieldsTest {

    /** The packed fields as plain values. */
    static final class Model {
        boolean removed;
        boolean twGone;
        Flow.CloseKind close;
        int clientSide;
        int holders;
        int tsSeen;
        int twHostSide = -1;
        int tupleClientSide = -1;
    }

    static void assertAgrees(Model m, Flow f, int step) {
        String at = "step " + step;
        assertEquals(m.removed, f.removed(), at);
        assertEquals(m.twGone, f.prevTwGone(), at);
        assertEquals(m.close, f.prevCloseKind(), at);
        assertEquals(m.close != null, f.prevValid(), at);
        if (m.close != null) {
            assertEquals(m.clientSide, f.prevClientSide(), at);
        }
        assertEquals(m.holders, f.prevHolders(), at);
        for (int side = 0; side < 2; side++) {
            assertEquals((m.holders & 1 << side) != 0, f.prevHolds(side), at);
            assertEquals((m.tsSeen & 1 << side) != 0, f.prevTsSeen(side), at);
        }
        assertEquals(m.twHostSide, f.twHostSide(), at);
        assertEquals(m.tupleClientSide, f.tupleClientSide(), at);
    }

    @Test
    void packedFieldsAgreeWithPlainOnes() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int run = 0; run < 200; run++) {
            Flow f = new Flow(1, 2, 3, 4);
            Model m = new Model();
            for (int step = 0; step < 60; step++) {
                switch (rnd.nextInt(7)) {
                    case 0 -> {
                        Incarnation inc = new Incarnation();
                        Flow.CloseKind kind = Flow.CloseKind.values()[rnd.nextInt(3)];
                        inc.clientSide = rnd.nextInt(3) - 1;
                        int holders = rnd.nextInt(4);
                        for (int side = 0; side < 2; side++) {
                            inc.timeWaitStart[side] = (holders & 1 << side) != 0 ? 1_000 + side : 0;
                            inc.ep[side].tsSeen = rnd.nextBoolean();
                        }
                        f.summarize(inc, kind, 5_000);
                        m.close = kind;
                        m.clientSide = inc.clientSide;
                        m.holders = kind == Flow.CloseKind.FIN ? holders : 0;
                        m.tsSeen = (inc.ep[0].tsSeen ? 1 : 0) | (inc.ep[1].tsSeen ? 2 : 0);
                        m.twGone = false;
                    }
                    case 1 -> {
                        f.markPrevTwGone(7_000);
                        m.twGone = true;
                    }
                    case 2 -> {
                        f.revivePrevTw();
                        m.twGone = false;
                    }
                    case 3 -> {
                        int side = rnd.nextInt(2);
                        f.twHostSide(side);
                        m.twHostSide = side;
                    }
                    case 4 -> {
                        int side = rnd.nextInt(3) - 1;
                        f.tupleClientSide(side);
                        m.tupleClientSide = side;
                    }
                    case 5 -> {
                        f.markRemoved();
                        m.removed = true;
                    }
                    default -> {
                        if (rnd.nextInt(10) == 0) {
                            f.init(1, 2, 3, 4);
                            m = new Model();
                        }
                    }
                }
                assertAgrees(m, f, step);
            }
        }
    }
}
