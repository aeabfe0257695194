package io.heatlab.rollup;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The SPARK_HOME heatlab's rollups run from, generated under the data dir — no Spark installation
 * needed: {@code jars/} links to the jars Maven resolved for module rollup-job (Spark 4.0.4 +
 * hadoop-aws + three AWS SDK modules; nothing copied, stale links removed), {@code
 * conf/log4j2.properties} (warnings to stderr) and {@code bin/spark-submit} (Spark's launcher
 * script reduced to what SparkLauncher needs; it execs the driver). Regenerating is cheap and
 * idempotent.
 */
public final class SparkHome {
  private SparkHome() {}

  /**
   * Creates or refreshes {@code home} from {@code jars}: a jar list (dependency:build-classpath
   * output) or a directory of jars (the container image's).
   */
  public static Path generate(Path home, Path jars) throws IOException {
    List<Path> wanted;
    if (Files.isDirectory(jars)) {
      try (Stream<Path> s = Files.list(jars)) {
        wanted =
            s.filter(p -> p.toString().endsWith(".jar"))
                .map(Path::toAbsolutePath)
                .sorted()
                .collect(Collectors.toList());
      }
    } else if (Files.isRegularFile(jars)) {
      wanted =
          Stream.of(Files.readString(jars).trim().split(File.pathSeparator))
              .filter(s -> s.endsWith(".jar"))
              .map(Path::of)
              .sorted()
              .collect(Collectors.toList());
    } else {
      throw new IOException(
          "Spark jar list " + jars + " is missing: build the rollup-job module (./heatlab does)");
    }
    if (wanted.isEmpty()) {
      throw new IOException("no jars in " + jars);
    }
    Path links = Files.createDirectories(home.resolve("jars"));
    Set<Path> names = wanted.stream().map(Path::getFileName).collect(Collectors.toSet());
    try (Stream<Path> existing = Files.list(links)) {
      for (Path p : (Iterable<Path>) existing::iterator) {
        if (!names.contains(p.getFileName())
            || !Files.exists(p)) { // another version, or a dangling link
          Files.delete(p);
        }
      }
    }
    for (Path jar : wanted) {
      if (!Files.isRegularFile(jar)) {
        throw new IOException(
            "Spark jar " + jar + " is missing from the Maven repository: rebuild (./heatlab does)");
      }
      Path link = links.resolve(jar.getFileName());
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
    }
    writeResource(
        "log4j2.properties",
        Files.createDirectories(home.resolve("conf")).resolve("log4j2.properties"));
    Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
    writeResource("spark-submit", submit);
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  private static void writeResource(String name, Path target) throws IOException {
    try (InputStream in = SparkHome.class.getResourceAsStream("/heatlab/spark/" + name)) {
      if (in == null) {
        throw new IOException("resource heatlab/spark/" + name + " missing: rebuild");
      }
      byte[] bytes = in.readAllBytes();
      if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
        Files.write(target, bytes);
      }
    }
  }
}
