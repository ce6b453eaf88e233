package dev.quiver.bench;

import dev.quiver.codec.multivector.MaxSim;
import dev.quiver.codec.multivector.MultiVectorCodec;
import dev.quiver.codec.multivector.MultiVectorEncoding;
import dev.quiver.codec.muvera.FdeEncoder;
import dev.quiver.codec.muvera.FdeParams;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.lucene.document.LateInteractionField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.LateInteractionFloatValuesSource;
import org.apache.lucene.util.BytesRef;

/**
 * The MaxSim kernel alone, per candidate, one thread: Quiver's {@link MaxSim} over {@link
 * MultiVectorCodec} bytes in each encoding against Lucene's late-interaction scoring ({@link
 * LateInteractionField#decode} + {@link LateInteractionFloatValuesSource.ScoreFunction#SUM_MAX_SIM}
 * with the dot product: what {@code LateInteractionRescorer} runs per candidate), on the same unit
 * Gaussian token vectors. Shapes (query x document vectors x dims): 32x256x384, 32x256x128 and
 * 32x356x128 (the target: float32 at most 0.1 ms per candidate). Then the CPU cost of
 * encoding one document and one query with the default FDE parameters.
 *
 * <p>Method: a pool of {@code -Dbench.docs} (default 64) distinct documents per shape (so the
 * document bytes are not all in L1), warm-up of {@code -Dbench.warmup} seconds per method, then
 * {@code -Dbench.rounds} (default 7) rounds, the method order reversed every other round; each
 * round times {@code -Dbench.candidates} (default 2,000) candidates per method. Reported: median
 * and min..max over rounds of µs per candidate, wall clock and the thread's CPU time (the one to
 * read on a shared host: it excludes time the thread waited for a core), bytes per document, and
 * the mean absolute score error against float32 per query vector. {@code quiver-float32-aa} is
 * float32 again under another name: the A/A control, whose difference from {@code quiver-float32}
 * is the noise floor.
 */
public final class MaxSimBenchmark {

  private static final int QUERY_VECTORS = 32;

  private record Shape(int docVectors, int dims) {}

  private interface Method {
    String name();

    float score(int doc);

    int bytes(int doc);
  }

  public static void main(String[] args) {
    int pool = Integer.getInteger("bench.docs", 64);
    int rounds = Integer.getInteger("bench.rounds", 7);
    int candidates = Integer.getInteger("bench.candidates", 2000);
    double warmupSeconds = Double.parseDouble(System.getProperty("bench.warmup", "2"));
    System.out.printf(
        Locale.ROOT,
        "MaxSim kernel, one thread, %d query vectors; pool %d docs, %d rounds x %d candidates;"
            + " java %s%n",
        QUERY_VECTORS,
        pool,
        rounds,
        candidates,
        System.getProperty("java.version"));
    for (Shape shape : List.of(new Shape(256, 384), new Shape(256, 128), new Shape(356, 128))) {
      run(shape, pool, rounds, candidates, warmupSeconds);
    }
    encodeCost(rounds, warmupSeconds);
  }

