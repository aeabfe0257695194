package io.heatlab.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A setting written {@code client_id=value,client_id2=value2} — keys per client, page origins per
 * client — whose entries keep their order and may repeat a client (several keys to rotate, several
 * origins). A malformed entry is refused with the setting's name, never its text: the values may be
 * secrets.
 */
public final class ClientEntries {
  /** One entry: the client and its value, both stripped. */
  public record Entry(String client, String value) {}

  private ClientEntries() {}

  /** The entries of {@code spec}, the value of {@code setting}; {@code what} names the values. */
  public static List<Entry> parse(String setting, String spec, String what) {
    List<Entry> entries = new ArrayList<>();
    for (String entry : spec.split(",")) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new IllegalArgumentException(
            setting + ": expected client_id=" + what + ", got an entry without '=' or " + what);
      }
      entries.add(new Entry(e.substring(0, eq).strip(), e.substring(eq + 1).strip()));
    }
    return List.copyOf(entries);
  }
}
