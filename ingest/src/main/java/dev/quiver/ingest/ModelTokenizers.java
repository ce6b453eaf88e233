package dev.quiver.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The tokenizers of one model, per kind of text, and what makes a tokenized text a model input and
 * which of its positions give token vectors. An ordinary model has one tokenizer for both kinds
 * (truncating to {@code max_tokens}) and gives vectors for content tokens. A late-interaction model
 * ({@link LateInteraction}) has a document tokenizer that leaves room for the document marker and a
 * query tokenizer of {@code query_max_tokens} (less the query marker), and its inputs get the
 * markers and the {@code [MASK]} augmentation, its vectors the skip list, of {@link
 * LateInteractionInputs}.
 *
 * <p>Thread-safe for everything but {@link #close}.
 */
final class ModelTokenizers implements AutoCloseable {

  private final HfTokenizer documents;
  private final HfTokenizer queries;
  private final LateInteractionInputs late;

  private ModelTokenizers(HfTokenizer documents, HfTokenizer queries, LateInteractionInputs late) {
    this.documents = documents;
    this.queries = queries;
    this.late = late;
  }

  /**
   * Loads a model's tokenizers.
   *
   * @param model the model's files
   * @param nativeCacheDir a writable directory for the native library
   * @return the tokenizers; close them to release them
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if the tokenizer is invalid, or lacks a token the
   *     late-interaction settings name
   */
  static ModelTokenizers open(ModelFiles model, Path nativeCacheDir) throws IOException {
    ModelConfig config = model.config();
    LateInteraction settings = config.lateInteraction();
    if (settings == null) {
      HfTokenizer tokenizer =
          HfTokenizer.open(model.tokenizer(), config.maxTokens(), nativeCacheDir);
      return new ModelTokenizers(tokenizer, tokenizer, null);
    }
    LateInteractionInputs late = LateInteractionInputs.resolve(settings, model.tokenizer());
    HfTokenizer documents =
        HfTokenizer.open(
            model.tokenizer(),
            config.maxTokens() - settings.markerTokens(TextKind.DOCUMENT),
            nativeCacheDir);
    try {
      HfTokenizer queries =
          HfTokenizer.open(
              model.tokenizer(),
              settings.queryMaxTokens() - settings.markerTokens(TextKind.QUERY),
              nativeCacheDir);
      return new ModelTokenizers(documents, queries, late);
    } catch (IOException | RuntimeException e) {
      documents.close();
      throw e;
    }
  }

  /**
   * The tokenizer of a kind of text.
   *
   * @param kind query or document
   * @return its tokenizer
   */
  HfTokenizer of(TextKind kind) {
    return kind == TextKind.QUERY ? queries : documents;
  }

  /**
   * Whether texts of a kind are cut into chunks when asked to: not the queries of a
   * late-interaction model, which always have {@code query_max_tokens}.
   *
   * @param kind query or document
   * @return true if {@link LongText#CHUNK} applies to them
   */
  boolean chunks(TextKind kind) {
    return late == null || kind == TextKind.DOCUMENT;
  }

  /**
   * Tokenizes one input (truncated to the kind's length) as the model takes it.
   *
   * @param input the input text
   * @param kind query or document
   * @return its tokens, with the marker and augmentation of a late-interaction model
   */
  HfTokenizer.Tokens encode(String input, TextKind kind) {
    HfTokenizer.Tokens tokens = of(kind).encodeOne(input);
    return late == null ? tokens : late.prepare(tokens, kind);
  }

  /**
   * Whether a position of a text of a batch gives a token vector: a content token, or for a
   * late-interaction model what {@link LateInteractionInputs#keeps} says.
   *
   * @param batch the batch
   * @param text the text's index in it
   * @param position the position
   * @param kind query or document
   * @return true if the position gives a vector
   */
  boolean keeps(TokenizedBatch batch, int text, int position, TextKind kind) {
    return late == null ? batch.isContent(text, position) : late.keeps(batch, text, position, kind);
  }

  /** Releases the native tokenizers. */
  @Override
  public void close() {
    try {
      documents.close();
    } finally {
      if (queries != documents) {
        queries.close();
      }
    }
  }
}
