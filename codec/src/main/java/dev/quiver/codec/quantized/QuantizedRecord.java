package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.DocCorrections;
import java.io.IOException;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.util.BitUtil;

/**
 * One vector's record in {@code .qqd}: the packed code, then its corrective terms (see {@link
 * DocCorrections}), little endian, in the layout of the segment's format version:
 *
 * <ul>
 *   <li>version 0, 20 bytes: [float32] rescale, [float32] additive, [float32] error scale, [int32]
 *       level sum, [float32] centred norm.
 *   <li>version 1 ({@link Quiver10QuantizedFlatVectorsFormat#VERSION_COMPACT_CORRECTIONS}), 15
 *       bytes: [float32] rescale, [float32] additive, [bfloat16] error scale, [bfloat16] centred
 *       norm, [uint24] level sum. The two terms of the error bound keep the top 16 bits of their
 *       float32 (7 explicit mantissa bits), rounded up, so a stored bound is never narrower than
 *       the exact one and at most 0.8% wider; the level sum is at most {@code codeDims * 255 <
 *       2^24}.
 *   <li>version 2 ({@link Quiver10QuantizedFlatVectorsFormat#VERSION_CLUSTERS}): in a field of more
 *       than one cluster, 16 bytes: the 15 of version 1, then [byte] cluster id (unsigned);
 *       otherwise the 15 bytes of version 1.
 * </ul>
 *
 * <p>Reading fills this holder in place with two bulk reads (the code, then the corrections into a
 * scratch array decoded with {@link BitUtil}'s little-endian views), so a scorer reads candidates
 * without allocating and with two bounds checks instead of one per term.
 */
final class QuantizedRecord {

  /** Bytes of the corrective terms after each code in version 0. */
  static final int CORRECTION_BYTES_V0 = 20;

  /** Bytes of the corrective terms after each code from version 1 on. */
  static final int CORRECTION_BYTES_COMPACT = 15;

  /** Largest level sum the compact layout holds. */
  static final int MAX_COMPACT_LEVEL_SUM = (1 << 24) - 1;

  /** Bytes of the corrective terms after each code from version 2 on (a cluster id more). */
  static final int CORRECTION_BYTES_CLUSTERS = 16;

  final byte[] code;
  private final byte[] terms;
  private final boolean compact;
  private final boolean clustered;
  float rescale;
  float additive;
  float errorScale;
  int levelSum;
  float centredNorm;
  int cluster;

  /** A holder for records of {@code codeBytes}-byte codes in the layout of {@code version}. */
  QuantizedRecord(int codeBytes, int version) {
    this(codeBytes, version, 1);
  }

  /**
   * A holder for records of {@code codeBytes}-byte codes of a field of {@code clusters} clusters in
   * the layout of {@code version}.
   */
  QuantizedRecord(int codeBytes, int version, int clusters) {
    this.code = new byte[codeBytes];
    this.compact = isCompact(version);
    this.clustered = hasClusterId(version, clusters);
    this.terms = new byte[correctionBytes(version, clusters)];
  }

  /** Bytes of the corrective terms after each code in segments of {@code version}. */
  static int correctionBytes(int version) {
    return correctionBytes(version, 1);
  }

  /** Bytes of the corrective terms after each code of a field of {@code clusters} clusters. */
  static int correctionBytes(int version, int clusters) {
    if (hasClusterId(version, clusters)) {
      return CORRECTION_BYTES_CLUSTERS;
    }
    return isCompact(version) ? CORRECTION_BYTES_COMPACT : CORRECTION_BYTES_V0;
  }

  /** Whether records carry a cluster id: from version 2 on, in fields of several clusters. */
  static boolean hasClusterId(int version, int clusters) {
    return version >= Quiver10QuantizedFlatVectorsFormat.VERSION_CLUSTERS && clusters > 1;
  }

  private static boolean isCompact(int version) {
    return version >= Quiver10QuantizedFlatVectorsFormat.VERSION_COMPACT_CORRECTIONS;
  }

  /**
   * Writes a record in the layout of {@link Quiver10QuantizedFlatVectorsFormat#VERSION_CURRENT}.
   */
  static void write(DataOutput out, byte[] code, DocCorrections c) throws IOException {
    write(out, code, c, false);
  }

  /**
   * Writes a record in the layout of {@link Quiver10QuantizedFlatVectorsFormat#VERSION_CURRENT},
   * with the cluster id if {@code clusterId} (a field of several clusters).
   */
  static void write(DataOutput out, byte[] code, DocCorrections c, boolean clusterId)
      throws IOException {
    if (c.levelSum() < 0 || c.levelSum() > MAX_COMPACT_LEVEL_SUM) {
      throw new IllegalArgumentException("level sum " + c.levelSum() + " does not fit 24 bits");
    }
    if (c.cluster() < 0 || c.cluster() > 255) {
      throw new IllegalArgumentException("cluster " + c.cluster() + " does not fit a byte");
    }
    out.writeBytes(code, code.length);
    out.writeInt(Float.floatToIntBits(c.rescale()));
    out.writeInt(Float.floatToIntBits(c.additive()));
    out.writeShort(bfloat16Up(c.errorScale()));
    out.writeShort(bfloat16Up(c.centredNorm()));
    out.writeShort((short) c.levelSum());
    out.writeByte((byte) (c.levelSum() >>> 16));
    if (clusterId) {
      out.writeByte((byte) c.cluster());
    } else if (c.cluster() != 0) {
      throw new IllegalArgumentException("cluster " + c.cluster() + " in a field of one cluster");
    }
  }

  /**
   * The top 16 bits of a non-negative float32, rounded towards positive infinity (for a negative
   * value, which the bound terms never are, towards zero); NaN and infinities are kept.
   */
  static short bfloat16Up(float value) {
    int bits = Float.floatToIntBits(value);
    if (Float.isFinite(value) && value > 0 && (bits & 0xFFFF) != 0) {
      bits += 0x10000;
    }
    return (short) (bits >>> 16);
  }

  /** The float32 a bfloat16 stands for. */
  static float fromBfloat16(short value) {
    return Float.intBitsToFloat((value & 0xFFFF) << 16);
  }

  /** Reads the record at the current position of {@code in}. */
  void read(IndexInput in) throws IOException {
    in.readBytes(code, 0, code.length);
    in.readBytes(terms, 0, terms.length);
    rescale = (float) BitUtil.VH_LE_FLOAT.get(terms, 0);
    additive = (float) BitUtil.VH_LE_FLOAT.get(terms, 4);
    if (compact) {
      errorScale = fromBfloat16((short) BitUtil.VH_LE_SHORT.get(terms, 8));
      centredNorm = fromBfloat16((short) BitUtil.VH_LE_SHORT.get(terms, 10));
      levelSum = ((short) BitUtil.VH_LE_SHORT.get(terms, 12) & 0xFFFF) | (terms[14] & 0xFF) << 16;
      cluster = clustered ? terms[15] & 0xFF : 0;
    } else {
      errorScale = (float) BitUtil.VH_LE_FLOAT.get(terms, 8);
      levelSum = (int) BitUtil.VH_LE_INT.get(terms, 12);
      centredNorm = (float) BitUtil.VH_LE_FLOAT.get(terms, 16);
    }
  }
}
