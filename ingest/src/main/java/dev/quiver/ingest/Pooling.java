package dev.quiver.ingest;

import java.util.Locale;

/** How the token vectors of a text are reduced to one dense vector. */
public enum Pooling {
  /** The vector of the first token (the {@code [CLS]} token of BERT-style models). */
  CLS,
  /** The mean of the token vectors whose attention mask is 1. */
  MEAN;

  /**
   * The pooling named by its lower-case configuration value.
   *
   * @param value {@code cls} or {@code mean}
   * @return the pooling
   * @throws IllegalArgumentException for any other value
   */
  public static Pooling fromConfigValue(String value) {
    for (Pooling pooling : values()) {
      if (pooling.configValue().equals(value)) {
        return pooling;
      }
    }
    throw new IllegalArgumentException(
        "unknown pooling [" + value + "], expected one of [cls, mean]");
  }

  /**
   * The lower-case name used in {@code quiver-model.json}.
   *
   * @return {@code cls} or {@code mean}
   */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
