package io.heatlab.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for the embedded stack's parts and the tests' servers, chosen <em>below</em>
 * Linux's ephemeral range (32768–60999 by default), where outgoing connections bind: a port the
 * kernel handed out for {@code bind(0)} is one it may also hand to another process's outgoing
 * connection before the part that was given it binds it (seen once: a Kafka broker exiting at start
 * with "Address already in use"). A port is never handed out twice by one JVM.
 */
public final class FreePorts {
  private static final int FROM = 20_000;
  private static final int TO = 32_767;
  private static final Set<Integer> GIVEN = new HashSet<>();

  private FreePorts() {}

  /**
   * The first of {@code count} consecutive ports nothing listens on now (the nodes of one engine
   * listen on a base port + n − 1).
   */
  public static synchronized int block(int count) {
    if (count <= 1) {
      return next();
    }
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(FROM, TO + 2 - count);
      boolean free = true;
      for (int port = base; free && port < base + count; port++) {
        free = !GIVEN.contains(port) && bindable(port);
      }
      if (free) {
        for (int port = base; port < base + count; port++) {
          GIVEN.add(port);
        }
        return base;
      }
    }
    throw new IllegalStateException("No " + count + " consecutive free ports");
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }

  /** A port nothing listens on now. */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(FROM, TO + 1);
      if (GIVEN.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(port));
        GIVEN.add(port);
        return port;
      } catch (IOException inUse) {
        // another one
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      GIVEN.add(socket.getLocalPort());
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("No free port: " + e.getMessage(), e);
    }
  }
}
