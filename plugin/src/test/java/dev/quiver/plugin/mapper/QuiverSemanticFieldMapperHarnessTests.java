package dev.quiver.plugin.mapper;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;

import dev.quiver.plugin.QuiverPlugin;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.MapperTestCase;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.index.mapper.ParsedDocument;
import org.opensearch.index.mapper.TextFieldMapper;
import org.opensearch.plugins.Plugin;

/**
 * The {@code quiver_semantic} mapper under OpenSearch's mapper harness: every default written out
 * (the model, {@code index_options.type}, the chunking resolved against the model), no parameter
 * but the search analyzers and {@code meta} can change, the text indexed as a {@code text} field
 * does, an unknown model and anything but a string refused naming the field.
 */
public class QuiverSemanticFieldMapperHarnessTests extends MapperTestCase {

  @Override
  protected Collection<? extends Plugin> getPlugins() {
    return List.of(new QuiverPlugin(Settings.EMPTY));
  }

  @Override
  protected void minimalMapping(XContentBuilder b) throws IOException {
    b.field("type", "quiver_semantic").field("model", "bge-small-en-v1.5");
    b.startObject("index_options").field("type", "int8_hnsw").endObject();
    b.startObject("chunking")
        .field("enabled", true)
        .field("max_tokens", 256)
        .field("overlap_tokens", 32)
        .endObject();
  }

  @Override
  protected void writeFieldValue(XContentBuilder b) throws IOException {
    b.value("some text to search");
  }

  /** The minimal mapping with {@code index_options.type} and {@code chunking.max_tokens} given. */
  private XContentBuilder with(String indexType, int maxTokens) throws IOException {
    return fieldMapping(
        b -> {
          b.field("type", "quiver_semantic").field("model", "bge-small-en-v1.5");
          b.startObject("index_options").field("type", indexType).endObject();
          b.startObject("chunking")
              .field("enabled", true)
              .field("max_tokens", maxTokens)
              .field("overlap_tokens", 32)
              .endObject();
        });
  }

  @Override
  protected void registerParameters(ParameterChecker checker) throws IOException {
    // model: the harness node knows the default model only; the REST test changes it.
    // analyzer: the harness configures no analyzer to change to; the REST test sets one.
    checker.registerConflictCheck("index_options", with("int8_hnsw", 256), with("int4_hnsw", 256));
    checker.registerConflictCheck("chunking", with("int8_hnsw", 256), with("int8_hnsw", 128));
  }

  @Override
  protected void assertExistsQuery(
      MappedFieldType fieldType, Query query, ParseContext.Document doc) {
    assertThat(query, instanceOf(org.apache.lucene.search.FieldExistsQuery.class));
    assertNotNull(doc.getField(fieldType.name()));
  }

  public void testDefaultsAreWrittenOut() throws IOException {
    DocumentMapper mapper =
        createDocumentMapper(fieldMapping(b -> b.field("type", "quiver_semantic")));
    String json = mapper.mappingSource().toString();
    for (String part :
        List.of(
            "\"model\":\"bge-small-en-v1.5\"",
            "\"index_options\":{\"type\":\"int8_hnsw\"}",
            "\"chunking\":{\"enabled\":true,\"max_tokens\":256,\"overlap_tokens\":32}")) {
      assertThat(json, containsString(part));
    }
    QuiverSemanticFieldType type =
        (QuiverSemanticFieldType)
            ((org.opensearch.index.mapper.FieldMapper) mapper.mappers().getMapper("field"))
                .fieldType();
    assertEquals("quiver_semantic", type.typeName());
    assertEquals("_quiver_semantic.field.vectors", type.vectorsField());
    assertEquals(new SemanticChunking(true, 256, 32), type.chunking());
  }

  public void testChunkingFalseEmbedsTheFirstTokens() throws IOException {
    DocumentMapper mapper =
        createDocumentMapper(
            fieldMapping(b -> b.field("type", "quiver_semantic").field("chunking", false)));
    assertThat(
        mapper.mappingSource().toString(),
        containsString("\"chunking\":{\"enabled\":false,\"max_tokens\":256,\"overlap_tokens\":0}"));
  }

  public void testTextIsIndexedLikeText() throws IOException {
    DocumentMapper mapper = createDocumentMapper(fieldMapping(this::minimalMapping));
    ParsedDocument doc = mapper.parse(source(b -> b.field("field", "Penguins swim")));
    IndexableField[] fields = doc.rootDoc().getFields("field");
    assertEquals(1, fields.length);
    assertEquals(TextFieldMapper.Defaults.FIELD_TYPE, fields[0].fieldType());
    MappedFieldType type =
        ((org.opensearch.index.mapper.FieldMapper) mapper.mappers().getMapper("field")).fieldType();
    assertThat(type.termQuery("penguins", null), instanceOf(TermQuery.class));
  }

  public void testBadValuesNameTheField() throws IOException {
    DocumentMapper mapper = createDocumentMapper(fieldMapping(this::minimalMapping));
    for (String json : List.of("{\"field\": 5}", "{\"field\": true}", "{\"field\": {\"a\": 1}}")) {
      MapperParsingException e =
          expectThrows(
              MapperParsingException.class,
              () ->
                  mapper.parse(
                      new org.opensearch.index.mapper.SourceToParse(
                          "test",
                          "1",
                          new org.opensearch.core.common.bytes.BytesArray(json),
                          org.opensearch.common.xcontent.XContentType.JSON)));
      assertThat(
          e.getCause().getMessage(), containsString("field [field] of type [quiver_semantic]"));
    }
  }

  public void testBadMappingsNameTheField() {
    String[][] cases = {
      {"\"model\": \"no-such-model\"", "unknown model [no-such-model]"},
      {"\"index_options\": {\"type\": \"ivf\"}", "[index_options.type] must be one of"},
      {"\"index_options\": {\"type\": \"hnsw\", \"m\": 8}", "unknown [index_options] option [m]"},
      {"\"chunking\": {\"max_tokens\": 100000}", "[chunking.max_tokens]"},
      {"\"chunking\": {\"max_tokens\": 1024}", "at most the model's max_tokens [512]"},
      {"\"chunking\": {\"max_tokens\": 64, \"overlap_tokens\": 40}", "at most half"},
      {"\"chunking\": {\"bogus\": 1}", "unknown [chunking] option [bogus]"},
    };
    for (String[] c : cases) {
      Exception e =
          expectThrows(
              Exception.class,
              () ->
                  createMapperService(
                      fieldMapping(
                          b -> {
                            b.field("type", "quiver_semantic");
                            String[] kv = c[0].split(": ", 2);
                            b.rawField(
                                kv[0].replace("\"", ""),
                                new java.io.ByteArrayInputStream(
                                    kv[1].getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                                org.opensearch.core.xcontent.MediaTypeRegistry.JSON);
                          })));
      String message = e.getMessage() + (e.getCause() == null ? "" : e.getCause().getMessage());
      assertThat(c[0], message, containsString(c[1]));
      assertThat(c[0], message, containsString("field"));
    }
  }
}
