package dev.quiver.plugin.mapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.mapper.MappingLookup;
import org.opensearch.index.mapper.MetadataFieldMapper;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.lookup.SearchLookup;

/**
 * Checks, after a document is parsed (on the primary, on replicas and on translog replay alike),
 * that each {@code quiver_semantic} field's text and its companions agree:
 *
 * <ul>
 *   <li>text without a state: the document was not embedded (the system ingest pipeline did not
 *       run, for example with {@code cluster.ingest.system_pipeline_enabled: false}): refused;
 *   <li>a state whose hash is not that of the text: the text changed while the vectors of an older
 *       text were carried over (a concurrent update): refused, the update may be retried;
 *   <li>a state without text (a document replaced by one without the field, the stored state
 *       carried over): the companions are dropped.
 * </ul>
 *
 * <p>Only mappings holding the companions (added by {@link SemanticCompanions}) are checked. No
 * field is indexed under {@value #NAME}; it is never in a document.
 */
public final class SemanticCheckFieldMapper extends MetadataFieldMapper {

  public static final String NAME = "_quiver_semantic_check";

  public static final TypeParser PARSER = new FixedTypeParser(c -> new SemanticCheckFieldMapper());

  /** The semantic fields of each mapping seen (mappings are immutable: cached by identity). */
  private static final Map<MappingLookup, List<QuiverSemanticFieldType>> FIELDS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static final class CheckFieldType extends MappedFieldType {
    CheckFieldType() {
      super(NAME, false, false, false, TextSearchInfo.NONE, Collections.emptyMap());
    }

    @Override
    public String typeName() {
      return NAME;
    }

    @Override
    public ValueFetcher valueFetcher(QueryShardContext context, SearchLookup lookup, String f) {
      throw new UnsupportedOperationException("field [" + NAME + "] holds no values");
    }

    @Override
    public Query termQuery(Object value, QueryShardContext context) {
      throw new IllegalArgumentException("field [" + NAME + "] cannot be searched");
    }
  }

  private SemanticCheckFieldMapper() {
    super(new CheckFieldType());
  }

  private static List<QuiverSemanticFieldType> semanticFields(MappingLookup lookup) {
    return FIELDS.computeIfAbsent(
        lookup,
        l -> {
          List<QuiverSemanticFieldType> out = new ArrayList<>();
          for (Mapper m : l) {
            if (m instanceof QuiverSemanticFieldMapper s
                && l.getMapper(s.fieldType().stateField()) != null) {
              out.add(s.fieldType());
            }
          }
          return List.copyOf(out);
        });
  }

  @Override
  public void postParse(ParseContext context) {
    List<QuiverSemanticFieldType> fields = semanticFields(context.docMapper().mappers());
    if (fields.isEmpty()) {
      return;
    }
    ParseContext.Document doc = context.rootDoc();
    for (QuiverSemanticFieldType type : fields) {
      IndexableField text = doc.getField(type.name());
      IndexableField state = doc.getField(type.stateField());
      if (text == null) {
        if (state != null) {
          String vectors = type.vectorsField();
          doc.getFields()
              .removeIf(
                  f ->
                      f.name().equals(type.stateField())
                          || f.name().equals(vectors)
                          || f.name().startsWith(vectors + "."));
        }
        continue;
      }
      if (state == null) {
        throw new IllegalArgumentException(
            "field ["
                + type.name()
                + "] of type ["
                + QuiverSemanticFieldMapper.CONTENT_TYPE
                + "] was not embedded: its vectors are made by Quiver's system ingest pipeline,"
                + " which did not run (is [cluster.ingest.system_pipeline_enabled] false?)");
      }
      BytesRef bytes = state.binaryValue();
      byte[] stored = Arrays.copyOfRange(bytes.bytes, bytes.offset, bytes.offset + bytes.length);
      byte[] hash = SemanticState.hash(type.model(), type.chunking(), text.stringValue());
      if (SemanticState.decode(stored).matches(hash) == false) {
        throw new IllegalStateException(
            "field ["
                + type.name()
                + "] of type ["
                + QuiverSemanticFieldMapper.CONTENT_TYPE
                + "]: the text changed while the vectors of another text were carried over (a"
                + " concurrent update); retry the request");
      }
    }
  }

  @Override
  protected String contentType() {
    return NAME;
  }
}
