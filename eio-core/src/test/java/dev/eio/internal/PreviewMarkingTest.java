package dev.eio.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.eio.Eio;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * eio-core is compiled in one javac run with preview on (docs/adr/0029); javac marks only the
 * classes that use a preview API (class-file minor version 0xFFFF), and a marked class cannot
 * load in a JVM started without {@code --enable-preview}. Only the StructuredTaskScope engine,
 * loaded reflectively with a fallback, may be marked: any other marked class would break every
 * user who does not enable preview.
 */
class PreviewMarkingTest {

  private static final int PREVIEW_MINOR_VERSION = 0xFFFF;

  @Test
  void onlyTheStructuredTaskScopeEngineIsMarkedAsPreview() throws Exception {
    Path classes = Path.of(Eio.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isDirectory(classes), "expected eio-core's classes directory: " + classes);
    List<Path> all;
    try (Stream<Path> files = Files.walk(classes)) {
      all = files.filter(f -> f.toString().endsWith(".class")).toList();
    }
    List<String> marked =
        all.stream()
            .filter(PreviewMarkingTest::isPreviewMarked)
            .map(f -> classes.relativize(f).toString())
            .sorted()
            .toList();
    assertTrue(all.size() > 100, "found only " + all.size() + " class files under " + classes);
    assertTrue(
        all.stream().anyMatch(f -> f.getFileName().toString().equals("module-info.class")),
        "module-info.class missing under " + classes);
    // By file name: the engine may move between internal packages.
    assertEquals(
        List.of("StsEngine.class"),
        marked.stream().map(m -> Path.of(m).getFileName().toString()).toList(),
        "preview-marked classes: " + marked);
  }

  private static boolean isPreviewMarked(Path classFile) {
    try (InputStream in = Files.newInputStream(classFile);
        DataInputStream data = new DataInputStream(in)) {
      int magic = data.readInt();
      assertEquals(0xCAFEBABE, magic, "not a class file: " + classFile);
      return data.readUnsignedShort() == PREVIEW_MINOR_VERSION;
    } catch (IOException e) {
      throw new AssertionError("cannot read " + classFile, e);
    }
  }
}
