package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find the real default model (unpacked by the build), the native cache and the
 * shared evaluation data.
 */
final class TestModels {

  private TestModels() {}

  static Path modelsRoot() {
    Path root = Path.of(property("quiver.test.modelsRoot"));
    assertTrue(
        Files.isRegularFile(root.resolve(DefaultModel.NAME).resolve(ModelFiles.ONNX_FILE)),
        "default model not unpacked under " + root + ": run the build through Maven");
    return root;
  }

  static ModelFiles defaultModel() throws IOException {
    return new ModelDirectory(modelsRoot()).resolve(DefaultModel.NAME);
  }

  /**
   * The default model's float32 export (bge-small-en-v1.5, unpacked by the build from Maven Central
   * at test scope), configured as the default model, running each text alone.
   */
  static ModelFiles fp32Model() throws IOException {
    Path root = Path.of(property("quiver.test.fp32ModelsRoot"));
    String name = property("quiver.test.fp32Model");
    assertTrue(
        Files.isRegularFile(root.resolve(name).resolve(ModelFiles.ONNX_FILE)),
        "fp32 model not unpacked under " + root + ": run the build through Maven");
    return new ModelDirectory(root).resolve(name);
  }

  /** A model's files with another batch limit in its configuration. */
  static ModelFiles withMaxBatch(ModelFiles model, int maxBatch) {
    return new ModelFiles(model.name(), model.directory(), model.config().withMaxBatch(maxBatch));
  }

  static Path nativeCache() {
    return Path.of(property("quiver.test.nativeCache"));
  }

  static EmbedderSettings settings() {
    return EmbedderSettings.of(2, nativeCache());
  }

  /**
   * The scifact-bge-small data set; a skipped test when the shared data is absent, a failed one
   * when it is required (see {@link SharedData}).
   */
  static Path scifactOrSkip() {
    return SharedData.require(
        "vectors/scifact-bge-small",
        "the comparison with the reference embeddings",
        "base.fvecs",
        "base.txt.gz");
  }

  /**
   * The BEIR SciFact test split ({@code corpus.jsonl.gz}, {@code queries.jsonl}); skipped or failed
   * like {@link #scifactOrSkip()}.
   */
  static Path scifactDatasetOrSkip() {
    return SharedData.require(
        "datasets/scifact",
        "the comparison with the independent ONNX Runtime reference",
        "corpus.jsonl.gz",
        "queries.jsonl");
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    assertTrue(value != null, "system property " + name + " is not set: run the tests with Maven");
    return value;
  }
}
