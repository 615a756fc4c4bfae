/**
 * Reading packet captures: classic pcap (microsecond and nanosecond, either byte order), pcapng
 * (any number of sections and interfaces) and Sun snoop, plain or gzip-compressed, from a file or
 * a stream; and writing classic pcap.
 *
 * <p>{@link dev.twhazard.capture.CaptureReaders} detects the format by magic and returns a
 * {@link dev.twhazard.capture.CaptureReader}. Each reader streams the input through one reused
 * buffer that it refills in large chunks, and hands out each record in place: nothing is
 * allocated per record, and memory does not grow with the size of the input.
 *
 * <p>Errors come in three kinds. An input that is no capture we read fails at once with a
 * {@link dev.twhazard.capture.CaptureFormatException}. A damaged record is reported as a
 * {@link dev.twhazard.capture.CaptureWarning}, keeps its frame number, and is skipped while the
 * framing can be trusted; when it cannot, the reader reports why and stops, keeping everything
 * read before. An {@code IOException} of the underlying stream propagates unchanged.
 */
package dev.twhazard.capture;
