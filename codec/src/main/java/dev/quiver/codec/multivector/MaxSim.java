package dev.quiver.codec.multivector;

import java.util.Arrays;
import org.apache.lucene.util.BitUtil;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;

/**
 * Exact late-interaction (Chamfer) score of one query against documents stored by {@link
 * MultiVectorCodec}: the sum over query vectors of the largest dot product with any document
 * vector. Reads the stored bytes directly (e.g. {@link
 * org.apache.lucene.index.BinaryDocValues#binaryValue()}), with scratch memory reused across calls:
 * no allocation per document once the scratch has grown to the largest document.
 *
 * <p>Kernels: when {@code jdk.incubator.vector} is available (OpenSearch starts with it), every
 * encoding is decoded to the floats its layout defines and scored against the float query by {@link
 * PanamaFloatKernel} (exact for the decoded vectors up to float rounding). Without it: float32 and
 * float16 decoded and scored with {@link VectorUtil#dotProduct(float[], float[])} per pair; int8
 * documents against the query quantized the same way (per-vector scale {@code max|x| / 127}) with
 * {@link VectorUtil#dotProduct(byte[], byte[])}; 1bit documents against the query quantized to
 * 8-bit levels, as bit planes ANDed and popcounted against the document's bits. The query is
 * quantized once per instance, on first use; those two kernels add the query's rounding (at most
 * half a step per dimension) to the documents' own.
 *
 * <p>Not thread-safe: one instance per thread (e.g. per query and segment).
 */
public final class MaxSim {

  private final int dims;
  private final float[][] query;
  private final float[] best;
  private final boolean panama;
  private float[] blocks = new float[0];
  private float[] blockScratch;

  /** {@code jdk.incubator.vector} is readable (e.g. {@code --add-modules jdk.incubator.vector}). */
  static final boolean PANAMA = panamaAvailable();

  private static boolean panamaAvailable() {
    try {
      return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          && PanamaFloatKernel.LANES >= 4;
    } catch (LinkageError e) {
      return false;
    }
  }

  private float[][] docVectors = new float[0][];
  private QueryInt8 int8;
  private QueryBits bit1;

  /**
   * @param queryVectors {@code queryCount} vectors, row-major (copied)
   * @throws IllegalArgumentException if {@code queryCount < 1}, {@code dims < 1} or the array is
   *     too short
   */
  public MaxSim(float[] queryVectors, int queryCount, int dims) {
    this(queryVectors, queryCount, dims, PANAMA);
  }

  /**
   * As the constructor, but with the kernels used when the Panama vector API is not available: for
   * comparisons.
   */
  public static MaxSim withoutPanamaKernel(float[] queryVectors, int queryCount, int dims) {
    return new MaxSim(queryVectors, queryCount, dims, false);
  }

  /** Whether documents are scored by the Panama kernel. */
  public boolean panamaKernel() {
    return panama;
  }

  MaxSim(float[] queryVectors, int queryCount, int dims, boolean panama) {
    if (queryCount < 1 || dims < 1) {
      throw new IllegalArgumentException(
          "need at least one query vector of at least one dim, got " + queryCount + " x " + dims);
    }
    if ((long) queryCount * dims > queryVectors.length) {
      throw new IllegalArgumentException(
          queryCount
              + " query vectors of "
              + dims
              + " dims need "
              + (long) queryCount * dims
              + " floats, got "
              + queryVectors.length);
    }
    this.dims = dims;
    this.query = new float[queryCount][];
    for (int q = 0; q < queryCount; q++) {
      query[q] = Arrays.copyOfRange(queryVectors, q * dims, (q + 1) * dims);
    }
    this.best = new float[queryCount];
    this.panama = panama;
  }

  public int queryCount() {
    return query.length;
  }

  public int dims() {
    return dims;
  }

