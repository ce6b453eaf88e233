package dev.quiver.plugin.query;

import dev.quiver.plugin.mapper.QuiverIndexOptions;
import java.io.IOException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * The {@code rescore} object of {@code quiver_knn}, {@code {"oversample": 3.0, "bounded": true}}:
 * {@code oversample} overrides the field's {@code index_options.rescore.oversample} (null: the
 * field's); {@code bounded} (null: {@link #DEFAULT_BOUNDED}) chooses bound-driven rescoring, which
 * of the same candidates reads the raw vectors only of those whose error bound can still reach the
 * top {@code k} ({@link ExactRescoring}), instead of all of them. Float fields ignore both.
 */
record KnnRescore(Float oversample, Boolean bounded) {

  static final KnnRescore NONE = new KnnRescore(null, null);

  /**
   * Bound-driven rescoring unless the query says otherwise: measured to keep the same top 10 and to
   * read fewer raw vectors (see {@code qa/bench/QUANTIZATION.md}).
   */
  static final boolean DEFAULT_BOUNDED = true;

  boolean boundedOrDefault() {
    return bounded == null ? DEFAULT_BOUNDED : bounded;
  }

  KnnRescore withOversample(String field, Float value) {
    Float checked =
        value == null ? null : QuiverIndexOptions.oversample(field, "rescore.oversample", value);
    return new KnnRescore(checked, bounded);
  }

  KnnRescore withBounded(Boolean value) {
    return new KnnRescore(oversample, value);
  }

  static KnnRescore read(StreamInput in) throws IOException {
    return new KnnRescore(in.readOptionalFloat(), in.readOptionalBoolean());
  }

  void writeTo(StreamOutput out) throws IOException {
    out.writeOptionalFloat(oversample);
    out.writeOptionalBoolean(bounded);
  }

  void toXContent(XContentBuilder builder) throws IOException {
    if (oversample == null && bounded == null) {
      return;
    }
    builder.startObject("rescore");
    if (oversample != null) {
      builder.field("oversample", oversample);
    }
    if (bounded != null) {
      builder.field("bounded", bounded);
    }
    builder.endObject();
  }

  /** The object as parsed, its oversample not yet checked (the field is not known yet). */
  record Parsed(Object oversample, Boolean bounded) {
    KnnRescore checked(String field) {
      Float value =
          oversample == null
              ? null
              : QuiverIndexOptions.oversample(field, "rescore.oversample", oversample);
      return new KnnRescore(value, bounded);
    }
  }
}
