package dev.quiver.plugin.embed;

import dev.quiver.ingest.DefaultModel;
import dev.quiver.ingest.LongText;
import dev.quiver.ingest.TextKind;
import dev.quiver.ingest.TextResults;
import dev.quiver.plugin.Futures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.opensearch.ingest.AbstractBatchingProcessor;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;

/**
 * The {@code quiver_embed} ingest processor: embeds text fields with a model of this node and
 * writes a dense vector ({@code "output": "dense"}), per-token vectors ({@code "tokens"}) or one
 * dense vector per chunk of the text ({@code "chunks"}).
 *
 * <pre>
 * {"quiver_embed": {"model": "bge-small-en-v1.5", "field_map": {"title": "title_vec"},
 *                   "output": "dense", "long_text": "truncate", "ignore_missing": false,
 *                   "batch_size": 32}}
 * </pre>
 *
 * <p>{@code long_text} says what happens to a text longer than the model's {@code max_tokens}:
 * {@code truncate} (the default) embeds its beginning only; {@code chunk} cuts it into chunks that
 * fit and embeds them all: the dense vector is the normalized mean of the chunk vectors, the token
 * vectors are those of every chunk in order (see {@link LongText}). A text needing more than 64
 * chunks fails its document. {@code "output": "chunks"} writes the chunk vectors themselves, an
 * array of vectors {@code [[...], [...]]} (one per chunk, in order: the shape a multi-vector field
 * takes); it chunks, so {@code long_text} defaults to {@code chunk} for it and cannot be {@code
 * truncate}.
 *
 * <p>A late-interaction model (ColBERT-style, see {@code LateInteraction}) gives token vectors
 * only: with it the processor needs {@code "output": "tokens"}.
 *
 * <p>Inference runs on Quiver's inference threads; the processor completes asynchronously, so it
 * never blocks write or transport threads. In a bulk request the documents of a batch are embedded
 * together, and a document that cannot be embedded (missing field, not a string, empty string, a
 * text the model refuses such as one too long to chunk) fails alone with a 400 naming the field
 * (and the document, when it has an {@code _id}); the other documents of its batch are embedded.
 *
 * <p>Vectors are written as lists of numbers backed by the engine's {@code float[]} (see {@link
 * FloatArrayList}); arrays of vectors as a list of those. A bare {@code float[]} or {@code
 * float[][]} would serialize, but the ingest document could no longer be copied.
 */
public final class QuiverEmbedProcessor extends AsyncBatchingProcessor {

  public static final String TYPE = "quiver_embed";

  /** What the processor writes. */
  enum Output {
    DENSE,
    TOKENS,
    CHUNKS
  }

  private final ModelRegistry models;
  private final String model;
  private final Map<String, String> fieldMap;
  private final Output output;
  private final LongText longText;
  private final boolean ignoreMissing;

  QuiverEmbedProcessor(
      String tag,
      String description,
      int batchSize,
      ModelRegistry models,
      String model,
      Map<String, String> fieldMap,
      Output output,
      LongText longText,
      boolean ignoreMissing) {
    super(tag, description, batchSize);
    this.models = models;
    this.model = model;
    this.fieldMap = fieldMap;
    this.output = output;
    this.longText = longText;
    this.ignoreMissing = ignoreMissing;
  }

  @Override
  public String getType() {
    return TYPE;
  }

  String model() {
    return model;
  }

  Map<String, String> fieldMap() {
    return fieldMap;
  }

  Output output() {
    return output;
  }

  LongText longText() {
    return longText;
  }

  boolean ignoreMissing() {
    return ignoreMissing;
  }

  /** The texts of one document, in field-map order, with the source and target field of each. */
  private record Texts(List<String> texts, List<String> fields, List<String> targets) {}

