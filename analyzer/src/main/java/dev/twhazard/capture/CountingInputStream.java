package dev.twhazard.capture;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read from the raw source, below any decompression, so that progress can be
 * shown against the size of the file on disk even when the capture is gzip-compressed.
 */
final class CountingInputStream extends FilterInputStream {

    private long count;

    CountingInputStream(InputStream in) {
        super(in);
    }

    /** Bytes read so far (skipped bytes included). */
    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        if (skipped > 0) {
            count += skipped;
        }
        return skipped;
    }

    /** Mark and reset would make the count wrong, and nothing here needs them. */
    @Override
    public boolean markSupported() {
        return false;
    }
}
