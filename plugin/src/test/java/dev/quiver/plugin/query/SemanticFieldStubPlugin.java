package dev.quiver.plugin.query;

import dev.quiver.plugin.mapper.QuiverSemanticFieldType;
import dev.quiver.plugin.mapper.SemanticChunking;
import java.util.List;
import java.util.Map;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.plugins.MapperPlugin;
import org.opensearch.plugins.Plugin;

/**
 * Test fixture: a mapping type that only carries the field type the query side reads ({@link
 * QuiverSemanticFieldType}: model and hidden vectors field) and indexes nothing, so that the query
 * builder harness needs neither the model registry of the real {@code quiver_semantic} mapper nor
 * its mapping transformer. The hidden vectors field is mapped explicitly by the tests.
 */
public class SemanticFieldStubPlugin extends Plugin implements MapperPlugin {

  public static final String TYPE = "quiver_semantic_stub";

  @Override
  public Map<String, Mapper.TypeParser> getMappers() {
    return Map.of(TYPE, new ParametrizedFieldMapper.TypeParser((n, c) -> new Builder(n)));
  }

  private static final class Builder extends ParametrizedFieldMapper.Builder {
    private final ParametrizedFieldMapper.Parameter<String> model =
        ParametrizedFieldMapper.Parameter.stringParam(
            "model", false, m -> ((StubMapper) m).model, QuiverKnnQueryBuilder.DEFAULT_MODEL);

    Builder(String name) {
      super(name);
    }

    @Override
    protected List<ParametrizedFieldMapper.Parameter<?>> getParameters() {
      return List.of(model);
    }

    @Override
    public ParametrizedFieldMapper build(Mapper.BuilderContext context) {
      return new StubMapper(
          name,
          new QuiverSemanticFieldType(
              buildFullName(context),
              TextSearchInfo.SIMPLE_MATCH_ONLY,
              model.getValue(),
              "int8_hnsw",
              new SemanticChunking(
                  true,
                  SemanticChunking.DEFAULT_MAX_TOKENS,
                  SemanticChunking.DEFAULT_OVERLAP_TOKENS),
              Map.of()),
          multiFieldsBuilder.build(this, context),
          copyTo.build(),
          model.getValue());
    }
  }

  private static final class StubMapper extends ParametrizedFieldMapper {
    private final String model;

    StubMapper(
        String simpleName,
        QuiverSemanticFieldType type,
        MultiFields multiFields,
        CopyTo copyTo,
        String model) {
      super(simpleName, type, multiFields, copyTo);
      this.model = model;
    }

    @Override
    public ParametrizedFieldMapper.Builder getMergeBuilder() {
      return new SemanticFieldStubPlugin.Builder(simpleName()).init(this);
    }

    @Override
    protected void parseCreateField(ParseContext context) {}

    @Override
    protected String contentType() {
      return TYPE;
    }
  }
}
