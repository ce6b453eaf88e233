package dev.quiver.codec;

import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;

public class TestPerFieldQuiverCodec extends LuceneTestCase {

  public void testRoutesOnlyQuiverFieldsAndKeepsWrappedCodecName() throws Exception {
    Codec wrapped = new Lucene104Codec(Lucene104Codec.Mode.BEST_COMPRESSION);
    KnnVectorsFormat quiver = new Quiver10HnswVectorsFormat(8, 32);
    Codec codec = new PerFieldQuiverCodec(wrapped, f -> f.equals("q") ? quiver : null);
    assertEquals(wrapped.getName(), codec.getName());
    try (Directory dir = newDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setCodec(codec))) {
        for (int i = 0; i < 50; i++) {
          Document doc = new Document();
          float[] v = {i, 1f, 2f};
          doc.add(new KnnFloatVectorField("q", v, VectorSimilarityFunction.EUCLIDEAN));
          doc.add(new KnnFloatVectorField("other", v, VectorSimilarityFunction.EUCLIDEAN));
          w.addDocument(doc);
        }
      }
      SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
      assertEquals(wrapped.getName(), infos.info(0).info.getCodec().getName());
      // Opened with no knowledge of the wrapper: SPI resolves the per-field formats.
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        LeafReader leaf = r.leaves().get(0).reader();
        FieldInfo q = leaf.getFieldInfos().fieldInfo("q");
        FieldInfo other = leaf.getFieldInfos().fieldInfo("other");
        assertEquals(
            Quiver10HnswVectorsFormat.NAME,
            q.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
        assertEquals(
            wrapped.knnVectorsFormat() instanceof PerFieldKnnVectorsFormat pf
                ? pf.getKnnVectorsFormatForField("other").getName()
                : null,
            other.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
        IndexSearcher s = new IndexSearcher(r);
        float[] target = {10f, 1f, 2f};
        assertEquals(10, s.search(new KnnFloatVectorQuery("q", target, 1), 1).scoreDocs[0].doc);
        assertEquals(10, s.search(new KnnFloatVectorQuery("other", target, 1), 1).scoreDocs[0].doc);
      }
    }
  }

  public void testRejectsCodecWithoutPerFieldVectors() {
    Codec notPerField =
        new org.apache.lucene.codecs.FilterCodec("Lucene104", new Lucene104Codec()) {
          @Override
          public KnnVectorsFormat knnVectorsFormat() {
            return new Quiver10HnswVectorsFormat();
          }
        };
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> new PerFieldQuiverCodec(notPerField, f -> null));
    assertTrue(e.getMessage(), e.getMessage().contains("Quiver cannot wrap it"));
  }
}
