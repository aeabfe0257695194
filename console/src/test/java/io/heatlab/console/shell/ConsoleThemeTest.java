package io.heatlab.console.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleThemeTest {
  @Test
  void theModeIsReadFromThePrefsOrTheCommandLineForgivingly() {
    assertThat(ConsoleTheme.Mode.of("dark")).isEqualTo(ConsoleTheme.Mode.DARK);
    assertThat(ConsoleTheme.Mode.of(" Light ")).isEqualTo(ConsoleTheme.Mode.LIGHT);
    assertThat(ConsoleTheme.Mode.of("solarized")).isEqualTo(ConsoleTheme.Mode.SYSTEM);
    assertThat(ConsoleTheme.Mode.of(null)).isEqualTo(ConsoleTheme.Mode.SYSTEM);
    assertThat(ConsoleTheme.dark(ConsoleTheme.Mode.DARK)).isTrue();
    assertThat(ConsoleTheme.dark(ConsoleTheme.Mode.LIGHT)).isFalse();
  }
}
