package dev.quiver.plugin.embed;

import dev.quiver.ingest.Chunking;
import dev.quiver.ingest.ModelConfig;
import dev.quiver.ingest.TextChunks;
import dev.quiver.ingest.TextKind;
import dev.quiver.ingest.TextResults;
import dev.quiver.plugin.Futures;
import dev.quiver.plugin.mapper.QuiverSemanticFieldMapper;
import dev.quiver.plugin.mapper.SemanticChunking;
import dev.quiver.plugin.mapper.SemanticFields;
import dev.quiver.plugin.mapper.SemanticMappings;
import dev.quiver.plugin.mapper.SemanticState;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.ingest.Processor;
import org.opensearch.plugins.IngestPlugin.SystemIngestPipelineConfigKeys;
import org.opensearch.transport.client.Client;

/**
 * The system ingest processor of {@code quiver_semantic} fields: OpenSearch puts it in the system
 * pipeline of every index whose mapping has such a field, so plain text sent with {@code _bulk},
 * {@code _index}, {@code _create} or {@code _update} gets its passage vectors with no pipeline
 * named.
 *
 * <p>For each document and each semantic field holding a string, it writes {@code
 * _quiver_semantic.P.vectors} (one vector per chunk, the model's document prefix applied) and
 * {@code _quiver_semantic.P.state} (base64 of {@link SemanticState}). All texts of a field in a
 * batch (a whole bulk request) are embedded together on Quiver's inference threads; the processor
 * completes asynchronously. A document whose value is not a non-empty string, or whose text the
 * model fails on, fails alone with a 400 naming the field; nothing of it is indexed, the rest of
 * the batch is.
 */
public final class SemanticIngestProcessor extends AsyncBatchingProcessor {

  public static final String TYPE = "quiver_semantic";

  /** One semantic field, its model and its chunking resolved. */
  record Target(String path, String model, SemanticChunking chunking) {
    /** The chunking the embedder applies: the field's {@code max_tokens} and overlap. */
    Chunking embedderChunking() {
      return new Chunking(chunking.enabled(), chunking.maxTokens(), chunking.overlapTokens());
    }
  }

  private final ModelRegistry models;
  private final StoredStates states;
  private final List<Target> targets;

  SemanticIngestProcessor(
      String tag, ModelRegistry models, StoredStates states, List<Target> targets) {
    super(tag, "embeds the quiver_semantic fields " + targets, Integer.MAX_VALUE);
    this.models = models;
    this.states = states;
    this.targets = targets;
  }

  List<Target> targets() {
    return targets;
  }

  @Override
  public String getType() {
    return TYPE;
  }

  @Override
  public boolean isSystemGenerated() {
    return true;
  }

