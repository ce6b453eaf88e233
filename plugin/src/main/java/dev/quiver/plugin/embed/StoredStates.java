package dev.quiver.plugin.embed;

import dev.quiver.plugin.mapper.SemanticFields;
import dev.quiver.plugin.mapper.SemanticState;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.lucene.util.BytesRef;
import org.opensearch.action.get.GetResponse;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetRequest;
import org.opensearch.common.document.DocumentField;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.search.fetch.subphase.FetchSourceContext;
import org.opensearch.transport.client.Client;

/**
 * Reads the stored {@code _quiver_semantic.P.state} of the documents of an ingest batch that name
 * an {@code _id}: one realtime multi-get per batch, stored fields only, no {@code _source}. A
 * document that does not exist yet, an index that does not exist yet or a failed read gives no
 * state (the text is embedded).
 */
public final class StoredStates {

  private static final Logger LOGGER = LogManager.getLogger(StoredStates.class);

  private final Client client;

  /**
   * @param client the node client; null reads nothing
   */
  public StoredStates(Client client) {
    this.client = client;
  }

  /**
   * Calls {@code then} with {@code states[d][t]}: the stored state of target {@code t} of document
   * {@code d} (null when none); documents whose row of {@code texts} is null are skipped.
   */
  void lookup(
      List<IngestDocumentWrapper> docs,
      String[][] texts,
      List<SemanticIngestProcessor.Target> targets,
      Consumer<SemanticState[][]> then) {
    SemanticState[][] states = new SemanticState[docs.size()][targets.size()];
    if (client == null) {
      then.accept(states);
      return;
    }
    String[] fields = new String[targets.size()];
    for (int t = 0; t < targets.size(); t++) {
      fields[t] = SemanticFields.stateField(targets.get(t).path());
    }
    MultiGetRequest request = new MultiGetRequest().realtime(true);
    List<Integer> owners = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      if (texts[d] == null) {
        continue;
      }
      IngestDocument doc = docs.get(d).getIngestDocument();
      Object id = doc.getSourceAndMetadata().get(IngestDocument.Metadata.ID.getFieldName());
      Object index = doc.getSourceAndMetadata().get(IngestDocument.Metadata.INDEX.getFieldName());
      if (id == null || index == null) {
        continue;
      }
      Object routing =
          doc.getSourceAndMetadata().get(IngestDocument.Metadata.ROUTING.getFieldName());
      MultiGetRequest.Item item =
          new MultiGetRequest.Item(index.toString(), id.toString())
              .storedFields(fields)
              .fetchSourceContext(FetchSourceContext.DO_NOT_FETCH_SOURCE);
      if (routing != null) {
        item.routing(routing.toString());
      }
      request.add(item);
      owners.add(d);
    }
    if (owners.isEmpty()) {
      then.accept(states);
      return;
    }
    client.multiGet(
        request,
        ActionListener.wrap(
            response -> {
              MultiGetItemResponse[] items = response.getResponses();
              for (int i = 0; i < items.length && i < owners.size(); i++) {
                if (items[i].isFailed() || items[i].getResponse() == null) {
                  continue;
                }
                GetResponse get = items[i].getResponse();
                if (get.isExists() == false) {
                  continue;
                }
                for (int t = 0; t < fields.length; t++) {
                  states[owners.get(i)][t] = decode(get.getField(fields[t]));
                }
              }
              then.accept(states);
            },
            e -> {
              LOGGER.debug("reading the stored semantic states failed; embedding again", e);
              then.accept(states);
            }));
  }

  private static SemanticState decode(DocumentField field) {
    if (field == null || field.getValue() == null) {
      return null;
    }
    Object value = field.getValue();
    byte[] bytes;
    if (value instanceof BytesReference ref) {
      bytes = BytesReference.toBytes(ref);
    } else if (value instanceof BytesRef ref) {
      bytes = BytesRef.deepCopyOf(ref).bytes;
    } else if (value instanceof byte[] b) {
      bytes = b;
    } else {
      bytes = Base64.getDecoder().decode(value.toString());
    }
    try {
      return SemanticState.decode(bytes);
    } catch (IllegalArgumentException e) {
      return null; // unreadable: embed again
    }
  }
}
