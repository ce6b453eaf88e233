package dev.quiver.codec.fde;

import dev.quiver.codec.quantized.Quiver10QuantizedHnswVectorsFormat;
import dev.quiver.codec.quiver10.SegmentVersionAttribute;
import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The vector format of a MUVERA FDE field: another vector format (the delegate, e.g. {@link
 * Quiver10QuantizedHnswVectorsFormat}) that writes and searches the vectors, plus, per segment, the
 * fingerprint of the FDE parameters the vectors were encoded with ({@link
 * dev.quiver.codec.muvera.FdeParams#fingerprint(int)}). The fingerprint comes from the field
 * attribute {@value #FINGERPRINT_ATTRIBUTE}, which the mapper sets on the field type ({@link
 * #fieldType}); a field without the attribute has the empty fingerprint.
 *
 * <p>Checks: a merge (and {@code addIndexes}) whose source segments' fingerprints for a field
 * differ from each other or from the merged field's is refused with an {@link
 * IllegalStateException} naming the field and both fingerprints, so that FDEs encoded with
 * different parameters never meet in one segment; on open, the fingerprint in the meta file must
 * equal the field's attribute ({@link org.apache.lucene.index.CorruptIndexException} otherwise);
 * {@link FdeVectorsReader#fingerprint(String)} lets a query compare its own encoder's.
 *
 * <h2>Files</h2>
 *
 * <ul>
 *   <li>The delegate's files, under the same segment suffix.
 *   <li><b>.qfdm</b> (Quiver FDE meta):
 *       <ul>
 *         <li>{@link CodecUtil#writeIndexHeader index header}: codec name {@value
 *             #META_CODEC_NAME}, the format version, segment id, segment suffix
 *         <li><b>[string]</b> the SPI name of the delegate format (its no-argument instance reads
 *             the delegate's files)
 *         <li>per field written: <b>[int32]</b> field number, <b>[string]</b> fingerprint (empty if
 *             the field had no attribute)
 *         <li><b>[int32]</b> -1, the end of fields
 *         <li>{@link CodecUtil#writeFooter footer} (checksum, verified before parsing)
 *       </ul>
 * </ul>
 *
 * <h2>Versions</h2>
 *
 * <ul>
 *   <li>{@link #VERSION_START} = 0 = {@link #VERSION_CURRENT}: the files above.
 * </ul>
 *
 * <p>The segment-info attribute {@code Quiver10FdeVectorsFormat.version[.<segment suffix>]} records
 * the version (see {@link SegmentVersionAttribute}); a checked-in index per version is read by
 * every build. The class name is the SPI name; the SPI instance writes through {@link
 * Quiver10QuantizedHnswVectorsFormat}'s SPI instance and reads any delegate.
 */
public final class Quiver10FdeVectorsFormat extends KnnVectorsFormat {

  /** SPI name, recorded per field in segments. */
  public static final String NAME = "Quiver10FdeVectorsFormat";

  /** The field attribute holding the FDE fingerprint the mapper encodes with. */
  public static final String FINGERPRINT_ATTRIBUTE = "quiver.fde.fingerprint";

  public static final int VERSION_START = 0;
  public static final int VERSION_CURRENT = VERSION_START;

  static final String META_EXTENSION = "qfdm";
  static final String META_CODEC_NAME = "Quiver10FdeVectorsMeta";

  private final KnnVectorsFormat delegate;

  /** The SPI instance: writes with {@link Quiver10QuantizedHnswVectorsFormat}'s SPI instance. */
  public Quiver10FdeVectorsFormat() {
    this(new Quiver10QuantizedHnswVectorsFormat());
  }

  /**
   * @param delegate writes and searches the vectors; must be registered through SPI under its
   *     {@link KnnVectorsFormat#getName() name}, whose no-argument instance reads what it writes
   */
  public Quiver10FdeVectorsFormat(KnnVectorsFormat delegate) {
    super(NAME);
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (delegate instanceof Quiver10FdeVectorsFormat) {
      throw new IllegalArgumentException("an FDE format cannot wrap another");
    }
  }

  public KnnVectorsFormat delegate() {
    return delegate;
  }

  /**
   * The field type of an FDE vector field: float32 vectors of {@code dims}, {@code similarity}
   * (MUVERA needs {@link VectorSimilarityFunction#MAXIMUM_INNER_PRODUCT}), and the fingerprint
   * attribute this format records and checks.
   */
  public static FieldType fieldType(
      int dims, VectorSimilarityFunction similarity, String fingerprint) {
    FieldType type = new FieldType(KnnFloatVectorField.createFieldType(dims, similarity));
    type.putAttribute(FINGERPRINT_ATTRIBUTE, Objects.requireNonNull(fingerprint, "fingerprint"));
    type.freeze();
    return type;
  }

  /** The fingerprint a field info carries, {@code ""} if none. */
  public static String fingerprint(FieldInfo field) {
    String value = field.getAttribute(FINGERPRINT_ATTRIBUTE);
    return value == null ? "" : value;
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return new FdeVectorsWriter(state, delegate);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return FdeVectorsReader.open(state);
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return delegate.getMaxDimensions(fieldName);
  }

  @Override
  public String toString() {
    return NAME + "(version=" + VERSION_CURRENT + ", delegate=" + delegate + ")";
  }
}
