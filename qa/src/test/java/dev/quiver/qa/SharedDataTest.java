package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Missing shared data fails a test when it is required and skips it otherwise. */
class SharedDataTest {

  @TempDir Path root;

  @Test
  void presentDataIsReturned() throws Exception {
    Files.createDirectories(root.resolve("set"));
    Files.writeString(root.resolve("set/a.bin"), "x");
    assertEquals(
        root.resolve("set"), SharedData.locate(root.toString(), true, "set", "x", "a.bin"));
  }

  @Test
  void missingFileFailsNamingItsPathWhenRequired() throws Exception {
    Files.createDirectories(root.resolve("set"));
    Files.writeString(root.resolve("set/a.bin"), "x");
    AssertionFailedError e =
        assertThrows(
            AssertionFailedError.class,
            () -> SharedData.locate(root.toString(), true, "set", "the check", "a.bin", "b.bin"));
    assertTrue(e.getMessage().contains(root.resolve("set/b.bin").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("a.bin") == false, e.getMessage());
  }

  @Test
  void missingDirectoryFailsNamingItsPathWhenRequired() {
    AssertionFailedError e =
        assertThrows(
            AssertionFailedError.class,
            () -> SharedData.locate(root.toString(), true, "absent", "the check", "a.bin"));
    assertTrue(e.getMessage().contains(root.resolve("absent").toString()), e.getMessage());
  }

  @Test
  void missingDataSkipsWhenNotRequired() {
    TestAbortedException e =
        assertThrows(
            TestAbortedException.class,
            () -> SharedData.locate(root.toString(), false, "absent", "the check", "a.bin"));
    assertTrue(e.getMessage().contains(root.resolve("absent").toString()), e.getMessage());
  }

  @Test
  void requiredWithoutALocationFails() {
    assertThrows(
        AssertionFailedError.class, () -> SharedData.locate(null, true, "set", "the check"));
    assertThrows(
        TestAbortedException.class, () -> SharedData.locate(null, false, "set", "the check"));
  }
}
