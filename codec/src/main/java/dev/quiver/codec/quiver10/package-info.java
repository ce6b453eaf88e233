/**
 * Quiver's first on-disk vector formats, frozen once released: new behaviour goes into a new
 * package ({@code quiver11}, ...) and these stay readable.
 *
 * <ul>
 *   <li>{@link dev.quiver.codec.quiver10.Quiver10FlatVectorsFormat}: full-precision vectors,
 *       searched exhaustively (the {@code flat} index type, and the storage under the graph).
 *   <li>{@link dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat}: an HNSW graph over the flat
 *       format.
 * </ul>
 *
 * <p>Each format's javadoc is its file specification. Formats are versioned within the package:
 * version 0 is Lucene's files only, version 1 adds Quiver's checksummed meta files ({@code .qfm},
 * {@code .qhm}), and the version of a segment is a segment-info attribute (absent = 0). An index of
 * every shipped version is checked in under {@code codec/src/test/resources/compat} and read by
 * every build.
 */
package dev.quiver.codec.quiver10;
