package dev.quiver.plugin.query;

import dev.quiver.codec.multivector.MultiVectorCodec;
import dev.quiver.plugin.mapper.QuiverMultiVectorFieldType;
import dev.quiver.plugin.mapper.QuiverSemanticFieldType;
import dev.quiver.plugin.mapper.SemanticFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.opensearch.common.document.DocumentField;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.search.fetch.FetchContext;
import org.opensearch.search.fetch.FetchSubPhase;
import org.opensearch.search.fetch.FetchSubPhaseProcessor;

/**
 * {@code return_chunk} of {@code quiver_semantic}: for every hit, which chunk of the field is
 * closest to the query vector, under the hit's {@code fields} as {@code
 * _quiver_semantic.<field>.chunk}:
 *
 * <pre>
 * "fields": {"_quiver_semantic.body.chunk": [{"index": 2, "start": 812, "end": 1290, "text": ".."}]}
 * </pre>
 *
 * <p>The {@code quiver_semantic} queries that asked for it are found by visiting the search's query
 * ({@link MatchedChunkQuery} is a leaf that carries the field and query vector), so it works
 * wherever the query sits (inside {@code bool}, boosted, in a filter). The chunk is the argmax of
 * the similarity between the query vector and the hit's passage vectors, read from the hidden
 * vectors field's stored vectors: the very vectors MaxSim scored, so the chunk named is the one
 * that gave the hit its semantic score. Its char offsets come from the field's state ({@link
 * ChunkOffsets}); its text is cut from {@code _source}. A hit without vectors for the field (it
 * matched another clause) gets nothing.
 */
public final class MatchedChunkFetchPhase implements FetchSubPhase {

  /** The hit field under which the matched chunk of {@code field} is returned. */
  public static String hitField(String field) {
    return SemanticFields.ROOT + "." + field + ".chunk";
  }

  @Override
  public FetchSubPhaseProcessor getProcessor(FetchContext context) throws IOException {
    Query query = context.query();
    if (query == null) {
      return null;
    }
    Map<String, MatchedChunkQuery> wanted = new LinkedHashMap<>();
    query.visit(
        new QueryVisitor() {
          @Override
          public void visitLeaf(Query leaf) {
            if (leaf instanceof MatchedChunkQuery chunk) {
              wanted.putIfAbsent(chunk.field(), chunk);
            }
          }

          @Override
          public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
            return occur == BooleanClause.Occur.MUST_NOT ? QueryVisitor.EMPTY_VISITOR : this;
          }
        });
    if (wanted.isEmpty()) {
      return null;
    }
    List<Target> targets = new ArrayList<>();
    for (MatchedChunkQuery q : wanted.values()) {
      MappedFieldType type = context.mapperService().fieldType(q.field());
      if (!(type instanceof QuiverSemanticFieldType semantic)) {
        continue;
      }
      if (!(context.mapperService().fieldType(semantic.vectorsField())
          instanceof QuiverMultiVectorFieldType vectors)) {
        continue;
      }
      targets.add(new Target(q.field(), vectors.storedVectorsField(), q.vector()));
    }
    if (targets.isEmpty()) {
      return null;
    }
    return new FetchSubPhaseProcessor() {
      private LeafReaderContext leaf;
      private final BinaryDocValues[] values = new BinaryDocValues[targets.size()];

      @Override
      public void setNextReader(LeafReaderContext readerContext) {
        this.leaf = readerContext;
        java.util.Arrays.fill(values, null);
      }

      @Override
      public void process(HitContext hit) throws IOException {
        for (int t = 0; t < targets.size(); t++) {
          Target target = targets.get(t);
          if (values[t] == null || values[t].docID() > hit.docId()) {
            values[t] = DocValues.getBinary(leaf.reader(), target.storedVectorsField());
          }
          if (values[t].advanceExact(hit.docId()) == false) {
            continue;
          }
          int chunk = bestChunk(MultiVectorCodec.decode(values[t].binaryValue()), target.vector());
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("index", chunk);
          int[] span = ChunkOffsets.of(leaf.reader(), hit.docId(), target.field(), chunk);
          if (span != null) {
            out.put("start", span[0]);
            out.put("end", span[1]);
            Object text = hit.sourceLookup().extractValue(target.field(), null);
            if (text instanceof String s && span[0] >= 0 && span[1] <= s.length()) {
              out.put("text", s.substring(span[0], span[1]));
            }
          }
          hit.hit()
              .setDocumentField(
                  hitField(target.field()),
                  new DocumentField(hitField(target.field()), List.of(out)));
        }
      }
    };
  }

  /** The index of the passage vector with the largest dot product with {@code query}. */
  static int bestChunk(float[] flat, float[] query) {
    int dims = query.length;
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int c = 0; c * dims < flat.length; c++) {
      double dot = 0;
      for (int i = 0; i < dims; i++) {
        dot += (double) flat[c * dims + i] * query[i];
      }
      if (dot > bestScore) {
        bestScore = dot;
        best = c;
      }
    }
    return best;
  }

  private record Target(String field, String storedVectorsField, float[] vector) {}
}
