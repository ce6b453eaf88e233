package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors projection head: its layout, element types and refusals. */
class ProjectionHeadTest {

  @TempDir Path dir;

  /** Writes a safetensors file: a header naming the tensors, then their bytes, in order. */
  private Path file(String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out =
        ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(json.length).put(json).put(data);
    return Files.write(dir.resolve("projection.safetensors"), out.array());
  }

  private static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void weightRowsGiveOutputsAndTheBiasIsAdded() throws IOException {
    // W = [[1, 2, 3], [-1, 0, 0.5]] ([dims 2, hidden 3]), b = [0.25, -1]
    Path file =
        file(
            "{\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [24, 32]},"
                + " \"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]}}",
            concat(f32(1, 2, 3, -1, 0, 0.5f), f32(0.25f, -1)));
    ProjectionHead head = ProjectionHead.read(file);
    assertEquals(3, head.inputDims());
    assertEquals(2, head.outputDims());
    FloatBuffer rows = FloatBuffer.wrap(new float[] {9, 9, 1, 1, 2});
    // x = [1, 1, 2] at offset 2: y = [1 + 2 + 6 + 0.25, -1 + 0 + 1 - 1]
    assertArrayEquals(new float[] {9.25f, -1f}, head.apply(rows, 2));
  }

  @Test
  void halfPrecisionWeightsAreRead() throws IOException {
    ByteBuffer f16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    f16.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f));
    ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    bf16.putShort((short) (Float.floatToIntBits(0.5f) >>> 16))
        .putShort((short) (Float.floatToIntBits(4f) >>> 16));
    for (var type : new Object[][] {{"F16", f16.array()}, {"BF16", bf16.array()}}) {
      Path file =
          file(
              "{\"w\": {\"dtype\": \""
                  + type[0]
                  + "\", \"shape\": [1, 2], \"data_offsets\": [0, 4]}}",
              (byte[]) type[1]);
      float[] y = ProjectionHead.read(file).apply(FloatBuffer.wrap(new float[] {1, 1}), 0);
      float expected = type[0].equals("F16") ? 1.5f - 2f : 0.5f + 4f;
      assertArrayEquals(new float[] {expected}, y, String.valueOf(type[0]));
    }
  }

  @Test
  void filesThatAreNotOneLinearLayerAreRefused() throws IOException {
    String twoWeights =
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [1, 1], \"data_offsets\": [0, 4]},"
            + " \"b\": {\"dtype\": \"F32\", \"shape\": [1, 1], \"data_offsets\": [4, 8]}}";
    assertRefused(file(twoWeights, f32(1, 2)), "tensor [b] of shape [1,1] is unexpected");
    String int8 = "{\"w\": {\"dtype\": \"I8\", \"shape\": [1, 4], \"data_offsets\": [0, 4]}}";
    assertRefused(file(int8, new byte[4]), "has dtype [I8]");
    String short_ = "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}";
    assertRefused(file(short_, f32(1, 2, 3)), "out of place");
    String biasOnly = "{\"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}";
    assertRefused(file(biasOnly, f32(1)), "has no 2-d weight tensor");
    assertRefused(Files.write(dir.resolve("x"), new byte[] {1, 2}), "shorter than its 8-byte");
    assertRefused(file("not json", new byte[0]), "header is not JSON");
  }

  private static void assertRefused(Path file, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ProjectionHead.read(file));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
