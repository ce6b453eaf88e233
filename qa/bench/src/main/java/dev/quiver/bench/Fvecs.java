package dev.quiver.bench;

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
public final class Fvecs {

  private Fvecs() {}

  /** Reads a {@code .fvecs} file (optionally gzipped). */
  public static float[][] readFloats(Path file) throws IOException {
    List<float[]> out = new ArrayList<>();
    read(
        file,
        body -> {
          float[] v = new float[body.remaining() / 4];
          body.asFloatBuffer().get(v);
          out.add(v);
        });
    return out.toArray(float[][]::new);
  }

  /** Reads an {@code .ivecs} file (optionally gzipped). */
  public static int[][] readInts(Path file) throws IOException {
    List<int[]> out = new ArrayList<>();
    read(
        file,
        body -> {
          int[] v = new int[body.remaining() / 4];
          body.asIntBuffer().get(v);
          out.add(v);
        });
    return out.toArray(int[][]::new);
  }

  private static void read(Path file, java.util.function.Consumer<ByteBuffer> vectors)
      throws IOException {
    try (DataInputStream in = open(file)) {
      byte[] header = new byte[4];
      while (readFully(in, header)) {
        int dims = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] body = new byte[Math.multiplyExact(dims, 4)];
        in.readFully(body);
        vectors.accept(ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN));
      }
    }
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
