/**
 * The embedding engine: ONNX Runtime models and HuggingFace tokenizers, loaded from the node's
 * config directory, used by the {@code quiver_embed} ingest processor and by query-time embedding.
 * This module knows models and text; it does not know Lucene formats.
 */
package dev.quiver.ingest;
