package dev.quiver.plugin.mapper;

import dev.quiver.codec.fde.Quiver10FdeVectorsFormat;
import dev.quiver.codec.multivector.MultiVectorEncoding;
import dev.quiver.codec.muvera.FdeEncoder;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsFormat;

/**
 * The searchable side of a {@code quiver_multi_vector} field: the token dimensions, similarity, FDE
 * encoding and stored-vector encoding. The document's FDE is indexed as a vector under the field's
 * own name ({@link #vectorsFormat()}), the encoded token vectors as binary doc values under {@link
 * #storedVectorsField()}.
 */
public final class QuiverMultiVectorFieldType extends AbstractVectorFieldType {

  /** Suffix of the binary doc-values field that holds a field's encoded token vectors. */
  public static final String STORED_VECTORS_SUFFIX = "._mv";

  private final int dims;
  private final VectorSimilarity similarity;
  private final int maxVectors;
  private final FdeOptions fde;
  private final MultiVectorEncoding storedVectors;
  private final String model;
  private final KnnVectorsFormat vectorsFormat;
  private volatile FdeEncoder encoder;

  QuiverMultiVectorFieldType(
      String name,
      int dims,
      VectorSimilarity similarity,
      int maxVectors,
      FdeOptions fde,
      MultiVectorEncoding storedVectors,
      String model,
      Map<String, String> meta) {
    super(name, true, "quiver_maxsim", meta);
    this.dims = dims;
    this.similarity = similarity;
    this.maxVectors = maxVectors;
    this.fde = fde;
    this.storedVectors = storedVectors;
    this.model = model;
    this.vectorsFormat = new Quiver10FdeVectorsFormat(fde.index().vectorsFormat());
  }

  public int dims() {
    return dims;
  }

  public VectorSimilarity similarity() {
    return similarity;
  }

  public int maxVectors() {
    return maxVectors;
  }

  public FdeOptions fde() {
    return fde;
  }

  public MultiVectorEncoding storedVectors() {
    return storedVectors;
  }

  /** The model the field's vectors come from, null when the mapping names none. */
  public String model() {
    return model;
  }

  /** The binary doc-values field of the encoded token vectors. */
  public String storedVectorsField() {
    return name() + STORED_VECTORS_SUFFIX;
  }

  /** The encoder of this field's FDEs, built on first use (its random bank is per field). */
  public FdeEncoder encoder() {
    FdeEncoder e = encoder;
    if (e == null) {
      e = new FdeEncoder(fde.params(), dims);
      encoder = e;
    }
    return e;
  }

  /**
   * Checks the token vectors (flat, {@code dims} each) against the similarity and returns what is
   * indexed, stored and searched: each token L2-normalized for {@code cosine}, as given (and
   * checked to be unit length) for {@code dot_product}.
   *
   * @param what "vector" or "query vector", for messages
   */
  public float[] prepare(String field, String what, float[] flat) {
    int count = flat.length / dims;
    float[] out = new float[flat.length];
    float[] token = new float[dims];
    for (int t = 0; t < count; t++) {
      System.arraycopy(flat, t * dims, token, 0, dims);
      float[] prepared = similarity.prepare(field, what + " [" + t + "]", token);
      System.arraycopy(prepared, 0, out, t * dims, dims);
    }
    return out;
  }

  /** The Lucene format the FDE vectors are written with: the FDE check around the index type's. */
  public KnnVectorsFormat vectorsFormat() {
    return vectorsFormat;
  }

  @Override
  public String typeName() {
    return QuiverMultiVectorFieldMapper.CONTENT_TYPE;
  }
}
