package dev.quiver.qa;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real OpenSearch node from the stock distribution zip, with plugin zips installed by {@code
 * bin/opensearch-plugin}, listening on free loopback ports. OpenSearch refuses to run as root, so
 * this must run as an unprivileged user (as {@code .ci/run} arranges).
 */
final class OpenSearchNode implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final Path home;
  private final Path data;
  private final Path logs;
  private final String javaHome;
  private final String heap;
  private final List<String> settings;
  private Process process;
  private int httpPort;
  private int transportPort;

  private OpenSearchNode(Path home, Path work, String heap, List<String> settings) {
    this.home = home;
    this.data = work.resolve("data");
    this.logs = work.resolve("logs");
    this.javaHome = System.getProperty("java.home");
    this.heap = heap;
    this.settings = List.copyOf(settings);
  }

  /**
   * Another node (its own cluster) on the installation of {@code installed}, with its own data and
   * logs under {@code work} and extra {@code -E} settings ({@code key=value}).
   */
  static OpenSearchNode alongside(
      OpenSearchNode installed, Path work, String heap, List<String> settings) throws IOException {
    deleteRecursively(work);
    return new OpenSearchNode(installed.home, work, heap, settings);
  }

  /** Unpacks the distribution into {@code work} and installs the plugins. */
  static OpenSearchNode install(Path distributionZip, List<Path> pluginZips, Path work, String heap)
      throws IOException, InterruptedException {
    if ("root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException(
          "OpenSearch refuses to run as root: run the tests as an unprivileged user (.ci/run does)");
    }
    deleteRecursively(work);
    Path home = unzip(distributionZip, work.resolve("dist"));
    OpenSearchNode node = new OpenSearchNode(home, work, heap, List.of());
    for (Path plugin : pluginZips) {
      node.run(
          List.of(
              home.resolve("bin/opensearch-plugin").toString(),
              "install",
              "--batch",
              plugin.toUri().toString()),
          Duration.ofMinutes(3));
    }
    return node;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  Path home() {
    return home;
  }

  /** Starts the node on free ports and waits until its HTTP port answers. */
  synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    if (httpPort == 0) {
      // Chosen once: a restart comes back on the same address, as a real node would.
      httpPort = freePort();
      transportPort = freePort();
    }
    Files.createDirectories(logs);
    ProcessBuilder pb =
        new ProcessBuilder(
            home.resolve("bin/opensearch").toString(),
            "-E",
            "cluster.name=quiver-qa",
            "-E",
            "node.name=qa-0",
            "-E",
            "discovery.type=single-node",
            "-E",
            "network.host=127.0.0.1",
            "-E",
            "http.port=" + httpPort,
            "-E",
            "transport.port=" + transportPort,
            "-E",
            "path.data=" + data,
            "-E",
            "path.logs=" + logs,
            "-E",
            "cluster.routing.allocation.disk.threshold_enabled=false");
    for (String setting : settings) {
      pb.command().add("-E");
      pb.command().add(setting);
    }
    environment(pb.environment());
    pb.redirectErrorStream(true);
    pb.redirectOutput(logs.resolve("console.log").toFile());
    process = pb.start();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    Rest rest = new Rest(uri());
    while (Instant.now().isBefore(deadline)) {
      if (process.isAlive() == false) {
        throw new IllegalStateException(
            "OpenSearch exited with " + process.exitValue() + " while starting:\n" + consoleTail());
      }
      if (rest.isUp()) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "OpenSearch did not start in " + START_TIMEOUT + "\n" + consoleTail());
  }

  /** Stops the node (SIGTERM, then forcibly) and waits for it to exit. */
  synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS) == false) {
      process.destroyForcibly().waitFor();
    }
    process = null;
  }

  /** Stops and starts the node on the same data directory. */
  void restart() throws IOException, InterruptedException {
    stop();
    start();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  String consoleTail() {
    try {
      List<String> lines = Files.readAllLines(logs.resolve("console.log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no console log: " + e + ")";
    }
  }

  private void environment(Map<String, String> env) {
    env.put("OPENSEARCH_JAVA_HOME", javaHome);
    env.put("JAVA_HOME", javaHome);
    env.put("OPENSEARCH_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap);
  }

  private void run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    environment(pb.environment());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (p.waitFor(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS) == false) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          command
              + " exited with "
              + p.exitValue()
              + ":\n"
              + new String(out, StandardCharsets.UTF_8));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Unzips, keeping the executable bit for launch scripts, and returns the single top directory.
   */
  private static Path unzip(Path zip, Path target) throws IOException {
    Files.createDirectories(target);
    List<Path> tops = new ArrayList<>();
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream zin = new ZipInputStream(in)) {
      ZipEntry entry;
      while ((entry = zin.getNextEntry()) != null) {
        Path out = target.resolve(entry.getName()).normalize();
        if (out.startsWith(target) == false) {
          throw new IOException("zip entry outside target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        Files.copy(zin, out);
        String parent = out.getParent().getFileName().toString();
        if (parent.equals("bin") || out.toString().contains("/bin/")) {
          Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
    try (Stream<Path> children = Files.list(target)) {
      children.filter(Files::isDirectory).forEach(tops::add);
    }
    if (tops.size() != 1) {
      throw new IOException("expected one top directory in " + zip + ", found " + tops);
    }
    return tops.get(0);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir) == false) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
