package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.DocCorrections;
import java.io.IOException;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.store.ByteBuffersIndexInput;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The two record layouts of {@code .qqd}: version 0 (20 bytes of corrective terms, written by the
 * old code, here byte by byte) still reads back exactly, and the compact layout written now (15
 * bytes) keeps the estimate's terms exactly and the error bound's terms rounded up by less than
 * 0.8%.
 */
public class TestQuantizedRecord extends LuceneTestCase {

  private static final int CODE_BYTES = 24;

  public void testCompactLayoutRoundTrip() throws IOException {
    int n = 200;
    ByteBuffersDataOutput out = new ByteBuffersDataOutput();
    byte[][] codes = new byte[n][CODE_BYTES];
    DocCorrections[] terms = new DocCorrections[n];
    for (int i = 0; i < n; i++) {
      random().nextBytes(codes[i]);
      terms[i] =
          new DocCorrections(
              (float) random().nextGaussian(),
              (float) random().nextGaussian() * 100,
              i == 0 ? 0f : (float) Math.abs(random().nextGaussian()) * (1 << random().nextInt(20)),
              i == 1 ? QuantizedRecord.MAX_COMPACT_LEVEL_SUM : random().nextInt(1 << 24),
              (float) Math.abs(random().nextGaussian()) * 1e-3f * (1 << random().nextInt(30)));
      QuantizedRecord.write(out, codes[i], terms[i]);
    }
    int version = Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT;
    assertEquals((long) n * (CODE_BYTES + QuantizedRecord.correctionBytes(version)), out.size());
    assertEquals(15, QuantizedRecord.correctionBytes(version));
    QuantizedRecord record = new QuantizedRecord(CODE_BYTES, version);
    IndexInput in = new ByteBuffersIndexInput(out.toDataInput(), "records");
    for (int i = 0; i < n; i++) {
      record.read(in);
      DocCorrections c = terms[i];
      assertArrayEquals(codes[i], record.code);
      assertEquals(c.rescale(), record.rescale, 0f);
      assertEquals(c.additive(), record.additive, 0f);
      assertEquals(c.levelSum(), record.levelSum);
      assertRoundedUp(c.errorScale(), record.errorScale);
      assertRoundedUp(c.centredNorm(), record.centredNorm);
    }
  }

  public void testVersion0LayoutStillReads() throws IOException {
    ByteBuffersDataOutput out = new ByteBuffersDataOutput();
    byte[] code = new byte[CODE_BYTES];
    random().nextBytes(code);
    out.writeBytes(code, code.length);
    out.writeInt(Float.floatToIntBits(0.75f));
    out.writeInt(Float.floatToIntBits(-3.5f));
    out.writeInt(Float.floatToIntBits(0.123456f));
    out.writeInt(97_920);
    out.writeInt(Float.floatToIntBits(1.0625f));
    assertEquals(CODE_BYTES + QuantizedRecord.correctionBytes(0), out.size());
    QuantizedRecord record = new QuantizedRecord(CODE_BYTES, 0);
    record.read(new ByteBuffersIndexInput(out.toDataInput(), "v0"));
    assertArrayEquals(code, record.code);
    assertEquals(0.75f, record.rescale, 0f);
    assertEquals(-3.5f, record.additive, 0f);
    assertEquals(0.123456f, record.errorScale, 0f);
    assertEquals(97_920, record.levelSum);
    assertEquals(1.0625f, record.centredNorm, 0f);
  }

  public void testLevelSumBeyondTwentyFourBitsIsRefused() {
    DocCorrections c = new DocCorrections(1f, 0f, 0f, 1 << 24, 0f);
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () -> QuantizedRecord.write(new ByteBuffersDataOutput(), new byte[4], c));
    assertTrue(e.getMessage(), e.getMessage().contains("24 bits"));
  }

  public void testBfloat16KeepsSpecialValues() {
    assertEquals(0f, QuantizedRecord.fromBfloat16(QuantizedRecord.bfloat16Up(0f)), 0f);
    assertEquals(1f, QuantizedRecord.fromBfloat16(QuantizedRecord.bfloat16Up(1f)), 0f);
    float inf = Float.POSITIVE_INFINITY;
    assertEquals(inf, QuantizedRecord.fromBfloat16(QuantizedRecord.bfloat16Up(inf)), 0f);
    assertTrue(Float.isNaN(QuantizedRecord.fromBfloat16(QuantizedRecord.bfloat16Up(Float.NaN))));
    // The largest float rounds up to infinity: a bound that can only widen.
    assertEquals(
        inf, QuantizedRecord.fromBfloat16(QuantizedRecord.bfloat16Up(Float.MAX_VALUE)), 0f);
  }

  private static void assertRoundedUp(float exact, float stored) {
    assertTrue(exact + " stored as " + stored, stored >= exact);
    assertTrue(exact + " stored as " + stored, stored <= exact * (1 + 1f / 128));
  }
}
