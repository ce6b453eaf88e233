package dev.quiver.bench;

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.VectorScorer;

/**
 * Runs one query of a {@link SearchSetting} on a {@link BuiltIndex}, the same code for every
 * format.
 *
 * <p>The rescoring step reads the raw floats through the segment's {@link FloatVectorValues} and
 * its {@link FloatVectorValues#rescorer exact scorer}, as Lucene's {@link
 * RescoreTopNQuery#createFullPrecisionRescorerQuery} does. Lucene's query is not used in the timed
 * path because it rescores every hit of the inner query, so it cannot express "search the graph
 * with {@code numCandidates} but rescore only {@code oversample * k}"; {@link #lucenesRescoring}
 * runs Lucene's for the cross-check that both keep the same documents.
 */
final class KnnSearch {

  private final BuiltIndex index;
  private final int k;
  private final TopK top;

  KnnSearch(BuiltIndex index, int k) {
    this.index = index;
    this.k = k;
    this.top = new TopK(k);
  }

  /** The top {@code k} Lucene doc ids, best first. */
  int[] search(float[] query, SearchSetting setting) throws IOException {
    if (!index.format.rescored()) {
      ScoreDoc[] hits =
          index.searcher.search(
                  new KnnFloatVectorQuery(BuiltIndex.FIELD, query, setting.numCandidates()), k)
              .scoreDocs;
      int[] docs = new int[hits.length];
      for (int i = 0; i < hits.length; i++) {
        docs[i] = hits[i].doc;
      }
      return docs;
    }
    ScoreDoc[] candidates =
        index.searcher.search(
                new KnnFloatVectorQuery(BuiltIndex.FIELD, query, setting.graphCandidates(k)),
                setting.gathered(k))
            .scoreDocs;
    return rescore(query, candidates);
  }

  private int[] rescore(float[] query, ScoreDoc[] candidates) throws IOException {
    int[] docs = new int[candidates.length];
    for (int i = 0; i < docs.length; i++) {
      docs[i] = candidates[i].doc; // one segment: top-level id == segment id
    }
    Arrays.sort(docs);
    FloatVectorValues values = index.leaf.getFloatVectorValues(BuiltIndex.FIELD);
    VectorScorer exact = values.rescorer(query);
    DocIdSetIterator it = exact.iterator();
    top.clear();
    for (int doc : docs) {
      int at = it.docID() < doc ? it.advance(doc) : it.docID();
      if (at == doc) {
        top.offer(doc, exact.score());
      }
    }
    return top.sortedDocs();
  }

  /**
   * Lucene's own oversample-and-rescore ({@link RescoreTopNQuery}) for a setting whose graph search
   * collects exactly {@code oversample * k}; the doc ids of its top {@code k}, best first.
   */
  int[] lucenesRescoring(float[] query, SearchSetting setting) throws IOException {
    Query knn = new KnnFloatVectorQuery(BuiltIndex.FIELD, query, setting.gathered(k));
    Query rescored =
        RescoreTopNQuery.createFullPrecisionRescorerQuery(knn, query, BuiltIndex.FIELD, k);
    ScoreDoc[] hits = index.searcher.search(rescored, k).scoreDocs;
    int[] docs = new int[hits.length];
    for (int i = 0; i < hits.length; i++) {
      docs[i] = hits[i].doc;
    }
    return docs;
  }
}
