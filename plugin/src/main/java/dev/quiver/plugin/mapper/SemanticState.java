package dev.quiver.plugin.mapper;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * What {@code _quiver_semantic.P.state} holds for one document: the hash of what was embedded and
 * the chunk vectors with their character offsets in the text, so an update whose text did not
 * change reuses the vectors, and a search can say which chunk matched.
 *
 * <p>Format (little endian), version {@value #VERSION}:
 *
 * <pre>
 * byte    version
 * byte[32] sha-256 of (model, chunking, text), see {@link #hash}
 * int     chunks (n), int dims (d)
 * n x (int start, int end)   char offsets of each chunk in the text; -1, -1 when unknown
 * n x d float32              the chunk vectors, in chunk order
 * </pre>
 *
 * @param hash the hash of what was embedded
 * @param starts the first char of each chunk (-1 when unknown)
 * @param ends the char after each chunk (-1 when unknown)
 * @param vectors one vector per chunk
 */
public record SemanticState(byte[] hash, int[] starts, int[] ends, float[][] vectors) {

  public static final byte VERSION = 1;
  private static final int HASH_BYTES = 32;

  /** The sha-256 of the model, the chunking and the text. */
  public static byte[] hash(String model, SemanticChunking chunking, String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(model.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(chunking.toString().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(text.getBytes(StandardCharsets.UTF_8));
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether this state was made from exactly {@code hash}. */
  public boolean matches(byte[] other) {
    return Arrays.equals(hash, other);
  }

  /** The encoded state. */
  public byte[] encode() {
    int n = vectors.length;
    int d = n == 0 ? 0 : vectors[0].length;
    ByteBuffer b =
        ByteBuffer.allocate(1 + HASH_BYTES + 8 + n * 8 + n * d * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(VERSION).put(hash).putInt(n).putInt(d);
    for (int i = 0; i < n; i++) {
      b.putInt(starts[i]).putInt(ends[i]);
    }
    for (float[] v : vectors) {
      for (float x : v) {
        b.putFloat(x);
      }
    }
    return b.array();
  }

  /** Decodes a state, or fails naming what is wrong. */
  public static SemanticState decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 1 + HASH_BYTES + 8 || b.get() != VERSION) {
      throw new IllegalArgumentException("not a semantic state of version [" + VERSION + "]");
    }
    byte[] hash = new byte[HASH_BYTES];
    b.get(hash);
    int n = b.getInt();
    int d = b.getInt();
    if (n < 0 || d < 0 || b.remaining() != (long) n * 8 + (long) n * d * 4) {
      throw new IllegalArgumentException("semantic state of [" + n + "] chunks has a bad length");
    }
    int[] starts = new int[n];
    int[] ends = new int[n];
    for (int i = 0; i < n; i++) {
      starts[i] = b.getInt();
      ends[i] = b.getInt();
    }
    float[][] vectors = new float[n][d];
    for (float[] v : vectors) {
      for (int j = 0; j < d; j++) {
        v[j] = b.getFloat();
      }
    }
    return new SemanticState(hash, starts, ends, vectors);
  }
}
