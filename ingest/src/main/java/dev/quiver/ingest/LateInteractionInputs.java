package dev.quiver.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The token ids of a late-interaction model's {@link LateInteraction} settings, resolved against
 * its tokenizer, and what they do to a tokenized text: put the marker in ({@link #prepare}), pad
 * queries with the mask token to their fixed length, and say which positions give a token vector
 * ({@link #keeps}).
 */
final class LateInteractionInputs {

  private final long queryMarker;
  private final long documentMarker;
  private final long maskId;
  private final int queryTokens;
  private final boolean attendToMask;
  private final Set<Long> skipIds;

  LateInteractionInputs(
      long queryMarker,
      long documentMarker,
      long maskId,
      int queryTokens,
      boolean attendToMask,
      Set<Long> skipIds) {
    this.queryMarker = queryMarker;
    this.documentMarker = documentMarker;
    this.maskId = maskId;
    this.queryTokens = queryTokens;
    this.attendToMask = attendToMask;
    this.skipIds = Set.copyOf(skipIds);
  }

  /**
   * Looks the settings' tokens up in the tokenizer's vocabulary.
   *
   * @param settings the model's {@code late_interaction} settings
   * @param tokenizerJson the model's {@code tokenizer.json}
   * @return the resolved inputs
   * @throws IOException if the tokenizer cannot be read
   * @throws IllegalArgumentException if a marker or the mask token is not a token of it
   */
  static LateInteractionInputs resolve(LateInteraction settings, Path tokenizerJson)
      throws IOException {
    TokenVocabulary vocabulary = TokenVocabulary.read(tokenizerJson);
    Set<Long> skip = new HashSet<>();
    for (String token : settings.skipList()) {
      long id = vocabulary.id(token);
      if (id >= 0) {
        skip.add(id);
      }
    }
    return new LateInteractionInputs(
        settings.queryMarker().isEmpty()
            ? -1
            : vocabulary.require(settings.queryMarker(), "late_interaction.query_marker"),
        settings.documentMarker().isEmpty()
            ? -1
            : vocabulary.require(settings.documentMarker(), "late_interaction.document_marker"),
        vocabulary.require(settings.maskToken(), "late_interaction.mask_token"),
        settings.queryMaxTokens(),
        settings.attendToMask(),
        skip);
  }

  /**
   * A tokenized text as the model takes it: with the kind's marker after the first token when that
   * is a special token (else at the start), and, for a query, padded with the mask token to the
   * fixed query length. The text must have been truncated to leave room for the marker.
   *
   * @param tokens the tokenized text
   * @param kind query or document
   * @return the model input
   */
  HfTokenizer.Tokens prepare(HfTokenizer.Tokens tokens, TextKind kind) {
    long marker = kind == TextKind.QUERY ? queryMarker : documentMarker;
    int n = tokens.ids().length;
    int length = n + (marker >= 0 ? 1 : 0);
    if (kind == TextKind.QUERY) {
      length = Math.max(length, queryTokens);
    }
    long[] ids = new long[length];
    long[] mask = new long[length];
    long[] types = new long[length];
    long[] special = new long[length];
    int at = marker < 0 ? n : (n > 0 && tokens.specialTokenMask()[0] != 0 ? 1 : 0);
    copy(tokens, 0, at, ids, mask, types, special, 0);
    int next = at;
    if (marker >= 0) {
      ids[next] = marker;
      mask[next] = 1;
      types[next] = n > 0 ? tokens.typeIds()[0] : 0;
      next++;
    }
    copy(tokens, at, n, ids, mask, types, special, next);
    next += n - at;
    Arrays.fill(ids, next, length, maskId);
    Arrays.fill(mask, next, length, attendToMask ? 1 : 0);
    return new HfTokenizer.Tokens(ids, mask, types, special);
  }

  private static void copy(
      HfTokenizer.Tokens from,
      int start,
      int end,
      long[] ids,
      long[] mask,
      long[] types,
      long[] special,
      int to) {
    System.arraycopy(from.ids(), start, ids, to, end - start);
    System.arraycopy(from.attentionMask(), start, mask, to, end - start);
    System.arraycopy(from.typeIds(), start, types, to, end - start);
    System.arraycopy(from.specialTokenMask(), start, special, to, end - start);
  }

  /**
   * Whether a position of a prepared text gives a token vector: for a query every position of it
   * (special tokens, marker and mask padding included), for a document every attended position
   * whose token is not in the skip list (special tokens and marker included).
   *
   * @param batch the batch holding the text
   * @param text the text's index in the batch
   * @param position the position
   * @param kind query or document
   * @return true if the position gives a vector
   */
  boolean keeps(TokenizedBatch batch, int text, int position, TextKind kind) {
    if (kind == TextKind.QUERY) {
      return position < queryTokens;
    }
    int i = text * batch.length() + position;
    return batch.attentionMask()[i] != 0 && !skipIds.contains(batch.inputIds()[i]);
  }
}
