/**
 * Storage and exact scoring of a document's vectors (late-interaction tokens or passages): {@link
 * dev.quiver.codec.multivector.MultiVectorCodec} (a versioned byte layout for a binary doc value,
 * float32, float16, int8 or 1bit per dimension) and {@link dev.quiver.codec.multivector.MaxSim}
 * (the sum over query vectors of the best dot product, read from those bytes).
 */
package dev.quiver.codec.multivector;