  /** CPU us to encode one document (256 tokens) and one query (32 tokens), default FDE params. */
  private static void encodeCost(int rounds, double warmup) {
    System.out.printf(Locale.ROOT, "%nFDE encoding, %s, one thread:%n", FdeParams.defaults());
    for (int dims : new int[] {128, 384}) {
      FdeEncoder encoder = new FdeEncoder(FdeParams.defaults(), dims);
      float[] doc = unitVectors(new Random(1), 256, dims);
      float[] query = unitVectors(new Random(2), QUERY_VECTORS, dims);
      long end = System.nanoTime() + (long) (warmup * 1e9);
      while (System.nanoTime() < end) {
        sink += encoder.encodeDocument(doc, 256)[0] + encoder.encodeQuery(query, QUERY_VECTORS)[0];
      }
      List<Double> docMicros = new ArrayList<>();
      List<Double> queryMicros = new ArrayList<>();
      int n = 50;
      for (int r = 0; r < rounds; r++) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
          sink += encoder.encodeDocument(doc, 256)[i];
        }
        docMicros.add((THREADS.getCurrentThreadCpuTime() - start) / 1e3 / n);
        start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
          sink += encoder.encodeQuery(query, QUERY_VECTORS)[i];
        }
        queryMicros.add((THREADS.getCurrentThreadCpuTime() - start) / 1e3 / n);
      }
      Measurement.Spread d = Measurement.Spread.of(docMicros);
      Measurement.Spread q = Measurement.Spread.of(queryMicros);
      System.out.printf(
          Locale.ROOT,
          "  %d dims: document (256 tokens) %.0f us (%.0f..%.0f), query (32 tokens) %.0f us"
              + " (%.0f..%.0f) CPU%n",
          dims,
          d.median(),
          d.min(),
          d.max(),
          q.median(),
          q.min(),
          q.max());
    }
  }

  private static void run(Shape shape, int pool, int rounds, int candidates, double warmup) {
    Random random = new Random(42);
    int dims = shape.dims();
    float[] query = unitVectors(random, QUERY_VECTORS, dims);
    float[][] docs = new float[pool][];
    for (int d = 0; d < pool; d++) {
      docs[d] = unitVectors(random, shape.docVectors(), dims);
    }
    List<Method> methods = new ArrayList<>();
    methods.add(quiver("quiver-float32", MultiVectorEncoding.FLOAT32, query, docs, shape));
    methods.add(quiver("quiver-float32-aa", MultiVectorEncoding.FLOAT32, query, docs, shape));
    methods.add(quiver("quiver-float32-vecutil", MultiVectorEncoding.FLOAT32, query, docs, shape));
    methods.add(quiver("quiver-float16", MultiVectorEncoding.FLOAT16, query, docs, shape));
    methods.add(quiver("quiver-int8", MultiVectorEncoding.INT8, query, docs, shape));
    methods.add(quiver("quiver-int8-vecutil", MultiVectorEncoding.INT8, query, docs, shape));
    methods.add(quiver("quiver-1bit", MultiVectorEncoding.BIT1, query, docs, shape));
    methods.add(quiver("quiver-1bit-vecutil", MultiVectorEncoding.BIT1, query, docs, shape));
    methods.add(lucene(query, docs, shape));

    double[] reference = new double[pool];
    for (int d = 0; d < pool; d++) {
      reference[d] = methods.get(0).score(d);
    }
    for (Method m : methods) {
      long end = System.nanoTime() + (long) (warmup * 1e9);
      int d = 0;
      while (System.nanoTime() < end) {
        sink += m.score(d++ % pool);
      }
    }
    List<List<Double>> micros = new ArrayList<>();
    List<List<Double>> cpuMicros = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      micros.add(new ArrayList<>());
      cpuMicros.add(new ArrayList<>());
    }
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < methods.size(); k++) {
        int i = r % 2 == 0 ? k : methods.size() - 1 - k;
        Method m = methods.get(i);
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int c = 0; c < candidates; c++) {
          sink += m.score(c % pool);
        }
        micros.get(i).add((System.nanoTime() - start) / 1e3 / candidates);
        cpuMicros.get(i).add((THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e3 / candidates);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nshape %dx%dx%d (query x doc vectors x dims)%n%-20s %10s %18s %12s %14s%n",
        QUERY_VECTORS,
        shape.docVectors(),
        dims,
        "method",
        "us/cand",
        "min..max",
        "cpu us",
        "min..max",
        "bytes/doc",
        "|err|/qvec");
    for (int i = 0; i < methods.size(); i++) {
      Method m = methods.get(i);
      Measurement.Spread s = Measurement.Spread.of(micros.get(i));
      Measurement.Spread cpu = Measurement.Spread.of(cpuMicros.get(i));
      double err = 0;
      for (int d = 0; d < pool; d++) {
        err += Math.abs(m.score(d) - reference[d]);
      }
      System.out.printf(
          Locale.ROOT,
          "%-22s %10.1f %8.1f..%-8.1f %10.1f %8.1f..%-8.1f %10d %12.5f%n",
          m.name(),
          s.median(),
          s.min(),
          s.max(),
          cpu.median(),
          cpu.min(),
          cpu.max(),
          m.bytes(0),
          err / pool / QUERY_VECTORS);
    }
    Measurement.Spread a = Measurement.Spread.of(cpuMicros.get(0));
    Measurement.Spread b = Measurement.Spread.of(cpuMicros.get(1));
    System.out.printf(
        Locale.ROOT,
        "A/A control (cpu): quiver-float32 vs quiver-float32-aa %+.1f%%%n",
        100 * (b.median() - a.median()) / a.median());
    if (sink == 42) {
      System.out.println();
    }
  }

  private static volatile double sink;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static Method quiver(
      String name, MultiVectorEncoding encoding, float[] query, float[][] docs, Shape shape) {
    BytesRef[] bytes = new BytesRef[docs.length];
    for (int d = 0; d < docs.length; d++) {
      bytes[d] = MultiVectorCodec.encode(encoding, docs[d], shape.docVectors(), shape.dims());
    }
    MaxSim maxSim =
        name.endsWith("-vecutil")
            ? MaxSim.withoutPanamaKernel(query, QUERY_VECTORS, shape.dims())
            : new MaxSim(query, QUERY_VECTORS, shape.dims());
    return new Method() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public float score(int doc) {
        return maxSim.score(bytes[doc]);
      }

      @Override
      public int bytes(int doc) {
        return bytes[doc].length;
      }
    };
  }

  private static Method lucene(float[] query, float[][] docs, Shape shape) {
    int dims = shape.dims();
    float[][] q = new float[QUERY_VECTORS][dims];
    for (int i = 0; i < QUERY_VECTORS; i++) {
      System.arraycopy(query, i * dims, q[i], 0, dims);
    }
    BytesRef[] bytes = new BytesRef[docs.length];
    for (int d = 0; d < docs.length; d++) {
      float[][] v = new float[shape.docVectors()][dims];
      for (int j = 0; j < v.length; j++) {
        System.arraycopy(docs[d], j * dims, v[j], 0, dims);
      }
      bytes[d] = LateInteractionField.encode(v);
    }
    return new Method() {
      @Override
      public String name() {
        return "lucene-late-inter";
      }

      @Override
      public float score(int doc) {
        // SUM_MAX_SIM returns n * f(S / n) with f = (1 + x) / 2 for DOT_PRODUCT: undo it.
        float scaled =
            LateInteractionFloatValuesSource.ScoreFunction.SUM_MAX_SIM.compare(
                q, LateInteractionField.decode(bytes[doc]), VectorSimilarityFunction.DOT_PRODUCT);
        return 2 * scaled - QUERY_VECTORS;
      }

      @Override
      public int bytes(int doc) {
        return bytes[doc].length;
      }
    };
  }

  private static float[] unitVectors(Random random, int count, int dims) {
    float[] v = new float[count * dims];
    for (int t = 0; t < count; t++) {
      double n = 0;
      for (int i = 0; i < dims; i++) {
        float x = (float) random.nextGaussian();
        v[t * dims + i] = x;
        n += (double) x * x;
      }
      for (int i = 0; i < dims; i++) {
        v[t * dims + i] /= (float) Math.sqrt(n);
      }
    }
    return v;
  }
}
