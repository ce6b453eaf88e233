package dev.quiver.plugin.mapper;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;

import dev.quiver.plugin.QuiverPlugin;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.MapperTestCase;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.index.mapper.ParsedDocument;
import org.opensearch.plugins.Plugin;

/**
 * The {@code quiver_vector} mapper under OpenSearch's mapper harness: minimal and maximal mappings
 * serialize to themselves, every parameter refuses to change ({@code dims}, {@code similarity},
 * {@code index_options}, {@code model}), {@code meta} updates, exists queries; plus documents
 * parsed into Lucene fields (nested children, cosine at the ends of the float32 range).
 */
public class QuiverVectorFieldMapperHarnessTests extends MapperTestCase {

  @Override
  protected Collection<? extends Plugin> getPlugins() {
    return List.of(new QuiverPlugin(Settings.EMPTY));
  }

  @Override
  protected void minimalMapping(XContentBuilder b) throws IOException {
    // similarity and index_options are always serialized (defaults made explicit)
    b.field("type", "quiver_vector").field("dims", 3).field("similarity", "cosine");
    b.startObject("index_options")
        .field("type", "hnsw")
        .field("m", 16)
        .field("ef_construction", 100)
        .endObject();
  }

  private XContentBuilder mappingWith(String dims, String similarity, String indexType)
      throws IOException {
    return fieldMapping(
        b -> {
          b.field("type", "quiver_vector").field("dims", Integer.parseInt(dims));
          b.field("similarity", similarity);
          b.startObject("index_options").field("type", indexType).endObject();
        });
  }

  @Override
  protected void writeFieldValue(XContentBuilder b) throws IOException {
    b.startArray().value(1f).value(2f).value(3f).endArray();
  }

  @Override
  protected void registerParameters(ParameterChecker checker) throws IOException {
    checker.registerConflictCheck(
        "dims", mappingWith("3", "cosine", "flat"), mappingWith("4", "cosine", "flat"));
    checker.registerConflictCheck(
        "similarity", mappingWith("3", "cosine", "flat"), mappingWith("3", "l2_norm", "flat"));
    checker.registerConflictCheck(
        "index_options", mappingWith("3", "cosine", "hnsw"), mappingWith("3", "cosine", "flat"));
    checker.registerConflictCheck("model", b -> b.field("model", "bge-small-en-v1.5"));
  }

  @Override
  protected void assertExistsQuery(
      MappedFieldType fieldType, Query query, ParseContext.Document doc) {
    assertThat(query, instanceOf(FieldExistsQuery.class));
    assertNotNull(doc.getField(fieldType.name()));
  }

  private static float[] indexed(ParsedDocument doc, String field) {
    IndexableField f = doc.rootDoc().getField(field);
    assertThat(f, instanceOf(KnnFloatVectorField.class));
    return ((KnnFloatVectorField) f).vectorValue();
  }

  public void testModelIsKeptInTheMapping() throws IOException {
    DocumentMapper mapper =
        createDocumentMapper(
            fieldMapping(
                b -> b.field("type", "quiver_vector").field("dims", 3).field("model", "m1")));
    QuiverVectorFieldMapper field = (QuiverVectorFieldMapper) mapper.mappers().getMapper("field");
    assertEquals("m1", field.fieldType().model());
    assertThat(mapper.mappingSource().toString(), containsString("\"model\":\"m1\""));
    MapperParsingException e =
        expectThrows(
            MapperParsingException.class,
            () ->
                createDocumentMapper(
                    fieldMapping(
                        b -> b.field("type", "quiver_vector").field("dims", 3).field("model", 7))));
    assertThat(e.getMessage(), containsString("[model] must be a model name"));
  }

  public void testCosineNormalizesHugeAndTinyVectors() throws IOException {
    DocumentMapper mapper = createDocumentMapper(fieldMapping(this::minimalMapping));
    float r3 = (float) (1 / Math.sqrt(3));
    for (float x : new float[] {3e19f, 1e-30f}) {
      ParsedDocument doc = mapper.parse(source(b -> b.array("field", x, x, x)));
      assertArrayEquals(new float[] {r3, r3, r3}, indexed(doc, "field"), 1e-6f);
    }
  }

  public void testNestedVectorsAreIndexedInTheChildDocuments() throws IOException {
    DocumentMapper mapper =
        createDocumentMapper(
            mapping(
                b ->
                    b.startObject("passages")
                        .field("type", "nested")
                        .startObject("properties")
                        .startObject("vec")
                        .field("type", "quiver_vector")
                        .field("dims", 2)
                        .field("similarity", "l2_norm")
                        .endObject()
                        .endObject()
                        .endObject()));
    ParsedDocument doc =
        mapper.parse(
            source(
                b ->
                    b.startArray("passages")
                        .startObject()
                        .array("vec", 1f, 2f)
                        .endObject()
                        .startObject()
                        .array("vec", 3f, 4f)
                        .endObject()
                        .endArray()));
    assertEquals(3, doc.docs().size()); // two children, then the parent
    assertArrayEquals(
        new float[] {1f, 2f},
        ((KnnFloatVectorField) doc.docs().get(0).getField("passages.vec")).vectorValue(),
        0f);
    assertArrayEquals(
        new float[] {3f, 4f},
        ((KnnFloatVectorField) doc.docs().get(1).getField("passages.vec")).vectorValue(),
        0f);
    assertNull(doc.rootDoc().getField("passages.vec"));
  }
}
