package dev.quiver.plugin.query;

import dev.quiver.plugin.mapper.QuiverVectorFieldType;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;

/**
 * Refuses a query vector that did not come from the model a {@code quiver_vector} field is mapped
 * with: another model's name, or (for a vector embedded from {@code query_text}) another number of
 * dimensions, named with the model.
 */
final class ModelCheck {

  private ModelCheck() {}

  /**
   * @param model the model the query vector came from ({@code query_text}'s, or declared with
   *     {@code vector}); null when unknown
   * @param length the query vector's length
   */
  static void check(
      QueryShardContext context,
      String field,
      QuiverVectorFieldType type,
      String model,
      int length) {
    if (model == null) {
      return;
    }
    if (type.model() != null && type.model().equals(model) == false) {
      throw new QueryShardException(
          context,
          "["
              + QuiverKnnQueryBuilder.NAME
              + "] field ["
              + field
              + "] holds vectors of model ["
              + type.model()
              + "], but the query vector is of model ["
              + model
              + "]");
    }
    if (length != type.dims()) {
      throw new QueryShardException(
          context,
          "["
              + QuiverKnnQueryBuilder.NAME
              + "] model ["
              + model
              + "] makes vectors of "
              + length
              + " dimensions, but field ["
              + field
              + "] has "
              + type.dims());
    }
  }
}
