package dev.quiver.ingest;

import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Loads the HuggingFace tokenizers native library of DJL into Quiver's own class loader, from a
 * file of Quiver's own, without reading or setting anything the whole JVM shares: no system
 * property, no environment variable, no {@code ~/.djl.ai}, no network.
 *
 * <h2>Why not DJL's own loader</h2>
 *
 * Other plugins of a node load DJL too, each in its own plugin class loader: ml-commons (which
 * neural-search needs) loads DJL's HuggingFace tokenizers. DJL's loader, the static initializer of
 * {@code ai.djl.huggingface.tokenizers.jni.LibUtils} (DJL 0.38.0), is configured JVM-wide: it reads
 * {@code RUST_LIBRARY_PATH}, {@code ENGINE_CACHE_DIR}, {@code DJL_CACHE_DIR}, {@code RUST_FLAVOR}
 * and {@code ai.djl.offline} as environment variables or system properties; without {@code
 * RUST_LIBRARY_PATH} it extracts the library into a cache shared by every DJL of the JVM ({@code
 * <DJL_CACHE_DIR or ~/.djl.ai>/tokenizers/<version>-<flavor>-<os>-<arch>/}), may download a CUDA
 * build, and then calls {@code System.load} on that file. The JVM binds a native library file to
 * the first class loader that loads it; another class loader loading the same file gets {@code
 * UnsatisfiedLinkError: Native Library ... already loaded in another classloader} (an {@code Error}
 * that {@code LibUtils} does not catch, so its class fails to initialize for good). Hence a plugin
 * that sets {@code RUST_LIBRARY_PATH} makes every later DJL in the node load that plugin's file and
 * fail, and two plugins with the same DJL version and cache directory collide. {@code
 * HuggingFaceTokenizer}'s factories also call DJL's telemetry ({@code Ec2Utils.callHome}, an HTTP
 * call to the EC2 metadata endpoint) unless the JVM-wide {@code ai.djl.offline} or {@code
 * OPT_OUT_TRACKING} are set.
 *
 * <h2>How Quiver loads it</h2>
 *
 * JNI looks the native methods of a class up in the libraries loaded by that class's class loader,
 * whichever class of that loader called {@code System.load}. So:
 *
 * <ol>
 *   <li>{@link #load} copies the CPU library of this platform from the DJL tokenizers jar on
 *       Quiver's class path ({@code native/lib/<os>-<arch>/cpu/}) to {@code
 *       <cacheDir>/tokenizers/<version>-cpu-<os>-<arch>/}, atomically, reusing an identical copy.
 *       The plugin passes a directory no other plugin uses ({@code quiver-native/} in the node's
 *       temporary directory), so the file's path is Quiver's alone.
 *   <li>It calls {@code System.load} on that file from this class, which must share its class
 *       loader with DJL's {@link TokenizersLibrary} (checked): the library is bound to Quiver's
 *       class loader, and {@code TokenizersLibrary}'s native methods resolve to it.
 *   <li>Quiver never initializes {@code LibUtils}: {@link NativeTokenizer} calls {@link
 *       TokenizersLibrary} directly instead of {@code HuggingFaceTokenizer.newInstance}, the entry
 *       that runs {@code LibUtils}' lookup and the telemetry call ({@code TokenizersLibrary} itself
 *       has no static initialization).
 * </ol>
 *
 * Another plugin's DJL, of any version, then loads its own copy into its own class loader from its
 * own path, before or after Quiver, configured by whatever properties it sets. Only the standard
 * {@code os.name} and {@code os.arch} are read. The cache directory must be writable. A class
 * loader loads the library once: later calls return the first location.
 */
public final class TokenizerNativeLibrary {

  private static Path loaded;

  private TokenizerNativeLibrary() {}

  /**
   * Extracts (if needed) and loads the native library into this class's class loader.
   *
   * @param cacheDir a writable directory for the extracted library, used by nothing else
   * @return the loaded library file
   * @throws IOException if the library cannot be extracted
   * @throws IllegalStateException if there is no library for this platform, DJL is in another class
   *     loader, or the library fails to load
   */
  public static synchronized Path load(Path cacheDir) throws IOException {
    if (loaded != null) {
      return loaded;
    }
    ClassLoader djlLoader = TokenizersLibrary.class.getClassLoader();
    if (djlLoader != TokenizerNativeLibrary.class.getClassLoader()) {
      throw new IllegalStateException(
          "DJL's TokenizersLibrary is in class loader ["
              + djlLoader
              + "], not Quiver's ["
              + TokenizerNativeLibrary.class.getClassLoader()
              + "]: the native library would be bound to the wrong class loader");
    }
    Path library;
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
    for (Path file : libraryFiles(library.getParent())) {
      try {
        System.load(file.toString()); // binds the library to this class's loader
      } catch (UnsatisfiedLinkError e) {
        throw new IllegalStateException(
            "cannot load the HuggingFace tokenizers native library [" + file + "]: " + e, e);
      }
    }
    loaded = library;
    return library;
  }

  /** The files to load, in order (on Windows the library's own dependencies first). */
  private static List<Path> libraryFiles(Path dir) {
    return fileNames().stream().map(dir::resolve).toList();
  }

  private static List<String> fileNames() {
    String libName = System.mapLibraryName("tokenizers");
    return classifier().startsWith("win")
        ? List.of("libwinpthread-1.dll", "libgcc_s_seh-1.dll", "libstdc++-6.dll", libName)
        : List.of(libName);
  }

  private static Path extract(ClassLoader loader, Path cacheDir) throws IOException {
    String classifier = classifier();
    String version = version(loader);
    Path dir = cacheDir.resolve("tokenizers").resolve(version + "-cpu-" + classifier);
    Files.createDirectories(dir);
    for (String file : fileNames()) {
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
    return dir.resolve(System.mapLibraryName("tokenizers"));
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
