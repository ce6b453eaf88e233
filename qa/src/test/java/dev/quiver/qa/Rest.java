package dev.quiver.qa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A tiny JSON-over-HTTP client for the node under test. */
final class Rest {

  static final ObjectMapper JSON = new ObjectMapper();

  /** A response: HTTP status and parsed JSON body (or a text node for non-JSON bodies). */
  record Response(int status, JsonNode body) {
    /** Throws unless the status is 2xx. */
    Response ok() {
      if (status / 100 != 2) {
        throw new AssertionError("expected 2xx, got " + status + ": " + body);
      }
      return this;
    }

    /** Throws unless the status is 400 and the error names every fragment. */
    Response badRequest(String... fragments) {
      if (status != 400) {
        throw new AssertionError("expected 400, got " + status + ": " + body);
      }
      String reason = reason();
      for (String fragment : fragments) {
        if (reason.contains(fragment) == false) {
          throw new AssertionError("[" + fragment + "] not in " + reason);
        }
      }
      return this;
    }

    /** The error reason OpenSearch gives (root cause included), for assertions. */
    String reason() {
      return body.path("error").toString();
    }
  }

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Rest(URI base) {
    this.base = base;
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response delete(String path) {
    return send("DELETE", path, null);
  }

  Response put(String path, Object body) {
    return send("PUT", path, body);
  }

  Response post(String path, Object body) {
    return send("POST", path, body);
  }

  /** Sends a bulk (NDJSON) body. */
  Response bulk(String path, String ndjson) {
    return sendRaw("POST", path, ndjson, "application/x-ndjson");
  }

  boolean isUp() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("/_cluster/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  Response send(String method, String path, Object body) {
    return send(method, path, body, Map.of());
  }

  /** Sends a JSON body with extra request headers. */
  Response send(String method, String path, Object body, Map<String, String> headers) {
    try {
      String text =
          body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
      return sendRaw(method, path, text, "application/json", headers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a bulk (NDJSON) body with extra request headers. */
  Response bulk(String path, String ndjson, Map<String, String> headers) {
    return sendRaw("POST", path, ndjson, "application/x-ndjson", headers);
  }

  private Response sendRaw(String method, String path, String body, String contentType) {
    return sendRaw(method, path, body, contentType, Map.of());
  }

  private Response sendRaw(
      String method, String path, String body, String contentType, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", contentType)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode node;
      try {
        node = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
      } catch (IOException notJson) {
        node = JSON.getNodeFactory().textNode(r.body());
      }
      return new Response(r.statusCode(), node);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
