/**
 * Similarity scorers for Quiver's flat vector storage. {@link
 * dev.quiver.codec.scorer.QuiverFlatVectorsScorer} is the seam every Quiver flat format scores
 * through; quantized encodings add their scorers here.
 */
package dev.quiver.codec.scorer;
