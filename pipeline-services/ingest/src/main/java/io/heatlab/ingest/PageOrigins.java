package io.heatlab.ingest;

import io.heatlab.config.ClientEntries;
import io.heatlab.config.HeatlabConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which web pages may post batches for which client, by the page's origin (the browser's {@code
 * Origin} header): the HTTP server's own origin always; the origins of {@code ingest.cors.origins}
 * for every client; those of {@code ingest.origins} for their client only. An origin is {@code
 * scheme://host[:port]}; {@code *} stands for one host label ({@code https://*.acme.com}) or any
 * port ({@code http://127.0.0.1:*}).
 *
 * <p>A write key is public — it sits in every page that embeds heatlab.js — so anyone may copy it;
 * what a browser cannot fake is the origin of the page it runs. Requests without an {@code Origin}
 * (servers, the traffic generator, curl) are judged by their key alone.
 */
public final class PageOrigins {
  /** An allowed origin: its client ({@code null}: every client), as written, as a regex. */
  private record Rule(String client, String origin, Pattern pattern) {}

  private final List<Rule> rules;

  private PageOrigins(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * @param perClient {@code ingest.origins}: {@code client=origin,…}
   * @param everyClient {@code ingest.cors.origins}: {@code origin,…}
   * @param own the server's own origins (allowed for every client)
   */
  public static PageOrigins parse(String perClient, String everyClient, List<String> own) {
    List<Rule> rules = new ArrayList<>();
    for (String o : own) {
      rules.add(new Rule(null, o, compile(o, "the server's own origin")));
    }
    for (String entry : everyClient.split(",")) {
      String o = entry.strip();
      if (!o.isEmpty()) {
        rules.add(new Rule(null, o, compile(o, HeatlabConfig.INGEST_CORS_ORIGINS)));
      }
    }
    for (ClientEntries.Entry e :
        ClientEntries.parse(HeatlabConfig.INGEST_ORIGINS, perClient, "origin")) {
      rules.add(new Rule(e.client(), e.value(), compile(e.value(), HeatlabConfig.INGEST_ORIGINS)));
    }
    return new PageOrigins(rules);
  }

  /** Whether a page of {@code origin} may post batches for {@code client}. */
  public boolean allows(String client, String origin) {
    String o = origin.toLowerCase(Locale.ROOT);
    for (Rule r : rules) {
      if ((r.client() == null || r.client().equals(client)) && r.pattern().matcher(o).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Every origin some client may post from, as regexes (for Jetty's CORS preflight answers). */
  public Set<String> corsPatterns() {
    Set<String> patterns = new LinkedHashSet<>();
    rules.forEach(r -> patterns.add(r.pattern().pattern()));
    return patterns;
  }

  /**
   * {@code scheme://host[:port]} with {@code *} for a host label or the port, as a regex over the
   * lower-cased {@code Origin} header; anything else is refused with the setting's name.
   */
  static Pattern compile(String origin, String setting) {
    String o = origin.strip().toLowerCase(Locale.ROOT);
    int sep = o.indexOf("://");
    String scheme = sep < 0 ? "" : o.substring(0, sep);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          setting
              + ": '"
              + origin
              + "' is not an origin (http://host[:port] or https://host[:port])");
    }
    String rest = o.substring(sep + 3);
    if (rest.isEmpty() || rest.contains("/") || rest.contains("?") || rest.contains("#")) {
      throw new IllegalArgumentException(
          setting + ": '" + origin + "' is not an origin: no path, only scheme://host[:port]");
    }
    int colon = rest.lastIndexOf(':');
    String host = colon < 0 ? rest : rest.substring(0, colon);
    String port = colon < 0 ? null : rest.substring(colon + 1);
    StringBuilder regex = new StringBuilder(Pattern.quote(scheme + "://"));
    String[] labels = host.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i].isEmpty()) {
        throw new IllegalArgumentException(setting + ": '" + origin + "' has an empty host label");
      }
      regex.append(i == 0 ? "" : "\\.");
      regex.append(labels[i].equals("*") ? "[a-z0-9-]+" : Pattern.quote(labels[i]));
    }
    if (port != null) {
      if (port.equals("*")) {
        regex.append(":[0-9]{1,5}");
      } else if (port.matches("[0-9]{1,5}")) {
        regex.append(Pattern.quote(":" + port));
      } else {
        throw new IllegalArgumentException(
            setting + ": '" + origin + "' has a port that is neither a number nor *");
      }
    }
    return Pattern.compile(regex.toString());
  }
}
