package dev.quiver.ingest;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Embeds texts with one ONNX model: tokenizes (with {@link HfTokenizer}), runs the model (one
 * {@link OrtSession}, loaded once), then pools and normalizes as the model's {@link ModelConfig}
 * says.
 *
 * <p>Each text runs alone unless the model's configuration allows batching ({@link
 * ModelConfig#maxBatch()}): then texts are sorted by token count and cut into batches of up to
 * {@code max_batch} texts of similar length (padding at most {@link #MAX_PADDING} of a batch's
 * tokens), each padded to its longest text and masked, so that little padding is computed and a
 * text's vector does not depend on its batch mates beyond float rounding (for a float model; see
 * {@link ModelConfig}).
 *
 * <p>Model outputs are written by ONNX Runtime into reused off-heap buffers, and only what is used
 * is read from them: the {@code [CLS]} row per text for {@code cls} pooling, the attended rows for
 * {@code mean} pooling and token vectors.
 *
 * <p>The model may take {@code input_ids} (required), {@code attention_mask} and {@code
 * token_type_ids}, as int64 or int32 tensors; any other input is an error at {@link #open}. The
 * configured output is either {@code [batch, tokens, dims]} (pooled here) or {@code [batch, dims]}
 * (used as it is).
 *
 * <p>Texts longer than the model's {@code max_tokens} are truncated, or cut into chunks embedded
 * separately when asked to ({@link LongText}).
 *
 * <p>Thread-safe: {@link #embed} and {@link #tokenVectors} may run concurrently; {@link #close}
 * waits for running calls.
 */
public final class OnnxEmbedder implements AutoCloseable {

  /**
   * The most chunks {@link LongText#CHUNK} cuts one text into: 64 chunks of 510 tokens are about
   * 32,000 tokens (some 25,000 English words) for the default model, each chunk costing a model
   * run; longer texts are refused rather than tying up the inference threads.
   */
  public static final int MAX_CHUNKS = 64;

  /**
   * The most padding a batch may carry, as a share of its real tokens, when the model allows
   * batching: padded positions cost as much compute as real ones (more, through attention), so a
   * batch of texts of very different lengths would cost more than running them one at a time.
   */
  public static final double MAX_PADDING = 0.10;

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final Set<String> FEEDABLE_INPUTS =
      Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

  private final String modelName;
  private final ModelConfig config;
  private final int batchSize;
  private final OutputBuffers outputBuffers = new OutputBuffers();
  private final AtomicLong modelRuns = new AtomicLong();
  private final OrtEnvironment environment;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final HfTokenizer tokenizer;
  private final Map<String, OnnxJavaType> inputTypes;
  private final int outputRank;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private OnnxEmbedder(
      String modelName,
      ModelConfig config,
      int batchSize,
      OrtEnvironment environment,
      OrtSession.SessionOptions options,
      OrtSession session,
      HfTokenizer tokenizer,
      Map<String, OnnxJavaType> inputTypes,
      int outputRank) {
    this.modelName = modelName;
    this.config = config;
    this.batchSize = batchSize;
    this.environment = environment;
    this.options = options;
    this.session = session;
    this.tokenizer = tokenizer;
    this.inputTypes = inputTypes;
    this.outputRank = outputRank;
  }

  /**
   * Loads a model.
   *
   * @param model the model's files (from {@link ModelDirectory#resolve})
   * @param settings threads and native cache directory
   * @return the embedder; close it to release the session
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if the model cannot be loaded, has inputs that cannot be fed,
   *     or lacks the configured output or dimensions
   */
  public static OnnxEmbedder open(ModelFiles model, EmbedderSettings settings) throws IOException {
    String name = model.name();
    ModelConfig config = model.config();
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = null;
    OrtSession session = null;
    HfTokenizer tokenizer = null;
    try {
      options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(settings.intraOpThreads());
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // Do not busy-wait between runs: the node has other work to do.
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      try {
        session = environment.createSession(model.onnx().toString(), options);
      } catch (OrtException e) {
        throw new IllegalArgumentException(
            "model [" + name + "]: cannot load [" + model.onnx() + "]: " + e.getMessage(), e);
      }
      Map<String, OnnxJavaType> inputTypes = inputTypes(name, session);
      int outputRank = checkOutput(name, config, session);
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
      tokenizer =
          HfTokenizer.open(model.tokenizer(), config.maxTokens(), settings.nativeCacheDir());
      OnnxEmbedder embedder =
          new OnnxEmbedder(
              name,
              config,
              config.maxBatch(),
              environment,
              options,
              session,
              tokenizer,
              inputTypes,
              outputRank);
      options = null;
      session = null;
      tokenizer = null;
      return embedder;
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "model [" + name + "]: ONNX Runtime error: " + e.getMessage(), e);
    } finally {
      closeQuietly(tokenizer, session, options);
    }
  }

  /**
   * The model name.
   *
   * @return the name
   */
  public String modelName() {
    return modelName;
  }

  /**
   * The model configuration.
   *
   * @return the configuration
   */
  public ModelConfig config() {
    return config;
  }

  /**
   * Size of the vectors this embedder returns.
   *
   * @return the dimensions
   */
  public int dims() {
    return config.dims();
  }

  /**
   * Embeds one text, truncating it to {@code max_tokens}.
   *
   * @param text the text
   * @param kind query or document, which selects the prefix
   * @return the dense vector
   */
  public float[] embed(String text, TextKind kind) {
    return embed(List.of(text), kind).get(0);
  }

  /**
   * Embeds texts into one dense vector each: pooled as configured, L2-normalized if configured.
   * Texts longer than {@code max_tokens} are truncated.
   *
   * @param texts the texts
   * @param kind query or document, which selects the prefix
   * @return one vector of {@link #dims()} floats per text, in order
   */
  public List<float[]> embed(List<String> texts, TextKind kind) {
    return embed(texts, kind, LongText.TRUNCATE);
  }

  /**
   * Embeds texts into one dense vector each: pooled as configured, L2-normalized if configured.
   *
   * <p>With {@link LongText#CHUNK}, a text longer than {@code max_tokens} (prefix and special
   * tokens included) is cut into consecutive chunks that each fit with the prefix and the special
   * tokens, cut at token boundaries, preferably between words: the text is tokenized once without
   * truncation and each chunk takes as many tokens as fit, up to the character where the next
   * chunk's first token starts (so the chunks, concatenated, are the text). Every chunk gets the
   * prefix and is embedded alone like a text of its own (pooled, normalized as configured); the
   * text's vector is the mean of its chunk vectors weighted by each chunk's content tokens (so a
   * short tail chunk weighs what its text weighs, not as much as a full chunk), L2-normalized again
   * if {@code normalize} is set. The mean keeps one vector per text, in the space of the model's
   * ordinary vectors: a query's dot product with it is the weighted mean of its dot products with
   * the chunks (re-normalizing scales it by one factor per text), at the cost of blurring a text
   * about several topics. A text that fits is one chunk and gets exactly the vector {@link
   * LongText#TRUNCATE} gives. A text needing more than {@value #MAX_CHUNKS} chunks is an error.
   *
   * @param texts the texts
   * @param kind query or document, which selects the prefix
   * @param longText what to do with texts longer than {@code max_tokens}
   * @return one vector of {@link #dims()} floats per text, in order
   * @throws IllegalArgumentException if a text is null, or with {@link LongText#CHUNK} needs more
   *     than {@value #MAX_CHUNKS} chunks
   */
  public List<float[]> embed(List<String> texts, TextKind kind, LongText longText) {
    return embedEach(texts, kind, longText).all();
  }

  /**
   * Embeds texts as {@link #embed(List, TextKind, LongText)} does, each text succeeding or failing
   * on its own: a text that cannot be embedded (null, or with {@link LongText#CHUNK} needing more
   * than {@value #MAX_CHUNKS} chunks) gets its reason, and the others their vectors.
   *
   * @param texts the texts
   * @param kind query or document, which selects the prefix
   * @param longText what to do with texts longer than {@code max_tokens}
   * @return per text its vector or its failure, in order
   */
  public TextResults<float[]> embedEach(List<String> texts, TextKind kind, LongText longText) {
    Objects.requireNonNull(longText, "longText");
    return locked(
        () -> {
          InputPlan plan = plan(texts, kind, longText);
          float[][] vectors = new float[plan.inputs().size()][];
          int[] weights = new int[plan.inputs().size()];
          runLocked(
              plan.inputs(),
              (batch, output, indexes) -> {
                for (int i = 0; i < batch.size(); i++) {
                  float[] v =
                      outputRank == 2 ? row(output, i, config.dims()) : pool(batch, output, i);
                  vectors[indexes[i]] = config.normalize() ? VectorMath.normalize(v) : v;
                  weights[indexes[i]] = Math.max(1, batch.contentTokens(i));
                }
              });
          return new TextResults<>(
              modelName,
              plan.combineVectors(vectors, weights, config.normalize()),
              plan.failures());
        });
  }

  /**
   * Per-token vectors: for each text, the output rows of its tokens that are neither special tokens
   * (such as {@code [CLS]}, {@code [SEP]}) nor padding, each L2-normalized. Texts longer than
   * {@code max_tokens} are truncated. Needs a {@code [batch, tokens, dims]} output.
   *
   * @param texts the texts
   * @param kind query or document, which selects the prefix
   * @return per text, an array of token vectors (possibly empty), in order
   * @throws IllegalStateException if the model output is already pooled
   */
  public List<float[][]> tokenVectors(List<String> texts, TextKind kind) {
    return tokenVectors(texts, kind, LongText.TRUNCATE);
  }

  /**
   * Per-token vectors: for each text, the output rows of its tokens that are neither special tokens
   * (such as {@code [CLS]}, {@code [SEP]}) nor padding, each L2-normalized. Needs a {@code [batch,
   * tokens, dims]} output.
   *
   * <p>With {@link LongText#CHUNK}, a long text is cut into chunks as for {@link #embed(List,
   * TextKind, LongText)}, each chunk is run alone, and the text's token vectors are those of its
   * chunks, concatenated in order. The prefix, run with every chunk, gives its token vectors once,
   * from the first chunk: so a text gets one vector per content token of {@code prefix + text}, as
   * many as {@link LongText#TRUNCATE} would give if {@code max_tokens} were unlimited. A token near
   * the start of a chunk sees only the context that chunk holds.
   *
   * @param texts the texts
   * @param kind query or document, which selects the prefix
   * @param longText what to do with texts longer than {@code max_tokens}
   * @return per text, an array of token vectors (possibly empty), in order
   * @throws IllegalStateException if the model output is already pooled
   * @throws IllegalArgumentException if a text is null, or with {@link LongText#CHUNK} needs more
   *     than {@value #MAX_CHUNKS} chunks
   */
  public List<float[][]> tokenVectors(List<String> texts, TextKind kind, LongText longText) {
    return tokenVectorsEach(texts, kind, longText).all();
  }

  /**
   * Per-token vectors as {@link #tokenVectors(List, TextKind, LongText)} gives them, each text
   * succeeding or failing on its own (see {@link #embedEach}).
   *
   * @param texts the texts
   * @param kind query or document, which selects the prefix
   * @param longText what to do with texts longer than {@code max_tokens}
   * @return per text its token vectors or its failure, in order
   * @throws IllegalStateException if the model output is already pooled
   */
  public TextResults<float[][]> tokenVectorsEach(
      List<String> texts, TextKind kind, LongText longText) {
    Objects.requireNonNull(longText, "longText");
    if (outputRank != 3) {
      throw new IllegalStateException(
          "model ["
              + modelName
              + "]: output ["
              + config.output()
              + "] is pooled ([batch, dims]); token vectors need a [batch, tokens, dims] output");
    }
    return locked(
        () -> {
          InputPlan plan = plan(texts, kind, longText);
          float[][][] chunks = new float[plan.inputs().size()][][];
          runLocked(
              plan.inputs(),
              (batch, output, indexes) -> {
                int dims = config.dims();
                for (int i = 0; i < batch.size(); i++) {
                  float[][] vectors = new float[batch.contentTokens(i)][];
                  int n = 0;
                  for (int j = 0; j < batch.length(); j++) {
                    if (batch.isContent(i, j)) {
                      float[] v = new float[dims];
                      output.get((i * batch.length() + j) * dims, v);
                      vectors[n++] = VectorMath.normalize(v);
                    }
                  }
                  chunks[indexes[i]] = vectors;
                }
              });
          return new TextResults<>(modelName, plan.combineTokens(chunks), plan.failures());
        });
  }

  /**
   * The chunks {@link LongText#CHUNK} cuts a text into, without the prefix (one chunk, the text
   * itself, if it fits).
   *
   * @param text the text
   * @param kind query or document, which selects the prefix
   * @return the chunks, in order
   */
  List<String> chunks(String text, TextKind kind) {
    return locked(
        () -> {
          InputPlan plan = plan(List.of(text), kind, LongText.CHUNK);
          if (plan.failed(0)) {
            throw new IllegalArgumentException(plan.failures()[0]);
          }
          return plan.chunks().get(0).texts();
        });
  }

  /** Model runs so far (for tests: how many batches texts were run in). */
  long modelRuns() {
    return modelRuns.get();
  }

  /** Releases the ONNX session and the tokenizer, after running calls finish. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(tokenizer, session, options);
      outputBuffers.clear();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Receives the output of one model run: {@code [batch, tokens, dims]} or {@code [batch, dims]}
   * floats, row-major, valid only during the call.
   */
  private interface BatchConsumer {
    void accept(TokenizedBatch batch, FloatBuffer output, int[] indexes);
  }

  /**
   * Checks the texts, puts the prefix in front, and cuts long texts into chunks if asked to, else
   * to a start that truncates to the same tokens (so a text of megabytes is not tokenized whole).
   */
  private InputPlan plan(List<String> texts, TextKind kind, LongText longText) {
    return InputPlan.of(
        texts,
        config.prefix(kind),
        longText == LongText.CHUNK
            ? (prefix, text) -> tokenizer.chunk(prefix, text, MAX_CHUNKS)
            : (prefix, text) ->
                new HfTokenizer.Chunks(List.of(tokenizer.truncationCut(prefix, text)), new int[1]));
  }

  /** Runs a body under the read lock, after checking the embedder is open. */
  private <T> T locked(Supplier<T> body) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("embedder for model [" + modelName + "] is closed");
      }
      return body.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Tokenizes each input, sorts the inputs by token count, cuts them into batches of up to {@code
   * batchSize} consecutive inputs that pad at most {@link #MAX_PADDING} of their real tokens (so a
   * batch never computes much more than its texts would alone), runs the model on each and hands
   * each output to the consumer with the original indexes. Must hold the read lock.
   */
  private void runLocked(List<String> inputs, BatchConsumer consumer) {
    int[] lengths = new int[inputs.size()];
    List<HfTokenizer.Tokens> encodings = new ArrayList<>(inputs.size());
    for (int i = 0; i < lengths.length; i++) {
      encodings.add(tokenizer.encodeOne(inputs.get(i)));
      lengths[i] = encodings.get(i).ids().length;
    }
    Integer[] order = new Integer[inputs.size()];
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
        if ((double) next * (end - start + 1) > (tokens + next) * (1 + MAX_PADDING)) {
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
      runBatch(tokenizer.pad(batch), indexes, consumer);
      modelRuns.incrementAndGet();
      start = end;
    }
  }

  private void runBatch(TokenizedBatch batch, int[] indexes, BatchConsumer consumer) {
    long[] shape = {batch.size(), batch.length()};
    long[] outShape =
        outputRank == 3
            ? new long[] {batch.size(), batch.length(), config.dims()}
            : new long[] {batch.size(), config.dims()};
    long floats = (long) batch.size() * config.dims() * (outputRank == 3 ? batch.length() : 1);
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
      try (OrtSession.Result result = session.run(feed, Map.of(config.output(), pinned))) {
        consumer.accept(batch, output, indexes);
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "model ["
              + modelName
              + "]: inference failed (output ["
              + config.output()
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

  private static float[] row(FloatBuffer output, int index, int dims) {
    float[] v = new float[dims];
    output.get(index * dims, v);
    return v;
  }

  private float[] pool(TokenizedBatch batch, FloatBuffer output, int text) {
    int dims = config.dims();
    int length = batch.length();
    int base = text * length * dims;
    if (config.pooling() == Pooling.CLS) {
      float[] v = new float[dims];
      output.get(base, v);
      return v;
    }
    float[] sum = new float[dims];
    long[] mask = batch.attentionMask();
    int count = 0;
    for (int j = 0; j < length; j++) {
      if (mask[text * length + j] != 0) {
        int off = base + j * dims;
        for (int d = 0; d < dims; d++) {
          sum[d] += output.get(off + d);
        }
        count++;
      }
    }
    if (count > 0) {
      for (int d = 0; d < dims; d++) {
        sum[d] /= count;
      }
    }
    return sum;
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

  private static int checkOutput(String name, ModelConfig config, OrtSession session)
      throws OrtException {
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    NodeInfo output = outputs.get(config.output());
    if (output == null) {
      throw new IllegalArgumentException(
          "model ["
              + name
              + "] has no output ["
              + config.output()
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
              + config.output()
              + "] must be a float tensor [batch, tokens, dims] or [batch, dims], got "
              + output.getInfo());
    }
    long[] shape = info.getShape();
    long last = shape[shape.length - 1];
    if (last > 0 && last != config.dims()) {
      throw new IllegalArgumentException(
          "model ["
              + name
              + "] output ["
              + config.output()
              + "] has "
              + last
              + " dimensions but quiver-model.json says dims = "
              + config.dims());
    }
    return shape.length;
  }

  private static void closeQuietly(
      HfTokenizer tokenizer, OrtSession session, OrtSession.SessionOptions options) {
    if (tokenizer != null) {
      tokenizer.close();
    }
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
