package dev.quiver.bench;

import dev.quiver.codec.quant.CodeBits;
import dev.quiver.codec.quant.CodeSpace;
import dev.quiver.codec.quant.HadamardRotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * Quantization quality, measured by brute force (no graph): for each data set, bit width and
 * quantizer, every query ranks all documents by the <em>estimated</em> similarity, the top {@code
 * oversample * 10} are rescored with exact floats, and recall@10 against the exact top 10 is
 * reported for oversample 1, 2, 3, 5, 10. Quantizers: Quiver's with the Hadamard rotation (no
 * padding: {@code quiver-rot}; padded to a power of two: {@code quiver-rot-pad}), Quiver's without
 * rotation ({@code quiver-norot}), Quiver's rotated 1-, 2- and 4-bit codes against 8-bit instead of
 * 4-bit queries ({@code quiver-rot-q8}), Quiver's rotated 1- and 2-bit codes centred on the nearest
 * of 16 or 64 k-means centroids instead of one mean ({@code quiver-rot-c16}, {@code
 * quiver-rot-c64}; {@link ClusteredQuiverCodes}), and Lucene 10.5's {@code
 * OptimizedScalarQuantizer} with the document and query bits of its {@code ScalarEncoding} ({@code
 * lucene-osq}).
 *
 * <p>For estimators with an error bound (Quiver's; without rotation it is not guaranteed) it also
 * reports bound-driven rescoring: candidates are read in order of their upper bound until the next
 * upper bound falls below the exact 10th best score read so far (candidates whose upper bound is
 * below the 10th best lower bound are never read), with the number of raw vectors read against the
 * number fixed oversampling needs for the same recall; and, on a sample of pairs, how often the
 * true score falls outside the bound and the RMS error of the estimate.
 *
 * <p>Usage: {@code QuantizationBenchmark <shared dir>}; {@code -Dbench.queries=N} limits queries,
 * {@code -Dbench.methods=quiver-rot,lucene-osq} the methods. Single-threaded; ns/estimate is the
 * median of 7 interleaved timed scans (meaningless on a loaded host). Bytes per vector count the
 * code and the 16 bytes of corrective terms the estimate needs (Quiver's error bound with query
 * rounding needs 4 more).
 */
public final class QuantizationBenchmark {

  private static final int K = 10;
  private static final int MAX_OVERSAMPLE = 20;
  private static final int[] REPORTED_OVERSAMPLES = {1, 2, 3, 5, 10};
  private static final float[] EPSILONS = {1.0f, 1.5f, 1.9f, 2.5f};
  private static final int ROUNDS = 3;
  private static final long SEED = 42;

  /** Keeps the timed estimates from being optimized away. */
  static volatile float blackhole;

  record Method(String name, java.util.function.Supplier<QuantizedCodes> make) {}

  record DataSet(
      String name,
      float[][] base,
      float[][] queries,
      int[][] truth,
      VectorSimilarityFunction similarity) {}

  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
    int maxQueries = Integer.getInteger("bench.queries", Integer.MAX_VALUE);
    List<DataSet> sets = new ArrayList<>();
    Path scifact = shared.resolve("vectors/scifact-bge-small");
    if (Files.exists(scifact.resolve("base.fvecs"))) {
      sets.add(
          new DataSet(
              "scifact-bge-small",
              Fvecs.readFloats(scifact.resolve("base.fvecs")),
              limit(Fvecs.readFloats(scifact.resolve("queries.fvecs")), maxQueries),
              Fvecs.readInts(scifact.resolve("queries_groundtruth_cosine_top100.ivecs")),
              VectorSimilarityFunction.DOT_PRODUCT));
    }
    Path sift = shared.resolve("datasets/siftsmall");
    if (Files.exists(sift.resolve("siftsmall_base.fvecs.gz"))) {
      sets.add(
          new DataSet(
              "siftsmall",
              Fvecs.readFloats(sift.resolve("siftsmall_base.fvecs.gz")),
              limit(Fvecs.readFloats(sift.resolve("siftsmall_query.fvecs")), maxQueries),
              Fvecs.readInts(sift.resolve("siftsmall_groundtruth.ivecs")),
              VectorSimilarityFunction.EUCLIDEAN));
    }
    if (sets.isEmpty()) {
      throw new IllegalArgumentException("no data set found under " + shared.toAbsolutePath());
    }
    System.out.println(
        "QUANT-BENCH columns: data method bits bytes/vec encode_s ns/est"
            + " recall@10@os1 os2 os3 os5 os10");
    for (DataSet set : sets) {
      run(set);
    }
  }

  /** {@code -Dbench.methods=a,b} runs only those methods (default: all). */
  private static boolean selected(String method) {
    String only = System.getProperty("bench.methods", "");
    return only.isEmpty() || Arrays.asList(only.split(",")).contains(method);
  }

  private static float[][] unitIfCosine(float[][] base, VectorSimilarityFunction sim) {
    if (sim != VectorSimilarityFunction.COSINE) {
      return base;
    }
    float[][] out = new float[base.length][];
    for (int i = 0; i < base.length; i++) {
      float[] v = base[i].clone();
      float norm = (float) Math.sqrt(org.apache.lucene.util.VectorUtil.dotProduct(v, v));
      for (int j = 0; j < v.length && norm > 0; j++) {
        v[j] /= norm;
      }
      out[i] = v;
    }
    return out;
  }

  private static float[][] limit(float[][] queries, int max) {
    return queries.length <= max ? queries : Arrays.copyOf(queries, max);
  }

  private static void run(DataSet set) {
    int dims = set.base[0].length;
    System.out.printf(
        Locale.ROOT,
        "%ndata %s: %d x %d, %d queries, %s%n",
        set.name,
        set.base.length,
        dims,
        set.queries.length,
        set.similarity);
    float[] centroid = CodeSpace.centroidOf(Arrays.asList(set.base), dims, set.similarity);
    List<String> boundLines = new ArrayList<>();
    for (int bits : new int[] {1, 2, 4, 8}) {
      CodeBits codeBits = CodeBits.of(bits);
      List<Method> methods = new ArrayList<>();
      methods.add(
          new Method(
              "quiver-rot",
              () ->
                  new QuiverCodes(
                      "quiver-rot",
                      new CodeSpace(
                          centroid,
                          HadamardRotation.overlapping(dims, ROUNDS, SEED),
                          set.similarity,
                          codeBits),
                      set.base)));
      if (Integer.bitCount(dims) != 1) {
        methods.add(
            new Method(
                "quiver-rot-pad",
                () ->
                    new QuiverCodes(
                        "quiver-rot-pad",
                        new CodeSpace(
                            centroid,
                            HadamardRotation.padded(dims, ROUNDS, SEED),
                            set.similarity,
                            codeBits),
                        set.base)));
      }
      if (bits <= 4) {
        methods.add(
            new Method(
                "quiver-rot-q8",
                () ->
                    new QuiverCodes(
                        "quiver-rot-q8",
                        new CodeSpace(
                            centroid,
                            HadamardRotation.overlapping(dims, ROUNDS, SEED),
                            set.similarity,
                            codeBits,
                            8),
                        set.base)));
      }
      if (bits <= 2) {
        // The format's own clustered space (format version 2): one query encoding, exact terms
        // per cluster; k-means on all vectors (the format samples at most 16,384).
        for (int clusters : new int[] {16, 32, 64}) {
          String name = "quiver-fmt-k" + clusters;
          methods.add(
              new Method(
                  name,
                  () ->
                      new QuiverCodes(
                          name,
                          new CodeSpace(
                                  centroid,
                                  HadamardRotation.overlapping(dims, ROUNDS, SEED),
                                  set.similarity,
                                  codeBits)
                              .withClusters(
                                  dev.quiver.codec.quant.KMeans.train(
                                      unitIfCosine(set.base, set.similarity), clusters, 6, 42)),
                          set.base)));
        }
        for (int clusters : new int[] {16, 64}) {
          String name = "quiver-rot-c" + clusters;
          methods.add(
              new Method(
                  name,
                  () ->
                      new ClusteredQuiverCodes(
                          name,
                          clusters,
                          HadamardRotation.overlapping(dims, ROUNDS, SEED),
                          set.similarity,
                          codeBits,
                          set.base)));
        }
      }
      methods.add(
          new Method(
              "quiver-norot",
              () ->
                  new QuiverCodes(
                      "quiver-norot",
                      new CodeSpace(
                          centroid, HadamardRotation.identity(dims), set.similarity, codeBits),
                      set.base)));
      methods.add(
          new Method(
              "lucene-osq",
              () ->
                  new LuceneOsqCodes(
                      ScalarEncoding.fromNumBits(bits), set.similarity, centroid, set.base)));
      List<QuantizedCodes> built = new ArrayList<>();
      List<Evaluation> evaluations = new ArrayList<>();
      for (var method : methods) {
        if (!selected(method.name)) {
          continue;
        }
        long start = System.nanoTime();
        QuantizedCodes codes = method.make.get();
        double encodeSeconds = (System.nanoTime() - start) / 1e9;
        Evaluation e = evaluate(set, codes);
        e.encodeSeconds = encodeSeconds;
        built.add(codes);
        evaluations.add(e);
      }
      timeInterleaved(set, built, evaluations);
      for (int m = 0; m < built.size(); m++) {
        QuantizedCodes codes = built.get(m);
        Evaluation e = evaluations.get(m);
        double encodeSeconds = e.encodeSeconds;
        StringBuilder line = new StringBuilder();
        line.append(
            String.format(
                Locale.ROOT,
                "QUANT-BENCH %-17s %-14s %d %5d %6.2f %7.1f ",
                set.name,
                codes.name(),
                bits,
                codes.bytesPerVector(),
                encodeSeconds,
                e.nsPerEstimate));
        for (int o : REPORTED_OVERSAMPLES) {
          line.append(String.format(Locale.ROOT, " %.4f", e.recallAt(o)));
        }
        System.out.println(line);
        System.out.flush();
        if (codes.hasBound()) {
          boundLines.add(
              String.format(
                  Locale.ROOT,
                  "QUANT-BOUND %-17s %-14s %d  outside bound@1.9: doc-only %.5f, with query rounding"
                      + " %.5f  rms-error %.5f  (mean |score| %.4f)",
                  set.name,
                  codes.name(),
                  bits,
                  e.docOnlyViolationRate,
                  e.violationRate,
                  e.rmsError,
                  e.meanAbsScore));
          for (int i = 0; i < EPSILONS.length; i++) {
            int fixedReads = e.fixedReadsFor(e.boundRecall[i]);
            boundLines.add(
                String.format(
                    Locale.ROOT,
                    "QUANT-BOUND %-17s %-14s %d  eps %.1f  recall %.4f  reads %8.1f  fixed-oversample"
                        + " reads for that recall %s  saved %s",
                    set.name,
                    codes.name(),
                    bits,
                    EPSILONS[i],
                    e.boundRecall[i],
                    e.boundReads[i],
                    fixedReads < 0 ? "> " + K * MAX_OVERSAMPLE : Integer.toString(fixedReads),
                    fixedReads < 0
                        ? "n/a"
                        : String.format(
                            Locale.ROOT, "%.1f%%", 100 * (1 - e.boundReads[i] / fixedReads))));
          }
        }
      }
    }
    boundLines.forEach(System.out::println);
  }

  static final class Evaluation {
    final int queries;

    /** Hits of the exact top K among the first {@code reads} candidates by estimate. */
    final long[] hitsAtReads = new long[K * MAX_OVERSAMPLE + 1];

    double nsPerEstimate;
    double encodeSeconds;
    final double[] boundRecall = new double[EPSILONS.length];
    final double[] boundReads = new double[EPSILONS.length];
    double violationRate;
    double docOnlyViolationRate;
    double rmsError;
    double meanAbsScore;

    Evaluation(int queries) {
      this.queries = queries;
    }

    double recallAt(int oversample) {
      return recallAtReads(oversample * K);
    }

    double recallAtReads(int reads) {
      return hitsAtReads[reads] / (double) (K * queries);
    }

    /**
     * Smallest number of candidates (by estimate, the same for every query, any integer from K on)
     * whose exact rescoring reaches {@code recall}, or -1.
     */
    int fixedReadsFor(double recall) {
      for (int reads = K; reads <= K * MAX_OVERSAMPLE; reads++) {
        if (recallAtReads(reads) >= recall - 1e-9) {
          return reads;
        }
      }
      return -1;
    }
  }

  private static Evaluation evaluate(DataSet set, QuantizedCodes codes) {
    int n = set.base.length;
    int pool = K * MAX_OVERSAMPLE;
    Evaluation e = new Evaluation(set.queries.length);
    float[] estimates = new float[n];
    float[] unitBounds = new float[n];
    TopK top = new TopK(pool);
    long sampled = 0;
    long outside = 0;
    long outsideDocOnly = 0;
    double squaredError = 0;
    double absScore = 0;
    long[] boundHits = new long[EPSILONS.length];
    long[] boundReadCount = new long[EPSILONS.length];
    for (int q = 0; q < set.queries.length; q++) {
      float[] query = set.queries[q];
      int[] truth = Arrays.copyOf(set.truth[q], K);
      QuantizedCodes.Estimator estimator = codes.prepare(query);
      top.clear();
      for (int d = 0; d < n; d++) {
        float s = estimator.similarity(d);
        estimates[d] = s;
        top.offer(d, s);
      }
      int[] ranked = top.sortedDocs();
      // Fixed candidate counts: exact top K among the first `reads` candidates by estimate.
      float[] exact = new float[ranked.length];
      for (int i = 0; i < ranked.length; i++) {
        exact[i] = exactSimilarity(set, query, set.base[ranked[i]]);
      }
      TopK best = new TopK(K);
      for (int i = 0; i < ranked.length; i++) {
        best.offer(ranked[i], exact[i]);
        if (i + 1 >= K) {
          e.hitsAtReads[i + 1] += best.countIn(truth);
        }
      }
      if (!codes.hasBound()) {
        continue;
      }
      for (int d = 0; d < n; d++) {
        unitBounds[d] = estimator.bound(d, 1f, true);
      }
      for (int d = 0; d < n; d += 53) {
        float truth1 = exactSimilarity(set, query, set.base[d]);
        float err = estimates[d] - truth1;
        sampled++;
        squaredError += (double) err * err;
        absScore += Math.abs(truth1);
        if (Math.abs(err) > 1.9f * unitBounds[d]) {
          outside++;
        }
        if (Math.abs(err) > estimator.bound(d, 1.9f, false)) {
          outsideDocOnly++;
        }
      }
      for (int i = 0; i < EPSILONS.length; i++) {
        long[] result = boundRescore(set, query, estimates, unitBounds, EPSILONS[i], truth);
        boundHits[i] += result[0];
        boundReadCount[i] += result[1];
      }
    }
    for (int i = 0; i < EPSILONS.length; i++) {
      e.boundRecall[i] = boundHits[i] / (double) (K * set.queries.length);
      e.boundReads[i] = boundReadCount[i] / (double) set.queries.length;
    }
    if (sampled > 0) {
      e.violationRate = outside / (double) sampled;
      e.docOnlyViolationRate = outsideDocOnly / (double) sampled;
      e.rmsError = Math.sqrt(squaredError / sampled);
      e.meanAbsScore = absScore / sampled;
    }
    return e;
  }

  /**
   * Nanoseconds per estimate of each method: 7 rounds, the methods in alternating order, each round
   * scanning all documents for (up to) 50 queries; the median round is reported.
   */
  private static void timeInterleaved(
      DataSet set, List<QuantizedCodes> codes, List<Evaluation> evaluations) {
    int queries = Math.min(50, set.queries.length);
    int n = set.base.length;
    int rounds = 7;
    double[][] nanos = new double[codes.size()][rounds];
    float sink = 0;
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < codes.size(); k++) {
        int m = round % 2 == 0 ? k : codes.size() - 1 - k;
        QuantizedCodes.Estimator[] prepared = new QuantizedCodes.Estimator[queries];
        for (int q = 0; q < queries; q++) {
          prepared[q] = codes.get(m).prepare(set.queries[q]);
        }
        long start = System.nanoTime();
        for (QuantizedCodes.Estimator estimator : prepared) {
          for (int d = 0; d < n; d++) {
            sink += estimator.similarity(d);
          }
        }
        nanos[m][round] = (System.nanoTime() - start) / (double) queries / n;
      }
    }
    blackhole = sink;
    for (int m = 0; m < codes.size(); m++) {
      Arrays.sort(nanos[m]);
      evaluations.get(m).nsPerEstimate = nanos[m][rounds / 2];
    }
  }

  /**
   * Reads candidates in decreasing upper bound, skipping those whose upper bound is below the K-th
   * largest lower bound, and stops when the next upper bound cannot beat the exact K-th best read.
   *
   * @return {hits, reads}
   */
  private static long[] boundRescore(
      DataSet set, float[] query, float[] est, float[] unitBound, float eps, int[] truth) {
    int n = est.length;
    TopK lowerBounds = new TopK(K);
    for (int d = 0; d < n; d++) {
      lowerBounds.offer(d, est[d] - eps * unitBound[d]);
    }
    float threshold = lowerBounds.minScore();
    int count = 0;
    int[] candidates = new int[n];
    for (int d = 0; d < n; d++) {
      if (est[d] + eps * unitBound[d] >= threshold) {
        candidates[count++] = d;
      }
    }
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = candidates[i];
    }
    Arrays.sort(
        order, (a, b) -> Float.compare(est[b] + eps * unitBound[b], est[a] + eps * unitBound[a]));
    TopK best = new TopK(K);
    long reads = 0;
    for (int i = 0; i < count; i++) {
      int d = order[i];
      if (best.isFull() && est[d] + eps * unitBound[d] < best.minScore()) {
        break;
      }
      reads++;
      best.offer(d, exactSimilarity(set, query, set.base[d]));
    }
    return new long[] {best.countIn(truth), reads};
  }

  private static float exactSimilarity(DataSet set, float[] q, float[] v) {
    return set.similarity == VectorSimilarityFunction.EUCLIDEAN
        ? -VectorUtil.squareDistance(q, v)
        : VectorUtil.dotProduct(q, v);
  }
}
