package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.CodeSpace;
import dev.quiver.codec.quant.QuantizedScorer;
import java.io.IOException;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.search.VectorScorer;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.RandomAccessInput;
import org.apache.lucene.util.Bits;

/**
 * A field's raw float vectors together with its codes, as {@code LeafReader.getFloatVectorValues}
 * returns them for a field of {@link Quiver10QuantizedFlatVectorsFormat} (or its HNSW format) in a
 * segment with codes: {@link #vectorValue}, {@link #scorer} and every document mapping are the raw
 * vectors' (exact, for rescoring), and {@link #estimator} scores ordinals on their codes with
 * RaBitQ's error bound, for a rescoring pass that reads raw vectors only for candidates whose bound
 * can still reach the top {@code k}. Ordinals of both are the same (both are written in the raw
 * format's ordinal order).
 *
 * <p>Not thread-safe (positions its own clone of the data); {@link #copy()} for another thread.
 */
public final class QuantizedFloatVectorValues extends FloatVectorValues {

  private final FloatVectorValues raw;
  private final CodeSpace space;
  private final IndexInput codes;
  private final int version;
  private final int recordBytes;
  private RandomAccessInput randomAccessCodes;

  QuantizedFloatVectorValues(
      FloatVectorValues raw, CodeSpace space, IndexInput codes, int version) {
    this.raw = raw;
    this.space = space;
    this.codes = codes;
    this.version = version;
    this.recordBytes = QuantizedFieldEntry.recordBytes(space, version);
  }

  /** The code space the codes were written in (centroid, rotation, bits). */
  public CodeSpace space() {
    return space;
  }

  /** The raw vectors alone. */
  FloatVectorValues raw() {
    return raw;
  }

  /**
   * Estimates of {@code target}'s scores against the codes, with confidence intervals.
   *
   * @param epsilon width of the interval in standard deviations of the estimate's error (RaBitQ's
   *     default {@link QuantizedScorer#DEFAULT_EPSILON}; about 6% of pairs fall outside at 1.9,
   *     under 1% at 3)
   */
  public QuantizedEstimator estimator(float[] target, float epsilon) throws IOException {
    return new QuantizedEstimator(copy(), target, epsilon);
  }

  /** The format version the codes were written in. */
  int version() {
    return version;
  }

  /** The codes for reads at absolute positions (created once, then shared by this instance). */
  RandomAccessInput randomAccessCodes() throws IOException {
    if (randomAccessCodes == null) {
      randomAccessCodes = codes.randomAccessSlice(0, codes.length());
    }
    return randomAccessCodes;
  }

  /** A holder for the records of these codes, for {@link #readRecord}. */
  QuantizedRecord newRecord() {
    return new QuantizedRecord(space.docBytes(), version, space.clusterCount());
  }

  /** Reads the code and corrections of {@code ord} into {@code into}. */
  void readRecord(int ord, QuantizedRecord into) throws IOException {
    codes.seek((long) ord * recordBytes);
    into.read(codes);
  }

  @Override
  public float[] vectorValue(int ord) throws IOException {
    return raw.vectorValue(ord);
  }

  @Override
  public int dimension() {
    return raw.dimension();
  }

  @Override
  public int size() {
    return raw.size();
  }

  @Override
  public int ordToDoc(int ord) {
    return raw.ordToDoc(ord);
  }

  @Override
  public Bits getAcceptOrds(Bits acceptDocs) {
    return raw.getAcceptOrds(acceptDocs);
  }

  @Override
  public DocIndexIterator iterator() {
    return raw.iterator();
  }

  @Override
  public VectorScorer scorer(float[] target) throws IOException {
    return raw.scorer(target);
  }

  @Override
  public QuantizedFloatVectorValues copy() throws IOException {
    return new QuantizedFloatVectorValues(raw.copy(), space, codes.clone(), version);
  }
}
