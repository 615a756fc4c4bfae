package dev.twhazard.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The two ends of the live-capture test's traffic, run as child JVMs inside network namespaces
 * ({@code ip netns exec}), since a JVM cannot move its own sockets into another namespace. Needs
 * only the JDK. Every run ends by itself: the server after a time limit, the client after its
 * connections.
 *
 * <pre>
 * LivePeer server ADDRESS PORT SECONDS       accept: read a line, answer "pong", wait for the
 *                                            client's FIN, then close (the client closes first)
 * LivePeer client ADDRESS PORT COUNT GAP_MS  COUNT connections, GAP_MS after each close; prints
 *                                            each one's local port
 * </pre>
 */
public final class LivePeer {

    private LivePeer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        InetAddress address = InetAddress.getByName(args[1]);
        int port = Integer.parseInt(args[2]);
        if (args[0].equals("server")) {
            server(address, port, Integer.parseInt(args[3]));
        } else {
            client(address, port, Integer.parseInt(args[3]), Long.parseLong(args[4]));
        }
    }

    private static void server(InetAddress address, int port, int seconds) throws IOException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(address, port));
            listener.setSoTimeout(500);
            System.out.println("listening");
            System.out.flush();
            while (System.nanoTime() < deadline) {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(5000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    in.readLine();
                    s.getOutputStream().write("pong\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    while (in.read() >= 0) {
                        // until the client's FIN: the client is the active closer
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // no connection this half second (or a client that went silent): look at the deadline
                }
            }
        }
    }

    private static void client(InetAddress address, int port, int count, long gapMillis)
            throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 5000);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write("ping\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String answer = in.readLine();
                System.out.println("connection " + (i + 1) + " local port " + s.getLocalPort() + " answer " + answer);
                System.out.flush();
            }
            Thread.sleep(gapMillis);
        }
    }
}
