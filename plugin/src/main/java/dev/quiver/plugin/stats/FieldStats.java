package dev.quiver.plugin.stats;

import java.io.IOException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * The figures of one {@code quiver_vector} or {@code quiver_multi_vector} field of one index: its
 * field type, its (FDE) index type and bits, for a multi-vector field the stored-vector encoding,
 * and its {@link FieldMemory} over every shard copy and over the primaries alone.
 */
final class FieldStats implements Writeable {

  /** The mapping type of a multi-vector field. */
  static final String MULTI_VECTOR = "quiver_multi_vector";

  /** {@code quiver_vector} or {@code quiver_multi_vector}. */
  final String fieldType;

  final String type;
  final int bits;

  /** The stored-vector encoding of a multi-vector field, null for {@code quiver_vector}. */
  final String storedVectors;

  final FieldMemory total;
  final FieldMemory primaries;

  FieldStats(String type, int bits) {
    this("quiver_vector", type, bits, null);
  }

  FieldStats(String fieldType, String type, int bits, String storedVectors) {
    this.fieldType = fieldType;
    this.type = type;
    this.bits = bits;
    this.storedVectors = storedVectors;
    this.total = new FieldMemory();
    this.primaries = new FieldMemory();
  }

  /** An empty copy of this field's description, to sum other nodes' figures into. */
  FieldStats emptyCopy() {
    return new FieldStats(fieldType, type, bits, storedVectors);
  }

  boolean multiVector() {
    return MULTI_VECTOR.equals(fieldType);
  }

  FieldStats(StreamInput in) throws IOException {
    this.fieldType = in.readString();
    this.type = in.readString();
    this.bits = in.readVInt();
    this.storedVectors = in.readOptionalString();
    this.total = new FieldMemory(in);
    this.primaries = new FieldMemory(in);
  }

  @Override
  public void writeTo(StreamOutput out) throws IOException {
    out.writeString(fieldType);
    out.writeString(type);
    out.writeVInt(bits);
    out.writeOptionalString(storedVectors);
    total.writeTo(out);
    primaries.writeTo(out);
  }

  /** Adds another node's figures of the same field. */
  void add(FieldStats other) {
    total.add(other.total);
    primaries.add(other.primaries);
  }

  void toXContent(XContentBuilder b) throws IOException {
    b.field("field_type", fieldType);
    b.field("type", type);
    b.field("bits", bits);
    if (storedVectors != null) {
      b.field("stored_vectors", storedVectors);
    }
    total.toXContent(b, multiVector());
    b.startObject("primaries");
    primaries.toXContent(b, multiVector());
    b.endObject();
  }
}
