package dev.quiver.codec.multivector;

import org.apache.lucene.util.BitUtil;
import org.apache.lucene.util.BytesRef;

/**
 * The byte layout of one document's vectors, as stored in a binary doc value and scored in place by
 * {@link MaxSim}.
 *
 * <h2>Layout version 1</h2>
 *
 * All numbers little-endian.
 *
 * <pre>
 * offset  size  content
 * 0       1     layout version, {@value #VERSION_1}
 * 1       1     encoding, {@link MultiVectorEncoding#code()}: 0 float32, 1 float16, 2 int8, 3 1bit
 * 2       2     dims, unsigned, 1..65535
 * 4       4     count, int32, &ge; 1
 * 8       ...   payload, {@code count * encoding.bytesPerVector(dims)} bytes:
 *   float32: count*dims float32, vector after vector
 *   float16: count*dims IEEE binary16 ({@link Float#floatToFloat16}, round to nearest even)
 *   int8:    count float32 scales s_v, then count*dims int8 codes c (-127..127);
 *            x = s_v * c, s_v = max|x| / 127, c = round(x / s_v)
 *   1bit:    count float32 scales s_v, then count*ceil(dims/8) bytes of sign bits, dimension i
 *            in byte i/8 at bit i%8 (least significant first), 1 iff x &gt; 0;
 *            x = s_v if the bit is 1 else -s_v, s_v = mean|x| (the L2-optimal scale)
 * </pre>
 *
 * The value's length is exactly header + payload; readers reject any other version, encoding code
 * or length with an {@link IllegalArgumentException}.
 */
public final class MultiVectorCodec {

  /** The first (and current) layout version. */
  public static final int VERSION_1 = 1;

  public static final int VERSION_CURRENT = VERSION_1;

  /** Bytes before the payload. */
  public static final int HEADER_BYTES = 8;

  public static final int MAX_DIMS = 65_535;

  /** For each byte value and bit k (least significant first): +1 if set, else -1. */
  private static final float[] SIGNS = new float[256 * 8];

  static {
    for (int value = 0; value < 256; value++) {
      for (int k = 0; k < 8; k++) {
        SIGNS[value * 8 + k] = ((value >>> k) & 1) != 0 ? 1f : -1f;
      }
    }
  }

  private MultiVectorCodec() {}

  /** Bytes of one document's value: header + payload. */
  public static int encodedLength(MultiVectorEncoding encoding, int count, int dims) {
    return Math.toIntExact(HEADER_BYTES + (long) count * encoding.bytesPerVector(dims));
  }

  /**
   * Encodes {@code count} vectors of {@code dims} dimensions (row-major in {@code vectors}).
   *
   * @throws IllegalArgumentException if {@code count < 1}, {@code dims} out of 1..{@value
   *     #MAX_DIMS}, the array too short or a value not finite
   */
  public static BytesRef encode(
      MultiVectorEncoding encoding, float[] vectors, int count, int dims) {
    if (count < 1) {
      throw new IllegalArgumentException("need at least one vector, got " + count);
    }
    if (dims < 1 || dims > MAX_DIMS) {
      throw new IllegalArgumentException("dims must be in 1.." + MAX_DIMS + ", got " + dims);
    }
    if ((long) count * dims > vectors.length) {
      throw new IllegalArgumentException(
          count
              + " vectors of "
              + dims
              + " dims need "
              + (long) count * dims
              + " floats, got "
              + vectors.length);
    }
    for (int i = 0, n = count * dims; i < n; i++) {
      if (Float.isFinite(vectors[i]) == false) {
        throw new IllegalArgumentException(
            "vector " + (i / dims) + " has a non-finite value at dim " + (i % dims));
      }
    }
    byte[] out = new byte[encodedLength(encoding, count, dims)];
    out[0] = (byte) VERSION_CURRENT;
    out[1] = (byte) encoding.code();
    BitUtil.VH_LE_SHORT.set(out, 2, (short) dims);
    BitUtil.VH_LE_INT.set(out, 4, count);
    int p = HEADER_BYTES;
    switch (encoding) {
      case FLOAT32 -> {
        for (int i = 0, n = count * dims; i < n; i++, p += 4) {
          BitUtil.VH_LE_FLOAT.set(out, p, vectors[i]);
        }
      }
      case FLOAT16 -> {
        for (int i = 0, n = count * dims; i < n; i++, p += 2) {
          BitUtil.VH_LE_SHORT.set(out, p, Float.floatToFloat16(vectors[i]));
        }
      }
      case INT8 -> {
        int codes = p + 4 * count;
        for (int v = 0; v < count; v++, p += 4) {
          int off = v * dims;
          float max = 0;
          for (int i = 0; i < dims; i++) {
            max = Math.max(max, Math.abs(vectors[off + i]));
          }
          float scale = max / 127f;
          BitUtil.VH_LE_FLOAT.set(out, p, scale);
          for (int i = 0; i < dims; i++) {
            int c = scale == 0 ? 0 : Math.round(vectors[off + i] / scale);
            out[codes++] = (byte) Math.max(-127, Math.min(127, c));
          }
        }
      }
      case BIT1 -> {
        int bytesPerVector = (dims + 7) / 8;
        int bits = p + 4 * count;
        for (int v = 0; v < count; v++, p += 4, bits += bytesPerVector) {
          int off = v * dims;
          double sum = 0;
          for (int i = 0; i < dims; i++) {
            float x = vectors[off + i];
            sum += Math.abs(x);
            if (x > 0) {
              out[bits + (i >> 3)] |= (byte) (1 << (i & 7));
            }
          }
          BitUtil.VH_LE_FLOAT.set(out, p, (float) (sum / dims));
        }
      }
    }
    return new BytesRef(out);
  }

