package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelDirectoryTest {

  private static final String CONFIG =
      """
      {"dims": 4, "pooling": "mean", "max_tokens": 16, "output": "last_hidden_state"}
      """;

  @TempDir Path temp;
  private Path root;
  private ModelDirectory models;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectory(temp.resolve("models"));
    models = new ModelDirectory(root);
  }

  private static Path writeModel(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("model.onnx"), "onnx");
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    Files.writeString(dir.resolve("quiver-model.json"), CONFIG);
    return dir;
  }

  @Test
  void resolvesAValidModel() throws IOException {
    writeModel(root.resolve("my-model_1.5"));
    ModelFiles files = models.resolve("my-model_1.5");
    assertEquals("my-model_1.5", files.name());
    assertEquals(root.toRealPath().resolve("my-model_1.5"), files.directory());
    assertEquals(files.directory().resolve("model.onnx"), files.onnx());
    assertEquals(files.directory().resolve("tokenizer.json"), files.tokenizer());
    assertEquals(4, files.config().dims());
    assertEquals(Pooling.MEAN, files.config().pooling());
    assertEquals(List.of("my-model_1.5"), models.names());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x", "a/b", ".", "..", "", "a..b", "/etc", "a\\b", "Upper", "-dash", "x/../y", "é"
      })
  void rejectsNamesThatAreNotPlainModelNames(String name) throws IOException {
    writeModel(temp.resolve("x"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> models.resolve(name));
    assertTrue(
        e.getMessage().contains("model name"),
        "message should explain the name: " + e.getMessage());
  }

  @Test
  void rejectsTooLongName() {
    String name = "a".repeat(65);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> models.resolve(name));
    assertTrue(e.getMessage().contains("invalid model name [" + name + "]"), e.getMessage());
  }

  @Test
  void rejectsDirectorySymlinkEscapingTheRoot() throws IOException {
    Path outside = writeModel(temp.resolve("outside"));
    Files.createSymbolicLink(root.resolve("evil"), outside);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> models.resolve("evil"));
    assertTrue(e.getMessage().contains("model [evil]"), e.getMessage());
    assertTrue(e.getMessage().contains("outside the models root"), e.getMessage());
  }

  @Test
  void rejectsFileSymlinkEscapingTheRoot() throws IOException {
    Path outside = writeModel(temp.resolve("outside"));
    Path dir = writeModel(root.resolve("m"));
    Files.delete(dir.resolve("model.onnx"));
    Files.createSymbolicLink(dir.resolve("model.onnx"), outside.resolve("model.onnx"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> models.resolve("m"));
    assertTrue(e.getMessage().contains("model [m]"), e.getMessage());
    assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("outside the models root"), e.getMessage());
  }

  @Test
  void acceptsSymlinkThatStaysInsideTheRoot() throws IOException {
    writeModel(root.resolve("real"));
    Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
    ModelFiles files = models.resolve("alias");
    assertEquals(root.toRealPath().resolve("real"), files.directory());
  }

  @ParameterizedTest
  @ValueSource(strings = {"model.onnx", "tokenizer.json", "quiver-model.json"})
  void namesTheMissingFile(String file) throws IOException {
    Path dir = writeModel(root.resolve("m"));
    Files.delete(dir.resolve(file));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> models.resolve("m"));
    assertTrue(e.getMessage().contains("model [m] is missing file [" + file + "]"), e.getMessage());
  }

  @Test
  void namesTheMissingModel() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> models.resolve("nope"));
    assertTrue(e.getMessage().contains("model [nope] not found"), e.getMessage());
  }

  @Test
  void missingRootIsAClearError() {
    ModelDirectory missing = new ModelDirectory(temp.resolve("absent"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> missing.resolve("m"));
    assertTrue(e.getMessage().contains("not found") || e.getMessage().contains("not a directory"));
    assertEquals(List.of(), missing.names());
  }

  @Test
  void invalidConfigNamesTheFile() throws IOException {
    Path dir = writeModel(root.resolve("m"));
    Files.writeString(dir.resolve("quiver-model.json"), "{\"dims\": 4, \"colour\": 1}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> models.resolve("m"));
    assertTrue(e.getMessage().contains("quiver-model.json"), e.getMessage());
    assertTrue(e.getMessage().contains("[colour]"), e.getMessage());
  }
}
