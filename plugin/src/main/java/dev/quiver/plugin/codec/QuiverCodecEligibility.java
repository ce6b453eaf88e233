package dev.quiver.plugin.codec;

import java.util.Optional;
import java.util.Set;
import org.apache.lucene.codecs.Codec;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.codec.CodecService;

/**
 * Decides whether Quiver provides the codec of an index.
 *
 * <p>OpenSearch lets exactly one plugin provide an index's {@code CodecServiceFactory} and refuses
 * to create the index when two do. The k-NN plugin claims indices with {@code index.knn: true},
 * neural-search those with {@code index.sparse: true}, and codec plugins those whose {@code
 * index.codec} names one of their codecs. Quiver therefore claims an index only when none of those
 * apply and {@link #ENABLED} is not turned off; on any other index a {@code quiver_*} field is
 * refused at mapping time with the reason this class gives.
 *
 * <p>Claiming is cheap: Quiver's codec keeps the wrapped codec's name and writes non-Quiver fields
 * exactly as it would, so an index without Quiver fields is unchanged.
 */
public final class QuiverCodecEligibility {

  /** Lets an operator keep Quiver's codec off an index, e.g. for another codec plugin. */
  public static final Setting<Boolean> ENABLED =
      Setting.boolSetting(
          "index.quiver.enabled", true, Setting.Property.IndexScope, Setting.Property.Final);

  /** The k-NN plugin's claim. */
  static final String KNN_SETTING = "index.knn";

  /** The neural-search plugin's claim. */
  static final String SPARSE_SETTING = "index.sparse";

  /** OpenSearch core's own codec names, which Quiver can wrap. */
  private static final Set<String> CORE_CODECS =
      Set.of(
          CodecService.DEFAULT_CODEC,
          CodecService.LZ4,
          CodecService.BEST_COMPRESSION_CODEC,
          CodecService.ZLIB,
          CodecService.LUCENE_DEFAULT_CODEC);

  private QuiverCodecEligibility() {}

  /** Empty when Quiver provides this index's codec, else why it does not. */
  public static Optional<String> whyNot(Settings indexSettings) {
    if (ENABLED.get(indexSettings) == false) {
      return Optional.of("[" + ENABLED.getKey() + "] is false");
    }
    if (indexSettings.getAsBoolean(KNN_SETTING, false)) {
      return Optional.of(
          "["
              + KNN_SETTING
              + "] is true, so the k-NN plugin provides this index's codec; use an index without ["
              + KNN_SETTING
              + "] for quiver fields");
    }
    if (indexSettings.getAsBoolean(SPARSE_SETTING, false)) {
      return Optional.of(
          "["
              + SPARSE_SETTING
              + "] is true, so the neural-search plugin provides this index's codec; use an index"
              + " without ["
              + SPARSE_SETTING
              + "] for quiver fields");
    }
    String codec = indexSettings.get("index.codec", CodecService.DEFAULT_CODEC);
    if (CORE_CODECS.contains(codec) == false && Codec.availableCodecs().contains(codec) == false) {
      return Optional.of(
          "[index.codec] is ["
              + codec
              + "], which another plugin provides; quiver fields need one of "
              + CORE_CODECS.stream().sorted().toList());
    }
    return Optional.empty();
  }
}
