/**
 * Quiver's Lucene vector formats. This package and its children import Lucene only; OpenSearch
 * wiring lives in the plugin module.
 *
 * <ul>
 *   <li>{@link dev.quiver.codec.PerFieldQuiverCodec}: a codec that routes Quiver's fields to
 *       Quiver's formats and leaves every other field to the codec it wraps.
 *   <li>{@link dev.quiver.codec.scorer}: the similarity scorers the formats plug in.
 *   <li>{@link dev.quiver.codec.quiver10}: the first frozen on-disk formats (float32 storage, HNSW
 *       and exhaustive search).
 * </ul>
 */
package dev.quiver.codec;
