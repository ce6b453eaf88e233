package dev.quiver.plugin.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opensearch.common.settings.Settings;

class QuiverCodecEligibilityTests {

  @Test
  void claimsPlainIndicesWithCoreCodecs() {
    for (String codec :
        new String[] {
          "default", "best_compression", "lz4", "zlib", "lucene_default", "Lucene104"
        }) {
      assertEquals(
          Optional.empty(),
          QuiverCodecEligibility.whyNot(Settings.builder().put("index.codec", codec).build()),
          codec);
    }
    assertEquals(Optional.empty(), QuiverCodecEligibility.whyNot(Settings.EMPTY));
  }

  @Test
  void declinesWhatOtherPluginsClaim() {
    assertReason(Settings.builder().put("index.knn", true).build(), "k-NN plugin");
    assertReason(Settings.builder().put("index.sparse", true).build(), "neural-search plugin");
    assertReason(Settings.builder().put("index.codec", "zstd").build(), "[index.codec] is [zstd]");
    assertReason(
        Settings.builder().put("index.quiver.enabled", false).build(),
        "[index.quiver.enabled] is false");
  }

  private static void assertReason(Settings settings, String fragment) {
    Optional<String> why = QuiverCodecEligibility.whyNot(settings);
    assertTrue(why.isPresent() && why.get().contains(fragment), String.valueOf(why));
  }
}
