package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.bench.Fvecs;
import dev.quiver.ingest.SharedData;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The shared {@code vectors/scifact-bge-small} data set: 48,375 real 384-d bge-small embeddings of
 * SciFact sentences, 1,000 held-out query vectors and their exact cosine top-100 over the base.
 *
 * @param base the base vectors; vector {@code i} is document id {@code i}
 * @param queries the query vectors
 * @param truth per query, the ids of the exact cosine top-100 over every base vector, best first
 */
record ScifactVectors(float[][] base, float[][] queries, int[][] truth) {

  /** Loads the data set; a failed or skipped test when it is absent (see {@link SharedData}). */
  static ScifactVectors load(String purpose) throws IOException {
    Path dir =
        SharedData.require(
            "vectors/scifact-bge-small",
            purpose,
            "base.fvecs",
            "queries.fvecs",
            "queries_groundtruth_cosine_top100.ivecs");
    ScifactVectors data =
        new ScifactVectors(
            Fvecs.readFloats(dir.resolve("base.fvecs")),
            Fvecs.readFloats(dir.resolve("queries.fvecs")),
            Fvecs.readInts(dir.resolve("queries_groundtruth_cosine_top100.ivecs")));
    assertEquals(data.queries.length, data.truth.length, "one ground-truth row per query");
    return data;
  }

  /** A vector as a JSON array. */
  static void appendJson(StringBuilder sb, float[] v) {
    sb.append('[');
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(v[i]);
    }
    sb.append(']');
  }
}