  /**
   * The text of {@code target} in {@code doc}; null when absent; a 400 when not a usable string.
   */
  static String textOf(IngestDocument doc, Target target) {
    if (doc.hasField(target.path()) == false) {
      return null;
    }
    Object value = doc.getFieldValue(target.path(), Object.class);
    if (value == null) {
      return null;
    }
    String what =
        value instanceof String
            ? null
            : value instanceof Map<?, ?>
                ? "an object"
                : value instanceof List<?>
                    ? "an array"
                    : "[" + value.getClass().getSimpleName() + "]";
    if (what != null) {
      throw new IllegalArgumentException(
          "field ["
              + target.path()
              + "] of type ["
              + QuiverSemanticFieldMapper.CONTENT_TYPE
              + "] takes one string, got "
              + what
              + idOf(doc));
    }
    String text = (String) value;
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          "field ["
              + target.path()
              + "] of type ["
              + QuiverSemanticFieldMapper.CONTENT_TYPE
              + "] is empty"
              + idOf(doc));
    }
    return text;
  }

  private static String idOf(IngestDocument doc) {
    Object id = doc.getSourceAndMetadata().get(IngestDocument.Metadata.ID.getFieldName());
    return id == null ? "" : " (document [" + id + "])";
  }

  @Override
  public void execute(IngestDocument doc, BiConsumer<IngestDocument, Exception> handler) {
    IngestDocumentWrapper wrapper = new IngestDocumentWrapper(0, 0, doc, null);
    subBatchExecute(
        List.of(wrapper),
        done ->
            handler.accept(wrapper.getException() == null ? doc : null, wrapper.getException()));
  }

  @Override
  protected void subBatchExecute(
      List<IngestDocumentWrapper> docs, Consumer<List<IngestDocumentWrapper>> handler) {
    // texts[d][t]: the text of target t in document d (null: absent); null row: document failed
    String[][] texts = new String[docs.size()][];
    for (int d = 0; d < docs.size(); d++) {
      IngestDocumentWrapper wrapper = docs.get(d);
      if (wrapper.getException() != null || wrapper.getIngestDocument() == null) {
        continue;
      }
      String[] row = new String[targets.size()];
      try {
        for (int t = 0; t < targets.size(); t++) {
          row[t] = textOf(wrapper.getIngestDocument(), targets.get(t));
        }
        texts[d] = row;
      } catch (Exception e) {
        wrapper.update(wrapper.getIngestDocument(), e);
      }
    }
    states.lookup(
        docs,
        texts,
        targets,
        existing -> {
          try {
            embed(docs, texts, existing, handler);
          } catch (RuntimeException e) {
            for (int d = 0; d < docs.size(); d++) {
              if (texts[d] != null) {
                docs.get(d).update(docs.get(d).getIngestDocument(), e);
              }
            }
            handler.accept(docs);
          }
        });
  }

  /**
   * Embeds every text that has no state to reuse, then writes each document's vectors and state.
   */
  private void embed(
      List<IngestDocumentWrapper> docs,
      String[][] texts,
      SemanticState[][] existing,
      Consumer<List<IngestDocumentWrapper>> handler) {
    byte[][][] hashes = new byte[docs.size()][targets.size()][];
    SemanticState[][] reused = new SemanticState[docs.size()][targets.size()];
    List<CompletableFuture<TextResults<TextChunks>>> runs = new ArrayList<>();
    List<int[]> owners = new ArrayList<>();
    for (int t = 0; t < targets.size(); t++) {
      Target target = targets.get(t);
      List<String> batch = new ArrayList<>();
      List<Integer> owner = new ArrayList<>();
      for (int d = 0; d < docs.size(); d++) {
        if (texts[d] == null) {
          continue;
        }
        SemanticState old = existing[d][t];
        if (texts[d][t] == null) {
          reused[d][t] = old; // not in this (partial) document: carry the stored state over
          continue;
        }
        hashes[d][t] = SemanticState.hash(target.model(), target.chunking(), texts[d][t]);
        if (old != null && old.matches(hashes[d][t])) {
          reused[d][t] = old;
          continue;
        }
        batch.add(texts[d][t]);
        owner.add(d);
      }
      owners.add(owner.stream().mapToInt(Integer::intValue).toArray());
      runs.add(
          batch.isEmpty()
              ? CompletableFuture.completedFuture(TextResults.none(target.model()))
              : models.chunkVectorsEach(
                  target.model(), batch, TextKind.DOCUMENT, target.embedderChunking()));
    }
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ignored, failure) -> {
              try {
                write(docs, texts, hashes, reused, runs, owners);
              } finally {
                handler.accept(docs);
              }
            });
  }

  /**
   * The failure of a document whose field's whole embedding run failed (the model could not load or
   * run): names the field and keeps the kind of failure, a 400 for bad input, a 500 otherwise.
   */
  private static Exception runFailure(Target target, IngestDocument doc, Exception cause) {
    String message =
        "field ["
            + target.path()
            + "] of type ["
            + QuiverSemanticFieldMapper.CONTENT_TYPE
            + "] could not be embedded"
            + idOf(doc)
            + " with model ["
            + target.model()
            + "]: "
            + cause.getMessage();
    return cause instanceof IllegalArgumentException
        ? new IllegalArgumentException(message, cause)
        : new IllegalStateException(message, cause);
  }

  /** Writes every document's vectors and state, or fails the document with its first failure. */
  private void write(
      List<IngestDocumentWrapper> docs,
      String[][] texts,
      byte[][][] hashes,
      SemanticState[][] reused,
      List<CompletableFuture<TextResults<TextChunks>>> runs,
      List<int[]> owners) {
    TextChunks[][] vectors = new TextChunks[docs.size()][targets.size()];
    Exception[] failures = new Exception[docs.size()];
    for (int t = 0; t < targets.size(); t++) {
      Target target = targets.get(t);
      int[] owner = owners.get(t);
      TextResults<TextChunks> results;
      try {
        results = runs.get(t).join();
      } catch (Exception e) {
        Exception cause = Futures.cause(e);
        for (int d : owner) {
          if (failures[d] == null) {
            failures[d] = runFailure(target, docs.get(d).getIngestDocument(), cause);
          }
        }
        continue;
      }
      for (int i = 0; i < owner.length; i++) {
        int d = owner[i];
        if (results.failed(i)) {
          if (failures[d] == null) {
            failures[d] =
                new IllegalArgumentException(
                    "field ["
                        + target.path()
                        + "] of type ["
                        + QuiverSemanticFieldMapper.CONTENT_TYPE
                        + "] could not be embedded"
                        + idOf(docs.get(d).getIngestDocument())
                        + ": "
                        + results.failure(i).getMessage(),
                    results.failure(i));
          }
        } else {
          vectors[d][t] = results.get(i);
        }
      }
    }
    for (int d = 0; d < docs.size(); d++) {
      if (texts[d] == null) {
        continue;
      }
      IngestDocumentWrapper wrapper = docs.get(d);
      if (failures[d] != null) {
        wrapper.update(wrapper.getIngestDocument(), failures[d]);
        continue;
      }
      IngestDocument doc = wrapper.getIngestDocument();
      for (int t = 0; t < targets.size(); t++) {
        SemanticState state = reused[d][t];
        if (state == null && vectors[d][t] != null) {
          TextChunks chunks = vectors[d][t];
          state = new SemanticState(hashes[d][t], chunks.starts(), chunks.ends(), chunks.vectors());
        }
        if (state == null) {
          continue;
        }
        String path = targets.get(t).path();
        doc.setFieldValue(
            SemanticFields.vectorsField(path), QuiverEmbedProcessor.toLists(state.vectors()));
        doc.setFieldValue(
            SemanticFields.stateField(path), Base64.getEncoder().encodeToString(state.encode()));
      }
    }
  }

  /**
   * Makes the processor for an index (or the templates of one to be created) from its mappings;
   * none when they have no semantic field.
   */
  public static final class Factory implements Processor.Factory {
    private final ModelRegistry models;
    private final Client client;

    /**
     * @param client reads the stored states of documents being overwritten (null: never reuse)
     */
    public Factory(ModelRegistry models, Client client) {
      this.models = models;
      this.client = client;
    }

    @Override
    public boolean isSystemGenerated() {
      return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Processor create(
        Map<String, Processor.Factory> factories,
        String tag,
        String description,
        Map<String, Object> config) {
      Map<String, SemanticMappings.SemanticField> fields = new LinkedHashMap<>();
      Object mappings = config.get(SystemIngestPipelineConfigKeys.INDEX_MAPPINGS);
      if (mappings instanceof Map<?, ?> m) {
        for (SemanticMappings.SemanticField f : SemanticMappings.of((Map<String, Object>) m)) {
          fields.put(f.path(), f);
        }
      }
      Object templates = config.get(SystemIngestPipelineConfigKeys.INDEX_TEMPLATE_MAPPINGS);
      if (templates instanceof List<?> list) {
        for (Object t : list) {
          if (t instanceof Map<?, ?> m) {
            for (SemanticMappings.SemanticField f : SemanticMappings.of((Map<String, Object>) m)) {
              fields.put(f.path(), f);
            }
          }
        }
      }
      if (fields.isEmpty()) {
        return null;
      }
      List<Target> targets = new ArrayList<>();
      for (SemanticMappings.SemanticField f : fields.values()) {
        ModelConfig model =
            QuiverSemanticFieldMapper.modelConfig(f.path(), f.model(), models::config);
        targets.add(
            new Target(f.path(), f.model(), f.chunking().resolve(f.path(), model.maxTokens())));
      }
      return new SemanticIngestProcessor(
          tag, models, new StoredStates(client), List.copyOf(targets));
    }
  }
}
