import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites a jar so that two builds of one commit give the same bytes: entries in name order
 * (the manifest first, where {@code JarInputStream} looks for it), every entry's time set to the
 * build's {@code project.build.outputTimestamp}, no extra fields. The pinned maven-jar-plugin
 * (3.1.1, see the root pom) writes entries in the order the file system lists them, with the
 * files' own times.
 *
 * <p>Run by the build (exec-maven-plugin, on the selected JDK):
 * {@code java build-tools/ReproducibleJar.java <jar> <outputTimestamp>}.
 */
public class ReproducibleJar {
  private static final List<String> FIRST = List.of("META-INF/", "META-INF/MANIFEST.MF");

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ReproducibleJar <jar> <ISO-8601 instant, e.g. 2026-12-07T00:00:00Z>");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    LocalDateTime time;
    try {
      time = LocalDateTime.ofInstant(Instant.parse(args[1]), ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      System.err.println("ReproducibleJar: outputTimestamp is not an ISO-8601 instant: " + args[1]);
      System.exit(2);
      return;
    }
    TreeMap<String, byte[]> entries = new TreeMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        try (InputStream in = zip.getInputStream(e)) {
          entries.put(e.getName(), in.readAllBytes());
        }
      }
    }
    List<String> order = new ArrayList<>();
    for (String name : FIRST) {
      if (entries.containsKey(name)) {
        order.add(name);
      }
    }
    for (String name : entries.keySet()) {
      if (!FIRST.contains(name)) {
        order.add(name);
      }
    }
    Path tmp = jar.resolveSibling(jar.getFileName() + ".reproducible");
    try (OutputStream file = Files.newOutputStream(tmp);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (String name : order) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(time);
        out.putNextEntry(entry);
        out.write(entries.get(name));
        out.closeEntry();
      }
    }
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
  }
}
