package dev.quiver.plugin.stats;

import dev.quiver.plugin.mapper.FdeOptions;
import dev.quiver.plugin.mapper.QuiverMultiVectorFieldType;
import dev.quiver.plugin.mapper.QuiverVectorFieldType;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.search.DocIdSetIterator;
import org.opensearch.common.lucene.Lucene;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.shard.IndexShard;

/**
 * Reads one shard copy's {@code quiver_vector} and {@code quiver_multi_vector} figures from the
 * segments of its current searcher: vector counts and {@code KnnVectorsReader.getOffHeapByteSize}
 * per field and segment, and for a multi-vector field the bytes of its stored token vectors (one
 * pass over their binary doc values, as the codec keeps no per-field size).
 */
final class ShardVectorStats {

  private ShardVectorStats() {}

  /**
   * Adds the shard's segments to its index's {@code fields} (every mapped {@code quiver_vector} and
   * {@code quiver_multi_vector} field, also before it has data).
   */
  static void add(IndexShard shard, Map<String, FieldStats> fields) throws IOException {
    Map<String, FieldMemory> shardFields = new TreeMap<>();
    Map<String, String> storedVectorFields = new TreeMap<>();
    for (MappedFieldType type : shard.mapperService().fieldTypes()) {
      if (type.unwrap() instanceof QuiverVectorFieldType quiver) {
        fields.computeIfAbsent(
            quiver.name(),
            n -> new FieldStats(quiver.indexOptions().type(), quiver.indexOptions().bits()));
        shardFields.put(quiver.name(), new FieldMemory());
      } else if (type.unwrap() instanceof QuiverMultiVectorFieldType multi) {
        FdeOptions fde = multi.fde();
        fields.computeIfAbsent(
            multi.name(),
            n ->
                new FieldStats(
                    FieldStats.MULTI_VECTOR,
                    fde.index().type(),
                    fde.index().bits(),
                    multi.storedVectors().mappingName()));
        shardFields.put(multi.name(), new FieldMemory());
        storedVectorFields.put(multi.name(), multi.storedVectorsField());
      }
    }
    if (shardFields.isEmpty()) {
      return;
    }
    try (Engine.Searcher searcher = shard.acquireSearcher("quiver_stats")) {
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        SegmentReader segment = Lucene.segmentReader(leaf.reader());
        KnnVectorsReader vectors = segment.getVectorReader();
        for (FieldInfo info : segment.getFieldInfos()) {
          FieldMemory memory = shardFields.get(info.name);
          if (memory == null || info.hasVectorValues() == false || vectors == null) {
            continue;
          }
          FloatVectorValues values = segment.getFloatVectorValues(info.name);
          memory.add(
              values == null ? 0 : values.size(),
              vectors.getOffHeapByteSize(info),
              fields.get(info.name).bits < 32);
        }
        for (Map.Entry<String, String> e : storedVectorFields.entrySet()) {
          shardFields.get(e.getKey()).addStoredVectors(storedBytes(segment, e.getValue()));
        }
      }
    }
    boolean primary = shard.routingEntry().primary();
    for (Map.Entry<String, FieldMemory> e : shardFields.entrySet()) {
      FieldStats s = fields.get(e.getKey());
      s.total.add(e.getValue());
      if (primary) {
        s.primaries.add(e.getValue());
      }
    }
  }

  /** The summed lengths of a segment's binary doc values of {@code field} (0 when it has none). */
  private static long storedBytes(SegmentReader segment, String field) throws IOException {
    BinaryDocValues values = segment.getBinaryDocValues(field);
    if (values == null) {
      return 0;
    }
    long bytes = 0;
    while (values.nextDoc() != DocIdSetIterator.NO_MORE_DOCS) {
      bytes += values.binaryValue().length;
    }
    return bytes;
  }
}
