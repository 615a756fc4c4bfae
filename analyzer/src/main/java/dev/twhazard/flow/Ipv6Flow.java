package dev.twhazard.flow;

/**
 * A flow whose addresses need their high halves: an IPv6 quadruple (IPv4 ones, held
 * IPv4-mapped, have both halves zero). Kept apart so that the many IPv4 flows of a busy capture
 * spend no 16 bytes each on two zeros.
 */
final class Ipv6Flow extends Flow {

    private long aHi;
    private long bHi;

    Ipv6Flow(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        super(aLo, aPort, bLo, bPort);
        this.aHi = aHi;
        this.bHi = bHi;
    }

    void init(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        init(aLo, aPort, bLo, bPort);
        this.aHi = aHi;
        this.bHi = bHi;
    }

    @Override
    public long hi(int side) {
        return side == 0 ? aHi : bHi;
    }
}
