package io.heatlab.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * When a process started, written beside its pid in a pid file, so that a recycled pid is never
 * taken for ours.
 *
 * <p>On Linux the stamp is the kernel's start time in clock ticks since boot ({@code
 * /proc/<pid>/stat}, field 22, written {@code t<ticks>}): it never changes for a process, whoever
 * reads it. The JDK's {@link ProcessHandle.Info#startInstant()} is not stable across JVMs: each JVM
 * adds the ticks to the boot time it read from {@code /proc/stat} when it started, and that boot
 * time moves whenever the wall clock is stepped (NTP, a virtual machine restored from a snapshot) —
 * a supervisor started before such a step and a CLI started after it disagree by the step, and a
 * live stack was taken for a dead one. Elsewhere the stamp is the start instant in epoch
 * milliseconds, compared within two seconds.
 */
final class StartStamp {
  private static final long INSTANT_TOLERANCE_MS = 2_000;

  private StartStamp() {}

  /** The stamp of {@code process}, or {@code "0"} if nothing is known of its start. */
  static String of(ProcessHandle process) {
    OptionalLong ticks = linuxStartTicks(process.pid());
    if (ticks.isPresent()) {
      return "t" + ticks.getAsLong();
    }
    return String.valueOf(process.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
  }

  /**
   * Whether {@code process} is the one {@code stamp} was taken of. An empty or {@code "0"} stamp
   * (unknown start), or a process whose start cannot be read, matches.
   */
  static boolean matches(ProcessHandle process, String stamp) {
    if (stamp.isEmpty() || stamp.equals("0")) {
      return true;
    }
    try {
      if (stamp.startsWith("t")) {
        OptionalLong ticks = linuxStartTicks(process.pid());
        return ticks.isEmpty() || ticks.getAsLong() == Long.parseLong(stamp.substring(1));
      }
      long millis = Long.parseLong(stamp);
      return process
          .info()
          .startInstant()
          .map(s -> Math.abs(s.toEpochMilli() - millis) < INSTANT_TOLERANCE_MS)
          .orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Field 22 of {@code /proc/<pid>/stat}, if this is Linux and the process exists. */
  static OptionalLong linuxStartTicks(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      return parseStartTicks(Files.readString(stat));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The start time in a {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses
   * and may itself hold spaces and parentheses, so fields are counted from the last {@code ')'}:
   * field 3 (state) comes first, field 22 (starttime) twentieth.
   */
  static OptionalLong parseStartTicks(String statLine) {
    int close = statLine.lastIndexOf(')');
    if (close < 0) {
      return OptionalLong.empty();
    }
    String[] fields = statLine.substring(close + 1).trim().split("\\s+");
    if (fields.length < 20) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(fields[19]));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