  private Texts textsOf(IngestDocument doc) {
    List<String> texts = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    for (Map.Entry<String, String> e : fieldMap.entrySet()) {
      String field = e.getKey();
      if (doc.hasField(field) == false) {
        if (ignoreMissing) {
          continue;
        }
        throw new IllegalArgumentException(
            "[" + TYPE + "] field [" + field + "] is missing (set ignore_missing to skip it)");
      }
      Object value = doc.getFieldValue(field, Object.class);
      if (value == null && ignoreMissing) {
        continue;
      }
      if (value instanceof String == false) {
        throw new IllegalArgumentException(
            "["
                + TYPE
                + "] field ["
                + field
                + "] must be a string, got ["
                + (value == null ? "null" : value.getClass().getSimpleName())
                + "]");
      }
      String text = (String) value;
      if (text.isBlank()) {
        throw new IllegalArgumentException("[" + TYPE + "] field [" + field + "] is empty");
      }
      texts.add(text);
      fields.add(field);
      targets.add(e.getValue());
    }
    return new Texts(texts, fields, targets);
  }

  /** Embeds the texts; each text gets its value to write, or fails alone. */
  private CompletableFuture<TextResults<Object>> run(List<String> texts) {
    if (texts.isEmpty()) {
      return CompletableFuture.completedFuture(TextResults.none(model));
    }
    return switch (output) {
      case DENSE ->
          models
              .embedEach(model, texts, TextKind.DOCUMENT, longText)
              .thenApply(vs -> vs.map(QuiverEmbedProcessor::toList));
      case TOKENS ->
          models
              .tokenVectorsEach(model, texts, TextKind.DOCUMENT, longText)
              .thenApply(vs -> vs.map(QuiverEmbedProcessor::toLists));
      case CHUNKS ->
          models
              .chunkVectorsEach(model, texts, TextKind.DOCUMENT, longText)
              .thenApply(vs -> vs.map(QuiverEmbedProcessor::toLists));
    };
  }

  static List<Float> toList(float[] v) {
    return new FloatArrayList(v);
  }

  /** An array of vectors as a list of {@link FloatArrayList}s: one object per vector, not float. */
  static List<List<Float>> toLists(float[][] rows) {
    List<List<Float>> list = new ArrayList<>(rows.length);
    for (float[] row : rows) {
      list.add(toList(row));
    }
    return list;
  }

  /**
   * Writes a document's vectors, {@code results} holding them from {@code first} on; or, if one of
   * its texts failed, returns that failure naming the field and the document.
   */
  private static Exception write(
      IngestDocument doc, Texts texts, TextResults<Object> results, int first) {
    for (int i = 0; i < texts.texts().size(); i++) {
      if (results.failed(first + i)) {
        Object id = doc.getSourceAndMetadata().get(IngestDocument.Metadata.ID.getFieldName());
        return new IllegalArgumentException(
            "["
                + TYPE
                + "] field ["
                + texts.fields().get(i)
                + "]"
                + (id == null ? "" : " of document [" + id + "]")
                + ": "
                + results.failure(first + i).getMessage(),
            results.failure(first + i));
      }
    }
    for (int i = 0; i < texts.texts().size(); i++) {
      doc.setFieldValue(texts.targets().get(i), results.get(first + i));
    }
    return null;
  }

  @Override
  public void execute(IngestDocument doc, BiConsumer<IngestDocument, Exception> handler) {
    Texts texts;
    try {
      texts = textsOf(doc);
    } catch (Exception e) {
      handler.accept(null, e);
      return;
    }
    run(texts.texts())
        .whenComplete(
            (vectors, e) -> {
              if (e != null) {
                handler.accept(null, Futures.cause(e));
                return;
              }
              Exception failure = write(doc, texts, vectors, 0);
              handler.accept(failure == null ? doc : null, failure);
            });
  }

