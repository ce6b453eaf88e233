package dev.quiver.plugin.query;

import java.io.IOException;
import org.apache.lucene.index.LeafReader;

/**
 * The char offsets {@code [start, end)} of one chunk of a {@code quiver_semantic} field's text in
 * one document, read from the field's state (where index time put the offsets of every chunk).
 */
final class ChunkOffsets {

  private ChunkOffsets() {}

  /**
   * {@code {start, end}} of chunk {@code chunk} of {@code field} in {@code doc}; null if unknown.
   */
  static int[] of(LeafReader reader, int doc, String field, int chunk) throws IOException {
    return null;
  }
}
