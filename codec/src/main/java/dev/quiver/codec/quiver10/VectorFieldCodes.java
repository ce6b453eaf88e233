package dev.quiver.codec.quiver10;

import java.util.List;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.DataInput;

/**
 * Quiver's own codes for vector encodings and similarities in its files, so that a reordering of
 * Lucene's enums cannot change what a stored byte means. Append only.
 */
public final class VectorFieldCodes {

  /** Code = index: 0 float32, 1 byte. */
  static final List<VectorEncoding> ENCODINGS =
      List.of(VectorEncoding.FLOAT32, VectorEncoding.BYTE);

  /** Code = index: 0 euclidean, 1 dot product, 2 cosine, 3 maximum inner product. */
  static final List<VectorSimilarityFunction> SIMILARITIES =
      List.of(
          VectorSimilarityFunction.EUCLIDEAN,
          VectorSimilarityFunction.DOT_PRODUCT,
          VectorSimilarityFunction.COSINE,
          VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);

  private VectorFieldCodes() {}

  public static byte code(VectorEncoding encoding) {
    return (byte) indexOf(ENCODINGS, encoding);
  }

  public static byte code(VectorSimilarityFunction similarity) {
    return (byte) indexOf(SIMILARITIES, similarity);
  }

  public static VectorEncoding encoding(int code, DataInput in) throws CorruptIndexException {
    if (code < 0 || code >= ENCODINGS.size()) {
      throw new CorruptIndexException("invalid vector encoding code: " + code, in);
    }
    return ENCODINGS.get(code);
  }

  public static VectorSimilarityFunction similarity(int code, DataInput in)
      throws CorruptIndexException {
    if (code < 0 || code >= SIMILARITIES.size()) {
      throw new CorruptIndexException("invalid vector similarity code: " + code, in);
    }
    return SIMILARITIES.get(code);
  }

  private static <T> int indexOf(List<T> table, T value) {
    int i = table.indexOf(value);
    if (i < 0) {
      throw new IllegalArgumentException("no Quiver code for " + value);
    }
    return i;
  }
}
