package dev.quiver.codec.quantized;

import static org.apache.lucene.tests.util.LuceneTestCase.expectThrows;
import static org.apache.lucene.tests.util.LuceneTestCase.newDirectory;
import static org.junit.Assert.assertTrue;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;

/**
 * The quantized formats take float32 vectors only: indexing a byte vector fails with an {@link
 * IllegalArgumentException} naming the field. Stands in for the byte-vector cases of Lucene's
 * conformance suite, which assume every format stores bytes.
 */
final class ByteVectorsRefused {

  private ByteVectorsRefused() {}

  static void check(Codec codec) throws Exception {
    try (Directory dir = newDirectory();
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setCodec(codec))) {
      Document doc = new Document();
      doc.add(
          new KnnByteVectorField(
              "bytes_field", new byte[] {1, 2, 3, 4}, VectorSimilarityFunction.EUCLIDEAN));
      IllegalArgumentException e =
          expectThrows(IllegalArgumentException.class, () -> w.addDocument(doc));
      assertTrue(e.getMessage(), e.getMessage().contains("field [bytes_field]"));
      assertTrue(e.getMessage(), e.getMessage().contains("float32 vectors only"));
    }
  }
}
