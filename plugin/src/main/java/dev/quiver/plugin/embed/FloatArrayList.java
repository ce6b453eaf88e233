package dev.quiver.plugin.embed;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A vector as {@code quiver_embed} writes it into a document: a read-only {@code List<Float>} over
 * the engine's {@code float[]}, so the floats stay unboxed while the document waits in the pipeline
 * (a boxed {@code ArrayList<Float>} holds an object per element, some 7 KB per 384-d vector instead
 * of 1.5 KB).
 *
 * <p>It is a {@code List}, not the bare {@code float[]}, because the ingest document must stay one
 * that OpenSearch can handle everywhere: {@code IngestDocument.deepCopy} (used by {@code _simulate}
 * and by processors that copy documents) accepts lists, maps, {@code byte[]} and boxed scalars
 * only, and refuses a {@code float[]}. Serialized (the indexed {@code _source}, a simulate
 * response) it is a JSON array of numbers like any list; an element is boxed only while it is
 * written.
 */
final class FloatArrayList extends AbstractList<Float> implements RandomAccess {

  private final float[] values;

  /**
   * @param values the vector, not copied: do not modify it afterwards
   */
  FloatArrayList(float[] values) {
    this.values = Objects.requireNonNull(values, "values");
  }

  @Override
  public Float get(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }

  /**
   * The floats themselves, not copied.
   *
   * @return the vector
   */
  float[] floats() {
    return values;
  }
}