  /**
   * The encoding of a value, after checking its version and length.
   *
   * @throws IllegalArgumentException if the value is not a layout this class reads
   */
  public static MultiVectorEncoding encoding(BytesRef value) {
    if (value.length < HEADER_BYTES) {
      throw new IllegalArgumentException(
          "multi-vector value of " + value.length + " bytes is shorter than its header");
    }
    int version = value.bytes[value.offset] & 0xFF;
    if (version != VERSION_1) {
      throw new IllegalArgumentException(
          "unknown multi-vector layout version ["
              + version
              + "]; this build reads ["
              + VERSION_1
              + "]");
    }
    int code = value.bytes[value.offset + 1] & 0xFF;
    MultiVectorEncoding encoding = MultiVectorEncoding.fromCode(code);
    if (encoding == null) {
      throw new IllegalArgumentException("unknown multi-vector encoding code [" + code + "]");
    }
    int dims = dims(value);
    int count = count(value);
    if (dims < 1 || count < 1 || value.length != encodedLength(encoding, count, dims)) {
      throw new IllegalArgumentException(
          "multi-vector value of "
              + value.length
              + " bytes does not hold "
              + count
              + " "
              + encoding.mappingName()
              + " vectors of "
              + dims
              + " dims");
    }
    return encoding;
  }

  /** Dims recorded in the header (not checked: call {@link #encoding} first). */
  public static int dims(BytesRef value) {
    return Short.toUnsignedInt((short) BitUtil.VH_LE_SHORT.get(value.bytes, value.offset + 2));
  }

  /** Vector count recorded in the header (not checked: call {@link #encoding} first). */
  public static int count(BytesRef value) {
    return (int) BitUtil.VH_LE_INT.get(value.bytes, value.offset + 4);
  }

  /** The vectors a value holds, decoded to floats (row-major, {@code count * dims}). */
  public static float[] decode(BytesRef value) {
    MultiVectorEncoding encoding = encoding(value);
    int dims = dims(value);
    int count = count(value);
    float[] out = new float[count * dims];
    for (int v = 0; v < count; v++) {
      decodeVector(encoding, value, count, dims, v, out, v * dims);
    }
    return out;
  }

  /** Decodes vector {@code v} of a checked value into {@code out[offset..offset+dims)}. */
  static void decodeVector(
      MultiVectorEncoding encoding,
      BytesRef value,
      int count,
      int dims,
      int v,
      float[] out,
      int offset) {
    byte[] b = value.bytes;
    int payload = value.offset + HEADER_BYTES;
    switch (encoding) {
      case FLOAT32 -> {
        int p = payload + 4 * v * dims;
        for (int i = 0; i < dims; i++, p += 4) {
          out[offset + i] = (float) BitUtil.VH_LE_FLOAT.get(b, p);
        }
      }
      case FLOAT16 -> {
        int p = payload + 2 * v * dims;
        for (int i = 0; i < dims; i++, p += 2) {
          out[offset + i] = Float.float16ToFloat((short) BitUtil.VH_LE_SHORT.get(b, p));
        }
      }
      case INT8 -> {
        float scale = (float) BitUtil.VH_LE_FLOAT.get(b, payload + 4 * v);
        int p = payload + 4 * count + v * dims;
        for (int i = 0; i < dims; i++) {
          out[offset + i] = scale * b[p + i];
        }
      }
      case BIT1 -> {
        float scale = (float) BitUtil.VH_LE_FLOAT.get(b, payload + 4 * v);
        int p = payload + 4 * count + v * ((dims + 7) / 8);
        int i = 0;
        for (; i + 8 <= dims; i += 8) {
          int signs = (b[p + (i >> 3)] & 0xFF) * 8;
          for (int k = 0; k < 8; k++) {
            out[offset + i + k] = scale * SIGNS[signs + k];
          }
        }
        for (; i < dims; i++) {
          out[offset + i] = (b[p + (i >> 3)] & (1 << (i & 7))) != 0 ? scale : -scale;
        }
      }
    }
  }
}