  /**
   * The MaxSim score of a stored document.
   *
   * @throws IllegalArgumentException if the value is not a layout {@link MultiVectorCodec} reads or
   *     its vectors do not have this query's dims
   */
  public float score(BytesRef encodedDoc) {
    MultiVectorEncoding encoding = MultiVectorCodec.encoding(encodedDoc);
    int docDims = MultiVectorCodec.dims(encodedDoc);
    if (docDims != dims) {
      throw new IllegalArgumentException(
          "document vectors have " + docDims + " dims, the query's " + dims);
    }
    int count = MultiVectorCodec.count(encodedDoc);
    Arrays.fill(best, Float.NEGATIVE_INFINITY);
    if (panama) {
      scoreFloatsPanama(encoding, encodedDoc, count);
    } else {
      switch (encoding) {
        case FLOAT32, FLOAT16 -> scoreFloats(encoding, encodedDoc, count);
        case INT8 -> scoreInt8(encodedDoc, count);
        case BIT1 -> scoreBits(encodedDoc, count);
      }
    }
    double sum = 0;
    for (float b : best) {
      sum += b;
    }
    return (float) sum;
  }

  private void scoreFloats(MultiVectorEncoding encoding, BytesRef doc, int count) {
    ensure(count);
    for (int v = 0; v < count; v++) {
      MultiVectorCodec.decodeVector(encoding, doc, count, dims, v, docVectors[v], 0);
    }
    for (int v = 0; v < count; v++) {
      float[] d = docVectors[v];
      for (int q = 0; q < query.length; q++) {
        float dot = VectorUtil.dotProduct(query[q], d);
        if (dot > best[q]) {
          best[q] = dot;
        }
      }
    }
  }

  private void scoreFloatsPanama(MultiVectorEncoding encoding, BytesRef doc, int count) {
    int lanes = PanamaFloatKernel.LANES;
    int needed = (count + lanes - 1) / lanes * lanes * dims;
    if (blocks.length < needed) {
      blocks = new float[Math.max(needed, 2 * blocks.length)];
      blockScratch = new float[query.length * lanes];
    }
    ensure(1);
    float[] row = docVectors[0];
    for (int v = 0; v < count; v++) {
      MultiVectorCodec.decodeVector(encoding, doc, count, dims, v, row, 0);
      int at = (v / lanes) * dims * lanes + v % lanes;
      for (int i = 0; i < dims; i++, at += lanes) {
        blocks[at] = row[i];
      }
    }
    PanamaFloatKernel.maxDots(query, dims, blocks, count, best, blockScratch);
  }

  /** Symmetric int8: the query is quantized once like the documents (per-vector scale). */
  private void scoreInt8(BytesRef doc, int count) {
    QueryInt8 q8 = queryInt8();
    byte[] b = doc.bytes;
    int scales = doc.offset + MultiVectorCodec.HEADER_BYTES;
    int codes = scales + 4 * count;
    byte[] scratch = q8.doc;
    for (int v = 0; v < count; v++) {
      float scale = (float) BitUtil.VH_LE_FLOAT.get(b, scales + 4 * v);
      System.arraycopy(b, codes + v * dims, scratch, 0, dims);
      for (int q = 0; q < query.length; q++) {
        float dot = q8.scales[q] * scale * VectorUtil.dotProduct(q8.codes[q], scratch);
        if (dot > best[q]) {
          best[q] = dot;
        }
      }
    }
  }

  /**
   * 1bit: {@code <q, s * sign> = s * (2 * sum(q_i : bit i set) - sum(q))}; the masked sum comes
   * from the query quantized to 8-bit levels ({@link QueryBits}): {@code sum_p popcount(plane_p &
   * bits) << p}. Query-major, so one query vector's planes stay in registers or L1 while the
   * document's bits (copied once into 64-bit words) stream by.
   */
  private void scoreBits(BytesRef doc, int count) {
    QueryBits qb = queryBits();
    byte[] b = doc.bytes;
    int scales = doc.offset + MultiVectorCodec.HEADER_BYTES;
    int bits = scales + 4 * count;
    int bytesPerVector = (dims + 7) / 8;
    int words = qb.words;
    qb.ensure(count);
    long[] docWords = qb.docWords;
    int[] setBits = qb.setBits;
    float[] docScales = qb.docScales;
    for (int v = 0; v < count; v++) {
      docScales[v] = (float) BitUtil.VH_LE_FLOAT.get(b, scales + 4 * v);
      int start = bits + v * bytesPerVector;
      int set = 0;
      for (int w = 0; w < words; w++) {
        long word = 0;
        for (int k = 0, from = start + 8 * w; k < 8 && 8 * w + k < bytesPerVector; k++) {
          word |= (b[from + k] & 0xFFL) << (8 * k);
        }
        docWords[v * words + w] = word;
        set += Long.bitCount(word);
      }
      setBits[v] = set;
    }
    for (int q = 0; q < query.length; q++) {
      long[] plane = qb.planes[q];
      float min = qb.min[q];
      float step = qb.step[q];
      float sum = qb.sum[q];
      float max = Float.NEGATIVE_INFINITY;
      for (int v = 0; v < count; v++) {
        int base = v * words;
        long levels = 0;
        for (int w = 0; w < words; w++) {
          long d = docWords[base + w];
          int pw = 8 * w;
          levels +=
              Long.bitCount(plane[pw] & d)
                  + ((long) Long.bitCount(plane[pw + 1] & d) << 1)
                  + ((long) Long.bitCount(plane[pw + 2] & d) << 2)
                  + ((long) Long.bitCount(plane[pw + 3] & d) << 3)
                  + ((long) Long.bitCount(plane[pw + 4] & d) << 4)
                  + ((long) Long.bitCount(plane[pw + 5] & d) << 5)
                  + ((long) Long.bitCount(plane[pw + 6] & d) << 6)
                  + ((long) Long.bitCount(plane[pw + 7] & d) << 7);
        }
        float dot = docScales[v] * (2 * (min * setBits[v] + step * levels) - sum);
        if (dot > max) {
          max = dot;
        }
      }
      best[q] = max;
    }
  }

