package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiver's tokenizer loading beside other DJL users of the same JVM. Each test builds fresh class
 * loaders holding Quiver's ingest classes and DJL's tokenizers jar, as each plugin's class loader
 * does in a node, so the library really loads in them (the application class loader of this JVM may
 * have loaded it already).
 */
class TokenizerNativeLibraryTest {

  /** {@code [CLS] hello world [SEP]} in the default model's vocabulary. */
  private static final long[] HELLO_WORLD = {101, 7592, 2088, 102};

  /** What DJL reads JVM-wide, and what another plugin's DJL may have set. */
  private static final List<String> DJL_PROPERTIES =
      List.of(
          "RUST_LIBRARY_PATH",
          "DJL_CACHE_DIR",
          "ENGINE_CACHE_DIR",
          "RUST_FLAVOR",
          "ai.djl.offline",
          "OPT_OUT_TRACKING");

  @Test
  void eachClassLoaderLoadsItsOwnFileAndNoSystemPropertyChanges(@TempDir Path tmp)
      throws Exception {
    Map<Object, Object> before = new HashMap<>(System.getProperties());
    try (URLClassLoader a = pluginLoader();
        URLClassLoader b = pluginLoader()) {
      Path libraryA = load(a, tmp.resolve("a"));
      Path libraryB = load(b, tmp.resolve("b"));
      assertTrue(libraryA.startsWith(tmp.resolve("a")), libraryA.toString());
      assertTrue(libraryB.startsWith(tmp.resolve("b")), libraryB.toString());
      assertNotEquals(libraryA, libraryB);
      assertArrayEquals(HELLO_WORLD, tokenize(a, tmp.resolve("a"), "hello world"));
      assertArrayEquals(HELLO_WORLD, tokenize(b, tmp.resolve("b"), "hello world"));
    }
    assertEquals(Map.of(), changes(before), "system properties changed");
  }

  /** The system properties added, changed or removed since a snapshot: key to [before, now]. */
  private static Map<Object, List<Object>> changes(Map<Object, Object> before) {
    Map<Object, Object> now = new HashMap<>(System.getProperties());
    Map<Object, List<Object>> changes = new HashMap<>();
    Set<Object> keys = new HashSet<>(before.keySet());
    keys.addAll(now.keySet());
    for (Object key : keys) {
      if (!Objects.equals(before.get(key), now.get(key))) {
        changes.put(key, Arrays.asList(before.get(key), now.get(key)));
      }
    }
    return changes;
  }

  @Test
  void ignoresTheDjlSettingsOfOtherPlugins(@TempDir Path tmp) throws Exception {
    Map<String, String> elsewhere = new LinkedHashMap<>();
    elsewhere.put("RUST_LIBRARY_PATH", tmp.resolve("theirs/libtokenizers.so").toString());
    elsewhere.put("DJL_CACHE_DIR", tmp.resolve("djl-cache").toString());
    elsewhere.put("ENGINE_CACHE_DIR", tmp.resolve("engine-cache").toString());
    elsewhere.put("RUST_FLAVOR", "cu999");
    elsewhere.put("ai.djl.offline", "false");
    Map<String, String> previous = new HashMap<>();
    for (String key : DJL_PROPERTIES) {
      previous.put(key, System.getProperty(key));
    }
    try {
      elsewhere.forEach(System::setProperty);
      try (URLClassLoader loader = pluginLoader()) {
        Path library = load(loader, tmp.resolve("ours"));
        assertTrue(library.startsWith(tmp.resolve("ours")), library.toString());
        assertArrayEquals(HELLO_WORLD, tokenize(loader, tmp.resolve("ours"), "hello world"));
      }
      elsewhere.forEach((key, value) -> assertEquals(value, System.getProperty(key), key));
      assertFalse(Files.exists(tmp.resolve("djl-cache")), "wrote into DJL_CACHE_DIR");
      assertFalse(Files.exists(tmp.resolve("engine-cache")), "wrote into ENGINE_CACHE_DIR");
    } finally {
      previous.forEach(
          (key, value) -> {
            if (value == null) {
              System.clearProperty(key);
            } else {
              System.setProperty(key, value);
            }
          });
    }
  }

  /**
   * The JVM rule the design stands on: one library file, one class loader. This is what happens to
   * a DJL pointed at another plugin's file (by a JVM-wide {@code RUST_LIBRARY_PATH}, or a shared
   * cache directory), so Quiver's file must be its own.
   */
  @Test
  void theSameFileFromTwoClassLoadersCollides(@TempDir Path tmp) throws Exception {
    try (URLClassLoader a = pluginLoader();
        URLClassLoader b = pluginLoader()) {
      load(a, tmp);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> load(b, tmp));
      assertTrue(e.getMessage().contains("already loaded in another classloader"), e.getMessage());
    }
  }

  /**
   * A class loader like a plugin's: Quiver's ingest classes, DJL's tokenizers and api jars and
   * theirs (what DJL's own loader would need).
   */
  private static URLClassLoader pluginLoader() {
    return new URLClassLoader(
        new URL[] {
          location(TokenizerNativeLibrary.class),
          location(TokenizersLibrary.class),
          location(ai.djl.util.Utils.class),
          location(org.slf4j.LoggerFactory.class),
          location(com.google.gson.Gson.class)
        },
        ClassLoader.getPlatformClassLoader());
  }

  private static URL location(Class<?> c) {
    return c.getProtectionDomain().getCodeSource().getLocation();
  }

  private static Path load(ClassLoader loader, Path cacheDir) throws Exception {
    return (Path) invoke(loader, TokenizerNativeLibrary.class, "load", cacheDir);
  }

  /** Token ids of a text, tokenized by {@link HfTokenizer} of that class loader. */
  private static long[] tokenize(ClassLoader loader, Path cacheDir, String text) throws Exception {
    Class<?> hf = Class.forName(HfTokenizer.class.getName(), true, loader);
    assertEquals(loader, hf.getClassLoader());
    Object tokenizer =
        hf.getMethod("open", Path.class, int.class, Path.class)
            .invoke(null, TestModels.defaultModel().tokenizer(), 16, cacheDir);
    try {
      Object batch = hf.getMethod("encode", List.class).invoke(tokenizer, List.of(text));
      return (long[]) batch.getClass().getMethod("inputIds").invoke(batch);
    } finally {
      hf.getMethod("close").invoke(tokenizer);
    }
  }

  private static Object invoke(ClassLoader loader, Class<?> type, String method, Path arg)
      throws Exception {
    Class<?> c = Class.forName(type.getName(), true, loader);
    assertEquals(loader, c.getClassLoader());
    try {
      return c.getMethod(method, Path.class).invoke(null, arg);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
