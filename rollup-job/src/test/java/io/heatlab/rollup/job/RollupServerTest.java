package io.heatlab.rollup.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm driver's protocol on a local Spark session: the token is required, a run answers with
 * the job's totals and its verdict, a failing run with its exception, and the driver serves the
 * next run after either.
 */
class RollupServerTest {
  private static final String TOKEN = "t0ken";
  private static SparkSession spark;
  private static ServerSocket socket;

  @BeforeAll
  static void serve() throws Exception {
    spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("rollup-server-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate();
    RollupServer server = new RollupServer(spark, TOKEN);
    new DriverWarmUp(spark, 20_000).run(null);
    socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              try {
                server.serve(socket);
              } catch (IOException e) {
                // closed at the end
              }
            });
    t.setDaemon(true);
    t.start();
  }

  @AfterAll
  static void stop() throws IOException {
    socket.close();
    spark.stop();
  }

  @Test
  void theDeeperWarmUpRunsItsRoundsAndLeavesNothingBehind() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> before = warmUpDirs(tmp);
    Object lock = new Object();
    assertThat(new DriverWarmUp(spark, 2_000).deepen(null, 2, 4, lock, () -> false))
        .hasSize(2)
        .allSatisfy(ms -> assertThat(ms).isPositive());
    assertThat(warmUpDirs(tmp)).isEqualTo(before);
    assertThat(new DriverWarmUp(spark, 2_000).deepen(null, 3, 4, lock, () -> true)).isEmpty();
  }

  private static List<Path> warmUpDirs(Path tmp) throws IOException {
    try (Stream<Path> dirs = Files.list(tmp)) {
      return dirs.filter(p -> p.getFileName().toString().startsWith("heatlab-driver-warmup"))
          .sorted()
          .toList();
    }
  }

  @Test
  void aRequestWithoutTheTokenIsDenied() throws Exception {
    assertThat(exchange("TOKEN wrong\nPING\n")).containsExactly("DENIED");
    assertThat(exchange("TOKEN " + TOKEN + "\nPING\n"))
        .singleElement()
        .asString()
        .startsWith("PONG local-");
  }

  @Test
  void aRunAnswersItsTotalsAndVerdictAndAFailedRunItsExceptionAndTheDriverGoesOn(@TempDir Path dir)
      throws Exception {
    long hour = RollupJob.hourOf("2026120610");
    DriverWarmUp.events(spark, 120, hour * 3_600_000L)
        .write()
        .parquet(dir.resolve("raw/format=parquet").toString());
    String args =
        String.join(
            "\n",
            "--granularity",
            "hourly",
            "--output",
            dir.resolve("out").toString(),
            "--desktop-min",
            "1024",
            "--tablet-min",
            "600",
            "--input",
            "2026120610=" + dir.resolve("raw/format=parquet") + "/");

    List<String> ok = exchange("TOKEN " + TOKEN + "\nRUN r1\n" + args + "\n\n");
    assertThat(ok.get(0)).startsWith("HEATLAB_APP local-");
    assertThat(ok)
        .anyMatch(
            l -> l.startsWith("HEATLAB_TOTAL rows_in=120 rows_out=") && l.endsWith(" events=120"));
    assertThat(ok.get(ok.size() - 1)).isEqualTo("HEATLAB_END FINISHED");

    List<String> failed =
        exchange(
            "TOKEN "
                + TOKEN
                + "\nRUN r2\n"
                + args.replace("raw/format=parquet", "nowhere/format=parquet")
                + "\n\n");
    assertThat(failed.get(failed.size() - 1)).isEqualTo("HEATLAB_END FAILED");
    assertThat(failed).anyMatch(l -> l.matches("^[\\w.$]+(Exception|Error): .*"));

    assertThat(exchange("TOKEN " + TOKEN + "\nRUN r3\n" + args + "\n\n"))
        .as("the driver serves the next run")
        .contains("HEATLAB_END FINISHED");
  }

  private static List<String> exchange(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), socket.getLocalPort())) {
      Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
      w.write(request);
      w.flush(); // and the connection stays open: a requester hanging up cancels its run
      List<String> lines = new ArrayList<>();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("HEATLAB_END")) {
          break;
        }
      }
      return lines;
    }
  }
}
