package dev.quiver.plugin.query;

import dev.quiver.plugin.mapper.SemanticFields;
import dev.quiver.plugin.mapper.SemanticState;
import java.io.IOException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.StoredFieldVisitor;

/**
 * The char offsets {@code [start, end)} of one chunk of a {@code quiver_semantic} field's text in
 * one document, read from the field's stored state ({@link SemanticState}), where index time put
 * the offsets of every chunk.
 */
final class ChunkOffsets {

  private ChunkOffsets() {}

  /**
   * {@code {start, end}} of chunk {@code chunk} of {@code field} in {@code doc}; null when the
   * document has no state, the state does not know the offsets, or has no such chunk.
   */
  static int[] of(LeafReader reader, int doc, String field, int chunk) throws IOException {
    String stateField = SemanticFields.stateField(field);
    byte[][] found = new byte[1][];
    reader
        .storedFields()
        .document(
            doc,
            new StoredFieldVisitor() {
              @Override
              public Status needsField(FieldInfo info) {
                if (found[0] != null) {
                  return Status.STOP;
                }
                return info.name.equals(stateField) ? Status.YES : Status.NO;
              }

              @Override
              public void binaryField(FieldInfo info, byte[] value) {
                found[0] = value;
              }
            });
    if (found[0] == null) {
      return null;
    }
    SemanticState state = SemanticState.decode(found[0]);
    if (chunk >= state.starts().length || state.starts()[chunk] < 0) {
      return null;
    }
    return new int[] {state.starts()[chunk], state.ends()[chunk]};
  }
}
