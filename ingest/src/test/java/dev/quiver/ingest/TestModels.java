package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

  static Path nativeCache() {
    return Path.of(property("quiver.test.nativeCache"));
  }

  static EmbedderSettings settings() {
    return EmbedderSettings.of(2, nativeCache());
  }

  /**
   * The scifact-bge-small data set, or a skipped test when the shared data is absent. Looked up in
   * {@code <project root>/../shared} and {@code /work/shared}, or only in the directory named by
   * the system property {@code quiver.test.sharedDir} when it is set.
   */
  static Path scifactOrSkip() {
    String override = System.getProperty("quiver.test.sharedDir");
    Path projectRoot = Path.of(System.getProperty("quiver.test.projectRoot", ".."));
    List<Path> sharedDirs =
        override != null
            ? List.of(Path.of(override))
            : List.of(projectRoot.resolve("../shared"), Path.of("/work/shared"));
    for (Path shared : sharedDirs) {
      Path candidate = shared.resolve("vectors/scifact-bge-small");
      if (Files.isRegularFile(candidate.resolve("base.fvecs"))
          && Files.isRegularFile(candidate.resolve("base.txt.gz"))) {
        return candidate;
      }
    }
    assumeTrue(
        false,
        "shared evaluation data vectors/scifact-bge-small/{base.txt.gz,base.fvecs} not found in "
            + sharedDirs
            + ": skipping the comparison with the reference embeddings");
    throw new AssertionError("unreachable");
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    assertTrue(value != null, "system property " + name + " is not set: run the tests with Maven");
    return value;
  }
}
