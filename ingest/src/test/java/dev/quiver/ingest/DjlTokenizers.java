package dev.quiver.ingest;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * DJL's own {@link HuggingFaceTokenizer}, for the tests that check Quiver against it.
 *
 * <p>DJL is configured the DJL way, through JVM-wide system properties (this is a test JVM, not a
 * node): offline, no telemetry, and {@code RUST_LIBRARY_PATH} naming the library file that {@link
 * TokenizerNativeLibrary} loaded into this same (application) class loader, so DJL's own {@code
 * System.load} of it is a no-op and nothing is extracted under {@code ~/.djl.ai}.
 */
final class DjlTokenizers {

  private DjlTokenizers() {}

  /**
   * A DJL tokenizer.
   *
   * @param tokenizerJson the {@code tokenizer.json} file
   * @param options DJL's tokenizer options
   * @param nativeCache the directory {@link TokenizerNativeLibrary} extracts the library to
   * @return the tokenizer
   * @throws IOException if the file or the native library cannot be read
   */
  static HuggingFaceTokenizer newInstance(
      Path tokenizerJson, Map<String, String> options, Path nativeCache) throws IOException {
    Path library = TokenizerNativeLibrary.load(nativeCache);
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
    System.setProperty("RUST_LIBRARY_PATH", library.toString());
    return HuggingFaceTokenizer.newInstance(tokenizerJson, options);
  }
}
