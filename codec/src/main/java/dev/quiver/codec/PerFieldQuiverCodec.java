package dev.quiver.codec;

import java.util.Objects;
import java.util.function.Function;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;

/**
 * A codec that writes Quiver's vector fields with Quiver's formats and everything else exactly as
 * the wrapped codec would.
 *
 * <p>The codec takes the <em>name of the codec it wraps</em>. Segments it writes therefore record
 * the wrapped codec's name and are opened by that codec on read: postings, stored fields, doc
 * values and non-Quiver vector fields are unchanged. Only the vector fields that {@code
 * quiverFormats} claims carry a Quiver format name in their {@link PerFieldKnnVectorsFormat}
 * attributes, which Lucene resolves through {@link KnnVectorsFormat#forName(String)} (SPI) when the
 * segment is opened. An index with no Quiver field is byte-for-byte what the wrapped codec writes,
 * so it stays readable without Quiver.
 *
 * <p>Requirement: the wrapped codec's {@link Codec#knnVectorsFormat()} must be a {@link
 * PerFieldKnnVectorsFormat}, true of every Lucene codec since 9.0 and of OpenSearch's codecs.
 */
public final class PerFieldQuiverCodec extends FilterCodec {

  private final KnnVectorsFormat knnVectorsFormat;

  /**
   * @param delegate the codec OpenSearch (or the application) would otherwise use
   * @param quiverFormats returns the Quiver format of a field, or {@code null} for fields Quiver
   *     does not own
   */
  public PerFieldQuiverCodec(Codec delegate, Function<String, KnnVectorsFormat> quiverFormats) {
    super(delegate.getName(), delegate);
    Objects.requireNonNull(quiverFormats, "quiverFormats");
    if (delegate.knnVectorsFormat() instanceof PerFieldKnnVectorsFormat perField) {
      this.knnVectorsFormat = new Routing(perField, quiverFormats);
    } else {
      throw new IllegalArgumentException(
          "codec ["
              + delegate.getName()
              + "] does not choose vector formats per field ("
              + delegate.knnVectorsFormat()
              + "); Quiver cannot wrap it");
    }
  }

  @Override
  public KnnVectorsFormat knnVectorsFormat() {
    return knnVectorsFormat;
  }

  /** Wrapped codec's per-field choice, overridden for the fields Quiver owns. */
  private static final class Routing extends PerFieldKnnVectorsFormat {
    private final PerFieldKnnVectorsFormat fallback;
    private final Function<String, KnnVectorsFormat> quiverFormats;

    Routing(PerFieldKnnVectorsFormat fallback, Function<String, KnnVectorsFormat> quiverFormats) {
      this.fallback = fallback;
      this.quiverFormats = quiverFormats;
    }

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
      KnnVectorsFormat quiver = quiverFormats.apply(field);
      return quiver != null ? quiver : fallback.getKnnVectorsFormatForField(field);
    }

    @Override
    public int getMaxDimensions(String fieldName) {
      return getKnnVectorsFormatForField(fieldName).getMaxDimensions(fieldName);
    }
  }
}
