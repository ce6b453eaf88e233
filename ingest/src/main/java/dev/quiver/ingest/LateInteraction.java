package dev.quiver.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * How a late-interaction (ColBERT-style) model turns texts into token vectors: the {@code
 * late_interaction} object of its {@code quiver-model.json}. Such a model gives token vectors only,
 * for documents and for queries (no pooled dense vector), and its queries and documents are laid
 * out as ColBERT lays them out:
 *
 * <pre>
 *   document: [CLS] document_marker tokens... [SEP]                 (at most max_tokens)
 *   query:    [CLS] query_marker tokens... [SEP] [MASK] [MASK] ...  (exactly query_max_tokens)
 * </pre>
 *
 * <p>Keys, all optional:
 *
 * <ul>
 *   <li>{@code query_marker}, {@code document_marker} (strings, default none): a token of the
 *       tokenizer's vocabulary (an added token such as {@code "[Q] "} or a vocabulary entry such as
 *       ColBERTv2's {@code "[unused0]"}/{@code "[unused1]"}) inserted right after the first token
 *       when that is a special token ({@code [CLS]}), else at the start. Texts are truncated one
 *       token shorter to make room for it;
 *   <li>{@code query_max_tokens} (integer, default {@value #DEFAULT_QUERY_MAX_TOKENS}, at most
 *       {@code max_tokens}): every query is exactly this many tokens, special tokens and marker
 *       included: truncated, or padded (query augmentation) with {@code mask_token};
 *   <li>{@code mask_token} (string, default {@code "[MASK]"}): the vocabulary token queries are
 *       padded with;
 *   <li>{@code attend_to_mask} (boolean, default {@code false}): whether the padding mask tokens
 *       get attention mask 1 (ColBERTv2's {@code attend_to_mask_tokens}; off in ColBERTv2 and
 *       PyLate);
 *   <li>{@code skip_list} (array of strings, default each ASCII punctuation character): vocabulary
 *       tokens whose vectors documents leave out (queries keep every token); entries that are not
 *       tokens of the vocabulary are ignored; {@code []} keeps every token;
 *   <li>{@code projection} (string, default none): a file in the model directory holding the
 *       model's linear projection head, applied to each output row of the ONNX graph (whose last
 *       dimension is then the projection's input size, not {@code dims}); see {@link
 *       ProjectionHead} for its format. Without it, the graph's output is used as it is and must
 *       have {@code dims} dimensions (an export that includes the head).
 * </ul>
 *
 * A document chunked ({@link LongText#CHUNK}) has each chunk laid out so, and gets its chunks'
 * vectors in order; a query is never chunked. Each token vector, projected or not, is
 * L2-normalized. Query vectors are every position of the query (special tokens, marker and mask
 * tokens included); document vectors are every attended position (special tokens and marker
 * included) whose token is not in the skip list, as ColBERT and PyLate compute them.
 *
 * @param queryMarker token inserted into queries, empty for none
 * @param documentMarker token inserted into documents, empty for none
 * @param queryMaxTokens the fixed token length of queries
 * @param maskToken token queries are padded with
 * @param attendToMask whether padding mask tokens are attended to
 * @param skipList tokens whose vectors documents leave out
 * @param projection file name of the projection head in the model directory, empty for none
 */
public record LateInteraction(
    String queryMarker,
    String documentMarker,
    int queryMaxTokens,
    String maskToken,
    boolean attendToMask,
    List<String> skipList,
    String projection) {

  /** ColBERT's default query length. */
  public static final int DEFAULT_QUERY_MAX_TOKENS = 32;

  /** The default skip list: each ASCII punctuation character, as ColBERT's. */
  public static final List<String> ASCII_PUNCTUATION =
      "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".chars().mapToObj(Character::toString).toList();

  private static final Set<String> KEYS =
      Set.of(
          "query_marker",
          "document_marker",
          "query_max_tokens",
          "mask_token",
          "attend_to_mask",
          "skip_list",
          "projection");

  /** Checks the values. */
  public LateInteraction {
    Objects.requireNonNull(queryMarker, "queryMarker");
    Objects.requireNonNull(documentMarker, "documentMarker");
    Objects.requireNonNull(maskToken, "maskToken");
    Objects.requireNonNull(projection, "projection");
    skipList = List.copyOf(skipList);
    if (queryMaxTokens < minQueryTokens(queryMarker)) {
      throw new IllegalArgumentException(
          "query_max_tokens must be at least "
              + minQueryTokens(queryMarker)
              + " (two special tokens"
              + (queryMarker.isEmpty() ? "" : " and the marker")
              + "), got "
              + queryMaxTokens);
    }
    if (maskToken.isEmpty()) {
      throw new IllegalArgumentException("mask_token must not be empty");
    }
    if (!projection.isEmpty()
        && (projection.contains("/")
            || projection.contains("\\")
            || projection.contains("..")
            || projection.startsWith("."))) {
      throw new IllegalArgumentException(
          "projection must be a file name in the model directory, got [" + projection + "]");
    }
  }

  /**
   * ColBERT's defaults: no markers, 32-token queries padded with {@code [MASK]} (not attended),
   * ASCII punctuation skipped in documents, no separate projection.
   *
   * @return the defaults
   */
  public static LateInteraction defaults() {
    return new LateInteraction(
        "", "", DEFAULT_QUERY_MAX_TOKENS, "[MASK]", false, ASCII_PUNCTUATION, "");
  }

  /**
   * The tokens a marker takes.
   *
   * @param kind query or document
   * @return 1 if that kind of text gets a marker, else 0
   */
  int markerTokens(TextKind kind) {
    return (kind == TextKind.QUERY ? queryMarker : documentMarker).isEmpty() ? 0 : 1;
  }

  private static int minQueryTokens(String queryMarker) {
    return queryMarker.isEmpty() ? 2 : 3;
  }

  /**
   * Parses the {@code late_interaction} object.
   *
   * @param node the object
   * @param invalid makes the error for a key and its problem
   * @return the settings
   */
  static LateInteraction parse(
      JsonNode node, BiFunction<String, String, IllegalArgumentException> invalid) {
    String key = "late_interaction";
    if (!node.isObject()) {
      throw invalid.apply(key, "must be an object, got " + node);
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!KEYS.contains(entry.getKey())) {
        throw invalid.apply(
            key, "has unknown key [" + entry.getKey() + "], allowed keys are " + KEYS);
      }
    }
    LateInteraction d = defaults();
    String queryMarker = string(node, "query_marker", d.queryMarker(), invalid);
    JsonNode length = node.get("query_max_tokens");
    int queryMaxTokens = d.queryMaxTokens();
    if (length != null) {
      if (!length.isIntegralNumber() || !length.canConvertToInt()) {
        throw invalid.apply(key + ".query_max_tokens", "must be an integer, got " + length);
      }
      queryMaxTokens = length.intValue();
      if (queryMaxTokens < minQueryTokens(queryMarker)) {
        throw invalid.apply(
            key + ".query_max_tokens",
            "must be at least " + minQueryTokens(queryMarker) + ", got " + queryMaxTokens);
      }
    }
    JsonNode attend = node.get("attend_to_mask");
    if (attend != null && !attend.isBoolean()) {
      throw invalid.apply(key + ".attend_to_mask", "must be true or false, got " + attend);
    }
    List<String> skipList = d.skipList();
    JsonNode skip = node.get("skip_list");
    if (skip != null) {
      if (!skip.isArray()) {
        throw invalid.apply(key + ".skip_list", "must be an array of strings, got " + skip);
      }
      skipList = new ArrayList<>();
      for (JsonNode token : skip) {
        if (!token.isTextual() || token.textValue().isEmpty()) {
          throw invalid.apply(key + ".skip_list", "must hold non-empty strings, got " + token);
        }
        skipList.add(token.textValue());
      }
    }
    String mask = string(node, "mask_token", d.maskToken(), invalid);
    if (mask.isEmpty()) {
      throw invalid.apply(key + ".mask_token", "must not be empty");
    }
    String projection = string(node, "projection", d.projection(), invalid);
    try {
      return new LateInteraction(
          queryMarker,
          string(node, "document_marker", d.documentMarker(), invalid),
          queryMaxTokens,
          mask,
          attend != null ? attend.booleanValue() : d.attendToMask(),
          skipList,
          projection);
    } catch (IllegalArgumentException e) {
      throw invalid.apply(key, e.getMessage());
    }
  }

  private static String string(
      JsonNode node,
      String key,
      String defaultValue,
      BiFunction<String, String, IllegalArgumentException> invalid) {
    JsonNode value = node.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (!value.isTextual()) {
      throw invalid.apply("late_interaction." + key, "must be a string, got " + value);
    }
    return value.textValue();
  }
}
