package dev.quiver.ingest;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One loaded ONNX model ({@link OrtSession}) and how it is run: checks at {@link #open} that its
 * inputs can be fed and its output has the expected shape, then runs tokenized texts through it in
 * batches of similar length ({@link #run}), with the output written by ONNX Runtime into reused
 * off-heap buffers ({@link OutputBuffers}). Tokenizing, pooling and normalizing are the {@link
 * OnnxEmbedder}'s.
 *
 * <p>The model may take {@code input_ids} (required), {@code attention_mask} and {@code
 * token_type_ids}, as int64 or int32 tensors; any other input is an error at {@link #open}. The
 * output is either {@code [batch, tokens, dims]} or {@code [batch, dims]}.
 *
 * <p>Thread-safe: {@link #run} may run concurrently; {@link #close} must not.
 */
final class ModelSession implements AutoCloseable {

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final Set<String> FEEDABLE_INPUTS =
      Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

  /**
   * Receives the output of one model run: {@code [batch, tokens, dims]} or {@code [batch, dims]}
   * floats, row-major, valid only during the call; {@code indexes} holds, per text of the batch,
   * its index in the list given to {@link #run}.
   */
  interface BatchConsumer {
    void accept(TokenizedBatch batch, FloatBuffer output, int[] indexes);
  }

  private final String modelName;
  private final String outputName;
  private final int outputDims;
  private final int batchSize;
  private final OutputBuffers outputBuffers = new OutputBuffers();
  private final AtomicLong modelRuns = new AtomicLong();
  private final OrtEnvironment environment;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final Map<String, OnnxJavaType> inputTypes;
  private final int outputRank;

  private ModelSession(
      String modelName,
      String output,
      int outputDims,
      int batchSize,
      OrtEnvironment environment,
      OrtSession.SessionOptions options,
      OrtSession session,
      Map<String, OnnxJavaType> inputTypes,
      int outputRank) {
    this.modelName = modelName;
    this.outputName = output;
    this.outputDims = outputDims;
    this.batchSize = batchSize;
    this.environment = environment;
    this.options = options;
    this.session = session;
    this.inputTypes = inputTypes;
    this.outputRank = outputRank;
  }

  /**
   * Loads a model's ONNX graph and checks its inputs and output.
   *
   * @param name the model name, for messages
   * @param onnx the graph file
   * @param config the model's configuration: output name, batch limit
   * @param outputDims the size the output's last dimension must have
   * @param dimsSource what says so, for the error ("quiver-model.json says dims")
   * @param settings threads
   * @return the session; close it to release it
   * @throws IllegalArgumentException if the graph cannot be loaded, has inputs that cannot be fed,
   *     or lacks the configured output or dimensions
   */
  static ModelSession open(
      String name,
      Path onnx,
      ModelConfig config,
      int outputDims,
      String dimsSource,
      EmbedderSettings settings) {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = null;
    OrtSession session = null;
    try {
      options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(settings.intraOpThreads());
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // Do not busy-wait between runs: the node has other work to do.
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      try {
        session = environment.createSession(onnx.toString(), options);
      } catch (OrtException e) {
        throw new IllegalArgumentException(
            "model [" + name + "]: cannot load [" + onnx + "]: " + e.getMessage(), e);
      }
      Map<String, OnnxJavaType> inputTypes = inputTypes(name, session);
      int outputRank = checkOutput(name, config.output(), outputDims, dimsSource, session);
      if (config.maxBatch() > 1 && !inputTypes.containsKey(ATTENTION_MASK)) {
        throw new IllegalArgumentException(
            "model ["
                + name
                + "] has batching.max_batch "
                + config.maxBatch()
                + " but no ["
                + ATTENTION_MASK
                + "] input: padding would change its vectors; remove [batching]");
      }
      ModelSession opened =
          new ModelSession(
              name,
              config.output(),
              outputDims,
              config.maxBatch(),
              environment,
              options,
              session,
              inputTypes,
              outputRank);
      options = null;
      session = null;
      return opened;
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "model [" + name + "]: ONNX Runtime error: " + e.getMessage(), e);
    } finally {
      closeQuietly(session, options);
    }
  }

  /**
   * The rank of the model's output: 3 for {@code [batch, tokens, dims]}, 2 for pooled {@code
   * [batch, dims]}.
   *
   * @return 2 or 3
   */
  int outputRank() {
    return outputRank;
  }

  /**
   * The size of the output's last dimension.
   *
   * @return the dimensions of an output row
   */
  int outputDims() {
    return outputDims;
  }

  /** Model runs so far (for tests: how many batches texts were run in). */
  long modelRuns() {
    return modelRuns.get();
  }

  /**
   * Sorts the tokenized texts by token count, cuts them into batches of up to {@code max_batch}
   * consecutive texts that pad at most {@link OnnxEmbedder#MAX_PADDING} of their real tokens (so a
   * batch never computes much more than its texts would alone), runs the model on each and hands
   * each output to the consumer with the original indexes.
   *
   * @param encodings the tokenized texts
   * @param pad lays out a batch of them, padded to the longest
   * @param consumer receives each batch's output
   */
  void run(
      List<HfTokenizer.Tokens> encodings,
      Function<List<HfTokenizer.Tokens>, TokenizedBatch> pad,
      BatchConsumer consumer) {
    int[] lengths = new int[encodings.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = encodings.get(i).ids().length;
    }
    Integer[] order = new Integer[encodings.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
    int start = 0;
    while (start < order.length) {
      int end = start + 1;
      long tokens = lengths[order[start]];
      while (end < order.length && end - start < batchSize) {
        int next = lengths[order[end]]; // the longest so far: inputs are in increasing length
        if ((double) next * (end - start + 1) > (tokens + next) * (1 + OnnxEmbedder.MAX_PADDING)) {
          break;
        }
        tokens += next;
        end++;
      }
      int[] indexes = new int[end - start];
      List<HfTokenizer.Tokens> batch = new ArrayList<>(indexes.length);
      for (int k = start; k < end; k++) {
        indexes[k - start] = order[k];
        batch.add(encodings.get(order[k]));
      }
      runBatch(pad.apply(batch), indexes, consumer);
      modelRuns.incrementAndGet();
      start = end;
    }
  }

  private void runBatch(TokenizedBatch batch, int[] indexes, BatchConsumer consumer) {
    long[] shape = {batch.size(), batch.length()};
    long[] outShape =
        outputRank == 3
            ? new long[] {batch.size(), batch.length(), outputDims}
            : new long[] {batch.size(), outputDims};
    long floats = (long) batch.size() * outputDims * (outputRank == 3 ? batch.length() : 1);
    Map<String, OnnxTensor> feed = new HashMap<>();
    ByteBuffer buffer = outputBuffers.take(floats);
    OnnxTensor pinned = null;
    try {
      for (Map.Entry<String, OnnxJavaType> input : inputTypes.entrySet()) {
        long[] values =
            switch (input.getKey()) {
              case INPUT_IDS -> batch.inputIds();
              case ATTENTION_MASK -> batch.attentionMask();
              default -> batch.typeIds();
            };
        feed.put(input.getKey(), tensor(values, shape, input.getValue()));
      }
      FloatBuffer output = OutputBuffers.view(buffer, floats);
      // ONNX Runtime writes the output into this buffer and checks it has the output's shape.
      pinned = OnnxTensor.createTensor(environment, output, outShape);
      try (OrtSession.Result result = session.run(feed, Map.of(outputName, pinned))) {
        consumer.accept(batch, output, indexes);
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "model ["
              + modelName
              + "]: inference failed (output ["
              + outputName
              + "] expected as "
              + Arrays.toString(outShape)
              + ", dims from quiver-model.json): "
              + e.getMessage(),
          e);
    } finally {
      for (OnnxTensor t : feed.values()) {
        t.close();
      }
      if (pinned != null) {
        pinned.close();
      }
      outputBuffers.release(buffer);
    }
  }

  private OnnxTensor tensor(long[] values, long[] shape, OnnxJavaType type) throws OrtException {
    if (type == OnnxJavaType.INT32) {
      int[] ints = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        ints[i] = Math.toIntExact(values[i]);
      }
      return OnnxTensor.createTensor(environment, IntBuffer.wrap(ints), shape);
    }
    return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
  }

  private static Map<String, OnnxJavaType> inputTypes(String name, OrtSession session)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    Set<String> unknown = new TreeSet<>(inputs.keySet());
    unknown.removeAll(FEEDABLE_INPUTS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "model ["
              + name
              + "] requires inputs "
              + unknown
              + " that cannot be fed; supported inputs are "
              + new TreeSet<>(FEEDABLE_INPUTS));
    }
    if (!inputs.containsKey(INPUT_IDS)) {
      throw new IllegalArgumentException(
          "model ["
              + name
              + "] has no ["
              + INPUT_IDS
              + "] input; its inputs are "
              + inputs.keySet());
    }
    Map<String, OnnxJavaType> types = new HashMap<>();
    for (Map.Entry<String, NodeInfo> input : inputs.entrySet()) {
      if (!(input.getValue().getInfo() instanceof TensorInfo info)
          || (info.type != OnnxJavaType.INT64 && info.type != OnnxJavaType.INT32)) {
        throw new IllegalArgumentException(
            "model ["
                + name
                + "] input ["
                + input.getKey()
                + "] must be an int64 or int32 tensor, got "
                + input.getValue().getInfo());
      }
      types.put(input.getKey(), info.type);
    }
    return Map.copyOf(types);
  }

  private static int checkOutput(
      String name, String outputName, int dims, String dimsSource, OrtSession session)
      throws OrtException {
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    NodeInfo output = outputs.get(outputName);
    if (output == null) {
      throw new IllegalArgumentException(
          "model ["
              + name
              + "] has no output ["
              + outputName
              + "] (quiver-model.json key [output]); its outputs are "
              + new TreeSet<>(outputs.keySet()));
    }
    if (!(output.getInfo() instanceof TensorInfo info)
        || info.type != OnnxJavaType.FLOAT
        || (info.getShape().length != 2 && info.getShape().length != 3)) {
      throw new IllegalArgumentException(
          "model ["
              + name
              + "] output ["
              + outputName
              + "] must be a float tensor [batch, tokens, dims] or [batch, dims], got "
              + output.getInfo());
    }
    long[] shape = info.getShape();
    long last = shape[shape.length - 1];
    if (last > 0 && last != dims) {
      throw new IllegalArgumentException(
          "model ["
              + name
              + "] output ["
              + outputName
              + "] has "
              + last
              + " dimensions but "
              + dimsSource
              + " "
              + dims);
    }
    return shape.length;
  }

  @Override
  public void close() {
    closeQuietly(session, options);
    outputBuffers.clear();
  }

  private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        // nothing more can be done while releasing
      }
    }
    if (options != null) {
      options.close();
    }
  }
}
