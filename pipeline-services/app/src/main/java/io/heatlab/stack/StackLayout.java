package io.heatlab.stack;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

/**
 * Where the stack keeps everything, under one data directory:
 *
 * <pre>
 *   &lt;data.dir&gt;/
 *     run/heatlab.pid, run/&lt;part&gt;.pid   supervisor and child pid files
 *     log/stack.log, log/&lt;part&gt;.log    supervisor and child output
 *     conf/                              configs generated for the children on every start
 *     kafka/ connect/ storage/ clickhouse/  each part's own data, kept across restarts
 * </pre>
 */
public record StackLayout(Path root) {

  public StackLayout {
    root = root.toAbsolutePath().normalize();
  }

  public Path runDir() {
    return root.resolve("run");
  }

  public Path logDir() {
    return root.resolve("log");
  }

  public Path confDir() {
    return root.resolve("conf");
  }

  public Path partDir(String part) {
    return root.resolve(part);
  }

  /** Creates run/, log/ and conf/ (idempotent). */
  public void createDirectories() throws IOException {
    Files.createDirectories(runDir());
    Files.createDirectories(logDir());
    Files.createDirectories(confDir());
  }

  public Path supervisorPidFile() {
    return runDir().resolve("heatlab.pid");
  }

  public Path supervisorLog() {
    return logDir().resolve("stack.log");
  }

  /**
   * The last {@code lines} lines of a text file (reads at most its last 64 KiB), or "" if
   * unreadable.
   */
  public static String tail(Path file, int lines) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      long from = Math.max(0, length - 65_536);
      byte[] bytes = new byte[(int) (length - from)];
      raf.seek(from);
      raf.readFully(bytes);
      List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "";
    }
  }

  /** Writes a generated config file (owner-only: some hold credentials). */
  public static void writeConfig(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system: nothing more to restrict
    }
  }
}
