package dev.quiver.codec.compat;

import dev.quiver.codec.PerFieldQuiverCodec;
import dev.quiver.codec.quiver10.Quiver10FlatVectorsFormat;
import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;

/**
 * The content of the small index checked in once per Quiver10 format version ({@code
 * src/test/resources/compat/quiver10-v<N>.zip}). <b>Frozen</b>: every checked-in index was written
 * from exactly this specification, and {@link TestQuiver10CompatIndices} regenerates the expected
 * vectors from it, so nothing here may change. A new specification gets a new class.
 *
 * <p>One segment of {@link #DOCS} documents (no compound file), enough for Lucene to build a graph
 * on every HNSW field, with fields covering both Quiver10 formats, both encodings, every
 * similarity, dense and sparse fields, and deleted documents. Each document has a stored, indexed
 * {@code id} and a {@code parity} keyword ({@code even}/{@code odd}) for filters.
 */
final class Quiver10CompatIndex {

  /** Documents written. */
  static final int DOCS = 1000;

  /** Query vectors are generated for ids {@code DOCS..DOCS+QUERIES-1}, never indexed. */
  static final int QUERIES = 8;

  private static final long SEED = 0x5155495645523130L;

  /** One vector field of the index. */
  record FieldSpec(
      String name,
      String format,
      int m,
      int beamWidth,
      VectorEncoding encoding,
      VectorSimilarityFunction similarity,
      int dims,
      int missingEvery) {

    /** Whether document {@code id} has a vector in this field. */
    boolean has(int id) {
      return missingEvery == 0 || id % missingEvery != 0;
    }

    boolean hnsw() {
      return format.equals(Quiver10HnswVectorsFormat.NAME);
    }
  }

  static final List<FieldSpec> FIELDS =
      List.of(
          new FieldSpec(
              "hnsw_l2",
              Quiver10HnswVectorsFormat.NAME,
              8,
              32,
              VectorEncoding.FLOAT32,
              VectorSimilarityFunction.EUCLIDEAN,
              8,
              0),
          new FieldSpec(
              "hnsw_cos_sparse",
              Quiver10HnswVectorsFormat.NAME,
              12,
              40,
              VectorEncoding.FLOAT32,
              VectorSimilarityFunction.COSINE,
              5,
              10),
          new FieldSpec(
              "hnsw_mip_bytes",
              Quiver10HnswVectorsFormat.NAME,
              8,
              32,
              VectorEncoding.BYTE,
              VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT,
              6,
              0),
          new FieldSpec(
              "flat_dot",
              Quiver10FlatVectorsFormat.NAME,
              0,
              0,
              VectorEncoding.FLOAT32,
              VectorSimilarityFunction.DOT_PRODUCT,
              6,
              0),
          new FieldSpec(
              "flat_mip_sparse",
              Quiver10FlatVectorsFormat.NAME,
              0,
              0,
              VectorEncoding.FLOAT32,
              VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT,
              3,
              4),
          new FieldSpec(
              "flat_l2_bytes",
              Quiver10FlatVectorsFormat.NAME,
              0,
              0,
              VectorEncoding.BYTE,
              VectorSimilarityFunction.EUCLIDEAN,
              4,
              0));

  private Quiver10CompatIndex() {}

  /** Whether document {@code id} is deleted after indexing. */
  static boolean deleted(int id) {
    return id % 97 == 13;
  }

  static String parity(int id) {
    return id % 2 == 0 ? "even" : "odd";
  }

  /** The float vector of document (or query) {@code id} in {@code field}. */
  static float[] floatVector(FieldSpec field, int id) {
    SplitMix64 random = new SplitMix64(field, id);
    float[] v = new float[field.dims()];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextSignedUnit();
      norm += (double) v[i] * v[i];
    }
    if (field.similarity() == VectorSimilarityFunction.DOT_PRODUCT) {
      float inv = (float) (1.0 / Math.sqrt(norm));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }

  /** The byte vector of document (or query) {@code id} in {@code field}. */
  static byte[] byteVector(FieldSpec field, int id) {
    SplitMix64 random = new SplitMix64(field, id);
    byte[] v = new byte[field.dims()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) (random.next() >>> 56);
    }
    return v;
  }

  /** Writes the index into the empty {@code dir} with the formats as the code now writes them. */
  static void write(Directory dir) throws IOException {
    Map<String, KnnVectorsFormat> formats = new java.util.HashMap<>();
    Map<String, KnnVectorsFormat> byParameters = new java.util.HashMap<>();
    for (FieldSpec f : FIELDS) {
      String key = f.format() + "/" + f.m() + "/" + f.beamWidth();
      formats.put(
          f.name(),
          byParameters.computeIfAbsent(
              key,
              k ->
                  f.hnsw()
                      ? new Quiver10HnswVectorsFormat(f.m(), f.beamWidth())
                      : new Quiver10FlatVectorsFormat()));
    }
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new PerFieldQuiverCodec(new Lucene104Codec(), formats::get))
            .setUseCompoundFile(false)
            .setMergePolicy(NoMergePolicy.INSTANCE)
            .setRAMBufferSizeMB(256)
            .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    try (IndexWriter w = new IndexWriter(dir, config)) {
      for (int id = 0; id < DOCS; id++) {
        Document doc = new Document();
        doc.add(new StringField("id", Integer.toString(id), Field.Store.YES));
        doc.add(new StringField("parity", parity(id), Field.Store.NO));
        for (FieldSpec f : FIELDS) {
          if (f.has(id) == false) {
            continue;
          }
          if (f.encoding() == VectorEncoding.BYTE) {
            doc.add(new KnnByteVectorField(f.name(), byteVector(f, id), f.similarity()));
          } else {
            doc.add(new KnnFloatVectorField(f.name(), floatVector(f, id), f.similarity()));
          }
        }
        w.addDocument(doc);
      }
      w.commit();
      for (int id = 0; id < DOCS; id++) {
        if (deleted(id)) {
          w.deleteDocuments(new Term("id", Integer.toString(id)));
        }
      }
      w.commit();
    }
  }

  /**
   * SplitMix64 (Steele, Lea and Flood, 2014), written out so the sequence can never change with the
   * JDK.
   */
  private static final class SplitMix64 {
    private long state;

    SplitMix64(FieldSpec field, int id) {
      state = SEED ^ (field.name().hashCode() * 0x9E3779B97F4A7C15L) ^ ((long) id << 20);
    }

    long next() {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    /** Uniform in [-1, 1), 24 random bits. */
    float nextSignedUnit() {
      return ((next() >>> 40) / (float) (1 << 24)) * 2f - 1f;
    }
  }
}
