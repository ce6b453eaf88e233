package dev.quiver.plugin.query;

import dev.quiver.plugin.mapper.QuiverIndexOptions;
import java.io.IOException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * The {@code rescore} object of {@code quiver_knn}, {@code {"oversample": 3.0, "bounded": true}}:
 * {@code oversample} overrides the field's {@code index_options.rescore.oversample} (null: the
 * field's); {@code bounded} (null: on for fields of {@link #DEFAULT_BOUNDED_MIN_BITS} bits or more)
 * chooses bound-driven rescoring, which of the same candidates reads the raw vectors only of those
 * whose error bound can still reach the top {@code k} ({@link ExactRescoring}), instead of all of
 * them. Float fields ignore both.
 */
record KnnRescore(Float oversample, Boolean bounded) {

  static final KnnRescore NONE = new KnnRescore(null, null);

  /**
   * Bound-driven rescoring unless the query says otherwise on fields of at least this many bits per
   * dimension. Measured on scifact-bge-small 48k and SIFT10K (qa/bench/QUANTIZATION.md, same
   * candidates, same top 10 at epsilon 3): at 8 and 4 bits it reads 9-79% fewer raw vectors at a
   * p50 within the A/A noise; at 2 and 1 bits the bound is too wide to skip much (0-30% fewer
   * reads) and the estimator pass costs 2-16% p50, so those widths read every candidate by default.
   */
  static final int DEFAULT_BOUNDED_MIN_BITS = 4;

  /** Whether to rescore bound-driven on a field of {@code bits} bits per dimension. */
  boolean boundedOrDefault(int bits) {
    return bounded == null ? bits >= DEFAULT_BOUNDED_MIN_BITS : bounded;
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
