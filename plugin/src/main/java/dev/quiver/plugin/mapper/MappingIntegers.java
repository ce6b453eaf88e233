package dev.quiver.plugin.mapper;

/**
 * Integer mapping parameters in a range, refused with the same message wherever they stand: {@code
 * field [f]: [key] must be an integer in [min, max], got [v]} ({@code key} with its object's
 * prefix, e.g. {@code index_options.m}).
 */
final class MappingIntegers {

  private MappingIntegers() {}

  /** {@code value} as an int in [{@code min}, {@code max}]. */
  static int inRange(String field, String key, Object value, int min, int max) {
    return (int) inRange(field, key, value, (long) min, (long) max);
  }

  /** {@code value} as a long in [{@code min}, {@code max}]; a Long is taken exactly. */
  static long inRange(String field, String key, Object value, long min, long max) {
    boolean integral =
        value instanceof Integer
            || value instanceof Long
            || value instanceof Short
            || (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()));
    if (integral) {
      long v = ((Number) value).longValue();
      if (v >= min && v <= max) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "field ["
            + field
            + "]: ["
            + key
            + "] must be an integer in ["
            + min
            + ", "
            + max
            + "], got ["
            + value
            + "]");
  }
}
