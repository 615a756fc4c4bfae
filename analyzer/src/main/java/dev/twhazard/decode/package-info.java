/**
 * Decoding of captured frames down to the innermost TCP segment.
 *
 * <p>Each header has a flyweight {@code …View}, re-pointed at a region of the reader's buffer with
 * {@code wrap(buf, offset, length)}. {@code wrap} checks the layer's lengths once and returns
 * {@link dev.twhazard.decode.DecodeStatus#DECODED} when the whole header lies inside the region
 * and is self-consistent, or the reason it does not ({@code TRUNCATED}, {@code MALFORMED}, ...).
 * Only after a {@code DECODED} wrap may the accessors be called; they read with absolute getters
 * at offsets already checked, so they cannot fail. Views hold no copy of the bytes and must not
 * be kept past the reader's callback.
 *
 * <p>{@link dev.twhazard.decode.PacketDecoder} chains the views; it allocates nothing per packet.
 */
package dev.twhazard.decode;
