package dev.quiver.codec.compat;

import dev.quiver.codec.PerFieldQuiverCodec;
import dev.quiver.codec.quantized.Quiver10QuantizedFlatVectorsFormat;
import dev.quiver.codec.quantized.Quiver10QuantizedHnswVectorsFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;

/**
 * The content of the small index checked in once per version of the quantized formats ({@code
 * src/test/resources/compat/quantized10-v<N>.zip}). <b>Frozen</b>: the checked-in indices were
 * written from exactly this specification and {@link TestQuantizedCompatIndices} regenerates the
 * expected vectors from it. A new specification gets a new class.
 *
 * <p>One segment of {@link #DOCS} documents (no compound file, enough for Lucene to build a graph
 * on both HNSW fields), every bit width, every similarity, the flat and the HNSW format, a sparse
 * field and deleted documents. Each document has a stored, indexed {@code id}.
 */
final class QuantizedCompatIndex {

  static final int DOCS = 1200;

  /** Query vectors are generated for ids {@code DOCS..DOCS+QUERIES-1}, never indexed. */
  static final int QUERIES = 8;

  private static final long SEED = 0x5155414E54313030L;

  /** One vector field: {@code m == 0} for the flat format. */
  record FieldSpec(
      String name,
      int bits,
      int m,
      int beamWidth,
      VectorSimilarityFunction similarity,
      int dims,
      int missingEvery) {

    boolean has(int id) {
      return missingEvery == 0 || id % missingEvery != 0;
    }

    boolean hnsw() {
      return m > 0;
    }

    String format() {
      return hnsw()
          ? Quiver10QuantizedHnswVectorsFormat.NAME
          : Quiver10QuantizedFlatVectorsFormat.NAME;
    }
  }

  static final List<FieldSpec> FIELDS =
      List.of(
          new FieldSpec("hnsw1_l2", 1, 8, 32, VectorSimilarityFunction.EUCLIDEAN, 24, 0),
          new FieldSpec("hnsw4_cos_sparse", 4, 12, 40, VectorSimilarityFunction.COSINE, 16, 7),
          new FieldSpec("flat8_dot", 8, 0, 0, VectorSimilarityFunction.DOT_PRODUCT, 12, 0),
          new FieldSpec(
              "flat2_mip", 2, 0, 0, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, 16, 0));

  private QuantizedCompatIndex() {}

  static boolean deleted(int id) {
    return id % 89 == 11;
  }

  /** The float vector of document (or query) {@code id} in {@code field}. */
  static float[] vector(FieldSpec field, int id) {
    long state = SEED ^ (field.name().hashCode() * 0x9E3779B97F4A7C15L) ^ ((long) id << 20);
    float[] v = new float[field.dims()];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z = z ^ (z >>> 31);
      v[i] = ((z >>> 40) / (float) (1 << 24)) * 2f - 1f;
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

  /** Writes the index into the empty {@code dir} with the formats as the code now writes them. */
  static void write(Directory dir) throws IOException {
    Map<String, KnnVectorsFormat> formats = new HashMap<>();
    for (FieldSpec f : FIELDS) {
      formats.put(
          f.name(),
          f.hnsw()
              ? new Quiver10QuantizedHnswVectorsFormat(f.bits(), f.m(), f.beamWidth())
              : new Quiver10QuantizedFlatVectorsFormat(f.bits()));
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
        for (FieldSpec f : FIELDS) {
          if (f.has(id)) {
            doc.add(new KnnFloatVectorField(f.name(), vector(f, id), f.similarity()));
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
}
