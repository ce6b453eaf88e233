package dev.quiver.plugin.hybrid;

import dev.quiver.plugin.query.QueryEmbedder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.search.Query;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;

/**
 * The {@code quiver_hybrid} query:
 *
 * <pre>
 * {"quiver_hybrid": {"queries": [{..}, {..}], "fusion": {..}, "filter": {..}}}
 * {"quiver_hybrid": {"query": "..", "fields": ["body"], "fusion": {..}, "filter": {..}}}
 * </pre>
 *
 * <p>2 to 5 sub-queries of any kind, an optional {@code fusion} ({@link FusionSpec}; RRF by
 * default) and an optional {@code filter} applied to every sub-query (inside a {@code quiver_knn}
 * it filters during the graph search). It is executed by {@link HybridSearchFilter} on the
 * coordinating node, and only as the top-level query of a search request: anywhere else (inside
 * {@code bool}, in {@code _count}, ...) it is a 400. The second form is a shortcut for BM25 and
 * semantic search on {@code quiver_semantic} fields ({@link HybridShortcut}); it is expanded into
 * the first when parsed.
 */
public final class QuiverHybridQueryBuilder extends AbstractQueryBuilder<QuiverHybridQueryBuilder> {

  public static final String NAME = "quiver_hybrid";

  public static final int MIN_QUERIES = 2;
  public static final int MAX_QUERIES = 5;

  private static final ParseField QUERIES = new ParseField("queries");
  private static final ParseField FUSION = new ParseField("fusion");
  private static final ParseField FILTER = new ParseField("filter");
  private static final ParseField QUERY = new ParseField("query");
  private static final ParseField FIELDS = new ParseField("fields");

  private final List<QueryBuilder> queries;
  private final FusionSpec fusion;
  private final QueryBuilder filter;

  /**
   * @param fusion null for the default
   * @param filter null for none
   */
  public QuiverHybridQueryBuilder(
      List<QueryBuilder> queries, FusionSpec fusion, QueryBuilder filter) {
    if (queries.size() < MIN_QUERIES || queries.size() > MAX_QUERIES) {
      throw new IllegalArgumentException(
          "["
              + NAME
              + "] [queries] must hold "
              + MIN_QUERIES
              + " to "
              + MAX_QUERIES
              + " sub-queries, got "
              + queries.size());
    }
    for (QueryBuilder q : queries) {
      if (q instanceof QuiverHybridQueryBuilder) {
        throw new IllegalArgumentException("[" + NAME + "] cannot be nested inside [" + NAME + "]");
      }
    }
    if (filter instanceof QuiverHybridQueryBuilder) {
      throw new IllegalArgumentException("[" + NAME + "] cannot be nested inside [" + NAME + "]");
    }
    this.fusion = fusion == null ? FusionSpec.DEFAULT : fusion;
    try {
      this.fusion.checkSubQueries(queries.size());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("[" + NAME + "] [fusion] " + e.getMessage(), e);
    }
    this.queries = List.copyOf(queries);
    this.filter = filter;
  }

  public QuiverHybridQueryBuilder(StreamInput in) throws IOException {
    super(in);
    this.queries = in.readNamedWriteableList(QueryBuilder.class);
    this.fusion = new FusionSpec(in);
    this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    out.writeNamedWriteableList(queries);
    fusion.writeTo(out);
    out.writeOptionalNamedWriteable(filter);
  }

  public List<QueryBuilder> queries() {
    return queries;
  }

  public FusionSpec fusion() {
    return fusion;
  }

  /** The shared filter, null for none. */
  public QueryBuilder filter() {
    return filter;
  }

