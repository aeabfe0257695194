package io.heatlab.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of the nodes of one engine in the stack: the engine's name when it runs one node ({@code
 * kafka}, as in the embedded profile), {@code kafka-1} … {@code kafka-N} when it runs several (the
 * cluster profile). A node's name names its pid file, log, restarts file and data directory.
 */
final class Nodes {
  private Nodes() {}

  /** Node {@code n} (1-based) of {@code count} nodes of {@code engine}. */
  static String name(String engine, int n, int count) {
    return count == 1 ? engine : engine + "-" + n;
  }

  /** Every node of {@code engine}, node 1 first. */
  static List<String> names(String engine, int count) {
    List<String> all = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      all.add(name(engine, n, count));
    }
    return all;
  }
}