  @Override
  protected void subBatchExecute(
      List<IngestDocumentWrapper> docs, Consumer<List<IngestDocumentWrapper>> handler) {
    List<String> all = new ArrayList<>();
    List<IngestDocumentWrapper> ok = new ArrayList<>();
    List<Texts> perDoc = new ArrayList<>();
    for (IngestDocumentWrapper wrapper : docs) {
      if (wrapper.getException() != null || wrapper.getIngestDocument() == null) {
        continue;
      }
      try {
        Texts texts = textsOf(wrapper.getIngestDocument());
        ok.add(wrapper);
        perDoc.add(texts);
        all.addAll(texts.texts());
      } catch (Exception e) {
        wrapper.update(wrapper.getIngestDocument(), e);
      }
    }
    run(all)
        .whenComplete(
            (vectors, e) -> {
              int next = 0;
              for (int d = 0; d < ok.size(); d++) {
                IngestDocumentWrapper wrapper = ok.get(d);
                Texts texts = perDoc.get(d);
                if (e != null) {
                  wrapper.update(wrapper.getIngestDocument(), Futures.cause(e));
                  continue;
                }
                Exception failure = write(wrapper.getIngestDocument(), texts, vectors, next);
                if (failure != null) {
                  wrapper.update(wrapper.getIngestDocument(), failure);
                }
                next += texts.texts().size();
              }
              handler.accept(docs);
            });
  }

  /** Parses and validates the processor's configuration. */
  public static final class Factory extends AbstractBatchingProcessor.Factory {
    private final ModelRegistry models;

    public Factory(ModelRegistry models) {
      super(TYPE);
      this.models = models;
    }

    @Override
    protected AbstractBatchingProcessor newProcessor(
        String tag, String description, int batchSize, Map<String, Object> config) {
      String model =
          ConfigurationUtils.readStringProperty(TYPE, tag, config, "model", DefaultModel.NAME);
      if (models.has(model) == false) {
        throw ConfigurationUtils.newConfigurationException(
            TYPE, tag, "model", "unknown model [" + model + "]; this node has " + models.names());
      }
      Map<String, Object> rawMap = ConfigurationUtils.readMap(TYPE, tag, config, "field_map");
      if (rawMap.isEmpty()) {
        throw ConfigurationUtils.newConfigurationException(
            TYPE, tag, "field_map", "must map at least one text field to a target field");
      }
      Map<String, String> fieldMap = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : rawMap.entrySet()) {
        if (e.getValue() instanceof String target && target.isBlank() == false) {
          fieldMap.put(e.getKey(), target);
        } else {
          throw ConfigurationUtils.newConfigurationException(
              TYPE,
              tag,
              "field_map",
              "target of [" + e.getKey() + "] must be a field name, got [" + e.getValue() + "]");
        }
      }
      String outputName =
          ConfigurationUtils.readStringProperty(TYPE, tag, config, "output", "dense");
      Output output =
          switch (outputName) {
            case "dense" -> Output.DENSE;
            case "tokens" -> Output.TOKENS;
            case "chunks" -> Output.CHUNKS;
            default ->
                throw ConfigurationUtils.newConfigurationException(
                    TYPE,
                    tag,
                    "output",
                    "must be [dense], [tokens] or [chunks], got [" + outputName + "]");
          };
      if (output != Output.TOKENS && models.isLateInteraction(model)) {
        throw ConfigurationUtils.newConfigurationException(
            TYPE,
            tag,
            "output",
            "model ["
                + model
                + "] is a late-interaction model, which gives token vectors only: use [tokens],"
                + " got ["
                + outputName
                + "]");
      }
      String longTextName =
          ConfigurationUtils.readStringProperty(
              TYPE, tag, config, "long_text", output == Output.CHUNKS ? "chunk" : "truncate");
      LongText longText =
          switch (longTextName) {
            case "truncate" -> LongText.TRUNCATE;
            case "chunk" -> LongText.CHUNK;
            default ->
                throw ConfigurationUtils.newConfigurationException(
                    TYPE,
                    tag,
                    "long_text",
                    "must be [truncate] or [chunk], got [" + longTextName + "]");
          };
      if (output == Output.CHUNKS && longText != LongText.CHUNK) {
        throw ConfigurationUtils.newConfigurationException(
            TYPE,
            tag,
            "long_text",
            "must be [chunk] with output [chunks] (one vector per chunk), got ["
                + longTextName
                + "]");
      }
      boolean ignoreMissing =
          ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "ignore_missing", false);
      return new QuiverEmbedProcessor(
          tag, description, batchSize, models, model, fieldMap, output, longText, ignoreMissing);
    }
  }
}
