package dev.twhazard.cli;

import dev.twhazard.pipeline.SegmentPipeline;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.pcap4j.core.BpfProgram;
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

    private BpfProgram program(int linkType) {
        BpfProgram p = programs.get(linkType);
        if (p != null) {
            return p;
        }
        try {
            p = Pcaps.compileFilter(262144, DataLinkType.getInstance(linkType), expression,
                    BpfProgram.BpfCompileMode.OPTIMIZE, null);
        } catch (PcapNativeException e) {
            throw new UsageException("--filter '" + expression + "': " + e.getMessage());
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new UsageException(INSTALL_HINT + ": " + e.getMessage());
        }
        programs.put(linkType, p);
        return p;
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
