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
