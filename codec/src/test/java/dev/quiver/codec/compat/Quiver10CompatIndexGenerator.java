package dev.quiver.codec.compat;

import java.io.IOException;

/**
 * Writes {@link Quiver10CompatIndex} with the code as it is now and zips it: run once per new
 * format version, check the zip in as {@code src/test/resources/compat/quiver10-v<N>.zip} and add
 * its version to {@link TestQuiver10CompatIndices}. See DEVELOPERS.md for the command.
 */
public final class Quiver10CompatIndexGenerator {

  private Quiver10CompatIndexGenerator() {}

  /**
   * @param args the zip file to write
   */
  public static void main(String[] args) throws IOException {
    CompatIndexZip.generate(
        "Quiver10CompatIndexGenerator", "quiver10-compat", Quiver10CompatIndex::write, args);
  }
}
