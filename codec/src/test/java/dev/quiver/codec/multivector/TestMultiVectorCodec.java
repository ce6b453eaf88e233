package dev.quiver.codec.multivector;

import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.BytesRef;

public class TestMultiVectorCodec extends LuceneTestCase {

  static float[] vectors(Random random, int count, int dims) {
    float[] v = new float[count * dims];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian() * (random.nextBoolean() ? 1 : 0.1f);
    }
    return v;
  }

  public void testNamesRoundTrip() {
    for (MultiVectorEncoding e : MultiVectorEncoding.values()) {
      assertSame(e, MultiVectorEncoding.fromName(e.mappingName()));
    }
    assertSame(MultiVectorEncoding.BIT1, MultiVectorEncoding.fromName("1bit"));
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> MultiVectorEncoding.fromName("int4"));
    assertEquals(
        "unknown vector encoding [int4]; valid: [float32, float16, int8, 1bit]", e.getMessage());
  }

  public void testFloat32IsExact() {
    Random random = random();
    int dims = 1 + random.nextInt(400);
    int count = 1 + random.nextInt(50);
    float[] v = vectors(random, count, dims);
    BytesRef bytes = MultiVectorCodec.encode(MultiVectorEncoding.FLOAT32, v, count, dims);
    assertEquals(8 + 4 * count * dims, bytes.length);
    assertArrayEquals(v, MultiVectorCodec.decode(bytes), 0f);
    assertEquals(count, MultiVectorCodec.count(bytes));
    assertEquals(dims, MultiVectorCodec.dims(bytes));
  }

  public void testFloat16WithinHalfAnUlp() {
    Random random = random();
    int dims = 1 + random.nextInt(400);
    int count = 1 + random.nextInt(50);
    float[] v = vectors(random, count, dims);
    BytesRef bytes = MultiVectorCodec.encode(MultiVectorEncoding.FLOAT16, v, count, dims);
    assertEquals(8 + 2 * count * dims, bytes.length);
    float[] d = MultiVectorCodec.decode(bytes);
    for (int i = 0; i < v.length; i++) {
      // binary16 has 11 significant bits: relative error <= 2^-11 (normal range).
      assertEquals(v[i], d[i], Math.max(Math.abs(v[i]) * 0x1p-11f, 0x1p-24f));
    }
  }

  public void testInt8WithinHalfAStep() {
    Random random = random();
    int dims = 1 + random.nextInt(400);
    int count = 1 + random.nextInt(50);
    float[] v = vectors(random, count, dims);
    BytesRef bytes = MultiVectorCodec.encode(MultiVectorEncoding.INT8, v, count, dims);
    assertEquals(8 + count * (4 + dims), bytes.length);
    float[] d = MultiVectorCodec.decode(bytes);
    for (int t = 0; t < count; t++) {
      float max = 0;
      for (int i = 0; i < dims; i++) {
        max = Math.max(max, Math.abs(v[t * dims + i]));
      }
      float step = max / 127;
      for (int i = 0; i < dims; i++) {
        assertEquals(v[t * dims + i], d[t * dims + i], step / 2 * 1.0001f + 1e-7f);
      }
    }
  }

  public void testBit1KeepsSignsAndMeanMagnitude() {
    Random random = random();
    int dims = 1 + random.nextInt(400);
    int count = 1 + random.nextInt(50);
    float[] v = vectors(random, count, dims);
    BytesRef bytes = MultiVectorCodec.encode(MultiVectorEncoding.BIT1, v, count, dims);
    assertEquals(8 + count * (4 + (dims + 7) / 8), bytes.length);
    float[] d = MultiVectorCodec.decode(bytes);
    for (int t = 0; t < count; t++) {
      double mean = 0;
      for (int i = 0; i < dims; i++) {
        mean += Math.abs(v[t * dims + i]);
      }
      mean /= dims;
      for (int i = 0; i < dims; i++) {
        float x = v[t * dims + i];
        assertEquals((float) (x > 0 ? mean : -mean), d[t * dims + i], 1e-6f * (float) mean);
      }
    }
  }

  public void testZeroVectors() {
    for (MultiVectorEncoding e : MultiVectorEncoding.values()) {
      float[] d = MultiVectorCodec.decode(MultiVectorCodec.encode(e, new float[6], 2, 3));
      assertArrayEquals(e.toString(), new float[6], d, 0f);
    }
  }

  public void testUnknownVersionEncodingAndLengthAreRejected() {
    BytesRef good =
        MultiVectorCodec.encode(MultiVectorEncoding.INT8, new float[] {1, 2, 3, 4}, 2, 2);
    BytesRef badVersion = BytesRef.deepCopyOf(good);
    badVersion.bytes[0] = 2;
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> MultiVectorCodec.decode(badVersion));
    assertEquals("unknown multi-vector layout version [2]; this build reads [1]", e.getMessage());
    BytesRef badCode = BytesRef.deepCopyOf(good);
    badCode.bytes[1] = 9;
    e = expectThrows(IllegalArgumentException.class, () -> MultiVectorCodec.decode(badCode));
    assertEquals("unknown multi-vector encoding code [9]", e.getMessage());
    BytesRef shortValue = new BytesRef(good.bytes, 0, good.length - 1);
    e = expectThrows(IllegalArgumentException.class, () -> MultiVectorCodec.decode(shortValue));
    assertTrue(e.getMessage(), e.getMessage().contains("does not hold 2 int8 vectors of 2 dims"));
    e =
        expectThrows(
            IllegalArgumentException.class,
            () -> MultiVectorCodec.decode(new BytesRef(new byte[3])));
    assertTrue(e.getMessage(), e.getMessage().contains("shorter than its header"));
  }

  public void testBadInputIsRejected() {
    expectThrows(
        IllegalArgumentException.class,
        () -> MultiVectorCodec.encode(MultiVectorEncoding.FLOAT32, new float[0], 0, 4));
    expectThrows(
        IllegalArgumentException.class,
        () -> MultiVectorCodec.encode(MultiVectorEncoding.FLOAT32, new float[7], 2, 4));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () ->
                MultiVectorCodec.encode(
                    MultiVectorEncoding.FLOAT16, new float[] {1, Float.NaN}, 1, 2));
    assertTrue(e.getMessage(), e.getMessage().contains("non-finite value at dim 1"));
  }

  /** A value inside a larger array (as doc values return it) decodes the same. */
  public void testReadsAtAnOffset() {
    for (MultiVectorEncoding e : MultiVectorEncoding.values()) {
      float[] v = vectors(random(), 3, 17);
      BytesRef bytes = MultiVectorCodec.encode(e, v, 3, 17);
      byte[] padded = new byte[bytes.length + 13];
      System.arraycopy(bytes.bytes, 0, padded, 5, bytes.length);
      assertArrayEquals(
          MultiVectorCodec.decode(bytes),
          MultiVectorCodec.decode(new BytesRef(padded, 5, bytes.length)),
          0f);
    }
  }
}
