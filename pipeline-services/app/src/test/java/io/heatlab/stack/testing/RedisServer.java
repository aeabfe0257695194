package io.heatlab.stack.testing;

import io.heatlab.stack.FreePorts;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A real Redis server (Debian's {@code redis-server}) on a free loopback port, in memory only, for
 * tests. {@code ./heatlab test} installs the package.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private Process process;

  private RedisServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  public static RedisServer start() throws IOException, InterruptedException {
    return start(FreePorts.next());
  }

  /** Stops this server (its data is in memory only: gone) and starts a new one on the same port. */
  public void restart() throws IOException, InterruptedException {
    close();
    process = start(port).process;
  }

  /** Stops the server, e.g. to see what its clients do without it ({@link #restart()} after). */
  public void stop() throws InterruptedException {
    close();
  }

  private static RedisServer start(int port) throws IOException, InterruptedException {
    String bin =
        new File("/usr/bin/redis-server").canExecute() ? "/usr/bin/redis-server" : "redis-server";
    Process p =
        new ProcessBuilder(
                List.of(
                    bin,
                    "--port",
                    String.valueOf(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    RedisServer server = new RedisServer(port, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        if ("PONG".equals(j.ping())) {
          return server;
        }
      } catch (RuntimeException notYet) {
        Thread.sleep(100);
      }
    }
    server.close();
    throw new IllegalStateException(
        "redis-server did not answer PING on port "
            + port
            + " (is the redis-server package installed?)");
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
