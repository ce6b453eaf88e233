package dev.quiver.plugin.mapper;

import java.io.IOException;
import java.util.Map;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * The {@code chunking} of a {@code quiver_semantic} field: how a text is cut before embedding.
 *
 * <pre>
 * "chunking": {"max_tokens": 256, "overlap_tokens": 32}
 * "chunking": false
 * </pre>
 *
 * <p>{@code false} embeds only the first {@code max_tokens} tokens of the text (one vector per
 * document). Both numbers are written out when the field is created; {@code max_tokens} defaults to
 * the smaller of {@value #DEFAULT_MAX_TOKENS} and the model's own {@code max_tokens}, {@code
 * overlap_tokens} to {@value #DEFAULT_OVERLAP_TOKENS} (at most half of {@code max_tokens}).
 *
 * @param enabled false when the text is embedded as one truncated chunk
 * @param maxTokens the most tokens of a chunk; {@code -1} until resolved against the model
 * @param overlapTokens tokens a chunk shares with the previous one; {@code -1} until resolved
 */
public record SemanticChunking(boolean enabled, int maxTokens, int overlapTokens) {

  public static final int DEFAULT_MAX_TOKENS = 256;
  public static final int DEFAULT_OVERLAP_TOKENS = 32;

  /** What a mapping that says nothing gets, before the model is known. */
  public static final SemanticChunking UNRESOLVED = new SemanticChunking(true, -1, -1);

  /** The chunking with its defaults filled in for a model of {@code modelMaxTokens} tokens. */
  public SemanticChunking resolve(String field, int modelMaxTokens) {
    int max = maxTokens < 0 ? Math.min(DEFAULT_MAX_TOKENS, modelMaxTokens) : maxTokens;
    if (max > modelMaxTokens) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: [chunking.max_tokens] must be at most the model's max_tokens ["
              + modelMaxTokens
              + "], got ["
              + max
              + "]");
    }
    int overlap = overlapTokens < 0 ? Math.min(DEFAULT_OVERLAP_TOKENS, max / 2) : overlapTokens;
    if (overlap > max / 2) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: [chunking.overlap_tokens] must be at most half of max_tokens ["
              + max
              + "], got ["
              + overlap
              + "]");
    }
    return new SemanticChunking(enabled, max, overlap);
  }

  /** Parses {@code false} or {@code {"max_tokens": N, "overlap_tokens": M}}. */
  public static SemanticChunking parse(String field, Object node) {
    if (Boolean.FALSE.equals(node) || "false".equals(node)) {
      return new SemanticChunking(false, -1, 0);
    }
    if (Boolean.TRUE.equals(node) || "true".equals(node)) {
      return UNRESOLVED;
    }
    if (!(node instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: [chunking] must be false or an object with [max_tokens] and"
              + " [overlap_tokens], got ["
              + node
              + "]");
    }
    boolean enabled = true;
    int max = -1;
    int overlap = -1;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      switch (key) {
        case "enabled" -> enabled = Boolean.parseBoolean(String.valueOf(e.getValue()));
        case "max_tokens" ->
            max = MappingIntegers.inRange(field, "chunking.max_tokens", e.getValue(), 8, 65536);
        case "overlap_tokens" ->
            overlap =
                MappingIntegers.inRange(field, "chunking.overlap_tokens", e.getValue(), 0, 32768);
        default ->
            throw new IllegalArgumentException(
                "field ["
                    + field
                    + "]: unknown [chunking] option ["
                    + key
                    + "]; known: [max_tokens, overlap_tokens]");
      }
    }
    return new SemanticChunking(enabled, max, enabled ? overlap : 0);
  }

  /** Writes the chunking under {@code name}: {@code false} or the object. */
  public XContentBuilder toXContent(XContentBuilder b, String name) throws IOException {
    b.startObject(name);
    b.field("enabled", enabled);
    b.field("max_tokens", maxTokens);
    b.field("overlap_tokens", overlapTokens);
    return b.endObject();
  }

  /** The part of the state hash that depends on the chunking. */
  @Override
  public String toString() {
    return enabled ? "chunks(" + maxTokens + "," + overlapTokens + ")" : "first(" + maxTokens + ")";
  }
}
