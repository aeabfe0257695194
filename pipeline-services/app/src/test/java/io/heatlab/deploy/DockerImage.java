package io.heatlab.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repo's Dockerfile without a Docker engine: its COPY lines laid out under a directory standing
 * for the image's root (each source linked from the module's {@code target/}, as {@code mvn -Pdist
 * package} made it), its ENV, ENTRYPOINT and CMD, and a process started the way the image starts
 * one — so tests run what the image would run, from exactly the files it would hold. RUN lines
 * (users, directories) are not replayed; WORKDIR is created.
 */
public final class DockerImage {
  /** The repository root (tests run in their module's directory). */
  static final Path REPO = Path.of("..", "..").toAbsolutePath().normalize();

  private final Path root;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> entrypoint = new ArrayList<>();
  private final List<String> cmd = new ArrayList<>();
  private final List<String> copied = new ArrayList<>();
  private String workdir = "/";

  private DockerImage(Path root) {
    this.root = root;
  }

  /**
   * Lays the image out under {@code root}; fails when a COPY source was not built (run {@code mvn
   * -Pdist package}).
   */
  public static DockerImage layOut(Path root) throws IOException {
    DockerImage image = new DockerImage(root);
    for (String instruction : instructions(Files.readAllLines(REPO.resolve("Dockerfile")))) {
      String[] words = instruction.split("\\s+", 2);
      String rest = words.length > 1 ? words[1].strip() : "";
      switch (words[0]) {
        case "COPY" -> image.copy(rest.split("\\s+"));
        case "ENV" -> image.env(rest);
        case "WORKDIR" -> image.workdir = rest;
        case "ENTRYPOINT" -> image.entrypoint.addAll(jsonArray(rest));
        case "CMD" -> image.cmd.addAll(jsonArray(rest));
        default -> {} // FROM, RUN, USER, EXPOSE: nothing to lay out
      }
    }
    Files.createDirectories(image.path(image.workdir));
    return image;
  }

  /** A path of the image, under the layout's root. */
  public Path path(String inImage) {
    return root.resolve(inImage.replaceFirst("^/", ""));
  }

  /** The image's ENV, absolute paths mapped under the root. */
  public Map<String, String> env() {
    Map<String, String> mapped = new LinkedHashMap<>();
    env.forEach((k, v) -> mapped.put(k, v.startsWith("/") ? path(v).toString() : v));
    return mapped;
  }

  /** The COPY destinations, in order. */
  public List<String> copied() {
    return copied;
  }

  /**
   * The process the image runs for {@code docker run IMAGE args…} (CMD when there are none): the
   * ENTRYPOINT with image paths mapped under the root and {@code java} taken from this JVM, the
   * image's ENV, HEATLAB_* of this process removed, started in WORKDIR.
   */
  public ProcessBuilder run(String... args) {
    List<String> command = new ArrayList<>();
    for (String word : entrypoint) {
      command.add(
          word.equals("java")
              ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
              : word.startsWith("/") ? path(word).toString() : word);
    }
    command.addAll(args.length == 0 ? cmd : List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(path(workdir).toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("HEATLAB_"));
    builder.environment().putAll(env());
    return builder;
  }

  private void copy(String[] srcDst) throws IOException {
    if (srcDst.length != 2) {
      throw new IllegalArgumentException(
          "COPY with one source and one destination expected: " + String.join(" ", srcDst));
    }
    Path source = REPO.resolve(srcDst[0]);
    if (!Files.exists(source)) {
      throw new IllegalStateException(
          "COPY " + srcDst[0] + ": not built — run mvn -Pdist package (./heatlab test does)");
    }
    Path target = path(srcDst[1]);
    Files.createDirectories(target.getParent());
    Files.createSymbolicLink(
        target, source.toAbsolutePath()); // a directory's contents, or a file, as COPY puts them
    copied.add(srcDst[1]);
  }

  private void env(String pairs) {
    for (String pair : pairs.split("\\s+")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("ENV KEY=value pairs expected: " + pairs);
      }
      env.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
  }

  /**
   * The Dockerfile's instructions, continuation lines joined, comments and blank lines left out.
   */
  static List<String> instructions(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines) {
      String l = line.strip();
      if (current.isEmpty() && (l.isEmpty() || l.startsWith("#"))) {
        continue;
      }
      boolean continued = l.endsWith("\\");
      current.append(continued ? l.substring(0, l.length() - 1) : l).append(' ');
      if (!continued) {
        out.add(current.toString().strip());
        current.setLength(0);
      }
    }
    return out;
  }

  private static List<String> jsonArray(String text) throws IOException {
    return List.of(new ObjectMapper().readValue(text, String[].class));
  }
}
