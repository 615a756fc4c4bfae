package dev.twhazard.flow;

/**
 * A flow whose addresses are not both IPv4 (held IPv4-mapped, see {@link Flow}): it keeps both
 * halves of each. Kept apart so that the many IPv4 flows of a busy capture spend 8 bytes each on
 * their addresses instead of 32.
 */
final class Ipv6Flow extends Flow {

    private long aHi;
    private long aLo;
    private long bHi;
    private long bLo;

    Ipv6Flow(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        super(aLo, aPort, bLo, bPort);
        setAddresses(aHi, aLo, bHi, bLo);
    }

    void init(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        init(aLo, aPort, bLo, bPort);
        setAddresses(aHi, aLo, bHi, bLo);
    }

    private void setAddresses(long aHi, long aLo, long bHi, long bLo) {
        this.aHi = aHi;
        this.aLo = aLo;
        this.bHi = bHi;
        this.bLo = bLo;
    }

    @Override
    public long hi(int side) {
        return side == 0 ? aHi : bHi;
    }

    @Override
    public long lo(int side) {
        return side == 0 ? aLo : bLo;
    }

    @Override
    boolean hasKey(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        return this.aLo == aLo && this.bLo == bLo && portsAre(aPort, bPort) && this.aHi == aHi && this.bHi == bHi;
    }
}
