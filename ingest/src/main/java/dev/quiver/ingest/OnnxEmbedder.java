package dev.quiver.ingest;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
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
 * <p>Model outputs are written by ONNX Runtime into reused off-heap buffers ({@link ModelSession}),
 * and only what is used is read from them: the {@code [CLS]} row per text for {@code cls} pooling,
 * the attended rows for {@code mean} pooling and token vectors.
 *
 * <p>The model's inputs are those {@link ModelSession} feeds. The configured output is either
 * {@code [batch, tokens, dims]} (pooled here) or {@code [batch, dims]} (used as it is).
 *
 * <p>Texts longer than the model's {@code max_tokens} are truncated, or cut into chunks embedded
 * separately when asked to ({@link LongText}).
 *
 * <p>A late-interaction model ({@link ModelConfig#lateInteraction()}) gives token vectors only
 * ({@link #tokenVectors}; {@link #embed} refuses it): for documents with the document marker and
 * without skip-list tokens, for queries with the query marker and padded with the mask token to
 * exactly {@code query_max_tokens} vectors (queries are never chunked), each row projected by the
 * model's projection head if it has one, then L2-normalized; see {@link LateInteraction}.
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

  private final String modelName;
  private final ModelConfig config;
  private final ModelSession model;
  private final ModelTokenizers tokenizers;
  private final ProjectionHead projection;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private OnnxEmbedder(
      String modelName,
      ModelConfig config,
      ModelSession model,
      ModelTokenizers tokenizers,
      ProjectionHead projection) {
    this.modelName = modelName;
    this.config = config;
    this.model = model;
    this.tokenizers = tokenizers;
    this.projection = projection;
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
    ModelConfig config = model.config();
    ProjectionHead projection = model.projection() == null ? null : projection(model);
    ModelSession session = null;
    ModelTokenizers tokenizers = null;
    try {
      session =
          ModelSession.open(
              model.name(),
              model.onnx(),
              config,
              projection == null ? config.dims() : projection.inputDims(),
              projection == null
                  ? "quiver-model.json says dims ="
                  : "the projection [" + model.projection().getFileName() + "] takes",
              settings);
      if (config.isLateInteraction() && session.outputRank() != 3) {
        throw new IllegalArgumentException(
            "model ["
                + model.name()
                + "] has late_interaction but its output ["
                + config.output()
                + "] is pooled ([batch, dims]); token vectors need a [batch, tokens, dims] output");
      }
      tokenizers = ModelTokenizers.open(model, settings.nativeCacheDir());
      OnnxEmbedder embedder =
          new OnnxEmbedder(model.name(), config, session, tokenizers, projection);
      session = null;
      tokenizers = null;
      return embedder;
    } finally {
      closeQuietly(tokenizers, session);
    }
  }

  private static ProjectionHead projection(ModelFiles model) throws IOException {
    ProjectionHead projection = ProjectionHead.read(model.projection());
    if (projection.outputDims() != model.config().dims()) {
      throw new IllegalArgumentException(
          "model ["
              + model.name()
              + "]: the projection ["
              + model.projection().getFileName()
              + "] gives "
              + projection.outputDims()
              + " dimensions but quiver-model.json says dims = "
              + model.config().dims());
    }
    return projection;
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
    return chunkedEach(
        texts,
        kind,
        longText,
        (plan, chunks) ->
            plan.combineVectors(chunks.vectors(), chunks.weights(), config.normalize()));
  }

  /**
   * Embeds texts into one dense vector per chunk, each text succeeding or failing on its own: with
   * {@link LongText#CHUNK}, a text is cut into chunks as {@link #embed(List, TextKind, LongText)}
   * cuts it, and gets the vector of each chunk (pooled, normalized as configured), in order,
   * instead of their mean; a text that fits is one chunk. With {@link LongText#TRUNCATE}, every
   * text is one chunk.
   *
   * @param texts the texts
   * @param kind query or document, which selects the prefix
   * @param longText what to do with texts longer than {@code max_tokens}
   * @return per text its chunk vectors (one at least) or its failure, in order
   */
  public TextResults<float[][]> chunkVectorsEach(
      List<String> texts, TextKind kind, LongText longText) {
    return chunkedEach(
        texts, kind, longText, (plan, chunks) -> plan.combineChunks(chunks.vectors()));
  }

  /**
   * Embeds texts into one dense vector per chunk as {@link #chunkVectorsEach(List, TextKind,
   * LongText)} does, with chunks of at most {@link Chunking#maxTokens()} tokens (special tokens and
   * prefix included) sharing about {@link Chunking#overlapTokens()} tokens with the previous one
   * (see {@link HfTokenizer}), and reports each chunk's character offsets in the text. With
   * chunking disabled, a text is one chunk: its start that fits in {@code maxTokens}, cut before a
   * word, at offsets {@code [0, end)}. A text that fits is one chunk {@code [0, length)}.
   *
   * @param texts the texts
   * @param kind query or document, which selects the prefix
   * @param chunking chunk size and overlap; {@code maxTokens} at most the model's
   * @return per text its chunks or its failure, in order
   * @throws IllegalArgumentException if {@code maxTokens} exceeds the model's {@code max_tokens}
   */
  public TextResults<TextChunks> chunkVectorsEach(
      List<String> texts, TextKind kind, Chunking chunking) {
    Objects.requireNonNull(chunking, "chunking");
    HfTokenizer t = tokenizers.of(kind);
    if (chunking.maxTokens() > t.maxTokens()) {
      throw new IllegalArgumentException(
          "model ["
              + modelName
              + "]: chunk max_tokens ["
              + chunking.maxTokens()
              + "] is more than the model's max_tokens ["
              + t.maxTokens()
              + "]");
    }
    BiFunction<String, String, HfTokenizer.Chunks> splitter =
        chunking.enabled() && tokenizers.chunks(kind)
            ? (prefix, text) ->
                t.chunk(prefix, text, MAX_CHUNKS, chunking.maxTokens(), chunking.overlapTokens())
            : (prefix, text) -> t.firstChunk(prefix, text, chunking.maxTokens());
    return chunkedEach(
        texts,
        kind,
        splitter,
        (plan, chunks) -> {
          List<float[][]> vectors = plan.combineChunks(chunks.vectors());
          List<TextChunks> result = new ArrayList<>(vectors.size());
          for (int i = 0; i < vectors.size(); i++) {
            HfTokenizer.Chunks c = plan.chunks().get(i);
            result.add(
                vectors.get(i) == null
                    ? null
                    : new TextChunks(vectors.get(i), c.starts(), c.ends()));
          }
          return result;
        });
  }

  /** The dense vectors of a plan's inputs, and each input's content tokens. */
  private record InputVectors(float[][] vectors, int[] weights) {}

  /** Embeds each input of the texts' plan into one dense vector, then combines them per text. */
  private <T> TextResults<T> chunkedEach(
      List<String> texts,
      TextKind kind,
      LongText longText,
      BiFunction<InputPlan, InputVectors, List<T>> combine) {
    Objects.requireNonNull(longText, "longText");
    return chunkedEach(texts, kind, splitter(kind, longText), combine);
  }

  /**
   * Embeds each input of the texts' plan (cut by {@code splitter}), then combines them per text.
   */
  private <T> TextResults<T> chunkedEach(
      List<String> texts,
      TextKind kind,
      BiFunction<String, String, HfTokenizer.Chunks> splitter,
      BiFunction<InputPlan, InputVectors, List<T>> combine) {
    if (config.isLateInteraction()) {
      throw new IllegalArgumentException(
          "model ["
              + modelName
              + "] is a late-interaction model (quiver-model.json key [late_interaction]): it"
              + " gives token vectors only, not dense vectors");
    }
    return locked(
        () -> {
          InputPlan plan = InputPlan.of(texts, config.prefix(kind), splitter);
          float[][] vectors = new float[plan.inputs().size()][];
          int[] weights = new int[plan.inputs().size()];
          runLocked(
              plan.inputs(),
              kind,
              (batch, output, indexes) -> {
                for (int i = 0; i < batch.size(); i++) {
                  float[] v =
                      model.outputRank() == 2
                          ? row(output, i, config.dims())
                          : pool(batch, output, i);
                  vectors[indexes[i]] = config.normalize() ? VectorMath.normalize(v) : v;
                  weights[indexes[i]] = Math.max(1, batch.contentTokens(i));
                }
              });
          return new TextResults<>(
              modelName, combine.apply(plan, new InputVectors(vectors, weights)), plan.failures());
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
   * succeeding or failing on its own (see {@link #embedEach}). For a late-interaction model, the
   * vectors are those {@link LateInteraction} describes: a query ({@link TextKind#QUERY}) always
   * gets exactly {@code query_max_tokens} vectors, whatever {@code longText} says.
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
    if (model.outputRank() != 3) {
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
              kind,
              (batch, output, indexes) -> {
                for (int i = 0; i < batch.size(); i++) {
                  int count = 0;
                  for (int j = 0; j < batch.length(); j++) {
                    count += tokenizers.keeps(batch, i, j, kind) ? 1 : 0;
                  }
                  float[][] vectors = new float[count][];
                  int n = 0;
                  for (int j = 0; j < batch.length(); j++) {
                    if (tokenizers.keeps(batch, i, j, kind)) {
                      vectors[n++] = VectorMath.normalize(tokenRow(output, i * batch.length() + j));
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
    return model.modelRuns();
  }

  /** Releases the ONNX session and the tokenizers, after running calls finish. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(tokenizers, model);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Checks the texts, puts the prefix in front, and cuts long texts into chunks if asked to, else
   * to a start that truncates to the same tokens (so a text of megabytes is not tokenized whole).
   */
  private InputPlan plan(List<String> texts, TextKind kind, LongText longText) {
    return InputPlan.of(texts, config.prefix(kind), splitter(kind, longText));
  }

  /** How {@code longText} cuts a text of a kind into inputs. */
  private BiFunction<String, String, HfTokenizer.Chunks> splitter(
      TextKind kind, LongText longText) {
    HfTokenizer t = tokenizers.of(kind);
    boolean chunk = longText == LongText.CHUNK && tokenizers.chunks(kind);
    return chunk
        ? (prefix, text) -> t.chunk(prefix, text, MAX_CHUNKS)
        : (prefix, text) ->
            new HfTokenizer.Chunks(List.of(t.truncationCut(prefix, text)), new int[1]);
  }

  /** The vector of one token row of the output (row-major [batch * tokens]), projected if set. */
  private float[] tokenRow(FloatBuffer output, int row) {
    int offset = row * model.outputDims();
    if (projection != null) {
      return projection.apply(output, offset);
    }
    float[] v = new float[config.dims()];
    output.get(offset, v);
    return v;
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
   * Tokenizes each input and runs the model on them in batches ({@link ModelSession#run}). Must
   * hold the read lock.
   */
  private void runLocked(List<String> inputs, TextKind kind, ModelSession.BatchConsumer consumer) {
    List<HfTokenizer.Tokens> encodings = new ArrayList<>(inputs.size());
    for (String input : inputs) {
      encodings.add(tokenizers.encode(input, kind));
    }
    model.run(encodings, tokenizers.of(kind)::pad, consumer);
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

  private static void closeQuietly(ModelTokenizers tokenizers, ModelSession model) {
    if (tokenizers != null) {
      tokenizers.close();
    }
    if (model != null) {
      model.close();
    }
  }
}
