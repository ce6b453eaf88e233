package dev.quiver.qa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The node the QA tests share: one per test JVM, started on first use with Quiver and the peer
 * stand-in plugin installed, stopped when the JVM exits. Tests create their own indices.
 */
final class QaNode {

  private static OpenSearchNode node;

  private QaNode() {}

  static synchronized OpenSearchNode get() throws Exception {
    if (node == null) {
      Path artifacts = Path.of(required("qa.artifacts"));
      Path work = Path.of(required("qa.work"));
      OpenSearchNode n =
          OpenSearchNode.install(
              existing(artifacts.resolve("opensearch.zip")),
              List.of(
                  existing(artifacts.resolve("quiver-plugin.zip")),
                  existing(artifacts.resolve("quiver-qa-peer-plugin.zip"))),
              work,
              "2g");
      addBrokenModel(n.home());
      // Two inference threads (the default is half the cores, one on CI's two): SciFact ingest
      // through the embedding pipeline then fits the CI budget.
      Files.writeString(
          n.home().resolve("config/opensearch.yml"),
          "\nplugins.quiver.inference.size: 2\n",
          java.nio.charset.StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      n.start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      n.stop();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      node = n;
    }
    return node;
  }

  /** A model the node cannot load: it must be reported, and must not stop the node. */
  static final String BROKEN_MODEL = "broken-model";

  private static void addBrokenModel(Path home) throws java.io.IOException {
    Path dir = home.resolve("config/quiver/models").resolve(BROKEN_MODEL);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("quiver-model.json"), "{\"dims\": 8, \"pooling\": \"cls\"}");
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    Files.writeString(dir.resolve("model.onnx"), "not an onnx file");
  }

  static Rest rest() throws Exception {
    return new Rest(get().uri());
  }

  /** The shared data directory beside the checkout, or null when it is absent. */
  static Path shared() {
    String s = System.getProperty("qa.shared");
    if (s == null) {
      return null;
    }
    Path p = Path.of(s);
    return Files.isDirectory(p) ? p : null;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "system property [" + property + "] is not set (run via Maven)");
    }
    return value;
  }

  private static Path existing(Path p) {
    if (Files.isRegularFile(p) == false) {
      throw new IllegalStateException("missing " + p + " (run `mvn verify` from the project root)");
    }
    return p;
  }
}
