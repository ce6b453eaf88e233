package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.CodeSpace;
import java.io.IOException;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.search.VectorScorer;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.util.Bits;

/**
 * A field's raw float vectors together with its codes: {@link #vectorValue} and every document
 * mapping are the raw vectors' (exact, for rescoring), and {@link #readRecord} reads the code and
 * corrective terms of an ordinal off-heap from {@code .qqd}. Ordinals of both are the same (both
 * are written in the raw format's ordinal order).
 *
 * <p>Not thread-safe (positions its own clone of the data); {@link #copy()} for another thread.
 */
final class QuantizedFloatVectorValues extends FloatVectorValues {

  private final FloatVectorValues raw;
  private final CodeSpace space;
  private final IndexInput codes;
  private final int recordBytes;

  QuantizedFloatVectorValues(FloatVectorValues raw, CodeSpace space, IndexInput codes) {
    this.raw = raw;
    this.space = space;
    this.codes = codes;
    this.recordBytes = QuantizedFieldEntry.recordBytes(space);
  }

  /** The code space the codes were written in. */
  CodeSpace space() {
    return space;
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
    return new QuantizedFloatVectorValues(raw.copy(), space, codes.clone());
  }
}
