package dev.quiver.qa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The node the QA tests share: one per test JVM, started on first use with Quiver and the peer
 * stand-in plugin installed and the test models ({@link BrokenModel}, {@link LateInteractionModel})
 * in its config, stopped when the JVM exits. Tests create their own indices.
 */
final class QaNode {

  private static OpenSearchNode node;

  private QaNode() {}

  static synchronized OpenSearchNode get() throws Exception {
    if (node == null) {
      OpenSearchNode n = install(Path.of(required("qa.work")));
      BrokenModel.install(n.home());
      LateInteractionModel.install(n.home());
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

  /**
   * A node installed (not started) like the QA node, with Quiver and the peer stand-in plugin, in
   * its own directory {@code workName} beside the QA node's: for benchmarks that need a node of
   * their own.
   */
  static OpenSearchNode installBeside(String workName) throws Exception {
    return install(Path.of(required("qa.work")).resolveSibling(workName));
  }

  private static OpenSearchNode install(Path work) throws Exception {
    Path artifacts = Path.of(required("qa.artifacts"));
    return OpenSearchNode.install(
        existing(artifacts.resolve("opensearch.zip")),
        List.of(
            existing(artifacts.resolve("quiver-plugin.zip")),
            existing(artifacts.resolve("quiver-qa-peer-plugin.zip"))),
        work,
        System.getProperty("qa.heap", "2g"));
  }

  static Rest rest() throws Exception {
    return new Rest(get().uri());
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
