package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_DIMS;
import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Quiver's tokenizer beside another plugin's DJL HuggingFace tokenizer on one node, in both load
 * orders. The peer stand-in loads DJL's tokenizers (another DJL version, in its own class loader)
 * the way ml-commons does, and tokenizes with a tiny vocabulary it carries; Quiver tokenizes with
 * the default model. Both must tokenize correctly, each from a native library file of its own, and
 * none of the JVM-wide DJL system properties Quiver used to set ({@code ai.djl.offline}, {@code
 * RUST_LIBRARY_PATH}; the stand-in sets {@code OPT_OUT_TRACKING} itself) may be set.
 *
 * <p>The first test runs on the shared node as started: Quiver loads its library with its models at
 * node start, the stand-in on its first request. The second restarts the node with the stand-in
 * loading at node start (in its plugin constructor, before any plugin creates components), so
 * before Quiver.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DjlCoexistenceRestTest {

  private static final Duration MODEL_LOAD_TIMEOUT = Duration.ofMinutes(2);

  /** The text both plugins tokenize. */
  private static final String TEXT = "Hello, quivers world! fox";

  /**
   * The stand-in's ids for {@link #TEXT} in its ten-word vocabulary: [CLS] hello , quiver ##s world
   * ! [UNK] [SEP].
   */
  private static final List<Long> PEER_IDS = List.of(2L, 4L, 8L, 6L, 7L, 5L, 9L, 1L, 3L);

  /** Content tokens of {@link #TEXT} for the default model: hello , quiver ##s world ! fox. */
  private static final int QUIVER_CONTENT_TOKENS = 7;

  private static final String LOAD_AT_START = "quiver_qa_peer.tokenizer.load_at_start";

  @Test
  @Order(1)
  void quiverLoadsFirstThenTheStandIn() throws Exception {
    Rest rest = QaNode.rest();
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
    assertQuiverTokenizes(rest);
    JsonNode peer = peerTokenize(rest);
    assertEquals("on_request", peer.path("loaded").asText(), peer.toString());
    assertBothLoadedTheirOwn(peer);
    assertQuiverTokenizes(rest);
  }

  @Test
  @Order(2)
  void theStandInLoadsFirstAtNodeStartThenQuiver() throws Exception {
    OpenSearchNode node = QaNode.get();
    Path yml = node.home().resolve("config/opensearch.yml");
    String original = Files.readString(yml, StandardCharsets.UTF_8);
    try {
      Files.writeString(yml, original + "\n" + LOAD_AT_START + ": true\n", StandardCharsets.UTF_8);
      node.restart();
      Rest rest = QaNode.rest();
      EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, MODEL_LOAD_TIMEOUT);
      assertQuiverTokenizes(rest);
      JsonNode peer = peerTokenize(rest);
      assertEquals("at_start", peer.path("loaded").asText(), peer.toString());
      assertBothLoadedTheirOwn(peer);
    } finally {
      // later restarts come back as the other tests expect (the stand-in loading on first use)
      Files.writeString(yml, original, StandardCharsets.UTF_8);
    }
  }

  /** The stand-in's tokenization of {@link #TEXT}, with its diagnostics; fails on an error. */
  private static JsonNode peerTokenize(Rest rest) {
    Rest.Response r =
        rest.get(
            "/_plugins/_quiver_qa_peer/tokenize?text="
                + URLEncoder.encode(TEXT, StandardCharsets.UTF_8));
    assertEquals(200, r.status(), "the stand-in's DJL tokenizer failed: " + r.body());
    List<Long> ids = new ArrayList<>();
    r.body().path("ids").forEach(id -> ids.add(id.asLong()));
    assertEquals(PEER_IDS, ids, r.body().toString());
    return r.body();
  }

  /**
   * Each plugin runs its own DJL version from its own library file, and the JVM has none of the DJL
   * properties that would steer one plugin's DJL to another's library (or offline).
   */
  private static void assertBothLoadedTheirOwn(JsonNode peer) throws IOException {
    String quiverVersion = quiverDjlVersion();
    String peerVersion = peer.path("djl_tokenizers_version").asText();
    assertNotEquals(quiverVersion, peerVersion, "the stand-in must run another DJL version");

    JsonNode properties = peer.path("system_properties");
    for (String key :
        List.of("ai.djl.offline", "RUST_LIBRARY_PATH", "ENGINE_CACHE_DIR", "RUST_FLAVOR")) {
      assertTrue(properties.path(key).isNull(), key + " is set on the node: " + properties);
    }
    String peerCache = peer.path("cache_dir").asText();
    assertEquals(peerCache, properties.path("DJL_CACHE_DIR").asText(), properties.toString());

    // DJL's own loader extracted the stand-in's library into the stand-in's cache (it was not
    // steered to another file), for its own version
    List<String> files = new ArrayList<>();
    peer.path("cache_files").forEach(f -> files.add(f.asText()));
    String peerDir = "/tokenizers/" + peerVersion + "-cpu-";
    assertEquals(1, files.size(), "the stand-in's cache: " + files);
    assertTrue(
        files.get(0).startsWith(peerCache) && files.get(0).contains(peerDir),
        "the stand-in's library: " + files);
  }

  /** Quiver's tokens output for {@link #TEXT}: one unit vector per content token. */
  private static void assertQuiverTokenizes(Rest rest) {
    JsonNode simulated =
        rest.post(
                "/_ingest/pipeline/_simulate",
                """
                {"pipeline": {"processors": [
                   {"quiver_embed": {"field_map": {"body": "tokens"}, "output": "tokens"}}]},
                 "docs": [{"_source": {"body": "%s"}}]}
                """
                    .formatted(TEXT))
            .ok()
            .body();
    JsonNode tokens = simulated.at("/docs/0/doc/_source/tokens");
    assertEquals(QUIVER_CONTENT_TOKENS, tokens.size(), simulated.toString());
    for (JsonNode vector : tokens) {
      assertEquals(DEFAULT_DIMS, vector.size());
      double norm = 0;
      for (JsonNode x : vector) {
        norm += x.asDouble() * x.asDouble();
      }
      assertEquals(1.0, Math.sqrt(norm), 1e-3);
    }
  }

  /** The DJL tokenizers version Quiver ships (its jar is on this test's class path). */
  private static String quiverDjlVersion() throws IOException {
    try (InputStream in =
        DjlCoexistenceRestTest.class
            .getClassLoader()
            .getResourceAsStream("native/lib/tokenizers.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }
}
