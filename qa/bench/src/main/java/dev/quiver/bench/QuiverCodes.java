package dev.quiver.bench;

import dev.quiver.codec.quant.CodeSpace;
import dev.quiver.codec.quant.DocCorrections;
import dev.quiver.codec.quant.DocumentQuantizer;
import dev.quiver.codec.quant.QuantizedQuery;
import dev.quiver.codec.quant.QuantizedScorer;
import dev.quiver.codec.quant.QueryQuantizer;
import org.apache.lucene.index.VectorSimilarityFunction;

/** Quiver's codes ({@code dev.quiver.codec.quant}) over a data set held in memory. */
final class QuiverCodes implements QuantizedCodes {

  private final String name;
  private final CodeSpace space;
  private final QuantizedScorer scorer;
  private final QueryQuantizer queries;
  private final byte[][] codes;
  private final float[] rescale;
  private final float[] additive;
  private final float[] errorScale;
  private final int[] levelSum;
  private final float[] centredNorm;
  private final int[] cluster;
  private final boolean euclidean;

  QuiverCodes(String name, CodeSpace space, float[][] base) {
    this.name = name;
    this.space = space;
    this.scorer = new QuantizedScorer(space);
    this.queries = new QueryQuantizer(space);
    this.euclidean = space.similarity() == VectorSimilarityFunction.EUCLIDEAN;
    int n = base.length;
    codes = new byte[n][space.docBytes()];
    rescale = new float[n];
    additive = new float[n];
    errorScale = new float[n];
    levelSum = new int[n];
    centredNorm = new float[n];
    cluster = new int[n];
    DocumentQuantizer quantizer = new DocumentQuantizer(space);
    for (int i = 0; i < n; i++) {
      DocCorrections c = quantizer.quantize(base[i], codes[i]);
      rescale[i] = c.rescale();
      additive[i] = c.additive();
      errorScale[i] = c.errorScale();
      levelSum[i] = c.levelSum();
      centredNorm[i] = c.centredNorm();
      cluster[i] = c.cluster();
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int bytesPerVector() {
    return space.docBytes() + 16;
  }

  /** Always: without rotation the bound is not guaranteed, and the benchmark shows how it fares. */
  @Override
  public boolean hasBound() {
    return true;
  }

  @Override
  public Estimator prepare(float[] query) {
    QuantizedQuery q = queries.quantize(query);
    return new Estimator() {
      @Override
      public float similarity(int doc) {
        float raw =
            scorer.estimate(
                q, codes[doc], rescale[doc], additive[doc], levelSum[doc], cluster[doc]);
        return euclidean ? -raw : raw;
      }

      @Override
      public float bound(int doc, float epsilon, boolean withQueryError) {
        return withQueryError
            ? scorer.errorBound(q, errorScale[doc], centredNorm[doc], epsilon, cluster[doc])
            : scorer.errorBound(q, errorScale[doc], epsilon, cluster[doc]);
      }
    };
  }
}
