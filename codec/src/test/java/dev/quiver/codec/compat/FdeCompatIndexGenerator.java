package dev.quiver.codec.compat;

import java.io.IOException;

/**
 * Writes {@link FdeCompatIndex} with the code as it is now and zips it: run once per new version of
 * the FDE format, check the zip in as {@code src/test/resources/compat/fde10-v<N>.zip} and add its
 * version to {@link TestFdeCompatIndices} (same command as the other generators, DEVELOPERS.md).
 */
public final class FdeCompatIndexGenerator {

  private FdeCompatIndexGenerator() {}

  /**
   * @param args the zip file to write
   */
  public static void main(String[] args) throws IOException {
    CompatIndexZip.generate("FdeCompatIndexGenerator", "fde10-compat", FdeCompatIndex::write, args);
  }
}
