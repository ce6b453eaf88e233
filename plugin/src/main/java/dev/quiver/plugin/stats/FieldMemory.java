package dev.quiver.plugin.stats;

import java.io.IOException;
import java.util.Map;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * What one {@code quiver_vector} field holds on a node, summed over segments and shard copies.
 *
 * <p>{@code ram_bytes} is what must stay in memory (the page cache) for fast search: the codes and
 * their corrections ({@code .qqd}) and the graph ({@code .vex}) of a quantized type, the float
 * vectors ({@code .vec}) and the graph of {@code hnsw}, the float vectors of {@code flat}. {@code
 * disk_bytes} is what is read only for rescoring: the float vectors of a quantized type (0 for the
 * float types). Both come from the segments' {@code KnnVectorsReader.getOffHeapByteSize}.
 *
 * <p>For a {@code quiver_multi_vector} field the vectors are the documents' FDEs (one per
 * document), counted the same way, and {@code disk_bytes} also holds the stored token vectors read
 * for exact MaxSim ({@code stored_vectors_bytes}, the sum of the binary doc values' lengths).
 */
final class FieldMemory implements Writeable {

  /** The raw float vectors' file extension in {@code getOffHeapByteSize}. */
  static final String RAW = "vec";

  long vectors;
  long ramBytes;
  long diskBytes;
  long storedVectorsBytes;
  int segments;

  FieldMemory() {}

  FieldMemory(StreamInput in) throws IOException {
    vectors = in.readVLong();
    ramBytes = in.readVLong();
    diskBytes = in.readVLong();
    storedVectorsBytes = in.readVLong();
    segments = in.readVInt();
  }

  @Override
  public void writeTo(StreamOutput out) throws IOException {
    out.writeVLong(vectors);
    out.writeVLong(ramBytes);
    out.writeVLong(diskBytes);
    out.writeVLong(storedVectorsBytes);
    out.writeVInt(segments);
  }

  /** Adds one segment of the field. */
  void add(int vectorCount, Map<String, Long> offHeap, boolean quantized) {
    vectors += vectorCount;
    segments++;
    for (Map.Entry<String, Long> e : offHeap.entrySet()) {
      if (quantized && RAW.equals(e.getKey())) {
        diskBytes += e.getValue();
      } else {
        ramBytes += e.getValue();
      }
    }
  }

  /** Adds one segment's stored multi-vector bytes (read only to rescore, so on disk). */
  void addStoredVectors(long bytes) {
    storedVectorsBytes += bytes;
    diskBytes += bytes;
  }

  void add(FieldMemory other) {
    vectors += other.vectors;
    ramBytes += other.ramBytes;
    diskBytes += other.diskBytes;
    storedVectorsBytes += other.storedVectorsBytes;
    segments += other.segments;
  }

  void toXContent(XContentBuilder b, boolean multiVector) throws IOException {
    b.field("vectors", vectors);
    b.field("ram_bytes", ramBytes);
    b.field("disk_bytes", diskBytes);
    if (multiVector) {
      b.field("stored_vectors_bytes", storedVectorsBytes);
    }
    b.field("segments", segments);
  }
}
