package dev.quiver.plugin.query;

import dev.quiver.codec.quantized.BoundedRescorer;
import dev.quiver.codec.quantized.QuantizedFloatVectorValues;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * The rescoring step of {@code quiver_knn} on a quantized field, per segment: of the hits the
 * segment's search found on the codes, keeps the best {@code candidates} by estimated score and
 * replaces their scores by the exact similarity of the raw float vectors (the field's own Lucene
 * similarity function, so the scores are those of a float {@code hnsw} field). The raw vectors are
 * read off-heap through {@code LeafReader.getFloatVectorValues}, only for those candidates, in
 * document order.
 *
 * <p>Bound-driven ({@code bounded}, where the segment's values carry codes with an error bound): of
 * the same candidates, only those whose estimate's upper bound can still reach the segment's top
 * {@code k} are read ({@link BoundedRescorer}); the candidates skipped cannot be in the top {@code
 * k} unless their error exceeds the bound ({@link BoundedRescorer#DEFAULT_EPSILON} standard
 * deviations), so the {@code k} best hits are those of reading every candidate. Only the hits
 * rescored are returned.
 */
final class ExactRescoring {

  private static final Comparator<ScoreDoc> BY_SCORE_DESC =
      Comparator.<ScoreDoc>comparingDouble(sd -> -sd.score).thenComparingInt(sd -> sd.doc);

  private ExactRescoring() {}

  /**
   * @param hits the segment's hits, doc ids already offset by {@code ctx.docBase}
   * @param k results the shard keeps (the bounded pass keeps the segment's best {@code k})
   * @param bounded whether to read only the candidates whose bound can reach the top {@code k}
   * @return the best {@code candidates} hits by estimate (bounded: those of them read), rescored
   *     and sorted by exact score
   */
  static TopDocs rescore(
      LeafReaderContext ctx,
      String field,
      float[] target,
      TopDocs hits,
      int candidates,
      int k,
      boolean bounded)
      throws IOException {
    if (hits.scoreDocs.length == 0) {
      return hits;
    }
    FieldInfo info = ctx.reader().getFieldInfos().fieldInfo(field);
    FloatVectorValues values = ctx.reader().getFloatVectorValues(field);
    if (info == null || values == null) {
      return hits;
    }
    ScoreDoc[] kept = hits.scoreDocs.clone();
    Arrays.sort(kept, BY_SCORE_DESC);
    if (kept.length > candidates) {
      kept = Arrays.copyOf(kept, candidates);
    }
    Arrays.sort(kept, Comparator.comparingInt(sd -> sd.doc));
    VectorSimilarityFunction similarity = info.getVectorSimilarityFunction();
    KnnVectorValues.DocIndexIterator iterator = values.iterator();
    int[] ords = new int[kept.length];
    for (int i = 0; i < kept.length; i++) {
      int doc = kept[i].doc - ctx.docBase;
      int found = iterator.docID() >= doc ? iterator.docID() : iterator.advance(doc);
      if (found != doc) {
        throw new IllegalStateException(
            "field [" + field + "]: hit [" + doc + "] has no vector in segment " + ctx.reader());
      }
      ords[i] = iterator.index();
    }
    ScoreDoc[] rescored;
    if (bounded && values instanceof QuantizedFloatVectorValues quantized) {
      BoundedRescorer rescorer =
          new BoundedRescorer(quantized, target, similarity, k, BoundedRescorer.DEFAULT_EPSILON);
      rescored = new ScoreDoc[rescorer.rescore(ords, ords.length)];
      for (int i = 0; i < rescored.length; i++) {
        int doc = ctx.docBase + quantized.ordToDoc(rescorer.ord(i));
        rescored[i] = new ScoreDoc(doc, rescorer.score(i));
      }
    } else {
      rescored = new ScoreDoc[kept.length];
      for (int i = 0; i < kept.length; i++) {
        float exact = similarity.compare(target, values.vectorValue(ords[i]));
        rescored[i] = new ScoreDoc(kept[i].doc, exact);
      }
    }
    Arrays.sort(rescored, BY_SCORE_DESC);
    return new TopDocs(hits.totalHits, rescored);
  }
}
