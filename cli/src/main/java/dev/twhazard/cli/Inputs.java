package dev.twhazard.cli;

import dev.twhazard.capture.CaptureReaders;
import dev.twhazard.capture.CaptureSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the command line's inputs into captures: files, directories (every capture inside,
 * recursively, in path order), glob patterns the shell did not expand, and {@code -} for
 * standard input. Inside directories, files are recognised by their first bytes (pcap, pcapng,
 * gzip) or by a capture's name ({@link #CAPTURE_NAME}), so other files there (notes, checksums)
 * are left alone while a damaged capture is still read and reported; a file named explicitly is
 * always read.
 */
final class Inputs {

    /**
     * Names of capture files: {@code .pcap}, {@code .pcapng}, {@code .cap}, with the number that
     * {@code tcpdump -C} appends ({@code cap.pcap1}), optionally gzip-compressed.
     */
    static final Pattern CAPTURE_NAME = Pattern.compile("(?i).*\\.(pcap|pcapng|cap)[0-9]*(\\.gz)?");

    private Inputs() {
    }

    /** Inputs that could not be found are reported through {@code warnings} and left out. */
    static List<CaptureSource> expand(List<String> args, InputStream stdin, Warnings warnings) throws IOException {
        List<String> missing = new ArrayList<>();
        List<CaptureSource> sources = expand(args, stdin, missing);
        missing.forEach(warnings::missing);
        return sources;
    }

    /** Inputs that could not be found are reported to {@code missing} and left out. */
    static List<CaptureSource> expand(List<String> args, InputStream stdin, List<String> missing) throws IOException {
        List<CaptureSource> out = new ArrayList<>();
        boolean stdinUsed = false;
        for (String arg : args) {
            if (arg.equals("-")) {
                if (stdinUsed) {
                    throw new UsageException("standard input (-) can be given only once");
                }
                stdinUsed = true;
                out.add(CaptureSource.stream(stdin, "-"));
                continue;
            }
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    List<Path> files = walk.filter(Files::isRegularFile)
                            .filter(f -> CAPTURE_NAME.matcher(f.getFileName().toString()).matches() || looksLikeCapture(f))
                            .sorted().toList();
                    if (files.isEmpty()) {
                        missing.add(arg + ": no capture files in this directory");
                    }
                    files.forEach(f -> out.add(CaptureSource.file(f)));
                }
            } else if (Files.exists(p)) {
                out.add(CaptureSource.file(p));
            } else if (arg.contains("*") || arg.contains("?") || arg.contains("[")) {
                List<Path> matched = glob(arg);
                if (matched.isEmpty()) {
                    missing.add(arg + ": no file matches");
                }
                matched.forEach(f -> out.add(CaptureSource.file(f)));
            } else {
                missing.add(arg + ": no such file or directory");
            }
        }
        return out;
    }

    private static List<Path> glob(String pattern) throws IOException {
        Path absolute = Path.of(pattern).toAbsolutePath();
        Path base = absolute.getRoot();
        for (Path part : absolute) {
            String s = part.toString();
            if (s.contains("*") || s.contains("?") || s.contains("[")) {
                break;
            }
            base = base.resolve(part);
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(base)) {
            return walk.filter(Files::isRegularFile).filter(matcher::matches).sorted().toList();
        }
    }

    /** pcap (both byte orders and resolutions), pcapng, or gzip, by magic. */
    static boolean looksLikeCapture(Path file) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4) {
                return false;
            }
        } catch (IOException e) {
            return true; // let the reader report why it cannot be read
        }
        return CaptureReaders.hasCaptureMagic(head);
    }
}