  private QueryInt8 queryInt8() {
    if (int8 == null) {
      int8 = new QueryInt8(query, dims);
    }
    return int8;
  }

  private QueryBits queryBits() {
    if (bit1 == null) {
      bit1 = new QueryBits(query, dims);
    }
    return bit1;
  }

  /** The query quantized like an int8 document: codes and scale per vector. */
  private static final class QueryInt8 {
    final byte[][] codes;
    final float[] scales;
    final byte[] doc;

    QueryInt8(float[][] query, int dims) {
      codes = new byte[query.length][dims];
      scales = new float[query.length];
      doc = new byte[dims];
      for (int q = 0; q < query.length; q++) {
        float max = 0;
        for (float x : query[q]) {
          max = Math.max(max, Math.abs(x));
        }
        scales[q] = max / 127f;
        for (int i = 0; i < dims; i++) {
          int c = max == 0 ? 0 : Math.round(query[q][i] / scales[q]);
          codes[q][i] = (byte) Math.max(-127, Math.min(127, c));
        }
      }
    }
  }

  /**
   * The query as 8-bit levels {@code x ~ min + step * level}, as bit planes in the document's bit
   * order (word w of plane p of vector q at {@code planes[q][8 w + p]}), plus each vector's exact
   * sum; and the scratch of the document's words, set-bit counts and scales.
   */
  private static final class QueryBits {
    final int words;
    final long[][] planes;
    final float[] min;
    final float[] step;
    final float[] sum;
    long[] docWords = new long[0];
    int[] setBits = new int[0];
    float[] docScales = new float[0];

    QueryBits(float[][] query, int dims) {
      words = (dims + 63) / 64;
      planes = new long[query.length][8 * words];
      min = new float[query.length];
      step = new float[query.length];
      sum = new float[query.length];
      for (int q = 0; q < query.length; q++) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        double total = 0;
        for (float x : query[q]) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
          total += x;
        }
        min[q] = lo;
        step[q] = (hi - lo) / 255f;
        sum[q] = (float) total;
        for (int i = 0; i < dims; i++) {
          int level = step[q] == 0 ? 0 : Math.round((query[q][i] - lo) / step[q]);
          level = Math.max(0, Math.min(255, level));
          for (int p = 0; p < 8; p++) {
            if (((level >>> p) & 1) != 0) {
              planes[q][8 * (i >> 6) + p] |= 1L << (i & 63);
            }
          }
        }
      }
    }

    void ensure(int count) {
      if (setBits.length < count) {
        int n = Math.max(count, 2 * setBits.length);
        docWords = new long[n * words];
        setBits = new int[n];
        docScales = new float[n];
      }
    }
  }

  private void ensure(int count) {
    if (docVectors.length < count) {
      float[][] grown = Arrays.copyOf(docVectors, Math.max(count, docVectors.length * 2));
      for (int v = docVectors.length; v < grown.length; v++) {
        grown[v] = new float[dims];
      }
      docVectors = grown;
    }
  }
}
