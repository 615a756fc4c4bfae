package dev.twhazard.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the generated traffic is made of: shares of natural connection behaviours and how often
 * each planted story starts (per new connection). Presets are {@code realistic} (rare hazards,
 * the default), {@code clean} (no planted story at all) and {@code dense} (ten times the
 * hazards, for small correctness runs); any key can be overridden: {@code realistic,nat_paws=0.001}.
 */
final class Mix {

    /** Keys of natural behaviours (shares of natural connections). */
    static final String SERVER_CLOSES = "server_closes";
    static final String ABORT = "abort";
    static final String SYN_RETRANSMIT = "syn_retransmit";
    static final String DATA_RETRANSMIT = "data_retransmit";
    static final String FINAL_ACK_LOST = "final_ack_lost";
    static final String KEEP_ALIVE = "keep_alive";
    static final String DUPLICATE = "duplicate";
    static final String NAT_CLIENTS = "nat_clients";
    static final String WINDOWS_CLIENTS = "windows_clients";
    static final String NO_TS_CLIENTS = "no_ts_clients";
    /** Keys of planted stories (probability per new connection). */
    static final String HOLDER_REUSE = "holder_reuse";
    static final String PEER_ACCEPT = "peer_accept";
    static final String NAT_PAWS = "nat_paws";
    static final String OVERFLOW_RST = "overflow_rst";
    static final String TW_REACK = "tw_reack";
    static final String OLD_SEGMENT = "old_segment";
    static final String OLD_SEGMENT_IN_WINDOW = "old_segment_in_window";
    static final String REUSE_AFTER_EXPIRY = "reuse_after_expiry";

    static final String[] STORIES = {HOLDER_REUSE, PEER_ACCEPT, NAT_PAWS, OVERFLOW_RST, TW_REACK,
        OLD_SEGMENT_IN_WINDOW, REUSE_AFTER_EXPIRY};

    private final Map<String, Double> values;

    private Mix(Map<String, Double> values) {
        this.values = values;
    }

    double get(String key) {
        return values.get(key);
    }

    static Mix parse(String spec) {
        String[] parts = spec.split(",");
        Map<String, Double> v = preset(parts[0].trim().toLowerCase(Locale.ROOT));
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            String key = kv[0].trim();
            if (kv.length != 2 || !v.containsKey(key)) {
                throw new IllegalArgumentException("mix: " + parts[i] + " (expected: KEY=VALUE with KEY one of " + v.keySet() + ")");
            }
            double d = Double.parseDouble(kv[1].trim());
            if (d < 0 || d > 1) {
                throw new IllegalArgumentException("mix: " + parts[i] + " (expected: a share from 0 to 1)");
            }
            v.put(key, d);
        }
        return new Mix(v);
    }

    private static Map<String, Double> preset(String name) {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put(SERVER_CLOSES, 0.45);
        v.put(ABORT, 0.03);
        v.put(SYN_RETRANSMIT, 0.005);
        v.put(DATA_RETRANSMIT, 0.01);
        v.put(FINAL_ACK_LOST, 0.005);
        v.put(KEEP_ALIVE, 0.25);
        v.put(DUPLICATE, 0.01);
        v.put(NAT_CLIENTS, 0.15);
        v.put(WINDOWS_CLIENTS, 0.10);
        v.put(NO_TS_CLIENTS, 0.05);
        double scale;
        switch (name) {
            case "realistic" -> scale = 1;
            case "dense" -> scale = 10;
            case "clean" -> scale = 0;
            default -> throw new IllegalArgumentException("mix: " + name + " (expected: realistic, dense or clean)");
        }
        v.put(HOLDER_REUSE, 0.0004 * scale);
        v.put(PEER_ACCEPT, 0.0004 * scale);
        v.put(NAT_PAWS, 0.0002 * scale);
        v.put(OVERFLOW_RST, 0.0002 * scale);
        v.put(TW_REACK, 0.0002 * scale);
        // Share of holder and peer reuses that also get a delayed old segment.
        v.put(OLD_SEGMENT, scale == 0 ? 0 : 0.3);
        v.put(OLD_SEGMENT_IN_WINDOW, 0.00002 * scale);
        v.put(REUSE_AFTER_EXPIRY, 0.0002 * scale);
        return v;
    }
}
