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
 * The body shared by the {@code *CompatIndexGenerator} mains: writes one compat index into a fresh
 * temporary directory and zips its files (sorted, time stamps zeroed, no write lock) so that the
 * same code writes the same zip.
 */
final class CompatIndexZip {

  /** Writes one compat index into a directory. */
  @FunctionalInterface
  interface IndexWriterBody {
    void write(Directory dir) throws IOException;
  }

  private CompatIndexZip() {}

  /**
   * Runs a generator's main.
   *
   * @param generator the generator's simple name, for the usage line
   * @param tmpPrefix the prefix of the temporary directory
   * @param body writes the index
   * @param args the generator's arguments: the zip file to write
   */
  static void generate(String generator, String tmpPrefix, IndexWriterBody body, String[] args)
      throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: " + generator + " <out.zip>");
    }
    Path out = Path.of(args[0]);
    Path tmp = Files.createTempDirectory(tmpPrefix);
    try (Directory dir = FSDirectory.open(tmp)) {
      body.write(dir);
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
