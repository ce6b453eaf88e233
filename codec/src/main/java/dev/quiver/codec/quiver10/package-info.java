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
 */
package dev.quiver.codec.quiver10;
