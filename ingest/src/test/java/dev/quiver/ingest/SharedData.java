package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared evaluation data (system property {@code qa.shared}, by default {@code ../shared}
 * beside the checkout) and what its absence means.
 *
 * <p>When {@code qa.shared.required} is {@code true} (the build sets it whenever {@code
 * -Dqa.shared} is given on the command line, as {@code .ci/run} does) a missing data set fails the
 * test, naming every missing path: CI pointed at the data must run every test that reads it.
 * Otherwise (a checkout without {@code ../shared}) the test is skipped with the same message.
 *
 * <p>Public for the real-node tests and benchmarks of {@code qa}, which read the same data through
 * this module's test jar.
 */
public final class SharedData {

  private SharedData() {}

  /**
   * The directory {@code relative} under the shared data, holding every file in {@code files}; a
   * failed or skipped test when one is missing.
   *
   * @param relative the data set's directory, relative to the shared data root
   * @param purpose what the caller measures with it, for the skip or failure message
   * @param files the files the caller reads, relative to that directory
   */
  public static Path require(String relative, String purpose, String... files) {
    return locate(
        System.getProperty("qa.shared"),
        Boolean.getBoolean("qa.shared.required"),
        relative,
        purpose,
        files);
  }

  /** {@link #require} with the system properties given: the decision, testable on its own. */
  public static Path locate(
      String root, boolean required, String relative, String purpose, String... files) {
    if (root == null || root.isBlank()) {
      if (required) {
        fail("qa.shared.required is set but qa.shared is not: cannot run " + purpose);
      }
      assumeTrue(false, "qa.shared is not set: skipping " + purpose);
    }
    Path dir = Path.of(root).resolve(relative);
    List<Path> missing = new ArrayList<>();
    if (Files.isDirectory(dir) == false) {
      missing.add(dir);
    } else {
      for (String file : files) {
        if (Files.isRegularFile(dir.resolve(file)) == false) {
          missing.add(dir.resolve(file));
        }
      }
    }
    if (missing.isEmpty()) {
      return dir;
    }
    if (required) {
      fail(
          "shared data missing "
              + missing
              + " (qa.shared="
              + root
              + " was given, so it is required): cannot run "
              + purpose);
    }
    assumeTrue(false, "shared data missing " + missing + ": skipping " + purpose);
    throw new AssertionError("unreachable");
  }
}
