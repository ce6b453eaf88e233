package dev.quiver.plugin.mapper;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;

import dev.quiver.codec.fde.Quiver10FdeVectorsFormat;
import dev.quiver.codec.multivector.MaxSim;
import dev.quiver.codec.multivector.MultiVectorCodec;
import dev.quiver.plugin.QuiverPlugin;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.MapperTestCase;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.index.mapper.ParsedDocument;
import org.opensearch.index.mapper.SourceToParse;
import org.opensearch.plugins.Plugin;

/**
 * The {@code quiver_multi_vector} mapper under OpenSearch's mapper harness: the minimal mapping
 * serializes with every default written out, no parameter but {@code meta} can change (an FDE
 * option's change names it), exists queries; plus documents parsed into the FDE vector and the
 * encoded vectors, and every bad value refused with the field named and nothing indexed.
 */
public class QuiverMultiVectorFieldMapperHarnessTests extends MapperTestCase {

  private static final int DIMS = 16;

  @Override
  protected Collection<? extends Plugin> getPlugins() {
    return List.of(new QuiverPlugin(Settings.EMPTY));
  }

  @Override
  protected void minimalMapping(XContentBuilder b) throws IOException {
    b.field("type", "quiver_multi_vector").field("dims", DIMS);
    b.field("similarity", "cosine").field("max_vectors", 1024);
    b.startObject("fde")
        .field("repetitions", 20)
        .field("simhash_bits", 5)
        .field("projection_dims", 16)
        .field("final_projection_dims", 0)
        .field("seed", 42)
        .field("version", 1)
        .field("index_type", "int1_hnsw")
        .field("m", 16)
        .field("ef_construction", 100)
        .endObject();
    b.field("stored_vectors", "float16").field("store_source", false);
  }

  private static XContentBuilder small(XContentBuilder b) throws IOException {
    return b.field("type", "quiver_multi_vector").field("dims", 4);
  }

  private XContentBuilder smallMapping(String fde) throws IOException {
    return smallMapping(4, fde);
  }

  private XContentBuilder smallMapping(int dims, String fde) throws IOException {
    return fieldMapping(
        b -> {
          b.field("type", "quiver_multi_vector").field("dims", dims);
          b.startObject("fde");
          for (String kv : fde.split(",")) {
            String[] p = kv.split("=");
            if (p[1].matches("-?\\d+")) {
              b.field(p[0], Long.parseLong(p[1]));
            } else {
              b.field(p[0], p[1]);
            }
          }
          b.endObject();
        });
  }

  private static final String FDE =
      "repetitions=2,simhash_bits=2,projection_dims=2,index_type=hnsw";

  @Override
  protected void writeFieldValue(XContentBuilder b) throws IOException {
    b.startArray();
    for (int t = 0; t < 3; t++) {
      b.startArray();
      for (int i = 0; i < DIMS; i++) {
        b.value(t == i ? 1f : 0.1f);
      }
      b.endArray();
    }
    b.endArray();
  }

  /** The minimal mapping with one top-level parameter replaced. */
  private XContentBuilder minimalWith(String key, Object value) throws IOException {
    return fieldMapping(
        b -> {
          XContentBuilder full = XContentFactory.jsonBuilder();
          full.startObject();
          minimalMapping(full);
          full.endObject();
          Map<String, Object> map =
              XContentHelper.convertToMap(BytesReference.bytes(full), true, XContentType.JSON).v2();
          map.put(key, value);
          for (Map.Entry<String, Object> e : map.entrySet()) {
            b.field(e.getKey(), e.getValue());
          }
        });
  }

  @Override
  protected void registerParameters(ParameterChecker checker) throws IOException {
    checker.registerConflictCheck("dims", smallMapping(4, FDE), smallMapping(8, FDE));
    checker.registerConflictCheck(
        "similarity", fieldMapping(this::minimalMapping), minimalWith("similarity", "dot_product"));
    checker.registerConflictCheck(
        "max_vectors", fieldMapping(this::minimalMapping), minimalWith("max_vectors", 8));
    checker.registerConflictCheck(
        "stored_vectors",
        fieldMapping(this::minimalMapping),
        minimalWith("stored_vectors", "int8"));
    checker.registerConflictCheck(
        "store_source", fieldMapping(this::minimalMapping), minimalWith("store_source", true));
    checker.registerConflictCheck("model", b -> b.field("model", "colbert-small"));
    checker.registerConflictCheck(
        "fde", fieldMapping(this::minimalMapping), minimalWith("fde", Map.of("repetitions", 10)));
  }

  @Override
  protected void assertExistsQuery(
      MappedFieldType fieldType, Query query, ParseContext.Document doc) {
    assertThat(query, instanceOf(FieldExistsQuery.class));
    assertNotNull(doc.getField(fieldType.name()));
  }

  public void testDefaultsAreWrittenOut() throws IOException {
    DocumentMapper mapper =
        createDocumentMapper(
            fieldMapping(b -> b.field("type", "quiver_multi_vector").field("dims", 32)));
    String json = mapper.mappingSource().toString();
    for (String part :
        List.of(
            "\"similarity\":\"cosine\"",
            "\"max_vectors\":1024",
            "\"repetitions\":20",
            "\"simhash_bits\":5",
            "\"projection_dims\":16",
            "\"final_projection_dims\":0",
            "\"seed\":42",
            "\"version\":1",
            "\"index_type\":\"int1_hnsw\"",
            "\"m\":16",
            "\"ef_construction\":100",
            "\"stored_vectors\":\"float16\"",
            "\"store_source\":false")) {
      assertThat(json, containsString(part));
    }
  }