  @Override
  protected void doXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject(NAME);
    builder.startArray(QUERIES.getPreferredName());
    for (QueryBuilder q : queries) {
      q.toXContent(builder, params);
    }
    builder.endArray();
    builder.field(FUSION.getPreferredName(), fusion);
    if (filter != null) {
      builder.field(FILTER.getPreferredName(), filter);
    }
    printBoostAndQueryName(builder);
    builder.endObject();
  }

  /** Parses the full form only (where no embedder is wired, the shortcut is refused). */
  public static QuiverHybridQueryBuilder fromXContent(XContentParser parser) throws IOException {
    return fromXContent(parser, null);
  }

  /**
   * Parses the full form or the shortcut ({@link HybridShortcut}), whose {@code quiver_semantic}
   * sub-queries embed their text with {@code embedder}.
   */
  public static QuiverHybridQueryBuilder fromXContent(XContentParser parser, QueryEmbedder embedder)
      throws IOException {
    List<QueryBuilder> queries = null;
    String query = null;
    List<String> fields = null;
    FusionSpec fusion = null;
    QueryBuilder filter = null;
    float boost = DEFAULT_BOOST;
    String queryName = null;
    String current = null;
    Token token;
    while ((token = parser.nextToken()) != Token.END_OBJECT) {
      if (token == Token.FIELD_NAME) {
        current = parser.currentName();
      } else if (QUERIES.match(current, parser.getDeprecationHandler())) {
        if (token != Token.START_ARRAY) {
          throw error(parser, "[queries] must be an array of queries");
        }
        queries = new ArrayList<>();
        while ((token = parser.nextToken()) != Token.END_ARRAY) {
          if (token != Token.START_OBJECT) {
            throw error(parser, "[queries] must be an array of queries");
          }
          queries.add(parseInnerQueryBuilder(parser));
        }
      } else if (QUERY.match(current, parser.getDeprecationHandler())) {
        if (token != Token.VALUE_STRING) {
          throw error(parser, "[query] must be a string, got [" + token + "]");
        }
        query = parser.text();
      } else if (FIELDS.match(current, parser.getDeprecationHandler())) {
        if (token != Token.START_ARRAY) {
          throw error(parser, "[fields] must be an array of field names");
        }
        fields = new ArrayList<>();
        while ((token = parser.nextToken()) != Token.END_ARRAY) {
          if (token != Token.VALUE_STRING) {
            throw error(parser, "[fields] must be an array of field names, got [" + token + "]");
          }
          fields.add(parser.text());
        }
      } else if (FUSION.match(current, parser.getDeprecationHandler())) {
        if (token != Token.START_OBJECT) {
          throw error(parser, "[fusion] must be an object");
        }
        fusion = FusionSpec.fromXContent(parser);
      } else if (FILTER.match(current, parser.getDeprecationHandler())) {
        if (token != Token.START_OBJECT) {
          throw error(parser, "[filter] must be a query object");
        }
        filter = parseInnerQueryBuilder(parser);
      } else if (BOOST_FIELD.match(current, parser.getDeprecationHandler()) && token.isValue()) {
        boost = parser.floatValue();
      } else if (NAME_FIELD.match(current, parser.getDeprecationHandler()) && token.isValue()) {
        queryName = parser.text();
      } else {
        throw error(
            parser,
            "unknown field ["
                + current
                + "], expected one of [queries, query, fields, fusion, filter, boost, _name]");
      }
    }
    boolean shortcut = query != null || fields != null;
    if (queries != null && shortcut) {
      throw error(
          parser,
          "takes [queries] or the shortcut [query] with [fields], not both"
              + " (the shortcut stands for [queries] of [multi_match] and [quiver_semantic])");
    }
    if (queries == null && shortcut == false) {
      throw error(parser, "requires [queries], or [query] with [fields]");
    }
    try {
      if (shortcut) {
        queries = HybridShortcut.subQueries(query, fields, fusion, embedder);
      }
      return new QuiverHybridQueryBuilder(queries, fusion, filter)
          .boost(boost)
          .queryName(queryName);
    } catch (IllegalArgumentException e) {
      throw new ParsingException(parser.getTokenLocation(), e.getMessage(), e);
    }
  }

  private static ParsingException error(XContentParser parser, String message) {
    return new ParsingException(parser.getTokenLocation(), "[" + NAME + "] " + message);
  }

  /** The 400 for a {@code quiver_hybrid} the search filter did not take (it is not top-level). */
  static IllegalArgumentException notTopLevel() {
    return new IllegalArgumentException(
        "["
            + NAME
            + "] must be the top-level query of a search request (not inside another query, nor"
            + " in _count, _validate, _explain, an alias filter, ...)");
  }

  /** Reached only when the search filter did not take this query: it is not top-level. */
  @Override
  protected QueryBuilder doRewrite(QueryRewriteContext context) {
    throw notTopLevel();
  }

  @Override
  protected Query doToQuery(QueryShardContext context) {
    throw notTopLevel();
  }

  @Override
  protected boolean doEquals(QuiverHybridQueryBuilder other) {
    return queries.equals(other.queries)
        && fusion.equals(other.fusion)
        && Objects.equals(filter, other.filter);
  }

  @Override
  protected int doHashCode() {
    return Objects.hash(queries, fusion, filter);
  }

  @Override
  public String getWriteableName() {
    return NAME;
  }
}
