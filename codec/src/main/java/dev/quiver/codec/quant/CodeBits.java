package dev.quiver.codec.quant;

/**
 * Bits per dimension of a document code, the query precision scored against it, and the packed
 * layout of both. Each constant carries an explicit wire number for when it reaches disk.
 *
 * <p>Layouts, over {@code n = }{@link #codeDims(int)} coordinates (coordinates beyond the rotated
 * dimension hold level 0 in both document and query, and so contribute nothing):
 *
 * <ul>
 *   <li>{@link #ONE}: the document is one bit plane of {@code n/8} bytes; coordinate {@code i} is
 *       bit {@code 7 - i%8} of byte {@code i/8}. The 4-bit query is four such planes, plane {@code
 *       j} (bit {@code j} of every level) at byte offset {@code j*n/8}. Scored with {@code
 *       VectorUtil.int4BitDotProduct} (AND + popcount, RaBitQ's bit-sliced query).
 *   <li>{@link #TWO}: the document is two planes (low bit, then high bit), the query as for {@link
 *       #ONE}. Scored with {@code VectorUtil.int4DibitDotProduct}.
 *   <li>{@link #FOUR}: the document is {@code n/2} bytes, byte {@code i} = {@code level[i] << 4 |
 *       level[i + n/2]}. The 8-bit query is two unpacked nibble vectors of {@code n} bytes (high
 *       nibbles, then low nibbles), scored as {@code 16 * dot(high, doc) + dot(low, doc)} with
 *       {@code VectorUtil.int4DotProductSinglePacked}.
 *   <li>{@link #EIGHT}: document and query are {@code n} unsigned bytes, scored with {@code
 *       VectorUtil.uint8DotProduct}.
 * </ul>
 */
public enum CodeBits {
  ONE(0, 1, 4, 64),
  TWO(1, 2, 4, 64),
  FOUR(2, 4, 4, 2),
  EIGHT(3, 8, 8, 1);

  private final int wireNumber;
  private final int bits;
  private final int queryBits;
  private final int dimsMultiple;

  CodeBits(int wireNumber, int bits, int queryBits, int dimsMultiple) {
    this.wireNumber = wireNumber;
    this.bits = bits;
    this.queryBits = queryBits;
    this.dimsMultiple = dimsMultiple;
  }

  /** The constant for a number of document bits per dimension (1, 2, 4 or 8). */
  public static CodeBits of(int bits) {
    for (CodeBits b : values()) {
      if (b.bits == bits) {
        return b;
      }
    }
    throw new IllegalArgumentException("bits must be 1, 2, 4 or 8; bits=" + bits);
  }

  /** The constant with this wire number. */
  public static CodeBits fromWireNumber(int wireNumber) {
    for (CodeBits b : values()) {
      if (b.wireNumber == wireNumber) {
        return b;
      }
    }
    throw new IllegalArgumentException("unknown code bits wire number " + wireNumber);
  }

  public int wireNumber() {
    return wireNumber;
  }

  /** Document bits per dimension. */
  public int bits() {
    return bits;
  }

  /**
   * Query bits per dimension unless chosen otherwise: 4 for 1-, 2- and 4-bit documents (one kernel
   * pass; an 8-bit query against 4-bit codes costs two), 8 for 8-bit. Recorded per field, so a
   * segment keeps the query bits it was written with.
   */
  public int defaultQueryBits() {
    return queryBits;
  }

  /** Whether queries may be kept at {@code queryBits} against these documents (4 or 8; 8 only). */
  public boolean supportsQueryBits(int queryBits) {
    return queryBits == 8 || (queryBits == 4 && this != EIGHT);
  }

  /** Number of document levels, {@code 2^bits}. */
  public int levels() {
    return 1 << bits;
  }

  /** Coordinates in a code for {@code rotatedDims} rotated coordinates (rounded up). */
  public int codeDims(int rotatedDims) {
    return Math.multiplyExact((rotatedDims + dimsMultiple - 1) / dimsMultiple, dimsMultiple);
  }

  /** Bytes of a packed document code. */
  public int docBytes(int codeDims) {
    return codeDims * bits / 8;
  }

  /** Bytes of one packed 4-bit query vector (for {@link #EIGHT}: of the 8-bit query). */
  public int queryNibbleBytes(int codeDims) {
    return switch (this) {
      case ONE, TWO -> codeDims / 2;
      case FOUR, EIGHT -> codeDims;
    };
  }
}
