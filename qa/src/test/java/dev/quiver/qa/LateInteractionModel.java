package dev.quiver.qa;

import dev.quiver.ingest.TinyColbert;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Ingest's tiny ColBERT-shaped model ({@link TinyColbert}, built without a download) installed in
 * the node's {@code config/quiver/models/} as {@value #NAME}, with markers and {@value
 * #QUERY_TOKENS}-token queries; {@link #document} and {@link #query} give the vectors the node
 * should write for a text, computed from the same weights without the node.
 */
final class LateInteractionModel {

  static final String NAME = "tiny-colbert";
  static final int DIMS = TinyColbert.DIMS;

  /** Queries are padded with [MASK] to this many tokens. */
  static final int QUERY_TOKENS = 8;

  private static final String CONFIG =
      """
      {"dims": 3, "max_tokens": 12, "output": "token_embeddings",
       "late_interaction": {"query_marker": "[unused0]", "document_marker": "[unused1]",
                            "query_max_tokens": 8}}
      """;

  private LateInteractionModel() {}

  /** Installs the model in the unpacked, not yet started, node at {@code home}. */
  static void install(Path home) throws IOException {
    TinyColbert.write(home.resolve("config/quiver/models").resolve(NAME), true, CONFIG);
  }

  /**
   * The vectors the model gives a document of vocabulary words (no punctuation): {@code [CLS]
   * [unused1] words [SEP]}, all attended.
   */
  static float[][] document(String... words) {
    float[][] v = new float[words.length + 3][];
    v[0] = TinyColbert.expected(TinyColbert.CLS, true);
    v[1] = TinyColbert.expected(TinyColbert.DOCUMENT_MARKER, true);
    for (int i = 0; i < words.length; i++) {
      v[i + 2] = TinyColbert.expected(TinyColbert.id(words[i]), true);
    }
    v[words.length + 2] = TinyColbert.expected(TinyColbert.SEP, true);
    return v;
  }

  /**
   * The vectors the model gives a short query: {@code [CLS] [unused0] words [SEP]} then {@code
   * [MASK]}, not attended, up to {@value #QUERY_TOKENS} tokens.
   */
  static float[][] query(String... words) {
    float[][] v = new float[QUERY_TOKENS][];
    v[0] = TinyColbert.expected(TinyColbert.CLS, true);
    v[1] = TinyColbert.expected(TinyColbert.QUERY_MARKER, true);
    for (int i = 0; i < words.length; i++) {
      v[i + 2] = TinyColbert.expected(TinyColbert.id(words[i]), true);
    }
    v[words.length + 2] = TinyColbert.expected(TinyColbert.SEP, true);
    for (int i = words.length + 3; i < QUERY_TOKENS; i++) {
      v[i] = TinyColbert.expected(TinyColbert.MASK, false);
    }
    return v;
  }
}
