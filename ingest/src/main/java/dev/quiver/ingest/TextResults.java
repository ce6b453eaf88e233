package dev.quiver.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One result per text of an embedding call, where each text succeeds or fails on its own: a text
 * the model cannot take (too long to chunk, null) gets its reason, and the other texts of the same
 * call still get their results.
 *
 * @param <T> the result of one text (a vector, or token vectors)
 */
public final class TextResults<T> {

  private final String modelName;
  private final List<T> values;
  private final String[] reasons;

  /**
   * @param modelName the model, for messages
   * @param values per text its result, null where the text failed
   * @param reasons per text why it failed (completing "text ..."), null where it did not
   */
  TextResults(String modelName, List<T> values, String[] reasons) {
    if (values.size() != reasons.length) {
      throw new IllegalArgumentException(
          values.size() + " results for " + reasons.length + " texts");
    }
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.values = values;
    this.reasons = reasons;
  }

  /**
   * The results of no texts.
   *
   * @param modelName the model
   * @param <T> the result type
   * @return empty results
   */
  public static <T> TextResults<T> none(String modelName) {
    return new TextResults<>(modelName, List.of(), new String[0]);
  }

  /**
   * Number of texts.
   *
   * @return the count
   */
  public int size() {
    return reasons.length;
  }

  /**
   * Whether a text failed.
   *
   * @param text the text's index
   * @return true if it has no result
   */
  public boolean failed(int text) {
    return reasons[text] != null;
  }

  /**
   * Why a text failed, as an error about that one text ({@code model [m]: text has 40000 tokens,
   * ...}).
   *
   * @param text the text's index
   * @return the error, or null if the text did not fail
   */
  public IllegalArgumentException failure(int text) {
    return reasons[text] == null
        ? null
        : new IllegalArgumentException("model [" + modelName + "]: text " + reasons[text]);
  }

  /**
   * A text's result.
   *
   * @param text the text's index
   * @return the result
   * @throws IllegalArgumentException if the text failed (see {@link #failure})
   */
  public T get(int text) {
    if (reasons[text] != null) {
      throw failure(text);
    }
    return values.get(text);
  }

  /**
   * Every result, in order, if no text failed.
   *
   * @return the results
   * @throws IllegalArgumentException for the first text that failed, naming its index ({@code model
   *     [m]: text [3] has 40000 tokens, ...})
   */
  public List<T> all() {
    for (int i = 0; i < reasons.length; i++) {
      if (reasons[i] != null) {
        throw new IllegalArgumentException(
            "model [" + modelName + "]: text [" + i + "] " + reasons[i]);
      }
    }
    return values;
  }

  /**
   * The same outcomes with each result transformed.
   *
   * @param f applied to each result of a text that did not fail
   * @param <R> the new result type
   * @return the transformed results
   */
  public <R> TextResults<R> map(Function<? super T, ? extends R> f) {
    List<R> mapped = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      mapped.add(reasons[i] == null ? f.apply(values.get(i)) : null);
    }
    return new TextResults<>(modelName, mapped, reasons);
  }

  @Override
  public String toString() {
    return "TextResults[" + modelName + ", failures " + Arrays.toString(reasons) + "]";
  }
}
