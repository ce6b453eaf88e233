package dev.quiver.qa.peer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;

/**
 * A DJL HuggingFace tokenizer loaded the way ml-commons loads one, in this plugin's own class
 * loader and with its own DJL version ({@code peer.djl.version} in the root pom, not Quiver's):
 * DJL's defaults, except the JVM-wide system property {@code DJL_CACHE_DIR}, which ml-commons
 * points at a cache under the node's data path before it loads DJL, with the thread context class
 * loader set to the plugin's. DJL's own loader ({@code LibUtils}) then finds and loads its native
 * library as it always does: from {@code RUST_LIBRARY_PATH} when the JVM has it, else from its
 * cache directory.
 *
 * <p>Unlike ml-commons, which is allowed to connect anywhere, the stand-in also sets {@code
 * OPT_OUT_TRACKING}: otherwise DJL's telemetry call would try the EC2 metadata endpoint, which the
 * node's agent refuses to a plugin without a network permission (and QA stays offline).
 *
 * <p>It loads when the node starts (in the plugin's constructor, before any plugin's components
 * exist, so before Quiver loads its models) if {@link #LOAD_AT_START} is set, else on first use. A
 * failure to load is kept and reported on every use.
 */
final class PeerTokenizer {

  /** Load the tokenizer when the node starts instead of on first use. */
  static final Setting<Boolean> LOAD_AT_START =
      Setting.boolSetting(
          "quiver_qa_peer.tokenizer.load_at_start", false, Setting.Property.NodeScope);

  /** The tokenizer it carries: a ten-word WordPiece vocabulary. */
  static final String TOKENIZER_RESOURCE = "peer-tokenizer.json";

  /** The system properties DJL reads (as environment variables too), reported by the endpoint. */
  static final List<String> DJL_PROPERTIES =
      List.of(
          "ai.djl.offline",
          "OPT_OUT_TRACKING",
          "RUST_LIBRARY_PATH",
          "DJL_CACHE_DIR",
          "ENGINE_CACHE_DIR",
          "RUST_FLAVOR");

  private final Path cacheDir;
  private HuggingFaceTokenizer tokenizer;
  private Throwable failure;
  private String loaded;

  PeerTokenizer(Settings settings) {
    List<String> data = Environment.PATH_DATA_SETTING.get(settings);
    Path dataDir =
        data.isEmpty()
            ? Path.of(Environment.PATH_HOME_SETTING.get(settings), "data")
            : Path.of(data.get(0));
    this.cacheDir = dataDir.resolve("peer_ml_cache").toAbsolutePath();
    if (LOAD_AT_START.get(settings)) {
      load("at_start");
    }
  }

  /**
   * The tokenizer, loaded now if it was not yet.
   *
   * @return the tokenizer
   * @throws IllegalStateException if it failed to load (now or before), with the cause
   */
  synchronized HuggingFaceTokenizer tokenizer() {
    if (tokenizer == null && failure == null) {
      load("on_request");
    }
    if (failure != null) {
      throw new IllegalStateException(
          "the stand-in's DJL tokenizer failed to load (" + loaded + "): " + chain(failure),
          failure);
    }
    return tokenizer;
  }

  /** When it loaded or failed: {@code at_start}, {@code on_request}, or null before. */
  synchronized String loaded() {
    return loaded;
  }

  /** The DJL cache directory it sets. */
  Path cacheDir() {
    return cacheDir;
  }

  private synchronized void load(String when) {
    loaded = when;
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try {
      Files.createDirectories(cacheDir);
      System.setProperty("DJL_CACHE_DIR", cacheDir.toString());
      System.setProperty("OPT_OUT_TRACKING", "true");
      thread.setContextClassLoader(PeerTokenizer.class.getClassLoader());
      try (InputStream in = PeerTokenizer.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(TOKENIZER_RESOURCE + " is not in the stand-in's jar");
        }
        tokenizer = HuggingFaceTokenizer.newInstance(in, null);
      }
    } catch (IOException e) {
      failure = new UncheckedIOException(e);
    } catch (RuntimeException | LinkageError e) {
      // DJL's LibUtils lets an UnsatisfiedLinkError out of its static initializer
      failure = e;
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** A throwable and its causes, one line. */
  static String chain(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (!b.isEmpty()) {
        b.append("; caused by ");
      }
      b.append(c.getClass().getName()).append(": ").append(c.getMessage());
    }
    return b.toString();
  }
}
