package dev.quiver.qa;

import dev.quiver.ingest.TinyOnnxModel;
import dev.quiver.ingest.TinyTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A tiny ColBERT-shaped model installed in the node's {@code config/quiver/models/}, built here (no
 * download) with ingest's {@link TinyOnnxModel#writeLateInteraction} and {@link TinyTokenizer}:
 * each token's vector is its embedding row, shifted when attended, projected to {@value #DIMS}
 * dimensions. {@link #expected} gives the vector the node should write for a token, computed from
 * the same weights without the node.
 */
final class LateInteractionModel {

  static final String NAME = "tiny-colbert";
  static final int DIMS = 3;

  /** Queries are padded with [MASK] to this many tokens. */
  static final int QUERY_TOKENS = 8;

  static final List<String> VOCAB =
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
  static final int CLS = 2;
  static final int SEP = 3;
  static final int MASK = 4;
  static final int QUERY_MARKER = 5;
  static final int DOCUMENT_MARKER = 6;

  private static final int HIDDEN = 4;
  private static final float[][] EMBEDDINGS = random(VOCAB.size(), HIDDEN, 11);
  private static final float[] ATTENDED = {0.5f, -0.25f, 1f, 0.75f};
  private static final float[][] PROJECTION = random(HIDDEN, DIMS, 12);

  private static final String CONFIG =
      """
      {"dims": 3, "max_tokens": 12, "output": "token_embeddings",
       "late_interaction": {"query_marker": "[unused0]", "document_marker": "[unused1]",
                            "query_max_tokens": 8}}
      """;

  private LateInteractionModel() {}

  /** Installs the model in the unpacked, not yet started, node at {@code home}. */
  static void install(Path home) throws IOException {
    Path dir = Files.createDirectories(home.resolve("config/quiver/models").resolve(NAME));
    TinyOnnxModel.writeLateInteraction(
        dir.resolve("model.onnx"), "token_embeddings", EMBEDDINGS, ATTENDED, PROJECTION);
    TinyTokenizer.write(dir.resolve("tokenizer.json"), VOCAB);
    Files.writeString(dir.resolve("quiver-model.json"), CONFIG);
  }

  /** The id of a word of the vocabulary. */
  static int id(String word) {
    int id = VOCAB.indexOf(word);
    if (id < 0) {
      throw new IllegalArgumentException("[" + word + "] is not in the tiny vocabulary");
    }
    return id;
  }

  /**
   * The vectors the model gives a document of vocabulary words (no punctuation): {@code [CLS]
   * [unused1] words [SEP]}, all attended.
   */
  static float[][] document(String... words) {
    float[][] v = new float[words.length + 3][];
    v[0] = expected(CLS, true);
    v[1] = expected(DOCUMENT_MARKER, true);
    for (int i = 0; i < words.length; i++) {
      v[i + 2] = expected(id(words[i]), true);
    }
    v[words.length + 2] = expected(SEP, true);
    return v;
  }

  /**
   * The vectors the model gives a short query: {@code [CLS] [unused0] words [SEP]} then {@code
   * [MASK]}, not attended, up to {@value #QUERY_TOKENS} tokens.
   */
  static float[][] query(String... words) {
    float[][] v = new float[QUERY_TOKENS][];
    v[0] = expected(CLS, true);
    v[1] = expected(QUERY_MARKER, true);
    for (int i = 0; i < words.length; i++) {
      v[i + 2] = expected(id(words[i]), true);
    }
    v[words.length + 2] = expected(SEP, true);
    for (int i = words.length + 3; i < QUERY_TOKENS; i++) {
      v[i] = expected(MASK, false);
    }
    return v;
  }

  /** A token's vector: its row (plus the shift when attended), projected, L2-normalized. */
  static float[] expected(int id, boolean attended) {
    double[] out = new double[DIMS];
    double norm = 0;
    for (int o = 0; o < DIMS; o++) {
      for (int h = 0; h < HIDDEN; h++) {
        out[o] += (EMBEDDINGS[id][h] + (attended ? ATTENDED[h] : 0f)) * PROJECTION[h][o];
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
