package dev.quiver.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes tiny ONNX graphs (protobuf encoded by hand) to test how the embedder handles model inputs
 * and outputs:
 *
 * <pre>
 *   last_hidden_state[b, s, :] = input_ids[b, s] * attention_mask[b, s] * weights
 * </pre>
 *
 * optionally without {@code attention_mask}, or with an extra input the embedder cannot feed; or a
 * ColBERT-shaped model ({@link #writeLateInteraction}): a token embedding lookup, a shift for
 * attended positions, and optionally a linear projection to fewer dimensions.
 */
public final class TinyOnnxModel {

  private static final int FLOAT = 1;
  private static final int INT64 = 7;

  private TinyOnnxModel() {}

  /**
   * Writes a model.
   *
   * @param file the .onnx file
   * @param weights the vector every token is a multiple of; its length is the model's dims
   * @param withAttentionMask whether the model takes (and uses) an attention_mask input
   * @param extraInput name of an extra float input [batch, 3] the model adds, or null
   */
  static void write(Path file, float[] weights, boolean withAttentionMask, String extraInput)
      throws IOException {
    List<byte[]> nodes = new ArrayList<>();
    nodes.add(node("Cast", List.of("input_ids"), "ids_f", attrInt("to", FLOAT)));
    String product = "ids_f";
    if (withAttentionMask) {
      nodes.add(node("Cast", List.of("attention_mask"), "mask_f", attrInt("to", FLOAT)));
      nodes.add(node("Mul", List.of("ids_f", "mask_f"), "masked", null));
      product = "masked";
    }
    nodes.add(node("Unsqueeze", List.of(product, "axes"), "column", null));
    String out = "last_hidden_state";
    if (extraInput != null) {
      // sum the extra input into the output so it cannot be pruned: [b,3] -> [b,1,1]
      nodes.add(node("ReduceSum", List.of(extraInput, "axes_1"), "extra_sum", null));
      nodes.add(node("Unsqueeze", List.of("extra_sum", "axes"), "extra_col", null));
      nodes.add(node("Add", List.of("column", "extra_col"), "column2", null));
      nodes.add(node("Mul", List.of("column2", "weights"), out, null));
    } else {
      nodes.add(node("Mul", List.of("column", "weights"), out, null));
    }

    Proto graph = new Proto();
    for (byte[] n : nodes) {
      graph.bytes(1, n);
    }
    graph.string(2, "tiny");
    graph.bytes(5, floatTensor("weights", weights));
    graph.bytes(5, longTensor("axes", new long[] {2}));
    if (extraInput != null) {
      graph.bytes(5, longTensor("axes_1", new long[] {1}));
    }
    graph.bytes(11, valueInfo("input_ids", INT64, "batch", "seq"));
    if (withAttentionMask) {
      graph.bytes(11, valueInfo("attention_mask", INT64, "batch", "seq"));
    }
    if (extraInput != null) {
      graph.bytes(11, valueInfo(extraInput, FLOAT, "batch", 3L));
    }
    graph.bytes(12, valueInfo(out, FLOAT, "batch", "seq", (long) weights.length));

    Proto opset = new Proto().string(1, "").varint(2, 13);
    Proto model = new Proto().varint(1, 8).string(2, "quiver-test").bytes(7, graph.toBytes());
    model.bytes(8, opset.toBytes());
    Files.write(file, model.toBytes());
  }

  /**
   * Writes a ColBERT-shaped model, each token's vector depending on its id and attention only:
   *
   * <pre>
   *   hidden[b, s, :] = embeddings[input_ids[b, s]] + attention_mask[b, s] * attended
   *   out[b, s, :]    = hidden[b, s, :] x projection       (or hidden, without a projection)
   * </pre>
   *
   * @param file the .onnx file
   * @param output the output's name
   * @param embeddings one row of {@code hidden} floats per token id
   * @param attended the vector added at attended positions, {@code hidden} floats
   * @param projection {@code [hidden][dims]}, or null for none
   */
  public static void writeLateInteraction(
      Path file, String output, float[][] embeddings, float[] attended, float[][] projection)
      throws IOException {
    int hidden = attended.length;
    List<byte[]> nodes = new ArrayList<>();
    nodes.add(node("Gather", List.of("embeddings", "input_ids"), "looked_up", null));
    nodes.add(node("Cast", List.of("attention_mask"), "mask_f", attrInt("to", FLOAT)));
    nodes.add(node("Unsqueeze", List.of("mask_f", "axes"), "mask_col", null));
    nodes.add(node("Mul", List.of("mask_col", "attended"), "shift", null));
    String sum = projection == null ? output : "hidden";
    nodes.add(node("Add", List.of("looked_up", "shift"), sum, null));
    if (projection != null) {
      nodes.add(node("MatMul", List.of("hidden", "projection"), output, null));
    }
    Proto graph = new Proto();
    for (byte[] n : nodes) {
      graph.bytes(1, n);
    }
    graph.string(2, "tiny-colbert");
    graph.bytes(5, floatTensor("embeddings", flatten(embeddings), embeddings.length, hidden));
    graph.bytes(5, floatTensor("attended", attended, hidden));
    graph.bytes(5, longTensor("axes", new long[] {2}));
    if (projection != null) {
      graph.bytes(5, floatTensor("projection", flatten(projection), hidden, projection[0].length));
    }
    graph.bytes(11, valueInfo("input_ids", INT64, "batch", "seq"));
    graph.bytes(11, valueInfo("attention_mask", INT64, "batch", "seq"));
    long dims = projection == null ? hidden : projection[0].length;
    graph.bytes(12, valueInfo(output, FLOAT, "batch", "seq", dims));
    Proto opset = new Proto().string(1, "").varint(2, 13);
    Proto model = new Proto().varint(1, 8).string(2, "quiver-test").bytes(7, graph.toBytes());
    model.bytes(8, opset.toBytes());
    Files.write(file, model.toBytes());
  }

  private static float[] flatten(float[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[i].length);
    }
    return flat;
  }

  private static byte[] node(String op, List<String> inputs, String output, byte[] attribute) {
    Proto p = new Proto();
    for (String in : inputs) {
      p.string(1, in);
    }
    p.string(2, output);
    p.string(3, op + "_" + output);
    p.string(4, op);
    if (attribute != null) {
      p.bytes(5, attribute);
    }
    return p.toBytes();
  }

  private static byte[] attrInt(String name, long value) {
    return new Proto().string(1, name).varint(3, value).varint(20, 2).toBytes();
  }

  private static byte[] floatTensor(String name, float[] values) {
    return floatTensor(name, values, values.length);
  }

  private static byte[] floatTensor(String name, float[] values, int... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    Proto tensor = new Proto();
    for (int d : dims) {
      tensor.varint(1, d);
    }
    return tensor.varint(2, FLOAT).string(8, name).bytes(9, raw.array()).toBytes();
  }

  private static byte[] longTensor(String name, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      raw.putLong(v);
    }
    return new Proto()
        .varint(1, values.length)
        .varint(2, INT64)
        .string(8, name)
        .bytes(9, raw.array())
        .toBytes();
  }

  /** Dimensions are a String (symbolic) or a Long (fixed). */
  private static byte[] valueInfo(String name, int elemType, Object... dims) {
    Proto shape = new Proto();
    for (Object d : dims) {
      Proto dim = new Proto();
      if (d instanceof String s) {
        dim.string(2, s);
      } else {
        dim.varint(1, (Long) d);
      }
      shape.bytes(1, dim.toBytes());
    }
    Proto tensorType = new Proto().varint(1, elemType).bytes(2, shape.toBytes());
    Proto type = new Proto().bytes(1, tensorType.toBytes());
    return new Proto().string(1, name).bytes(2, type.toBytes()).toBytes();
  }

  /** A protobuf message being written. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      writeVarint((long) field << 3);
      writeVarint(value);
      return this;
    }

    Proto bytes(int field, byte[] value) {
      writeVarint(((long) field << 3) | 2);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toBytes() {
      return out.toByteArray();
    }

    private void writeVarint(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
