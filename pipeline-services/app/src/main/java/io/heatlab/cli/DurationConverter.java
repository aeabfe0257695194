package io.heatlab.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT90S}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.startsWith("p")) {
      return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
    }
    var m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(v);
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration: use e.g. 30s, 5m, 2h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
