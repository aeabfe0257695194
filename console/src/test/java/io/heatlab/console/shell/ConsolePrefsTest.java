package io.heatlab.console.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsolePrefsTest {

  @Test
  void remembersChoicesAcrossRuns(@TempDir Path dataDir) {
    ConsolePrefs first = ConsolePrefs.in(dataDir);
    first.put("shell.view", "Heatmaps");
    first.put("window.width", 1400.0);
    first.save();
    ConsolePrefs second = ConsolePrefs.in(dataDir);
    assertThat(second.get("shell.view", "Overview")).isEqualTo("Heatmaps");
    assertThat(second.getDouble("window.width", 0)).isEqualTo(1400.0);
    assertThat(second.get("missing")).isEmpty();
  }

  @Test
  void anUnreadableFileMeansDefaults(@TempDir Path dataDir) throws Exception {
    Path file = dataDir.resolve("console/prefs.properties");
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[] {'a', '=', '\\', 'u', 'z', 'z'});
    ConsolePrefs prefs = ConsolePrefs.in(dataDir);
    assertThat(prefs.getDouble("window.width", 1360)).isEqualTo(1360);
  }

  @Test
  void describeFindsTheCauseAnOperatorCanActOn() {
    Exception e = new ExecutionException(new ConnectException("Connection refused"));
    assertThat(Failure.describe(e)).isEqualTo("Connection refused");
    assertThat(Failure.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
  }
}
