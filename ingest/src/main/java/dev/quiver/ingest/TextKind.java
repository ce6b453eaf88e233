package dev.quiver.ingest;

/**
 * What a text is, which decides the instruction prefix put in front of it before embedding (for
 * example the bge-v1.5 query instruction for queries, nothing for documents).
 */
public enum TextKind {
  /** A search query: gets the model's {@code query_prefix}. */
  QUERY,
  /** A document or passage being indexed: gets the model's {@code document_prefix}. */
  DOCUMENT
}
