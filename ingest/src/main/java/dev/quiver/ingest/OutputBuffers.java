package dev.quiver.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Direct (off-heap) buffers for ONNX Runtime to write a model's output into, kept for the next run:
 * the engine reads only the rows it needs from them (the {@code [CLS]} row of each text for {@code
 * cls} pooling) instead of copying the whole {@code [batch, tokens, dims]} output to the Java heap,
 * which is what {@code OnnxTensor.getFloatBuffer()} does. Thread-safe; one buffer per concurrent
 * run, grown to the largest output seen.
 */
final class OutputBuffers {

  private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();

  /**
   * A buffer of at least {@code floats} floats, to hand back with {@link #release} after the run.
   *
   * @param floats the output's element count
   * @return a direct buffer with capacity for them
   */
  ByteBuffer take(long floats) {
    long bytes = Math.multiplyExact(floats, (long) Float.BYTES);
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("model output of " + floats + " floats is too large");
    }
    ByteBuffer buffer = free.poll();
    if (buffer == null || buffer.capacity() < bytes) {
      long grown = Math.max(bytes, buffer == null ? 0 : 2L * buffer.capacity());
      buffer = ByteBuffer.allocateDirect((int) Math.min(grown, Integer.MAX_VALUE - 8));
    }
    return buffer;
  }

  /**
   * A float view of the first {@code floats} floats of a buffer from {@link #take}, in native byte
   * order, as ONNX Runtime writes them.
   */
  static FloatBuffer view(ByteBuffer buffer, long floats) {
    return buffer
        .slice(0, (int) (floats * Float.BYTES))
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /**
   * Gives a buffer back for later runs.
   *
   * @param buffer a buffer from {@link #take}
   */
  void release(ByteBuffer buffer) {
    free.offer(buffer);
  }

  /** Drops the kept buffers (their memory goes with the garbage collector). */
  void clear() {
    free.clear();
  }
}
