package dev.quiver.codec.compat;

import dev.quiver.codec.PerFieldQuiverCodec;
import dev.quiver.codec.fde.Quiver10FdeVectorsFormat;
import dev.quiver.codec.multivector.MultiVectorCodec;
import dev.quiver.codec.multivector.MultiVectorEncoding;
import dev.quiver.codec.muvera.FdeEncoder;
import dev.quiver.codec.muvera.FdeParams;
import dev.quiver.codec.quantized.Quiver10QuantizedHnswVectorsFormat;
import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.io.IOException;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;

/**
 * The content of the small index checked in once per version of {@link Quiver10FdeVectorsFormat}
 * ({@code src/test/resources/compat/fde10-v<N>.zip}). <b>Frozen</b>: the checked-in indices were
 * written from exactly this specification and {@link TestFdeCompatIndices} regenerates the expected
 * values from it, so the zip also pins FDE algorithm version 1 (the stored FDEs must equal today's
 * encoder output bit for bit) and multi-vector layout version 1 (the stored bytes must decode to
 * the vectors and score as today's encoder writes them).
 *
 * <p>One segment of {@link #DOCS} documents (no compound file), each with {@code 1 + id % 9} token
 * vectors of {@link #TOKEN_DIMS} dims: field {@code fde_q} (FDE of params {@link #PARAMS_Q} over
 * 4-bit quantized HNSW), {@code fde_f} (FDE of {@link #PARAMS_F}, final projection, over the float
 * HNSW) and one binary doc values field per multi-vector encoding, {@code tokens_<name>}.
 */
final class FdeCompatIndex {

  static final int DOCS = 300;
  static final int TOKEN_DIMS = 16;
  static final FdeParams PARAMS_Q = new FdeParams(4, 3, 8, 0, 11, FdeParams.VERSION_1);
  static final FdeParams PARAMS_F = new FdeParams(6, 4, 8, 200, 12, FdeParams.VERSION_1);

  private static final long SEED = 0x4644453130303030L;

  private FdeCompatIndex() {}

  static int tokenCount(int id) {
    return 1 + id % 9;
  }

  /** The token vectors of document (or query) {@code id}, row-major, unit length. */
  static float[] tokens(int id) {
    int count = tokenCount(id);
    float[] v = new float[count * TOKEN_DIMS];
    long state = SEED ^ ((long) id << 24);
    for (int t = 0; t < count; t++) {
      double norm = 0;
      for (int i = 0; i < TOKEN_DIMS; i++) {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        float x = ((z >>> 40) / (float) (1 << 24)) * 2f - 1f;
        v[t * TOKEN_DIMS + i] = x;
        norm += (double) x * x;
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < TOKEN_DIMS; i++) {
        v[t * TOKEN_DIMS + i] *= inv;
      }
    }
    return v;
  }

  static String tokensField(MultiVectorEncoding encoding) {
    return "tokens_" + encoding.mappingName();
  }

  /** Writes the index into the empty {@code dir} with the formats as the code now writes them. */
  static void write(Directory dir) throws IOException {
    Map<String, KnnVectorsFormat> formats =
        Map.of(
            "fde_q",
            new Quiver10FdeVectorsFormat(new Quiver10QuantizedHnswVectorsFormat(4, 12, 40)),
            "fde_f",
            new Quiver10FdeVectorsFormat(new Quiver10HnswVectorsFormat(12, 40)));
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new PerFieldQuiverCodec(new Lucene104Codec(), formats::get))
            .setUseCompoundFile(false)
            .setMergePolicy(NoMergePolicy.INSTANCE)
            .setRAMBufferSizeMB(256)
            .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    FdeEncoder q = new FdeEncoder(PARAMS_Q, TOKEN_DIMS);
    FdeEncoder f = new FdeEncoder(PARAMS_F, TOKEN_DIMS);
    var typeQ =
        Quiver10FdeVectorsFormat.fieldType(
            q.dims(), VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, q.fingerprint());
    var typeF =
        Quiver10FdeVectorsFormat.fieldType(
            f.dims(), VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, f.fingerprint());
    try (IndexWriter w = new IndexWriter(dir, config)) {
      for (int id = 0; id < DOCS; id++) {
        float[] tokens = tokens(id);
        int count = tokenCount(id);
        Document doc = new Document();
        doc.add(new StringField("id", Integer.toString(id), Field.Store.YES));
        doc.add(new KnnFloatVectorField("fde_q", q.encodeDocument(tokens, count), typeQ));
        doc.add(new KnnFloatVectorField("fde_f", f.encodeDocument(tokens, count), typeF));
        for (MultiVectorEncoding e : MultiVectorEncoding.values()) {
          doc.add(
              new BinaryDocValuesField(
                  tokensField(e), MultiVectorCodec.encode(e, tokens, count, TOKEN_DIMS)));
        }
        w.addDocument(doc);
      }
      w.commit();
    }
  }
}
