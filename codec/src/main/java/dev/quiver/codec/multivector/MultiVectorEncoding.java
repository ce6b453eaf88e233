package dev.quiver.codec.multivector;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How {@link MultiVectorCodec} stores each dimension of a document's vectors. */
public enum MultiVectorEncoding {
  /** 4 bytes per dimension, exact. */
  FLOAT32("float32", 0),
  /** 2 bytes per dimension, IEEE 754 binary16 ({@link Float#floatToFloat16}). */
  FLOAT16("float16", 1),
  /** 1 byte per dimension, symmetric per-vector scale ({@code max|x| / 127}) + 4 bytes. */
  INT8("int8", 2),
  /** 1 bit per dimension (the sign), per-vector scale ({@code mean|x|}) + 4 bytes. */
  BIT1("1bit", 3);

  private final String mappingName;
  private final int code;

  MultiVectorEncoding(String mappingName, int code) {
    this.mappingName = mappingName;
    this.code = code;
  }

  /** The name in mappings: {@code float32}, {@code float16}, {@code int8}, {@code 1bit}. */
  public String mappingName() {
    return mappingName;
  }

  /** The byte that identifies the encoding in the layout; frozen. */
  public int code() {
    return code;
  }

  /** Payload bytes of one vector of {@code dims} dimensions (scale included). */
  public int bytesPerVector(int dims) {
    return switch (this) {
      case FLOAT32 -> 4 * dims;
      case FLOAT16 -> 2 * dims;
      case INT8 -> Float.BYTES + dims;
      case BIT1 -> Float.BYTES + (dims + 7) / 8;
    };
  }

  /**
   * @throws IllegalArgumentException listing the valid names if {@code name} is none of them
   */
  public static MultiVectorEncoding fromName(String name) {
    for (MultiVectorEncoding e : values()) {
      if (e.mappingName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown vector encoding ["
            + name
            + "]; valid: "
            + Arrays.stream(values())
                .map(MultiVectorEncoding::mappingName)
                .collect(Collectors.joining(", ", "[", "]")));
  }

  static MultiVectorEncoding fromCode(int code) {
    for (MultiVectorEncoding e : values()) {
      if (e.code == code) {
        return e;
      }
    }
    return null;
  }
}
