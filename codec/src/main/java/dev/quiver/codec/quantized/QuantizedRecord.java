package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.DocCorrections;
import java.io.IOException;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.store.IndexInput;

/**
 * One vector's record in {@code .qqd}: the packed code, then [float32] rescale, [float32] additive,
 * [float32] error scale, [int32] level sum, [float32] centred norm (see {@link DocCorrections}),
 * little endian. Reading fills this holder in place, so a scorer reads candidates without
 * allocating.
 */
final class QuantizedRecord {

  /** Bytes of the corrective terms after each code. */
  static final int CORRECTION_BYTES = 20;

  final byte[] code;
  float rescale;
  float additive;
  float errorScale;
  int levelSum;
  float centredNorm;

  QuantizedRecord(int codeBytes) {
    this.code = new byte[codeBytes];
  }

  static void write(DataOutput out, byte[] code, DocCorrections c) throws IOException {
    out.writeBytes(code, code.length);
    out.writeInt(Float.floatToIntBits(c.rescale()));
    out.writeInt(Float.floatToIntBits(c.additive()));
    out.writeInt(Float.floatToIntBits(c.errorScale()));
    out.writeInt(c.levelSum());
    out.writeInt(Float.floatToIntBits(c.centredNorm()));
  }

  /** Reads the record at the current position of {@code in}. */
  void read(IndexInput in) throws IOException {
    in.readBytes(code, 0, code.length);
    rescale = Float.intBitsToFloat(in.readInt());
    additive = Float.intBitsToFloat(in.readInt());
    errorScale = Float.intBitsToFloat(in.readInt());
    levelSum = in.readInt();
    centredNorm = Float.intBitsToFloat(in.readInt());
  }
}
