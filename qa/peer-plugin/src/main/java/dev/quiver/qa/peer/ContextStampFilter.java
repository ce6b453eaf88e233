package dev.quiver.qa.peer;

import java.util.Set;
import java.util.function.Supplier;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.tasks.Task;

/**
 * Stamps the request context the way a security plugin carries the authenticated user: on a
 * top-level search or bulk that has an {@code X-Opaque-Id}, it puts the request header {@link
 * #HEADER} and the transient {@link #TRANSIENT}, both {@code "user-" + opaque id}. Shard-level
 * actions are left alone, so a context lost on the way to the shard is not stamped again there.
 */
final class ContextStampFilter implements ActionFilter {

  /** The request header the filter puts (travels with transport requests). */
  static final String HEADER = "quiver-qa-user";

  /** The transient the filter puts (stays on the node, like the security plugin's user). */
  static final String TRANSIENT = "quiver_qa.user";

  private static final Set<String> STAMPED_ACTIONS =
      Set.of("indices:data/read/search", "indices:data/write/bulk");

  private final Supplier<ThreadContext> threadContext;

  ContextStampFilter(Supplier<ThreadContext> threadContext) {
    this.threadContext = threadContext;
  }

  /** What the filter stamps for a request with this opaque id. */
  static String user(String opaqueId) {
    return "user-" + opaqueId;
  }

  @Override
  public int order() {
    return Integer.MIN_VALUE;
  }

  @Override
  public <Request extends ActionRequest, Response extends ActionResponse> void apply(
      Task task,
      String action,
      Request request,
      ActionListener<Response> listener,
      ActionFilterChain<Request, Response> chain) {
    ThreadContext context = threadContext.get();
    String opaqueId = context == null ? null : context.getHeader(Task.X_OPAQUE_ID);
    if (opaqueId != null && STAMPED_ACTIONS.contains(action)) {
      if (context.getHeader(HEADER) == null) {
        context.putHeader(HEADER, user(opaqueId));
      }
      if (context.getTransient(TRANSIENT) == null) {
        context.putTransient(TRANSIENT, user(opaqueId));
      }
    }
    chain.proceed(task, action, request, listener);
  }
}
