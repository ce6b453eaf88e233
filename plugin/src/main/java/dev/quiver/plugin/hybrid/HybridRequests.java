package dev.quiver.plugin.hybrid;

import dev.quiver.plugin.query.QuiverKnnQueryBuilder;
import dev.quiver.plugin.query.QuiverSemanticQueryBuilder;
import java.util.List;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.fetch.subphase.highlight.HighlightBuilder;
import org.opensearch.search.pipeline.SearchPipelineService;
import org.opensearch.search.sort.ScoreSortBuilder;
import org.opensearch.search.sort.SortBuilder;
import org.opensearch.search.sort.SortOrder;

/**
 * The searches a {@code quiver_hybrid} request turns into: its checks (the options it cannot honour
 * are 400s naming them), one sub-search per sub-query, and the final search over the fused hits.
 */
final class HybridRequests {

  private static final String NAME = QuiverHybridQueryBuilder.NAME;

  private HybridRequests() {}

  /** {@code from + size} of the request, with OpenSearch's defaults (0 and 10). */
  static int fromPlusSize(SearchSourceBuilder source) {
    int from = source.from() < 0 ? 0 : source.from();
    int size = source.size() < 0 ? 10 : source.size();
    return from + size;
  }

  /**
   * Checks the request around the query and returns the window each sub-query retrieves; an {@link
   * IllegalArgumentException} (400) names what is not supported.
   */
  static int check(SearchRequest request, QuiverHybridQueryBuilder hybrid) {
    SearchSourceBuilder source = request.source();
    if (request.scroll() != null) {
      throw unsupported("scroll");
    }
    if (source.searchAfter() != null) {
      throw unsupported("search_after");
    }
    if (source.collapse() != null) {
      throw unsupported("collapse");
    }
    if (source.rescores() != null && source.rescores().isEmpty() == false) {
      throw unsupported("rescore");
    }
    if (source.slice() != null) {
      throw unsupported("slice");
    }
    if (source.pointInTimeBuilder() != null) {
      throw unsupported("pit");
    }
    if (source.terminateAfter() > 0) {
      throw unsupported("terminate_after");
    }
    if (source.indexBoosts() != null && source.indexBoosts().isEmpty() == false) {
      throw unsupported("indices_boost");
    }
    if (source.sorts() != null) {
      for (SortBuilder<?> sort : source.sorts()) {
        if (!(sort instanceof ScoreSortBuilder) || sort.order() != SortOrder.DESC) {
          throw new IllegalArgumentException(
              "["
                  + NAME
                  + "] sorts by its fused score only: [sort] other than [_score] desc is"
                  + " not supported");
        }
      }
    }
    for (String index : request.indices()) {
      if (index.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "[" + NAME + "] does not support cross-cluster search (index [" + index + "])");
      }
    }
    int fromPlusSize = fromPlusSize(source);
    if (fromPlusSize > FusionSpec.MAX_WINDOW) {
      throw new IllegalArgumentException(
          "["
              + NAME
              + "] from + size ["
              + fromPlusSize
              + "] is larger than the largest [fusion.window] ["
              + FusionSpec.MAX_WINDOW
              + "]");
    }
    int window = hybrid.fusion().window(fromPlusSize);
    if (window < fromPlusSize) {
      throw new IllegalArgumentException(
          "["
              + NAME
              + "] [fusion.window] ["
              + window
              + "] must be >= from + size ["
              + fromPlusSize
              + "]");
    }
    return window;
  }

  private static IllegalArgumentException unsupported(String option) {
    return new IllegalArgumentException("[" + NAME + "] does not support [" + option + "]");
  }

  /**
   * How many hits sub-query {@code q} contributes: the window, and at most {@code k} for {@code
   * quiver_knn} (its k nearest over the whole index, whatever the number of shards).
   */
  static int listSize(QueryBuilder q, int window) {
    return q instanceof QuiverKnnQueryBuilder knn ? Math.min(window, knn.k()) : window;
  }

  /**
   * The sub-query with the shared filter: inside a {@code quiver_knn} or {@code quiver_semantic}
   * (applied during their graph search), else {@code bool}.
   */
  static QueryBuilder filtered(QueryBuilder q, QueryBuilder filter) {
    if (filter == null) {
      return q;
    }
    if (q instanceof QuiverKnnQueryBuilder knn) {
      return knn.withFilter(
          knn.filter() == null
              ? filter
              : QueryBuilders.boolQuery().filter(knn.filter()).filter(filter));
    }
    if (q instanceof QuiverSemanticQueryBuilder semantic) {
      return semantic.withFilter(
          semantic.filter() == null
              ? filter
              : QueryBuilders.boolQuery().filter(semantic.filter()).filter(filter));
    }
    return QueryBuilders.boolQuery().must(q).filter(filter);
  }

  /**
   * The search of one sub-query: same indices, options, routing, preference and search type as the
   * request; its top {@code size} ids and scores only, all shards or failure, no pipeline.
   */
  static SearchRequest subSearch(SearchRequest request, QueryBuilder query, int size) {
    SearchRequest sub = new SearchRequest(request);
    SearchSourceBuilder source =
        new SearchSourceBuilder()
            .query(query)
            .from(0)
            .size(size)
            .fetchSource(false)
            .trackTotalHits(false);
    if (request.source().timeout() != null) {
      source.timeout(request.source().timeout());
    }
    sub.source(source);
    sub.allowPartialSearchResults(false);
    sub.pipeline(SearchPipelineService.NOOP_PIPELINE_ID);
    return sub;
  }

  /**
   * The request itself with {@code quiver_fused} as its query; {@code min_score} was applied to the
   * fused scores already. A highlighter without its own query highlights the terms of the
   * sub-queries other than {@code quiver_knn} and {@code quiver_semantic}.
   */
  static SearchRequest finalSearch(
      SearchRequest request, QuiverHybridQueryBuilder hybrid, QuiverFusedQueryBuilder fused) {
    SearchRequest last = new SearchRequest(request);
    SearchSourceBuilder source = request.source().shallowCopy().query(fused);
    if (source.minScore() != null) {
      source.minScore(Float.NEGATIVE_INFINITY); // applied to the fused scores already
    }
    HighlightBuilder highlight = source.highlighter();
    if (highlight != null && highlight.highlightQuery() == null) {
      BoolQueryBuilder terms = QueryBuilders.boolQuery();
      List<QueryBuilder> lexical =
          hybrid.queries().stream()
              .filter(
                  q ->
                      !(q instanceof QuiverKnnQueryBuilder
                          || q instanceof QuiverSemanticQueryBuilder))
              .toList();
      lexical.forEach(terms::should);
      if (lexical.isEmpty() == false) {
        highlight.highlightQuery(terms);
      }
    }
    last.source(source);
    return last;
  }
}
