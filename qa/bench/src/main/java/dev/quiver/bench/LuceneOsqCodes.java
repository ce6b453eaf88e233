package dev.quiver.bench;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.quantization.OptimizedScalarQuantizer;
import org.apache.lucene.util.quantization.OptimizedScalarQuantizer.QuantizationResult;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * Lucene 10.5's {@link OptimizedScalarQuantizer} as {@code Lucene104ScalarQuantizedVectorsFormat}
 * uses it: centroid = mean of the segment, documents at the encoding's bits, queries at its query
 * bits, the same packed layouts and {@link VectorUtil} kernels, and the same corrected score
 * (before Lucene maps it to [0, 1], which does not change the order).
 */
final class LuceneOsqCodes implements QuantizedCodes {

  private final ScalarEncoding encoding;
  private final VectorSimilarityFunction similarity;
  private final OptimizedScalarQuantizer quantizer;
  private final float[] centroid;
  private final float centroidDp;
  private final int dims;
  private final byte[][] codes;
  private final float[] lower;
  private final float[] upper;
  private final float[] additional;
  private final int[] componentSum;

  LuceneOsqCodes(
      ScalarEncoding encoding,
      VectorSimilarityFunction similarity,
      float[] centroid,
      float[][] base) {
    this.encoding = encoding;
    this.similarity = similarity;
    this.quantizer = new OptimizedScalarQuantizer(similarity);
    this.centroid = centroid;
    this.centroidDp = VectorUtil.dotProduct(centroid, centroid);
    this.dims = centroid.length;
    int n = base.length;
    codes = new byte[n][encoding.getDocPackedLength(dims)];
    lower = new float[n];
    upper = new float[n];
    additional = new float[n];
    componentSum = new int[n];
    byte[] scratch = new byte[encoding.getDiscreteDimensions(dims)];
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(scratch, (byte) 0);
      QuantizationResult r =
          quantizer.scalarQuantize(base[i].clone(), scratch, encoding.getBits(), centroid);
      lower[i] = r.lowerInterval();
      upper[i] = r.upperInterval();
      additional[i] = r.additionalCorrection();
      componentSum[i] = r.quantizedComponentSum();
      switch (encoding) {
        case UNSIGNED_BYTE, SEVEN_BIT -> System.arraycopy(scratch, 0, codes[i], 0, scratch.length);
        case PACKED_NIBBLE -> {
          int half = codes[i].length;
          for (int j = 0; j < half; j++) {
            codes[i][j] = (byte) ((scratch[j] << 4) | scratch[half + j]);
          }
        }
        case SINGLE_BIT_QUERY_NIBBLE -> OptimizedScalarQuantizer.packAsBinary(scratch, codes[i]);
        case DIBIT_QUERY_NIBBLE -> OptimizedScalarQuantizer.transposeDibit(scratch, codes[i]);
      }
    }
  }

  @Override
  public String name() {
    return "lucene-osq";
  }

  @Override
  public int bytesPerVector() {
    return encoding.getDocPackedLength(dims) + 16;
  }

  @Override
  public boolean hasBound() {
    return false;
  }

  @Override
  public Estimator prepare(float[] query) {
    byte[] scratch = new byte[encoding.getDiscreteDimensions(dims)];
    QuantizationResult qr =
        quantizer.scalarQuantize(query.clone(), scratch, encoding.getQueryBits(), centroid);
    byte[] packed = scratch;
    if (encoding.isAsymmetric()) {
      packed = new byte[encoding.getQueryPackedLength(scratch.length)];
      OptimizedScalarQuantizer.transposeHalfByte(scratch, packed);
    }
    float ay = qr.lowerInterval();
    float ly = (qr.upperInterval() - ay) / ((1 << encoding.getQueryBits()) - 1);
    float y1 = qr.quantizedComponentSum();
    float docScale = 1f / ((1 << encoding.getBits()) - 1);
    boolean euclidean = similarity == VectorSimilarityFunction.EUCLIDEAN;
    byte[] q = packed;
    return new Estimator() {
      @Override
      public float similarity(int doc) {
        byte[] d = codes[doc];
        float qc =
            switch (encoding) {
              case UNSIGNED_BYTE -> VectorUtil.uint8DotProduct(q, d);
              case SEVEN_BIT -> VectorUtil.dotProduct(q, d);
              case PACKED_NIBBLE -> VectorUtil.int4DotProductSinglePacked(q, d);
              case SINGLE_BIT_QUERY_NIBBLE -> VectorUtil.int4BitDotProduct(q, d);
              case DIBIT_QUERY_NIBBLE -> VectorUtil.int4DibitDotProduct(q, d);
            };
        float ax = lower[doc];
        float lx = (upper[doc] - ax) * docScale;
        float score = ax * ay * dims + ay * lx * componentSum[doc] + ax * ly * y1 + lx * ly * qc;
        if (euclidean) {
          return -(qr.additionalCorrection() + additional[doc] - 2 * score);
        }
        return score + qr.additionalCorrection() + additional[doc] - centroidDp;
      }

      @Override
      public float bound(int doc, float epsilon, boolean withQueryError) {
        return Float.NaN;
      }
    };
  }
}