  public void testAChangedFdeOptionIsNamed() throws IOException {
    MapperService service = createMapperService(smallMapping(FDE));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> merge(service, smallMapping(FDE + ",seed=7")));
    assertThat(e.getMessage(), containsString("[fde.seed] cannot change from [42] to [7]"));
    assertThat(e.getMessage(), containsString("field [field]"));
    e =
        expectThrows(
            IllegalArgumentException.class,
            () -> merge(service, smallMapping(FDE.replace("hnsw", "int8_hnsw"))));
    assertThat(e.getMessage(), containsString("[fde.index_type] cannot change"));
    merge(service, smallMapping(FDE)); // the same mapping again is fine
  }

  public void testBadMappingsNameTheFieldAndOption() {
    String[][] cases = {
      {"repetitions=20,simhash_bits=8,projection_dims=4", "final_projection_dims"},
      {"repetitions=2,simhash_bits=2,projection_dims=8", "[projection_dims]"},
      {"repetitions=2,simhash_bits=2,projection_dims=2,index_type=ivf", "[fde.index_type]"},
      {"repetitions=2,simhash_bits=2,projection_dims=2,bogus=1", "[fde.bogus]"},
      {"repetitions=x", "[fde.repetitions] must be an integer"},
    };
    for (String[] c : cases) {
      MapperParsingException e =
          expectThrows(MapperParsingException.class, () -> createMapperService(smallMapping(c[0])));
      assertThat(c[0], e.getMessage(), containsString("field"));
      assertThat(c[0], e.getMessage(), containsString(c[1]));
    }
    MapperParsingException e =
        expectThrows(
            MapperParsingException.class,
            () -> createMapperService(fieldMapping(b -> b.field("type", "quiver_multi_vector"))));
    assertThat(e.getMessage(), containsString("[dims] is required"));
    e =
        expectThrows(
            MapperParsingException.class,
            () -> createMapperService(fieldMapping(b -> small(b).field("similarity", "l2_norm"))));
    assertThat(e.getMessage(), containsString("[cosine] or [dot_product]"));
    e =
        expectThrows(
            MapperParsingException.class,
            () -> createMapperService(fieldMapping(b -> small(b).field("stored_vectors", "int4"))));
    assertThat(e.getMessage(), containsString("[stored_vectors]"));
  }

  public void testADocumentIndexesItsFdeAndItsEncodedVectors() throws IOException {
    DocumentMapper mapper = createDocumentMapper(smallMapping(FDE));
    ParsedDocument doc =
        mapper.parse(
            source(
                b ->
                    b.startArray("field")
                        .value(new float[] {3, 0, 0, 4})
                        .value(new float[] {0, 1, 0, 0})
                        .endArray()));
    IndexableField fde = doc.rootDoc().getField("field");
    assertThat(fde, instanceOf(KnnFloatVectorField.class));
    assertEquals(2 * 4 * 2, ((KnnFloatVectorField) fde).vectorValue().length);
    assertEquals(
        VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, fde.fieldType().vectorSimilarityFunction());
    assertNotNull(
        fde.fieldType().getAttributes().get(Quiver10FdeVectorsFormat.FINGERPRINT_ATTRIBUTE));
    IndexableField stored = doc.rootDoc().getField("field._mv");
    assertThat(stored, instanceOf(BinaryDocValuesField.class));
    BytesRef bytes = stored.binaryValue();
    assertEquals(2, MultiVectorCodec.count(bytes));
    assertEquals(4, MultiVectorCodec.dims(bytes));
    // cosine: the vectors are normalized before they are stored; MaxSim of (0.6, 0, 0, 0.8) alone
    float score = new MaxSim(new float[] {0.6f, 0, 0, 0.8f}, 1, 4).score(bytes);
    assertEquals(1f, score, 2e-3f);
  }

  public void testBadValuesFailTheDocumentNamingTheField() throws IOException {
    DocumentMapper mapper =
        createDocumentMapper(
            fieldMapping(
                b ->
                    small(b)
                        .field("max_vectors", 2)
                        .startObject("fde")
                        .field("repetitions", 2)
                        .field("simhash_bits", 2)
                        .field("projection_dims", 2)
                        .field("index_type", "hnsw")
                        .endObject()));
    String[][] cases = {
      {"[[1,2,3,4],[1,2,3]]", "has 4 dimensions but the vector has 3"},
      {"[]", "needs at least one vector"},
      {"[[1,2,3,4],[1,2,3,4],[1,2,3,4]]", "at most [max_vectors] = 2"},
      {"[1,2,3,4]", "expects an array of vectors"},
      {"[[1,2,3,\"NaN\"]]", "must be a number"},
      {"[[1,2,3,1e39]]", "not a finite float32"},
      {"[[0,0,0,0]]", "all zeros"},
    };
    for (String[] c : cases) {
      MapperParsingException e =
          expectThrows(
              MapperParsingException.class,
              () ->
                  mapper.parse(
                      new SourceToParse(
                          "test",
                          "1",
                          new BytesArray("{\"field\": " + c[0] + "}"),
                          XContentType.JSON)));
      String message =
          e.getMessage() + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
      assertThat(c[0], message, containsString("field [field]"));
      assertThat(c[0], message, containsString(c[1]));
    }
  }
}
