package dev.quiver.codec.quant;

/**
 * Packs per-coordinate levels into the layouts of {@link CodeBits} and back. Pure functions, no
 * allocation; every method checks that the arrays fit.
 */
public final class CodePacking {

  private CodePacking() {}

  /**
   * Packs document levels ({@code 0 <= level < 2^bits}) into {@code code}.
   *
   * @param levels {@code codeDims} levels
   * @param code {@link CodeBits#docBytes} bytes
   */
  public static void packDocument(CodeBits bits, byte[] levels, byte[] code) {
    int n = levels.length;
    checkLength(code.length, bits.docBytes(n), "document code");
    switch (bits) {
      case ONE -> packPlanes(levels, 1, code);
      case TWO -> packPlanes(levels, 2, code);
      case FOUR -> {
        int half = n / 2;
        for (int i = 0; i < half; i++) {
          code[i] = (byte) ((levels[i] << 4) | (levels[i + half] & 0x0F));
        }
      }
      case EIGHT -> System.arraycopy(levels, 0, code, 0, n);
    }
  }

  /** Inverse of {@link #packDocument}. */
  public static void unpackDocument(CodeBits bits, byte[] code, byte[] levels) {
    int n = levels.length;
    checkLength(code.length, bits.docBytes(n), "document code");
    switch (bits) {
      case ONE -> unpackPlanes(code, 1, levels);
      case TWO -> unpackPlanes(code, 2, levels);
      case FOUR -> {
        int half = n / 2;
        for (int i = 0; i < half; i++) {
          levels[i] = (byte) ((code[i] >> 4) & 0x0F);
          levels[i + half] = (byte) (code[i] & 0x0F);
        }
      }
      case EIGHT -> System.arraycopy(code, 0, levels, 0, n);
    }
  }

  /**
   * Packs query levels ({@code 0 <= level < 2^queryBits}) in the layout of {@link CodeBits}.
   *
   * @param levels {@code codeDims} levels
   * @param high {@link CodeBits#queryNibbleBytes} bytes: the 4-bit levels, the high nibbles of
   *     8-bit levels, or (for {@link CodeBits#EIGHT}) the 8-bit levels
   * @param low for 8-bit levels against 1-, 2- or 4-bit documents the low nibbles (as many bytes),
   *     otherwise unused (may be {@code null})
   */
  public static void packQuery(
      CodeBits bits, int queryBits, byte[] levels, byte[] high, byte[] low) {
    if (!bits.supportsQueryBits(queryBits)) {
      throw new IllegalArgumentException(
          "query bits must be 4 or 8 (8 for 8-bit documents); queryBits=" + queryBits);
    }
    int n = levels.length;
    checkLength(high.length, bits.queryNibbleBytes(n), "query");
    if (bits == CodeBits.EIGHT) {
      System.arraycopy(levels, 0, high, 0, n);
      return;
    }
    if (queryBits == 4) {
      packNibbles(bits, levels, high);
      return;
    }
    checkLength(low.length, bits.queryNibbleBytes(n), "query low nibbles");
    byte[] nibbles = new byte[n];
    for (int i = 0; i < n; i++) {
      nibbles[i] = (byte) ((levels[i] >> 4) & 0x0F);
    }
    packNibbles(bits, nibbles, high);
    for (int i = 0; i < n; i++) {
      nibbles[i] = (byte) (levels[i] & 0x0F);
    }
    packNibbles(bits, nibbles, low);
  }

  private static void packNibbles(CodeBits bits, byte[] nibbles, byte[] out) {
    if (bits == CodeBits.FOUR) {
      System.arraycopy(nibbles, 0, out, 0, nibbles.length);
    } else {
      packPlanes(nibbles, 4, out);
    }
  }

  /** Writes bit {@code j} of every level into plane {@code j} (MSB-first within a byte). */
  static void packPlanes(byte[] levels, int planes, byte[] out) {
    int n = levels.length;
    if (n % 8 != 0) {
      throw new IllegalArgumentException("bit planes need a multiple of 8 coordinates; n=" + n);
    }
    int planeBytes = n / 8;
    for (int b = 0; b < planeBytes; b++) {
      for (int j = 0; j < planes; j++) {
        int acc = 0;
        for (int k = 0; k < 8; k++) {
          acc = (acc << 1) | ((levels[8 * b + k] >> j) & 1);
        }
        out[j * planeBytes + b] = (byte) acc;
      }
    }
  }

  static void unpackPlanes(byte[] in, int planes, byte[] levels) {
    int n = levels.length;
    int planeBytes = n / 8;
    for (int i = 0; i < n; i++) {
      int level = 0;
      for (int j = 0; j < planes; j++) {
        level |= ((in[j * planeBytes + i / 8] >> (7 - i % 8)) & 1) << j;
      }
      levels[i] = (byte) level;
    }
  }

  private static void checkLength(int actual, int expected, String what) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          what + " has " + actual + " bytes, layout needs " + expected);
    }
  }
}
