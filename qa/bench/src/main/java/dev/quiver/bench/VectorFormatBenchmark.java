package dev.quiver.bench;

import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Quiver's HNSW format against Lucene's, side by side on the same vectors in the same JVM: build
 * time (index + force merge to one segment), index size, single-thread query latency and recall@10
 * against the exact top-10 given with the data set.
 *
 * <p>Usage: {@code VectorFormatBenchmark <dir with base.fvecs, queries.fvecs,
 * queries_groundtruth_cosine_top100.ivecs>}.
 */
public final class VectorFormatBenchmark {

  private static final int K = 10;
  private static final int NUM_CANDIDATES = 100;

  record Result(String name, double buildSeconds, long bytes, double msPerQuery, double recall) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "../shared/vectors/scifact-bge-small");
    float[][] base = Fvecs.readFloats(dir.resolve("base.fvecs"));
    float[][] queries = Fvecs.readFloats(dir.resolve("queries.fvecs"));
    int[][] truth = Fvecs.readInts(dir.resolve("queries_groundtruth_cosine_top100.ivecs"));
    System.out.printf(
        Locale.ROOT,
        "data: %d x %d base, %d queries (%s)%n",
        base.length,
        base[0].length,
        queries.length,
        dir);
    List<Result> results = new ArrayList<>();
    // Two rounds in opposite orders (peer first, then ours first); each format's figures are the
    // mean of its two runs, so JIT warm-up and page cache favour neither.
    Result[] peerRuns = new Result[2];
    Result[] ourRuns = new Result[2];
    for (int round = 0; round < 2; round++) {
      if (round == 1) {
        ourRuns[round] =
            run("Quiver10HnswVectorsFormat", new Quiver10HnswVectorsFormat(), base, queries, truth);
      }
      peerRuns[round] =
          run("Lucene99HnswVectorsFormat", new Lucene99HnswVectorsFormat(), base, queries, truth);
      if (round == 0) {
        ourRuns[round] =
            run("Quiver10HnswVectorsFormat", new Quiver10HnswVectorsFormat(), base, queries, truth);
      }
    }
    Result peer = mean(peerRuns[0], peerRuns[1]);
    Result ours = mean(ourRuns[0], ourRuns[1]);
    results.add(peer);
    results.add(ours);
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "%-28s build %7.2f s  size %8.1f MiB  %6.3f ms/query  recall@10 %.4f%n",
          r.name,
          r.buildSeconds,
          r.bytes / 1048576.0,
          r.msPerQuery,
          r.recall);
    }
    System.out.printf(
        Locale.ROOT,
        "ratio Quiver/Lucene: build %.3f  size %.3f  latency %.3f  recall %.4f%n",
        ours.buildSeconds / peer.buildSeconds,
        (double) ours.bytes / peer.bytes,
        ours.msPerQuery / peer.msPerQuery,
        ours.recall / peer.recall);
  }

  private static Result mean(Result a, Result b) {
    return new Result(
        a.name,
        (a.buildSeconds + b.buildSeconds) / 2,
        (a.bytes + b.bytes) / 2,
        (a.msPerQuery + b.msPerQuery) / 2,
        (a.recall + b.recall) / 2);
  }

  private static Result run(
      String name, KnnVectorsFormat format, float[][] base, float[][] queries, int[][] truth)
      throws IOException {
    Path path = Files.createTempDirectory("quiver-bench-");
    try (FSDirectory directory = FSDirectory.open(path)) {
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setCodec(
                  new Lucene104Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                      return format;
                    }
                  })
              .setRAMBufferSizeMB(256);
      long start = System.nanoTime();
      try (IndexWriter writer = new IndexWriter(directory, config)) {
        for (int i = 0; i < base.length; i++) {
          Document doc = new Document();
          doc.add(new KnnFloatVectorField("v", base[i], VectorSimilarityFunction.DOT_PRODUCT));
          doc.add(new StoredField("id", i));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      long bytes = 0;
      for (String file : directory.listAll()) {
        bytes += directory.fileLength(file);
      }
      try (DirectoryReader reader = DirectoryReader.open(directory)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        int found = 0;
        start = System.nanoTime();
        for (int q = 0; q < queries.length; q++) {
          TopDocs top =
              searcher.search(new KnnFloatVectorQuery("v", queries[q], NUM_CANDIDATES), K);
          Set<Integer> exact = new HashSet<>();
          for (int i = 0; i < K; i++) {
            exact.add(truth[q][i]);
          }
          for (ScoreDoc sd : top.scoreDocs) {
            int id =
                searcher.storedFields().document(sd.doc).getField("id").numericValue().intValue();
            if (exact.contains(id)) {
              found++;
            }
          }
        }
        double ms = (System.nanoTime() - start) / 1e6 / queries.length;
        return new Result(name, buildSeconds, bytes, ms, found / (double) (K * queries.length));
      }
    } finally {
      try (Stream<Path> files = Files.list(path)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(path);
    }
  }
}
