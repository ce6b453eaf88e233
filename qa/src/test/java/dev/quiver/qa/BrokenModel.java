package dev.quiver.qa;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A model the node cannot load, installed in the node's {@code config/quiver/models/}: its {@code
 * quiver-model.json} and {@code tokenizer.json} are valid (the default model's), its {@code
 * model.onnx} is the default model's cut short, so loading gets as far as ONNX Runtime and fails
 * there. It must be reported, and must not stop the node.
 */
final class BrokenModel {

  static final String NAME = "broken-model";

  /** Bytes of the real model kept: a protobuf cut in the middle of its graph. */
  static final int ONNX_BYTES_KEPT = 64 * 1024;

  private BrokenModel() {}

  /** Installs the model in the unpacked, not yet started, node at {@code home}. */
  static void install(Path home) throws IOException {
    Path source = defaultModelDir(home);
    Path dir = home.resolve("config/quiver/models").resolve(NAME);
    Files.createDirectories(dir);
    Files.copy(source.resolve("quiver-model.json"), dir.resolve("quiver-model.json"));
    Files.copy(source.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    try (InputStream in = Files.newInputStream(source.resolve("model.onnx"))) {
      Files.write(dir.resolve("model.onnx"), in.readNBytes(ONNX_BYTES_KEPT));
    }
  }

  /** The default model as the plugin zip installed it: {@code plugins/<plugin>/models/<name>/}. */
  private static Path defaultModelDir(Path home) throws IOException {
    try (Stream<Path> plugins = Files.list(home.resolve("plugins"))) {
      return plugins
          .map(p -> p.resolve("models").resolve(EmbedModels.DEFAULT_MODEL))
          .filter(p -> Files.isRegularFile(p.resolve("model.onnx")))
          .findFirst()
          .orElseThrow(
              () ->
                  new UncheckedIOException(
                      new IOException(
                          "no plugin under "
                              + home.resolve("plugins")
                              + " ships the default model")));
    }
  }
}
