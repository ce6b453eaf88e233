/**
 * MUVERA fixed dimensional encodings: {@link dev.quiver.codec.muvera.FdeParams} (fixed per field,
 * with a stable fingerprint) and {@link dev.quiver.codec.muvera.FdeEncoder} (query side: per-bucket
 * sum; document side: per-bucket average with empty buckets filled), deterministic under a seed
 * with a frozen, portable random generator.
 */
package dev.quiver.codec.muvera;
