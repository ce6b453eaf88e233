package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.CodeBits;
import dev.quiver.codec.quant.QuantizedQuery;
import dev.quiver.codec.quant.QuantizedScorer;
import java.io.IOException;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.RandomAccessInput;
import org.apache.lucene.util.BitUtil;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * A 4-bit query against 1-bit codes of the compact record layouts (version 1 on): each candidate's
 * record comes from the mapped {@code .qqd} in one positional read of a {@link RandomAccessInput}
 * (one bounds and liveness check per candidate, no seek; reading each word and term from the
 * mapping separately cost a check each, 38% of the search's samples), and the integer dot product
 * {@code sum_j 2^j popcount(plane_j & code)} runs over 64-bit words with the query's four bit
 * planes held as {@code long}s, prepared once per query. The estimate is {@link
 * QuantizedScorer#estimateFromLevelDot}, so scores are the same floats as {@link
 * QuantizedScorer#estimate} over a copied record.
 *
 * <p>Not thread-safe (one query, one reader's input, a scratch record). Allocates only at
 * construction.
 */
final class OneBitRecordScorer extends RandomVectorScorer.AbstractRandomVectorScorer {

  private final RandomAccessInput codes;
  private final QuantizedQuery query;
  private final QuantizedScorer scorer;
  private final VectorSimilarityFunction similarity;
  private final int words;
  private final int docBytes;
  private final boolean clustered;

  /** Records copied ahead by {@link #bulkScore}: more than a level-0 neighbour list (2 * m). */
  private static final int BATCH = 64;

  private final long[] planes;
  private final int recordSize;
  private final byte[] batch;

  /** Whether {@link #OneBitRecordScorer} can score {@code values} for {@code query}. */
  static boolean applies(QuantizedFloatVectorValues values, QuantizedQuery query) {
    return values.space().bits() == CodeBits.ONE
        && query.packedLow() == null
        && values.version() >= Quiver10QuantizedFlatVectorsFormat.VERSION_COMPACT_CORRECTIONS
        && values.space().docBytes() % Long.BYTES == 0;
  }

  OneBitRecordScorer(
      QuantizedFloatVectorValues values, QuantizedQuery query, VectorSimilarityFunction similarity)
      throws IOException {
    super(values);
    this.codes = values.randomAccessCodes();
    this.query = query;
    this.scorer = new QuantizedScorer(values.space());
    this.similarity = similarity;
    this.docBytes = values.space().docBytes();
    this.words = docBytes / Long.BYTES;
    this.clustered = QuantizedRecord.hasClusterId(values.version(), values.space().clusterCount());
    this.recordSize = QuantizedFieldEntry.recordBytes(values.space(), values.version());
    this.batch = new byte[BATCH * recordSize];
    byte[] packed = query.packed();
    this.planes = new long[4 * words];
    for (int j = 0; j < 4; j++) {
      for (int w = 0; w < words; w++) {
        planes[j * words + w] =
            (long) BitUtil.VH_LE_LONG.get(packed, j * docBytes + w * Long.BYTES);
      }
    }
  }

  @Override
  public float score(int ord) throws IOException {
    // One bounds-checked copy of the record, then plain array reads.
    codes.readBytes((long) ord * recordSize, batch, 0, recordSize);
    return scoreRecord(batch, 0);
  }

  /**
   * Copies the records of up to {@value #BATCH} candidates first, then scores them: the copies of
   * different candidates are independent, so their cache misses overlap instead of each waiting
   * behind the previous candidate's kernel.
   */
  @Override
  public float bulkScore(int[] nodes, float[] scores, int numNodes) throws IOException {
    float max = Float.NEGATIVE_INFINITY;
    for (int start = 0; start < numNodes; start += BATCH) {
      int end = Math.min(numNodes, start + BATCH);
      for (int i = start; i < end; i++) {
        codes.readBytes((long) nodes[i] * recordSize, batch, (i - start) * recordSize, recordSize);
      }
      for (int i = start; i < end; i++) {
        float s = scoreRecord(batch, (i - start) * recordSize);
        scores[i] = s;
        max = Math.max(max, s);
      }
    }
    return max;
  }

  private float scoreRecord(byte[] record, int offset) {
    long p0 = 0;
    long p1 = 0;
    long p2 = 0;
    long p3 = 0;
    for (int w = 0; w < words; w++) {
      long d = (long) BitUtil.VH_LE_LONG.get(record, offset + w * Long.BYTES);
      p0 += Long.bitCount(planes[w] & d);
      p1 += Long.bitCount(planes[words + w] & d);
      p2 += Long.bitCount(planes[2 * words + w] & d);
      p3 += Long.bitCount(planes[3 * words + w] & d);
    }
    long levelDot = p0 + (p1 << 1) + (p2 << 2) + (p3 << 3);
    int t = offset + docBytes;
    float rescale = (float) BitUtil.VH_LE_FLOAT.get(record, t);
    float additive = (float) BitUtil.VH_LE_FLOAT.get(record, t + 4);
    int levelSum =
        ((short) BitUtil.VH_LE_SHORT.get(record, t + 12) & 0xFFFF) | (record[t + 14] & 0xFF) << 16;
    int cluster = clustered ? record[t + 15] & 0xFF : 0;
    float raw = scorer.estimateFromLevelDot(query, levelDot, rescale, additive, levelSum, cluster);
    return QuantizedVectorsScorer.toScore(similarity, raw);
  }
}
