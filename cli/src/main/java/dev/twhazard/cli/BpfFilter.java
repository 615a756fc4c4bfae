package dev.twhazard.cli;

import dev.twhazard.pipeline.SegmentPipeline;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * A tcpdump-syntax capture filter, compiled by libpcap (through pcap4j) once per link type and
 * run over each raw frame. Only {@code --filter} needs libpcap; without it no native library is
 * loaded. The frame is copied into a scratch array because libpcap's offline filter reads from
 * offset 0; this costs a copy per packet only when a filter is given.
 */
final class BpfFilter implements SegmentPipeline.PacketFilter {

    static final String INSTALL_HINT = "libpcap is needed for --filter and live capture but was not found "
            + "(install it: Debian/Ubuntu 'apt-get install libpcap0.8', Fedora/RHEL 'dnf install libpcap', "
            + "macOS has it built in)";

    /** libpcap's MAXIMUM_SNAPLEN: filters read no further into a packet than this. */
    static final int SNAPLEN = 262_144;

    private final String expression;
    private final Map<Integer, BpfProgram> programs = new HashMap<>();
    private byte[] scratch = new byte[65536];

    private BpfFilter(String expression) {
        this.expression = expression;
    }

    /** Checks that libpcap loads and the expression compiles (for Ethernet), so errors come early. */
    static BpfFilter compile(String expression) {
        pointPcap4jAtLibpcap();
        BpfFilter f = new BpfFilter(expression);
        f.program(1);
        return f;
    }

    /**
     * JNA looks for "libpcap.so", which only the development package installs; point pcap4j at
     * the runtime library's versioned name when that is what the machine has.
     */
    static void pointPcap4jAtLibpcap() {
        String key = "org.pcap4j.core.pcapLibName";
        if (System.getProperty(key) != null) {
            return;
        }
        for (String dir : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/lib/x86_64-linux-gnu", "/lib64"}) {
            for (String name : new String[] {"libpcap.so", "libpcap.so.1", "libpcap.so.0.8"}) {
                Path p = Path.of(dir, name);
                if (Files.exists(p)) {
                    System.setProperty(key, p.toString());
                    return;
                }
            }
        }
    }

    /**
     * Compiles the expression for one link type on a "dead" libpcap handle, so that a syntax
     * error comes back with libpcap's own message ({@code pcap_geterr}); pcap4j's
     * {@code Pcaps.compileFilter} goes through {@code pcap_compile_nopcap}, which loses it. The
     * netmask is unknown ({@code PCAP_NETMASK_UNKNOWN}): only {@code ip broadcast} needs one, and
     * libpcap then refuses it with a message instead of matching the wrong packets.
     */
    private BpfProgram program(int linkType) {
        BpfProgram p = programs.get(linkType);
        if (p != null) {
            return p;
        }
        p = compile(expression, linkType, SNAPLEN);
        programs.put(linkType, p);
        return p;
    }

    static BpfProgram compile(String expression, int linkType, int snaplen) {
        PcapHandle dead = null;
        try {
            dead = Pcaps.openDead(DataLinkType.getInstance(linkType), snaplen);
            return dead.compileFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE, PcapHandle.PCAP_NETMASK_UNKNOWN);
        } catch (PcapNativeException e) {
            throw new UsageException("--filter '" + expression + "': " + libpcapMessage(e));
        } catch (NotOpenException e) {
            throw new IllegalStateException("libpcap handle closed while compiling a filter", e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new UsageException(INSTALL_HINT + ": " + e.getMessage());
        } finally {
            if (dead != null) {
                dead.close();
            }
        }
    }

    /** pcap4j's message ends with " Error code: N"; the text before it is libpcap's. */
    private static String libpcapMessage(PcapNativeException e) {
        String m = String.valueOf(e.getMessage());
        int cut = m.indexOf(" Error code:");
        return (cut > 0 ? m.substring(0, cut) : m).trim();
    }

    @Override
    public boolean accept(int linkType, ByteBuffer buf, int offset, int capturedLength, long originalLength) {
        if (scratch.length < capturedLength) {
            scratch = new byte[Math.max(capturedLength, scratch.length * 2)];
        }
        buf.get(offset, scratch, 0, capturedLength);
        return program(linkType).applyFilter(scratch, (int) Math.min(originalLength, Integer.MAX_VALUE), capturedLength);
    }
}
