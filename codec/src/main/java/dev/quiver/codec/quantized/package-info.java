/**
 * Quiver's quantized vector formats: {@link
 * dev.quiver.codec.quantized.Quiver10QuantizedFlatVectorsFormat} (1, 2, 4 or 8-bit codes of
 * rotated, centred vectors beside the raw float32 vectors of {@link
 * dev.quiver.codec.quiver10.Quiver10FlatVectorsFormat}) and {@link
 * dev.quiver.codec.quantized.Quiver10QuantizedHnswVectorsFormat} (Lucene's HNSW graph over it).
 *
 * <p>A package of its own, not {@code quiver10}: the {@code quiver10} package is the frozen
 * generation of the full-precision formats (its files belong to Lucene's layouts), while these
 * formats add files whose layout is Quiver's and which version on their own. The {@code Quiver10}
 * prefix of the class (and SPI) names says which generation of raw storage they compose; the
 * quantization math is in {@link dev.quiver.codec.quant}.
 */
package dev.quiver.codec.quantized;
