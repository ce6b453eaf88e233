package dev.quiver.qa;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads .fvecs / .ivecs files (per vector: int32 LE dimension, then that many LE values). */
final class Fvecs {

  private Fvecs() {}

  static float[][] readFloats(Path file) throws IOException {
    List<float[]> out = new ArrayList<>();
    try (DataInputStream in = open(file)) {
      byte[] header = new byte[4];
      while (readFully(in, header)) {
        int dims = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] body = new byte[dims * 4];
        in.readFully(body);
        float[] v = new float[dims];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        out.add(v);
      }
    }
    return out.toArray(float[][]::new);
  }

  static int[][] readInts(Path file) throws IOException {
    List<int[]> out = new ArrayList<>();
    try (DataInputStream in = open(file)) {
      byte[] header = new byte[4];
      while (readFully(in, header)) {
        int dims = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] body = new byte[dims * 4];
        in.readFully(body);
        int[] v = new int[dims];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
        out.add(v);
      }
    }
    return out.toArray(int[][]::new);
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (file.toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new DataInputStream(in);
  }

  private static boolean readFully(DataInputStream in, byte[] buffer) throws IOException {
    try {
      in.readFully(buffer);
      return true;
    } catch (EOFException e) {
      return false;
    }
  }
}
