package dev.quiver.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The token strings of a HuggingFace {@code tokenizer.json} and their ids, to find named tokens
 * (markers, the mask token, skip-list entries) that tokenizing their text would not give as one
 * token (ColBERTv2's {@code [unused0]} tokenizes as {@code [ unused ##0 ]}).
 *
 * <p>A token is looked up among the {@code added_tokens} first, then in the model's {@code vocab}:
 * an object of token to id (WordPiece, BPE, WordLevel) or an array of {@code [token, score]} pairs
 * whose index is the id (Unigram).
 */
final class TokenVocabulary {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path file;
  private final JsonNode added;
  private final JsonNode vocab;

  private TokenVocabulary(Path file, JsonNode added, JsonNode vocab) {
    this.file = file;
    this.added = added;
    this.vocab = vocab;
  }

  /**
   * Reads a tokenizer's vocabulary.
   *
   * @param tokenizerJson the {@code tokenizer.json} file
   * @return the vocabulary
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a tokenizer with a vocabulary
   */
  static TokenVocabulary read(Path tokenizerJson) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(tokenizerJson));
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "cannot read tokenizer [" + tokenizerJson + "]: " + e.getOriginalMessage(), e);
    }
    JsonNode vocab = root == null ? null : root.path("model").get("vocab");
    if (vocab == null || !(vocab.isObject() || vocab.isArray())) {
      throw new IllegalArgumentException(
          "tokenizer [" + tokenizerJson + "] has no model.vocab to look tokens up in");
    }
    return new TokenVocabulary(tokenizerJson, root.path("added_tokens"), vocab);
  }

  /**
   * The id of a token.
   *
   * @param token the token's string, exactly as the vocabulary holds it
   * @return its id, or -1 if the vocabulary has no such token
   */
  long id(String token) {
    for (JsonNode entry : added) {
      if (token.equals(entry.path("content").textValue()) && entry.path("id").canConvertToLong()) {
        return entry.path("id").longValue();
      }
    }
    if (vocab.isObject()) {
      JsonNode id = vocab.get(token);
      return id != null && id.canConvertToLong() ? id.longValue() : -1;
    }
    for (int i = 0; i < vocab.size(); i++) {
      if (token.equals(vocab.get(i).path(0).textValue())) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The id of a token that must exist.
   *
   * @param token the token
   * @param key the configuration key naming it, for the error
   * @return its id
   * @throws IllegalArgumentException if the vocabulary has no such token
   */
  long require(String token, String key) {
    long id = id(token);
    if (id < 0) {
      throw new IllegalArgumentException(
          "quiver-model.json key ["
              + key
              + "]: ["
              + token
              + "] is not a token of the tokenizer ["
              + file
              + "] (neither an added token nor in its vocabulary)");
    }
    return id;
  }
}
