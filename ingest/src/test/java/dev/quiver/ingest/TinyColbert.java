package dev.quiver.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A tiny ColBERT-shaped model, built without a download: the {@link TinyTokenizer} vocabulary
 * below, a token embedding lookup of {@value #HIDDEN} dimensions, a shift for attended positions
 * and a linear projection to {@value #DIMS} dimensions ({@link
 * TinyOnnxModel#writeLateInteraction}). {@link #expected} computes the vector a token should get in
 * plain float math over the same weights, so tests here and the real-node tests of {@code qa}
 * compare the engine's output with an independent computation.
 */
public final class TinyColbert {

  public static final List<String> VOCAB =
      List.of(
          "[PAD]",
          "[UNK]",
          "[CLS]",
          "[SEP]",
          "[MASK]",
          "[unused0]",
          "[unused1]",
          ".",
          ",",
          "!",
          "?",
          "the",
          "cat",
          "sat",
          "on",
          "mat",
          "dog",
          "ran");

  public static final int CLS = 2;
  public static final int SEP = 3;
  public static final int MASK = 4;

  /** {@code [unused0]}, the query marker of the configurations that use one. */
  public static final int QUERY_MARKER = 5;

  /** {@code [unused1]}, the document marker. */
  public static final int DOCUMENT_MARKER = 6;

  public static final int HIDDEN = 4;
  public static final int DIMS = 3;

  /** The projection [hidden][dims]. */
  public static final float[][] PROJECTION = random(HIDDEN, DIMS, 12);

  private static final float[][] EMBEDDINGS = random(VOCAB.size(), HIDDEN, 11);
  private static final float[] ATTENDED = {0.5f, -0.25f, 1f, 0.75f};
  private static final float[] NO_BIAS = new float[DIMS];

  private TinyColbert() {}

  /**
   * Writes {@code model.onnx}, {@code tokenizer.json} and {@code quiver-model.json} (the {@code
   * config}) into {@code dir}; the graph ends with the projection when {@code projectionInGraph}.
   */
  public static void write(Path dir, boolean projectionInGraph, String config) throws IOException {
    Files.createDirectories(dir);
    TinyOnnxModel.writeLateInteraction(
        dir.resolve("model.onnx"),
        "token_embeddings",
        EMBEDDINGS,
        ATTENDED,
        projectionInGraph ? PROJECTION : null);
    TinyTokenizer.write(dir.resolve("tokenizer.json"), VOCAB);
    Files.writeString(dir.resolve("quiver-model.json"), config);
  }

  /** The id of a word of the vocabulary. */
  public static int id(String word) {
    int id = VOCAB.indexOf(word);
    if (id < 0) {
      throw new IllegalArgumentException("[" + word + "] is not in the tiny vocabulary");
    }
    return id;
  }

  /**
   * A token's vector with the projection in the graph: see {@link #expected(int, boolean,
   * float[])}.
   */
  public static float[] expected(int id, boolean attended) {
    return expected(id, attended, NO_BIAS);
  }

  /**
   * The vector a token should get: its row (plus the shift when attended), projected, plus {@code
   * bias}, L2-normalized.
   */
  public static float[] expected(int id, boolean attended, float[] bias) {
    double[] out = new double[DIMS];
    double norm = 0;
    for (int o = 0; o < DIMS; o++) {
      out[o] = bias[o];
      for (int h = 0; h < HIDDEN; h++) {
        out[o] += (double) (EMBEDDINGS[id][h] + (attended ? ATTENDED[h] : 0f)) * PROJECTION[h][o];
      }
      norm += out[o] * out[o];
    }
    float[] v = new float[DIMS];
    for (int o = 0; o < DIMS; o++) {
      v[o] = (float) (out[o] / Math.sqrt(norm));
    }
    return v;
  }

  private static float[][] random(int rows, int cols, long seed) {
    Random random = new Random(seed);
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int c = 0; c < cols; c++) {
        row[c] = (float) random.nextGaussian();
      }
    }
    return m;
  }
}
