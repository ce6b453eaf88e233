package dev.quiver.codec.muvera;

import org.apache.lucene.tests.util.LuceneTestCase;

public class TestFdeParams extends LuceneTestCase {

  public void testDefaults() {
    FdeParams p = FdeParams.defaults();
    assertEquals(new FdeParams(20, 5, 16, 0, 42, 1), p);
    assertEquals(10_240, p.fdeDims());
    p.validate(128);
    assertEquals(2_000, new FdeParams(20, 5, 16, 2_000, 42, 1).fdeDims());
  }

  public void testValidation() {
    assertInvalid(new FdeParams(20, 5, 32, 0, 1, 1), 128, "20 * 2^5 * 32 = 20480 exceed");
    assertInvalid(new FdeParams(20, 5, 32, 0, 1, 1), 128, "[final_projection_dims]");
    new FdeParams(20, 5, 32, 16_384, 1, 1).validate(128);
    assertInvalid(new FdeParams(20, 11, 1, 0, 1, 1), 128, "[simhash_bits] must be in 0..10");
    assertInvalid(new FdeParams(20, -1, 1, 0, 1, 1), 128, "[simhash_bits]");
    assertInvalid(new FdeParams(0, 5, 16, 0, 1, 1), 128, "[repetitions] must be in 1..");
    assertInvalid(new FdeParams(20, 5, 0, 0, 1, 1), 128, "[projection_dims] must be in 1..");
    assertInvalid(new FdeParams(2, 2, 17, 0, 1, 1), 16, "token dims (16), got 17");
    assertInvalid(new FdeParams(20, 5, 16, 16_385, 1, 1), 128, "[final_projection_dims]");
    assertInvalid(new FdeParams(20, 5, 16, -1, 1, 1), 128, "[final_projection_dims]");
    assertInvalid(new FdeParams(20, 5, 16, 0, 1, 2), 128, "unknown FDE version [2]");
    assertInvalid(new FdeParams(1024, 10, 128, 100, 1, 1), 128, "before the final projection");
    assertInvalid(FdeParams.defaults(), 0, "token dims must be at least 1");
    expectThrows(
        IllegalArgumentException.class, () -> new FdeEncoder(new FdeParams(20, 5, 0, 0, 1, 1), 8));
  }

  private static void assertInvalid(FdeParams p, int tokenDims, String message) {
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> p.validate(tokenDims));
    assertTrue(e.getMessage(), e.getMessage().contains(message));
  }

  public void testFingerprintCoversEveryParameter() {
    FdeParams base = FdeParams.defaults();
    String f = base.fingerprint(128);
    assertEquals(f, FdeParams.defaults().fingerprint(128));
    assertTrue(f, f.matches("fde1:[0-9a-f]{16}"));
    assertNotEquals(f, base.fingerprint(96));
    assertNotEquals(f, new FdeParams(19, 5, 16, 0, 42, 1).fingerprint(128));
    assertNotEquals(f, new FdeParams(20, 4, 16, 0, 42, 1).fingerprint(128));
    assertNotEquals(f, new FdeParams(20, 5, 8, 0, 42, 1).fingerprint(128));
    assertNotEquals(f, new FdeParams(20, 5, 16, 100, 42, 1).fingerprint(128));
    assertNotEquals(f, new FdeParams(20, 5, 16, 0, 43, 1).fingerprint(128));
    assertNotEquals(f, new FdeParams(20, 5, 16, 0, 42, 2).fingerprint(128));
  }
}
