package dev.quiver.plugin.mapper;

/**
 * Names of the hidden companion fields of a {@code quiver_semantic} field. The mapping transformer
 * adds them under {@link #ROOT}, one set per semantic field at path {@code P} (for example {@code
 * body} or {@code a.b}):
 *
 * <ul>
 *   <li>{@code _quiver_semantic.P.vectors}: a {@code quiver_multi_vector} field holding the passage
 *       vectors (one per chunk) that the system ingest processor computed;
 *   <li>{@code _quiver_semantic.P.state}: a stored {@code binary} field with the hash of (model,
 *       chunking, text), the chunk vectors and the chunk character offsets, which lets an update
 *       reuse the vectors without running the model.
 * </ul>
 *
 * <p>They are internal: {@code _source.excludes} covers {@link #ROOT}, so the stored {@code
 * _source} is the text as sent, while {@code GET _mapping} shows them.
 */
public final class SemanticFields {

  /** The object under which every companion lives. */
  public static final String ROOT = "_quiver_semantic";

  /** Last name segment of the vectors companion. */
  public static final String VECTORS = "vectors";

  /** Last name segment of the state companion. */
  public static final String STATE = "state";

  private SemanticFields() {}

  /** Full name of the passage-vector companion of the semantic field at {@code path}. */
  public static String vectorsField(String path) {
    return ROOT + "." + path + "." + VECTORS;
  }

  /** Full name of the state companion of the semantic field at {@code path}. */
  public static String stateField(String path) {
    return ROOT + "." + path + "." + STATE;
  }
}
