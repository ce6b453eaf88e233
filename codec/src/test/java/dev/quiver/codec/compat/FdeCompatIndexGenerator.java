package dev.quiver.codec.compat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

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
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: FdeCompatIndexGenerator <out.zip>");
    }
    Path out = Path.of(args[0]);
    Path tmp = Files.createTempDirectory("fde10-compat");
    try (Directory dir = FSDirectory.open(tmp)) {
      FdeCompatIndex.write(dir);
      String[] files = dir.listAll();
      Arrays.sort(files);
      try (OutputStream os = Files.newOutputStream(out);
          ZipOutputStream zip = new ZipOutputStream(os)) {
        for (String file : files) {
          if (file.equals(IndexWriter.WRITE_LOCK_NAME)) {
            continue;
          }
          ZipEntry entry = new ZipEntry(file);
          entry.setTime(0L);
          zip.putNextEntry(entry);
          Files.copy(tmp.resolve(file), zip);
          zip.closeEntry();
        }
      }
      for (String file : dir.listAll()) {
        dir.deleteFile(file);
      }
    }
    Files.delete(tmp);
    System.out.println("wrote " + out);
  }
}
