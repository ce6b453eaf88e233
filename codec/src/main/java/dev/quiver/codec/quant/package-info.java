/**
 * Quantization math for Quiver's quantized vector formats: a seeded {@link
 * dev.quiver.codec.quant.HadamardRotation}, document codes at 8, 4, 2 and 1 bit per dimension with
 * per-vector corrective terms ({@link dev.quiver.codec.quant.DocumentQuantizer}, RaBitQ /
 * extended-RaBitQ style), higher-precision queries ({@link dev.quiver.codec.quant.QueryQuantizer})
 * and the estimator with its error bound ({@link dev.quiver.codec.quant.QuantizedScorer}). No file
 * format yet: these are the pieces a flat format composes.
 */
package dev.quiver.codec.quant;
