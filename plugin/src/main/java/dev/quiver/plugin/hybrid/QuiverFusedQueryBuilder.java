package dev.quiver.plugin.hybrid;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.IdFieldMapper;
import org.opensearch.index.mapper.Uid;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryShardContext;

/**
 * {@code quiver_fused}, internal to {@code quiver_hybrid} (it cannot be sent by a client): the
 * final search's query. It carries the fused hits (over all indices, best first) and on each shard
 * matches those of the shard's index, scored by their place in the fused order ({@link
 * FusedDocsQuery}).
 */
public final class QuiverFusedQueryBuilder extends AbstractQueryBuilder<QuiverFusedQueryBuilder> {

  public static final String NAME = "quiver_fused";

  private final List<FusedHit> hits;
  private final String method;

  /**
   * @param hits the fused hits in fused order
   */
  public QuiverFusedQueryBuilder(List<FusedHit> hits, String method) {
    this.hits = List.copyOf(hits);
    this.method = method;
  }

  public QuiverFusedQueryBuilder(StreamInput in) throws IOException {
    super(in);
    this.method = in.readString();
    int n = in.readVInt();
    List<FusedHit> read = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      read.add(
          new FusedHit(in.readString(), in.readFloat(), in.readVIntArray(), in.readFloatArray()));
    }
    this.hits = read;
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    out.writeString(method);
    out.writeVInt(hits.size());
    for (FusedHit hit : hits) {
      out.writeString(hit.key());
      out.writeFloat(hit.score());
      out.writeVIntArray(hit.ranks());
      out.writeFloatArray(hit.scores());
    }
  }

  public List<FusedHit> hits() {
    return hits;
  }

  /** The score a hit at {@code position} (0-based) of the fused order gets in the final search. */
  static float orderScore(int position, int count) {
    return count - position;
  }

  @Override
  protected Query doToQuery(QueryShardContext context) {
    String index = context.index().getName();
    List<Integer> mine = new ArrayList<>();
    List<BytesRef> uidOf = new ArrayList<>();
    for (int i = 0; i < hits.size(); i++) {
      FusedHit hit = hits.get(i);
      boolean here = index.equals(HitKey.index(hit.key()));
      uidOf.add(here ? Uid.encodeId(HitKey.id(hit.key())) : null);
      if (here) {
        mine.add(i);
      }
    }
    if (mine.isEmpty()) {
      return new MatchNoDocsQuery("no fused hits in index [" + index + "]");
    }
    mine.sort(Comparator.comparing(uidOf::get)); // the terms dictionary is then read in order
    BytesRef[] uids = new BytesRef[mine.size()];
    float[] order = new float[mine.size()];
    FusedHit[] selected = new FusedHit[mine.size()];
    for (int j = 0; j < uids.length; j++) {
      int i = mine.get(j);
      uids[j] = uidOf.get(i);
      order[j] = orderScore(i, hits.size());
      selected[j] = hits.get(i);
    }
    return new FusedDocsQuery(IdFieldMapper.NAME, uids, order, selected, method);
  }

  /** A summary (the hit list can be long): method, count, and the best few keys. */
  @Override
  protected void doXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject(NAME);
    builder.field("method", method);
    builder.field("hits", hits.size());
    builder.startArray("top");
    for (int i = 0; i < Math.min(10, hits.size()); i++) {
      builder.value(hits.get(i).key());
    }
    builder.endArray();
    builder.endObject();
  }

  /** Clients cannot send it. */
  public static QuiverFusedQueryBuilder fromXContent(XContentParser parser) {
    throw new ParsingException(
        parser.getTokenLocation(),
        "[" + NAME + "] is internal to [" + QuiverHybridQueryBuilder.NAME + "] and cannot be sent");
  }

  @Override
  protected boolean doEquals(QuiverFusedQueryBuilder other) {
    if (method.equals(other.method) == false || hits.size() != other.hits.size()) {
      return false;
    }
    for (int i = 0; i < hits.size(); i++) {
      FusedHit a = hits.get(i);
      FusedHit b = other.hits.get(i);
      if (a.key().equals(b.key()) == false || Float.compare(a.score(), b.score()) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  protected int doHashCode() {
    int h = Objects.hash(method, hits.size());
    for (FusedHit hit : hits) {
      h = 31 * h + hit.key().hashCode();
    }
    return h;
  }

  @Override
  public String getWriteableName() {
    return NAME;
  }
}
