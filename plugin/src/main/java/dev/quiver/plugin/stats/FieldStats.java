package dev.quiver.plugin.stats;

import java.io.IOException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * The figures of one {@code quiver_vector} field of one index: its type and bits, and its {@link
 * FieldMemory} over every shard copy and over the primaries alone.
 */
final class FieldStats implements Writeable {

  final String type;
  final int bits;
  final FieldMemory total;
  final FieldMemory primaries;

  FieldStats(String type, int bits) {
    this.type = type;
    this.bits = bits;
    this.total = new FieldMemory();
    this.primaries = new FieldMemory();
  }

  FieldStats(StreamInput in) throws IOException {
    this.type = in.readString();
    this.bits = in.readVInt();
    this.total = new FieldMemory(in);
    this.primaries = new FieldMemory(in);
  }

  @Override
  public void writeTo(StreamOutput out) throws IOException {
    out.writeString(type);
    out.writeVInt(bits);
    total.writeTo(out);
    primaries.writeTo(out);
  }

  /** Adds another node's figures of the same field. */
  void add(FieldStats other) {
    total.add(other.total);
    primaries.add(other.primaries);
  }

  void toXContent(XContentBuilder b) throws IOException {
    b.field("type", type);
    b.field("bits", bits);
    total.toXContent(b);
    b.startObject("primaries");
    primaries.toXContent(b);
    b.endObject();
  }
}
