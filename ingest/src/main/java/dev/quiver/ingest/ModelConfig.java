package dev.quiver.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to use a model's output, read from its {@code quiver-model.json}.
 *
 * <p>The file is one JSON object with these keys:
 *
 * <ul>
 *   <li>{@code dims} (required, integer 1..65536): size of the embedding vectors;
 *   <li>{@code pooling} ({@code cls} or {@code mean}; required unless {@code late_interaction} is
 *       set): how token vectors are pooled;
 *   <li>{@code max_tokens} (required, integer 1..65536): the most tokens the model is run on,
 *       special tokens included; longer texts are truncated to it, or cut into chunks of at most
 *       this many tokens (see {@link LongText});
 *   <li>{@code output} (required, string): the ONNX output to read, {@code [batch, tokens, dims]}
 *       (for example {@code last_hidden_state}) or already pooled {@code [batch, dims]} (for
 *       example {@code sentence_embedding});
 *   <li>{@code normalize} (optional boolean, default {@code true}): L2-normalize embeddings;
 *   <li>{@code query_prefix}, {@code document_prefix} (optional strings, default empty): put in
 *       front of queries and documents;
 *   <li>{@code batching} (optional object, default off): {@code {"max_batch": N}} (integer
 *       1..{@value #MAX_BATCH}) lets up to N texts of similar token length share one model run,
 *       padded to the longest of them and masked. Only for models whose output for a text does not
 *       depend on its batch mates: float (fp32/fp16) exports, not dynamically quantized int8 ones
 *       such as the default model, which quantize activations with one range per run. The model
 *       must take an {@code attention_mask} input;
 *   <li>{@code late_interaction} (optional object, default absent): makes the model a
 *       late-interaction (ColBERT-style) model, which gives token vectors only, for documents and
 *       queries, with the markers, query augmentation, skip list and projection head described in
 *       {@link LateInteraction} ({@code {}} takes ColBERT's defaults). Cannot be combined with
 *       {@code query_prefix} or {@code document_prefix} (the markers take their place). With a
 *       {@code projection}, {@code dims} is the projection's output size.
 * </ul>
 *
 * Any other key, a duplicated key or a value of the wrong type is an error.
 *
 * @param dims size of the embedding vectors
 * @param pooling how token vectors are pooled into one vector
 * @param normalize whether embeddings are L2-normalized
 * @param maxTokens maximum number of tokens per text, special tokens included
 * @param queryPrefix text put in front of queries
 * @param documentPrefix text put in front of documents
 * @param output name of the ONNX output holding token vectors or pooled vectors
 * @param maxBatch the most texts per model run (1: each text runs alone)
 * @param lateInteraction the late-interaction settings, null for an ordinary (dense) model
 */
public record ModelConfig(
    int dims,
    Pooling pooling,
    boolean normalize,
    int maxTokens,
    String queryPrefix,
    String documentPrefix,
    String output,
    int maxBatch,
    LateInteraction lateInteraction) {

  /** The file name of a model's configuration inside its directory. */
  public static final String FILE_NAME = "quiver-model.json";

  /** The largest {@code batching.max_batch}. */
  public static final int MAX_BATCH = 256;

  private static final int MAX_SIZE = 65536;
  private static final Set<String> KEYS =
      Set.of(
          "dims",
          "pooling",
          "normalize",
          "max_tokens",
          "query_prefix",
          "document_prefix",
          "output",
          "batching",
          "late_interaction");
  private static final Set<String> BATCHING_KEYS = Set.of("max_batch");
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Checks the values. */
  public ModelConfig {
    if (lateInteraction == null) {
      Objects.requireNonNull(pooling, "pooling");
    }
    Objects.requireNonNull(queryPrefix, "queryPrefix");
    Objects.requireNonNull(documentPrefix, "documentPrefix");
    Objects.requireNonNull(output, "output");
    if (dims < 1 || dims > MAX_SIZE) {
      throw new IllegalArgumentException("dims must be in [1, " + MAX_SIZE + "], got " + dims);
    }
    if (maxTokens < 1 || maxTokens > MAX_SIZE) {
      throw new IllegalArgumentException(
          "max_tokens must be in [1, " + MAX_SIZE + "], got " + maxTokens);
    }
    if (output.isBlank()) {
      throw new IllegalArgumentException("output must not be empty");
    }
    if (maxBatch < 1 || maxBatch > MAX_BATCH) {
      throw new IllegalArgumentException(
          "max_batch must be in [1, " + MAX_BATCH + "], got " + maxBatch);
    }
    if (lateInteraction != null) {
      checkLateInteraction(lateInteraction, maxTokens, queryPrefix, documentPrefix);
    }
  }

  private static void checkLateInteraction(
      LateInteraction late, int maxTokens, String queryPrefix, String documentPrefix) {
    if (!queryPrefix.isEmpty() || !documentPrefix.isEmpty()) {
      throw new IllegalArgumentException(
          "query_prefix and document_prefix cannot be combined with late_interaction: use its"
              + " query_marker and document_marker");
    }
    if (late.queryMaxTokens() > maxTokens) {
      throw new IllegalArgumentException(
          "late_interaction.query_max_tokens ("
              + late.queryMaxTokens()
              + ") must not exceed max_tokens ("
              + maxTokens
              + ")");
    }
    if (maxTokens - late.markerTokens(TextKind.DOCUMENT) < 2) {
      throw new IllegalArgumentException(
          "max_tokens " + maxTokens + " leaves no room for the document marker and special tokens");
    }
  }

  /**
   * Whether this is a late-interaction model ({@link #lateInteraction()} set): it gives token
   * vectors only.
   *
   * @return true for a late-interaction model
   */
  public boolean isLateInteraction() {
    return lateInteraction != null;
  }

  /**
   * A configuration that runs each text alone.
   *
   * @param dims size of the embedding vectors
   * @param pooling how token vectors are pooled into one vector
   * @param normalize whether embeddings are L2-normalized
   * @param maxTokens maximum number of tokens per text, special tokens included
   * @param queryPrefix text put in front of queries
   * @param documentPrefix text put in front of documents
   * @param output name of the ONNX output
   */
  public ModelConfig(
      int dims,
      Pooling pooling,
      boolean normalize,
      int maxTokens,
      String queryPrefix,
      String documentPrefix,
      String output) {
    this(dims, pooling, normalize, maxTokens, queryPrefix, documentPrefix, output, 1, null);
  }

  /**
   * This configuration with another batch limit.
   *
   * @param maxBatch the most texts per model run
   * @return the new configuration
   */
  public ModelConfig withMaxBatch(int maxBatch) {
    return new ModelConfig(
        dims,
        pooling,
        normalize,
        maxTokens,
        queryPrefix,
        documentPrefix,
        output,
        maxBatch,
        lateInteraction);
  }

  /**
   * Reads a {@code quiver-model.json} file.
   *
   * @param file the file
   * @return the configuration
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the content is invalid; the message names the file and the
   *     key
   */
  public static ModelConfig read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Reads a configuration from a stream (for example a classpath resource).
   *
   * @param in the UTF-8 JSON content; not closed
   * @param source what the content is, used in error messages
   * @return the configuration
   * @throws IOException if the stream cannot be read
   * @throws IllegalArgumentException if the content is invalid
   */
  public static ModelConfig read(InputStream in, String source) throws IOException {
    return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), source);
  }

  /**
   * Parses configuration JSON.
   *
   * @param json the JSON text
   * @param source what the text is (usually a file path), used in error messages
   * @return the configuration
   * @throws IllegalArgumentException if the content is invalid; the message names the source and
   *     the key
   */
  public static ModelConfig parse(String json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "[" + source + "] is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("[" + source + "] must contain one JSON object");
    }
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      String key = entry.getKey();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "[" + source + "] has unknown key [" + key + "], allowed keys are " + KEYS);
      }
    }
    Fields fields = new Fields(root, source);
    JsonNode lateNode = root.get("late_interaction");
    LateInteraction late =
        lateNode == null ? null : LateInteraction.parse(lateNode, fields::invalid);
    Pooling pooling = null;
    if (late == null || root.get("pooling") != null) {
      String poolingValue = fields.requiredString("pooling");
      try {
        pooling = Pooling.fromConfigValue(poolingValue);
      } catch (IllegalArgumentException e) {
        throw fields.invalid("pooling", e.getMessage());
      }
    }
    int dims = fields.requiredSize("dims");
    int maxTokens = fields.requiredSize("max_tokens");
    String output = fields.requiredString("output");
    if (output.isBlank()) {
      throw fields.invalid("output", "must not be empty");
    }
    boolean normalize = fields.optionalBoolean("normalize", true);
    String queryPrefix = fields.optionalString("query_prefix", "");
    String documentPrefix = fields.optionalString("document_prefix", "");
    int maxBatch = fields.maxBatch();
    try {
      return new ModelConfig(
          dims, pooling, normalize, maxTokens, queryPrefix, documentPrefix, output, maxBatch, late);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("[" + source + "] " + e.getMessage(), e);
    }
  }

  /**
   * The prefix for a kind of text.
   *
   * @param kind query or document
   * @return {@link #queryPrefix()} or {@link #documentPrefix()}
   */
  public String prefix(TextKind kind) {
    return kind == TextKind.QUERY ? queryPrefix : documentPrefix;
  }

  /** Typed access to the keys of the parsed object, with errors naming the source and key. */
  private record Fields(JsonNode root, String source) {

    IllegalArgumentException invalid(String key, String problem) {
      return new IllegalArgumentException("[" + source + "] key [" + key + "] " + problem);
    }

    JsonNode required(String key) {
      JsonNode node = root.get(key);
      if (node == null || node.isNull()) {
        throw invalid(key, "is required");
      }
      return node;
    }

    String requiredString(String key) {
      JsonNode node = required(key);
      if (!node.isTextual()) {
        throw invalid(key, "must be a string, got " + node);
      }
      return node.textValue();
    }

    int requiredSize(String key) {
      JsonNode node = required(key);
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        throw invalid(key, "must be an integer, got " + node);
      }
      int value = node.intValue();
      if (value < 1 || value > MAX_SIZE) {
        throw invalid(key, "must be in [1, " + MAX_SIZE + "], got " + value);
      }
      return value;
    }

    boolean optionalBoolean(String key, boolean defaultValue) {
      JsonNode node = root.get(key);
      if (node == null) {
        return defaultValue;
      }
      if (!node.isBoolean()) {
        throw invalid(key, "must be true or false, got " + node);
      }
      return node.booleanValue();
    }

    int maxBatch() {
      JsonNode batching = root.get("batching");
      if (batching == null) {
        return 1;
      }
      if (!batching.isObject()) {
        throw invalid("batching", "must be an object such as {\"max_batch\": 16}, got " + batching);
      }
      for (Map.Entry<String, JsonNode> entry : batching.properties()) {
        if (!BATCHING_KEYS.contains(entry.getKey())) {
          throw invalid(
              "batching",
              "has unknown key [" + entry.getKey() + "], allowed keys are " + BATCHING_KEYS);
        }
      }
      JsonNode max = batching.get("max_batch");
      if (max == null || !max.isIntegralNumber() || !max.canConvertToInt()) {
        throw invalid("batching.max_batch", "must be an integer, got " + max);
      }
      if (max.intValue() < 1 || max.intValue() > MAX_BATCH) {
        throw invalid(
            "batching.max_batch", "must be in [1, " + MAX_BATCH + "], got " + max.intValue());
      }
      return max.intValue();
    }

    String optionalString(String key, String defaultValue) {
      JsonNode node = root.get(key);
      if (node == null) {
        return defaultValue;
      }
      if (!node.isTextual()) {
        throw invalid(key, "must be a string, got " + node);
      }
      return node.textValue();
    }
  }
}
