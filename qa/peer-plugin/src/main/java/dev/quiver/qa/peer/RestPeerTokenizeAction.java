package dev.quiver.qa.peer;

import ai.djl.huggingface.tokenizers.Encoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

/**
 * {@code GET _plugins/_quiver_qa_peer/tokenize?text=...}: the stand-in's DJL tokenizer on a text
 * ({@code ids}, special tokens included), with what a test needs to see whether two DJLs share the
 * node cleanly: when it loaded ({@code loaded}), its DJL tokenizers version, the DJL system
 * properties of the JVM, and the native library files DJL extracted into the stand-in's cache
 * directory ({@code cache_files}). A tokenizer that failed to load answers 500 with the reason in
 * {@code error} and the same diagnostics.
 */
final class RestPeerTokenizeAction extends BaseRestHandler {

  private final PeerTokenizer tokenizer;

  RestPeerTokenizeAction(PeerTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  @Override
  public String getName() {
    return "quiver_qa_peer_tokenize";
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route(RestRequest.Method.GET, "/_plugins/_quiver_qa_peer/tokenize"));
  }

  @Override
  protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
    String text = request.param("text");
    if (text == null) {
      throw new IllegalArgumentException("parameter [text] is required");
    }
    return channel -> {
      long[] ids = null;
      String error = null;
      try {
        Encoding encoding = tokenizer.tokenizer().encode(text);
        ids = encoding.getIds();
      } catch (RuntimeException e) {
        error = PeerTokenizer.chain(e);
      }
      XContentBuilder b = channel.newBuilder();
      b.startObject();
      if (ids != null) {
        b.array("ids", ids);
      } else {
        b.field("error", error);
      }
      b.field("loaded", tokenizer.loaded());
      b.field("djl_tokenizers_version", djlVersion());
      b.field("cache_dir", tokenizer.cacheDir().toString());
      b.startObject("system_properties");
      for (String key : PeerTokenizer.DJL_PROPERTIES) {
        b.field(key, System.getProperty(key));
      }
      b.endObject();
      b.field("cache_files", cacheFiles(tokenizer.cacheDir()));
      b.endObject();
      channel.sendResponse(
          new BytesRestResponse(ids != null ? RestStatus.OK : RestStatus.INTERNAL_SERVER_ERROR, b));
    };
  }

  /** The version in this plugin's DJL tokenizers jar ({@code <tokenizers>-<djl>}). */
  private static String djlVersion() throws IOException {
    try (InputStream in =
        RestPeerTokenizeAction.class
            .getClassLoader()
            .getResourceAsStream("native/lib/tokenizers.properties")) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }

  /** The native library files under the DJL cache directory, or why they cannot be listed. */
  private static List<String> cacheFiles(Path cacheDir) {
    String library = System.mapLibraryName("tokenizers");
    try (Stream<Path> files = Files.walk(cacheDir)) {
      return files
          .filter(f -> f.getFileName().toString().equals(library))
          .map(Path::toString)
          .sorted()
          .toList();
    } catch (IOException | RuntimeException e) {
      return List.of("unavailable: " + e);
    }
  }
}
