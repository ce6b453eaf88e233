package dev.quiver.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A late-interaction model's linear projection head, {@code y = W x + b}, applied to each token row
 * of the ONNX output before normalization (ColBERT's {@code linear} layer, PyLate's {@code
 * 1_Dense}).
 *
 * <p>The file is a <a href="https://huggingface.co/docs/safetensors">safetensors</a> file (an
 * unsigned little-endian 64-bit header length {@code N}, {@code N} bytes of JSON header naming each
 * tensor's {@code dtype}, {@code shape} and {@code data_offsets}, then the little-endian data), as
 * PyTorch writes {@code nn.Linear}: exactly one 2-dimensional tensor, the weight {@code [dims,
 * hidden]} (row {@code o} gives output {@code o}), and optionally one 1-dimensional tensor, the
 * bias {@code [dims]}; names do not matter, {@code __metadata__} is ignored, any other tensor is an
 * error. Types {@code F32}, {@code F16} and {@code BF16} are read (and computed in float32).
 * PyLate's {@code 1_Dense/model.safetensors} ({@code linear.weight}) is such a file as it is.
 */
final class ProjectionHead {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final int inputDims;
  private final int outputDims;
  private final float[] weights; // [outputDims, inputDims] row-major
  private final float[] bias; // [outputDims], zeros without a bias tensor

  ProjectionHead(int inputDims, int outputDims, float[] weights, float[] bias) {
    if (weights.length != (long) inputDims * outputDims || bias.length != outputDims) {
      throw new IllegalArgumentException("projection weights do not match its dims");
    }
    this.inputDims = inputDims;
    this.outputDims = outputDims;
    this.weights = weights;
    this.bias = bias;
  }

  /**
   * Reads a projection head.
   *
   * @param file the safetensors file
   * @return the head
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a safetensors file with one weight tensor and at
   *     most one bias
   */
  static ProjectionHead read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) {
      throw invalid(file, "shorter than its 8-byte header length");
    }
    long headerLength = in.getLong(0);
    if (headerLength < 2 || headerLength > bytes.length - 8L) {
      throw invalid(file, "header length " + headerLength + " does not fit the file");
    }
    JsonNode header;
    try {
      header =
          MAPPER.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8).trim());
    } catch (JacksonException e) {
      throw invalid(file, "header is not JSON: " + e.getOriginalMessage());
    }
    if (header == null || !header.isObject()) {
      throw invalid(file, "header is not a JSON object");
    }
    int dataStart = 8 + (int) headerLength;
    float[] weights = null;
    float[] bias = null;
    long[] weightShape = null;
    for (Map.Entry<String, JsonNode> tensor : header.properties()) {
      if (tensor.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode shape = tensor.getValue().path("shape");
      if (shape.size() == 2 && weights == null) {
        weightShape = new long[] {shape.get(0).asLong(), shape.get(1).asLong()};
        weights = floats(file, tensor.getKey(), tensor.getValue(), in, dataStart);
      } else if (shape.size() == 1 && bias == null) {
        bias = floats(file, tensor.getKey(), tensor.getValue(), in, dataStart);
      } else {
        throw invalid(
            file,
            "tensor ["
                + tensor.getKey()
                + "] of shape "
                + shape
                + " is unexpected: the file must hold one 2-d weight [dims, hidden] and at most"
                + " one 1-d bias [dims]");
      }
    }
    if (weights == null || weightShape[0] < 1 || weightShape[1] < 1) {
      throw invalid(file, "has no 2-d weight tensor [dims, hidden]");
    }
    int outputDims = Math.toIntExact(weightShape[0]);
    int inputDims = Math.toIntExact(weightShape[1]);
    if (bias != null && bias.length != outputDims) {
      throw invalid(file, "bias has " + bias.length + " values for " + outputDims + " outputs");
    }
    return new ProjectionHead(
        inputDims, outputDims, weights, bias == null ? new float[outputDims] : bias);
  }

  private static float[] floats(
      Path file, String name, JsonNode tensor, ByteBuffer in, int dataStart) {
    String dtype = tensor.path("dtype").asText();
    JsonNode offsets = tensor.path("data_offsets");
    long count = 1;
    for (JsonNode d : tensor.path("shape")) {
      count = Math.multiplyExact(count, d.asLong());
    }
    int width =
        switch (dtype) {
          case "F32" -> 4;
          case "F16", "BF16" -> 2;
          default ->
              throw invalid(
                  file, "tensor [" + name + "] has dtype [" + dtype + "]; F32, F16, BF16 are read");
        };
    long begin = offsets.path(0).asLong(-1);
    long end = offsets.path(1).asLong(-1);
    if (begin < 0 || end - begin != count * width || dataStart + end > in.capacity()) {
      throw invalid(file, "tensor [" + name + "] has data_offsets " + offsets + " out of place");
    }
    float[] out = new float[(int) count];
    int at = dataStart + (int) begin;
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (dtype) {
            case "F32" -> in.getFloat(at + 4 * i);
            case "F16" -> Float.float16ToFloat(in.getShort(at + 2 * i));
            default -> Float.intBitsToFloat((in.getShort(at + 2 * i) & 0xFFFF) << 16);
          };
    }
    return out;
  }

  private static IllegalArgumentException invalid(Path file, String problem) {
    return new IllegalArgumentException(
        "projection file [" + file + "] is not a usable safetensors projection: " + problem);
  }

  /**
   * The size of the rows the head takes (the ONNX output's last dimension).
   *
   * @return the input dimensions
   */
  int inputDims() {
    return inputDims;
  }

  /**
   * The size of the rows the head gives (the model's {@code dims}).
   *
   * @return the output dimensions
   */
  int outputDims() {
    return outputDims;
  }

  /**
   * Projects one row of the model output.
   *
   * @param output the output
   * @param offset where the row of {@link #inputDims()} floats starts
   * @return the projected row of {@link #outputDims()} floats
   */
  float[] apply(FloatBuffer output, int offset) {
    float[] x = new float[inputDims];
    output.get(offset, x);
    float[] y = new float[outputDims];
    for (int o = 0; o < outputDims; o++) {
      float sum = bias[o];
      int row = o * inputDims;
      for (int h = 0; h < inputDims; h++) {
        sum += weights[row + h] * x[h];
      }
      y[o] = sum;
    }
    return y;
  }
}
