package dev.quiver.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The models root directory: model {@code <name>} lives in {@code <root>/<name>/} with {@code
 * model.onnx}, {@code tokenizer.json} and {@code quiver-model.json}.
 *
 * <p>Model names are checked ({@value #NAME_PATTERN_TEXT}, no {@code ..}) and every resolved real
 * path, after following symbolic links, must stay inside the real root, so a name or a link cannot
 * reach files elsewhere on the node.
 */
public final class ModelDirectory {

  /** The pattern model names must match. */
  public static final String NAME_PATTERN_TEXT = "[a-z0-9][a-z0-9._-]{0,63}";

  private static final Pattern NAME_PATTERN = Pattern.compile(NAME_PATTERN_TEXT);
  private static final List<String> REQUIRED_FILES =
      List.of(ModelFiles.ONNX_FILE, ModelFiles.TOKENIZER_FILE, ModelConfig.FILE_NAME);

  private final Path root;

  /**
   * A models root.
   *
   * @param root the directory holding one sub-directory per model; it need not exist yet
   */
  public ModelDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * The models root as given (absolute, normalized).
   *
   * @return the root directory
   */
  public Path root() {
    return root;
  }

  /**
   * Checks a model name.
   *
   * @param name the name
   * @return the name
   * @throws IllegalArgumentException if the name is not a plain model name
   */
  public static String validateName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("model name must not be empty");
    }
    if (!NAME_PATTERN.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException(
          "invalid model name ["
              + name
              + "]: must match "
              + NAME_PATTERN_TEXT
              + " and must not contain [..] or path separators");
    }
    return name;
  }

  /**
   * Finds a model, checks its files and reads its configuration.
   *
   * @param name the model name
   * @return the model's files
   * @throws IllegalArgumentException if the name is invalid, the model or one of its files is
   *     missing, a path leaves the models root, or the configuration is invalid
   * @throws IOException if a file cannot be read
   */
  public ModelFiles resolve(String name) throws IOException {
    validateName(name);
    Path realRoot = realRoot();
    Path candidate = root.resolve(name);
    if (!Files.isDirectory(candidate)) {
      throw new IllegalArgumentException(
          "model [" + name + "] not found: no directory [" + candidate + "]");
    }
    Path directory = insideRoot(name, candidate, realRoot);
    for (String file : REQUIRED_FILES) {
      checkFile(name, directory, file, realRoot);
    }
    ModelConfig config = ModelConfig.read(directory.resolve(ModelConfig.FILE_NAME));
    ModelFiles files = new ModelFiles(name, directory, config);
    if (files.projection() != null) {
      checkFile(name, directory, files.projection().getFileName().toString(), realRoot);
    }
    return files;
  }

  /**
   * The names of the sub-directories of the root that are valid model names, sorted. Does not check
   * their files.
   *
   * @return model names; empty if the root does not exist
   */
  public List<String> names() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(root)) {
      List<String> names = new ArrayList<>();
      children
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> NAME_PATTERN.matcher(n).matches() && !n.contains(".."))
          .sorted()
          .forEach(names::add);
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list models root [" + root + "]", e);
    }
  }

  /** Checks that a file of the model exists, is a regular file and stays inside the root. */
  private static void checkFile(String name, Path directory, String file, Path realRoot)
      throws IOException {
    Path path = directory.resolve(file);
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(
          "model [" + name + "] is missing file [" + file + "] in [" + directory + "]");
    }
    Path real = insideRoot(name, path, realRoot);
    if (!Files.isRegularFile(real)) {
      throw new IllegalArgumentException(
          "model [" + name + "] file [" + file + "] is not a regular file: [" + path + "]");
    }
  }

  private Path realRoot() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("models root [" + root + "] is not a directory");
    }
    return root.toRealPath();
  }

  private static Path insideRoot(String name, Path path, Path realRoot) throws IOException {
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "model [" + name + "]: [" + path + "] is a link to a missing file", e);
    }
    if (!real.startsWith(realRoot) || real.equals(realRoot)) {
      throw new IllegalArgumentException(
          "model ["
              + name
              + "]: ["
              + path
              + "] resolves to ["
              + real
              + "], outside the models root ["
              + realRoot
              + "]");
    }
    return real;
  }
}
