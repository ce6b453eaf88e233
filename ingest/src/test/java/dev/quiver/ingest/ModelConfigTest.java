package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {

  private static final String GOOD =
      """
      {
        "dims": 768,
        "pooling": "mean",
        "normalize": false,
        "max_tokens": 256,
        "query_prefix": "query: ",
        "document_prefix": "passage: ",
        "output": "token_embeddings"
      }
      """;

  @TempDir Path temp;

  private IllegalArgumentException rejected(String json) {
    return assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(json, "test.json"));
  }

  @Test
  void readsAllKeysFromAFile() throws IOException {
    Path file = Files.writeString(temp.resolve("quiver-model.json"), GOOD);
    ModelConfig config = ModelConfig.read(file);
    assertEquals(
        new ModelConfig(768, Pooling.MEAN, false, 256, "query: ", "passage: ", "token_embeddings"),
        config);
    assertEquals("query: ", config.prefix(TextKind.QUERY));
    assertEquals("passage: ", config.prefix(TextKind.DOCUMENT));
  }

  @Test
  void optionalKeysHaveDefaults() {
    ModelConfig config =
        ModelConfig.parse(
            "{\"dims\": 384, \"pooling\": \"cls\", \"max_tokens\": 512, \"output\": \"x\"}", "t");
    assertTrue(config.normalize());
    assertEquals("", config.queryPrefix());
    assertEquals("", config.documentPrefix());
    assertEquals(Pooling.CLS, config.pooling());
    assertEquals(1, config.maxBatch(), "batching is off unless asked for");
  }

  @Test
  void lateInteractionIsReadWithColbertDefaults() {
    String base = "{\"dims\": 96, \"max_tokens\": 300, \"output\": \"x\"";
    ModelConfig defaults = ModelConfig.parse(base + ", \"late_interaction\": {}}", "t");
    assertTrue(defaults.isLateInteraction());
    assertEquals(LateInteraction.defaults(), defaults.lateInteraction());
    assertEquals(null, defaults.pooling(), "pooling is optional for a late-interaction model");
    assertEquals(32, defaults.lateInteraction().queryMaxTokens());
    assertEquals("[MASK]", defaults.lateInteraction().maskToken());
    assertEquals(32, defaults.lateInteraction().skipList().size(), "ASCII punctuation");
    assertFalse(defaults.lateInteraction().attendToMask());
    ModelConfig full =
        ModelConfig.parse(
            base
                + ", \"late_interaction\": {\"query_marker\": \"[unused0]\","
                + " \"document_marker\": \"[unused1]\", \"query_max_tokens\": 24,"
                + " \"mask_token\": \"[M]\", \"attend_to_mask\": true, \"skip_list\": [\".\"],"
                + " \"projection\": \"projection.safetensors\"}}",
            "t");
    assertEquals(
        new LateInteraction(
            "[unused0]", "[unused1]", 24, "[M]", true, List.of("."), "projection.safetensors"),
        full.lateInteraction());
    assertFalse(ModelConfig.parse(GOOD, "t").isLateInteraction());
  }

  @Test
  void badLateInteractionSettingsNameTheKey() {
    String base = "{\"dims\": 96, \"max_tokens\": 30, \"output\": \"x\"";
    assertTrue(
        rejected(base + ", \"late_interaction\": {\"marker\": \"[Q]\"}}")
            .getMessage()
            .contains("[test.json] key [late_interaction] has unknown key [marker]"));
    assertTrue(
        rejected(base + ", \"late_interaction\": {\"query_max_tokens\": 32}}")
            .getMessage()
            .contains("query_max_tokens (32) must not exceed max_tokens (30)"));
    assertTrue(
        rejected(base + ", \"late_interaction\": {\"query_max_tokens\": \"8\"}}")
            .getMessage()
            .contains("key [late_interaction.query_max_tokens] must be an integer"));
    assertTrue(
        rejected(base + ", \"late_interaction\": {\"skip_list\": \".,\"}}")
            .getMessage()
            .contains("key [late_interaction.skip_list] must be an array of strings"));
    assertTrue(
        rejected(base + ", \"late_interaction\": {\"projection\": \"../w.safetensors\"}}")
            .getMessage()
            .contains("projection must be a file name in the model directory"));
    assertTrue(
        rejected(base + ", \"query_prefix\": \"q: \", \"late_interaction\": {}}")
            .getMessage()
            .contains("cannot be combined with late_interaction"));
    assertTrue(
        rejected(base + ", \"late_interaction\": []}")
            .getMessage()
            .contains("key [late_interaction] must be an object"));
    assertTrue(
        rejected("{\"dims\": 96, \"max_tokens\": 30, \"output\": \"x\"}")
            .getMessage()
            .contains("key [pooling] is required"),
        "pooling stays required for a dense model");
  }

  @Test
  void batchingIsReadAndChecked() {
    String base = "{\"dims\": 4, \"pooling\": \"cls\", \"max_tokens\": 8, \"output\": \"x\"";
    assertEquals(
        16, ModelConfig.parse(base + ", \"batching\": {\"max_batch\": 16}}", "t").maxBatch());
    assertTrue(
        rejected(base + ", \"batching\": 16}")
            .getMessage()
            .contains("[test.json] key [batching] must be an object"));
    assertTrue(
        rejected(base + ", \"batching\": {\"max_batch\": 0}}")
            .getMessage()
            .contains("key [batching.max_batch] must be in [1, 256], got 0"));
    assertTrue(
        rejected(base + ", \"batching\": {\"max_batch\": \"16\"}}")
            .getMessage()
            .contains("key [batching.max_batch] must be an integer"));
    assertTrue(
        rejected(base + ", \"batching\": {\"max\": 16}}")
            .getMessage()
            .contains("key [batching] has unknown key [max]"));
  }

  @Test
  void unknownKeyIsRejectedNamingFileAndKey() throws IOException {
    Path file =
        Files.writeString(
            temp.resolve("quiver-model.json"), GOOD.replace("\"dims\"", "\"dimensions\""));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.read(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key [dimensions]"), e.getMessage());
  }

  @Test
  void badPoolingIsRejectedNamingTheKey() {
    IllegalArgumentException e = rejected(GOOD.replace("\"mean\"", "\"max\""));
    assertTrue(e.getMessage().contains("[test.json] key [pooling]"), e.getMessage());
    assertTrue(e.getMessage().contains("[max]"), e.getMessage());
    // pooling values are lower case, as written in the file
    e = rejected(GOOD.replace("\"mean\"", "\"MEAN\""));
    assertTrue(e.getMessage().contains("key [pooling]"), e.getMessage());
  }

  @Test
  void badValuesAreRejectedNamingTheKey() {
    assertTrue(rejected(GOOD.replace("768", "\"768\"")).getMessage().contains("key [dims]"));
    assertTrue(rejected(GOOD.replace("768", "0")).getMessage().contains("key [dims]"));
    assertTrue(rejected(GOOD.replace("768", "7.5")).getMessage().contains("key [dims]"));
    assertTrue(rejected(GOOD.replace("256", "-1")).getMessage().contains("key [max_tokens]"));
    assertTrue(
        rejected(GOOD.replace("false", "\"false\"")).getMessage().contains("key [normalize]"));
    assertTrue(
        rejected(GOOD.replace("\"query: \"", "3")).getMessage().contains("key [query_prefix]"));
    assertTrue(
        rejected(GOOD.replace("\"token_embeddings\"", "\"\"")).getMessage().contains("[output]"));
  }

  @Test
  void missingRequiredKeyIsNamed() {
    IllegalArgumentException e = rejected("{\"dims\": 4, \"pooling\": \"cls\", \"max_tokens\": 8}");
    assertTrue(e.getMessage().contains("key [output] is required"), e.getMessage());
  }

  @Test
  void malformedJsonIsRejected() {
    assertTrue(rejected("{\"dims\": 4,").getMessage().contains("[test.json] is not valid JSON"));
    assertTrue(rejected("[1, 2]").getMessage().contains("one JSON object"));
    assertTrue(rejected(GOOD + " {}").getMessage().contains("not valid JSON"));
    IllegalArgumentException duplicate = rejected(GOOD.replace("{", "{\"dims\": 1,"));
    assertTrue(duplicate.getMessage().contains("dims"), duplicate.getMessage());
  }

  @Test
  void defaultModelConfigIsBgeSmall() throws IOException {
    ModelConfig config = DefaultModel.config();
    assertEquals(384, config.dims());
    assertEquals(Pooling.CLS, config.pooling());
    assertTrue(config.normalize());
    assertEquals(512, config.maxTokens());
    assertEquals("last_hidden_state", config.output());
    assertEquals("Represent this sentence for searching relevant passages: ", config.queryPrefix());
    assertEquals("", config.documentPrefix());
    assertFalse(config.queryPrefix().isBlank());
    // the copy the build puts next to the unpacked model is the same file
    assertEquals(config, TestModels.defaultModel().config());
  }
}
