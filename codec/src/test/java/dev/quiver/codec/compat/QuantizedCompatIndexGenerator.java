package dev.quiver.codec.compat;

import java.io.IOException;

/**
 * Writes {@link QuantizedCompatIndex} with the code as it is now and zips it: run once per new
 * format version, check the zip in as {@code src/test/resources/compat/quantized10-v<N>.zip} and
 * add its version to {@link TestQuantizedCompatIndices}. See DEVELOPERS.md for the command.
 */
public final class QuantizedCompatIndexGenerator {

  private QuantizedCompatIndexGenerator() {}

  /**
   * @param args the zip file to write
   */
  public static void main(String[] args) throws IOException {
    CompatIndexZip.generate(
        "QuantizedCompatIndexGenerator", "quantized10-compat", QuantizedCompatIndex::write, args);
  }
}
