package dev.quiver.plugin.stats;

import dev.quiver.plugin.mapper.QuiverVectorFieldType;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentReader;
import org.opensearch.common.lucene.Lucene;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.shard.IndexShard;

/**
 * Reads one shard copy's {@code quiver_vector} figures from the segments of its current searcher:
 * vector counts and {@code KnnVectorsReader.getOffHeapByteSize} per field and segment.
 */
final class ShardVectorStats {

  private ShardVectorStats() {}

  /**
   * Adds the shard's segments to its index's {@code fields} (every mapped {@code quiver_vector}
   * field, also before it has data).
   */
  static void add(IndexShard shard, Map<String, FieldStats> fields) throws IOException {
    Map<String, FieldMemory> shardFields = new TreeMap<>();
    for (MappedFieldType type : shard.mapperService().fieldTypes()) {
      if (type.unwrap() instanceof QuiverVectorFieldType quiver) {
        fields.computeIfAbsent(
            quiver.name(),
            n -> new FieldStats(quiver.indexOptions().type(), quiver.indexOptions().bits()));
        shardFields.put(quiver.name(), new FieldMemory());
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
}
