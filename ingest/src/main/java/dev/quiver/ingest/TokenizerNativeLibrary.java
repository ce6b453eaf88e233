package dev.quiver.ingest;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.LibUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * Loads the HuggingFace tokenizers native library of DJL without any network access.
 *
 * <p>DJL ships the library inside the {@code ai.djl.huggingface:tokenizers} jar ({@code
 * native/lib/<os>-<arch>/cpu/libtokenizers.so}). Left alone, DJL would extract it under {@code
 * ~/.djl.ai}, and on a machine with CUDA it would try to download a GPU build; it also reports
 * usage to an AWS endpoint when it runs on EC2. This class instead:
 *
 * <ol>
 *   <li>sets the system properties {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true}
 *       (unless already set), which turn off DJL downloads and telemetry;
 *   <li>copies the CPU library for this platform from the jar to {@code
 *       <cacheDir>/tokenizers/<version>-cpu-<os>-<arch>/} (atomically, reusing an identical copy);
 *   <li>points DJL at that file with the system property {@code RUST_LIBRARY_PATH} and loads it,
 *       with the thread context class loader set to the one that holds DJL (DJL looks its resources
 *       up through the context class loader).
 * </ol>
 *
 * The cache directory must be writable. If the environment variable {@code RUST_LIBRARY_PATH} is
 * set, DJL uses it and nothing is extracted. A JVM loads the library once: later calls return the
 * first location.
 */
public final class TokenizerNativeLibrary {

  private static final String RUST_LIBRARY_PATH = "RUST_LIBRARY_PATH";
  private static Path loaded;

  private TokenizerNativeLibrary() {}

  /**
   * Extracts (if needed) and loads the native library.
   *
   * @param cacheDir a writable directory for the extracted library
   * @return the loaded library file
   * @throws IOException if the library cannot be extracted
   * @throws IllegalStateException if there is no library for this platform or it fails to load
   */
  public static synchronized Path load(Path cacheDir) throws IOException {
    if (loaded != null) {
      return loaded;
    }
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("OPT_OUT_TRACKING", System.getProperty("OPT_OUT_TRACKING", "true"));
    ClassLoader djlLoader = HuggingFaceTokenizer.class.getClassLoader();
    String fromEnv = System.getenv(RUST_LIBRARY_PATH);
    Path library;
    if (fromEnv != null && !fromEnv.isEmpty()) {
      library = Path.of(fromEnv);
    } else {
      try {
        library = extract(djlLoader, cacheDir.toAbsolutePath());
      } catch (IOException e) {
        throw new IOException(
            "cannot extract the HuggingFace tokenizers native library under ["
                + cacheDir.toAbsolutePath()
                + "] (the directory must be writable): "
                + e,
            e);
      }
      System.setProperty(RUST_LIBRARY_PATH, library.toString());
    }
    withContextClassLoader(
        djlLoader,
        () -> {
          try {
            LibUtils.checkStatus();
          } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException(
                "cannot load the HuggingFace tokenizers native library [" + library + "]", e);
          }
          return null;
        });
    loaded = library;
    return library;
  }

  /**
   * Runs an action with the thread context class loader set to the given one, as DJL finds its
   * resources through the context class loader.
   *
   * @param loader the class loader
   * @param action the action
   * @param <T> the result type
   * @return the action's result
   * @throws IOException if the action throws it
   */
  static <T> T withContextClassLoader(ClassLoader loader, Callable<T> action) throws IOException {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return action.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static Path extract(ClassLoader loader, Path cacheDir) throws IOException {
    String classifier = classifier();
    String version = version(loader);
    String libName = System.mapLibraryName("tokenizers");
    List<String> files =
        classifier.startsWith("win")
            ? List.of("libwinpthread-1.dll", "libgcc_s_seh-1.dll", "libstdc++-6.dll", libName)
            : List.of(libName);
    Path dir = cacheDir.resolve("tokenizers").resolve(version + "-cpu-" + classifier);
    Files.createDirectories(dir);
    for (String file : files) {
      String resource = "native/lib/" + classifier + "/cpu/" + file;
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              "no HuggingFace tokenizers native library for platform ["
                  + classifier
                  + "]: resource ["
                  + resource
                  + "] is not in the DJL tokenizers jar");
        }
        Path target = dir.resolve(file);
        Path tmp = Files.createTempFile(dir, file, ".tmp");
        try {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          if (Files.isRegularFile(target) && Files.mismatch(tmp, target) == -1L) {
            continue;
          }
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
    }
    return dir.resolve(libName);
  }

  private static String version(ClassLoader loader) throws IOException {
    try (InputStream in = loader.getResourceAsStream("native/lib/tokenizers.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "native/lib/tokenizers.properties is not on the class path: is the DJL tokenizers jar"
                + " there?");
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version");
      if (version == null || !version.matches("[0-9A-Za-z._-]+")) {
        throw new IllegalStateException("unexpected DJL tokenizers version [" + version + "]");
      }
      return version;
    }
  }

  private static String classifier() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String prefix;
    if (os.startsWith("linux")) {
      prefix = "linux";
    } else if (os.startsWith("mac")) {
      prefix = "osx";
    } else if (os.startsWith("win")) {
      prefix = "win";
    } else {
      throw new IllegalStateException("unsupported operating system [" + os + "]");
    }
    String arch = System.getProperty("os.arch", "");
    if ("amd64".equals(arch)) {
      arch = "x86_64";
    }
    return prefix + "-" + arch;
  }
}
