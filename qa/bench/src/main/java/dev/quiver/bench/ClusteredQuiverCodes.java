package dev.quiver.bench;

import dev.quiver.codec.quant.CodeSpace;
import dev.quiver.codec.quant.DocCorrections;
import dev.quiver.codec.quant.DocumentQuantizer;
import dev.quiver.codec.quant.HadamardRotation;
import dev.quiver.codec.quant.QuantizedQuery;
import dev.quiver.codec.quant.QuantizedScorer;
import dev.quiver.codec.quant.QueryQuantizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * Quiver's codes centred per cluster instead of on one mean (an experiment, not a format): a few
 * rounds of k-means over the data, each vector coded in the {@link CodeSpace} of its nearest
 * centroid (same rotation for all), the query quantized once per centroid. The estimates of
 * different clusters are on the same scale, since each adds back its own centroid terms. The
 * cluster id would take one byte per vector beside the code; {@link #bytesPerVector} counts it.
 */
final class ClusteredQuiverCodes implements QuantizedCodes {

  private static final int KMEANS_ROUNDS = 6;

  private final String name;
  private final List<CodeSpace> spaces = new ArrayList<>();
  private final List<QuantizedScorer> scorers = new ArrayList<>();
  private final List<QueryQuantizer> queries = new ArrayList<>();
  private final int[] cluster;
  private final byte[][] codes;
  private final DocCorrections[] terms;
  private final boolean euclidean;

  ClusteredQuiverCodes(
      String name,
      int clusters,
      HadamardRotation rotation,
      VectorSimilarityFunction sim,
      dev.quiver.codec.quant.CodeBits bits,
      float[][] base) {
    this.name = name;
    this.euclidean = sim == VectorSimilarityFunction.EUCLIDEAN;
    int n = base.length;
    int dims = base[0].length;
    float[][] centroids = kMeans(base, clusters, dims);
    cluster = new int[n];
    for (int i = 0; i < n; i++) {
      cluster[i] = nearest(centroids, base[i]);
    }
    for (float[] c : centroids) {
      CodeSpace space = new CodeSpace(c, rotation, sim, bits);
      spaces.add(space);
      scorers.add(new QuantizedScorer(space));
      queries.add(new QueryQuantizer(space));
    }
    List<DocumentQuantizer> quantizers = new ArrayList<>();
    for (CodeSpace s : spaces) {
      quantizers.add(new DocumentQuantizer(s));
    }
    codes = new byte[n][spaces.get(0).docBytes()];
    terms = new DocCorrections[n];
    for (int i = 0; i < n; i++) {
      terms[i] = quantizers.get(cluster[i]).quantize(base[i], codes[i]);
    }
  }

  private static float[][] kMeans(float[][] base, int k, int dims) {
    Random random = new Random(42);
    float[][] centroids = new float[k][];
    for (int c = 0; c < k; c++) {
      centroids[c] = base[random.nextInt(base.length)].clone();
    }
    for (int round = 0; round < KMEANS_ROUNDS; round++) {
      double[][] sums = new double[k][dims];
      int[] counts = new int[k];
      for (float[] v : base) {
        int c = nearest(centroids, v);
        counts[c]++;
        for (int d = 0; d < dims; d++) {
          sums[c][d] += v[d];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] == 0) {
          centroids[c] = base[random.nextInt(base.length)].clone();
          continue;
        }
        for (int d = 0; d < dims; d++) {
          centroids[c][d] = (float) (sums[c][d] / counts[c]);
        }
      }
    }
    return centroids;
  }

  private static int nearest(float[][] centroids, float[] v) {
    int best = 0;
    float bestDistance = Float.POSITIVE_INFINITY;
    for (int c = 0; c < centroids.length; c++) {
      float d = VectorUtil.squareDistance(centroids[c], v);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int bytesPerVector() {
    return spaces.get(0).docBytes() + 16 + 1;
  }

  @Override
  public boolean hasBound() {
    return true;
  }

  @Override
  public Estimator prepare(float[] query) {
    QuantizedQuery[] prepared = new QuantizedQuery[spaces.size()];
    for (int c = 0; c < prepared.length; c++) {
      prepared[c] = queries.get(c).quantize(query);
    }
    return new Estimator() {
      @Override
      public float similarity(int doc) {
        int c = cluster[doc];
        float raw = scorers.get(c).estimate(prepared[c], codes[doc], terms[doc]);
        return euclidean ? -raw : raw;
      }

      @Override
      public float bound(int doc, float epsilon, boolean withQueryError) {
        int c = cluster[doc];
        DocCorrections t = terms[doc];
        return withQueryError
            ? scorers.get(c).errorBound(prepared[c], t.errorScale(), t.centredNorm(), epsilon)
            : scorers.get(c).errorBound(prepared[c], t.errorScale(), epsilon);
      }
    };
  }
}
