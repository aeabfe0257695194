package io.heatlab.console.shell;

import io.heatlab.config.HeatlabVersion;
import java.io.IOException;
import java.io.InputStream;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.stage.Window;

/**
 * The console's About: heatlab's version (the parent POM's, as {@code heatlab --version} and the
 * packages say), the Java and JavaFX runtimes it runs on, and where its documentation is.
 */
public final class AboutDialog {
  private AboutDialog() {}

  /** heatlab's icon (the package's desktop icon too), or null when the resource is missing. */
  public static Image icon() {
    try (InputStream in =
        AboutDialog.class.getResourceAsStream("/io/heatlab/console/heatlab.png")) {
      return in == null ? null : new Image(in);
    } catch (IOException e) {
      return null;
    }
  }

  /** What the dialog says, line by line (also for tests). */
  public static String text() {
    return String.join(
        "\n",
        "Self-hosted heatmap analytics: pages → Kafka → S3 storage → Spark rollups → ClickHouse.",
        "",
        HeatlabVersion.runtime(),
        "JavaFX " + System.getProperty("javafx.runtime.version", "unknown"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        "",
        "Commands: heatlab --help · documentation: README.md and docs/ of the release.");
  }

  public static void show(Window owner) {
    Alert about = new Alert(Alert.AlertType.INFORMATION, text(), ButtonType.CLOSE);
    about.initOwner(owner);
    about.setTitle("About heatlab");
    about.setHeaderText("heatlab " + HeatlabVersion.get());
    Image icon = icon();
    if (icon != null) {
      ImageView view = new ImageView(icon);
      view.setFitWidth(64);
      view.setFitHeight(64);
      about.setGraphic(view);
    }
    about.getDialogPane().setId("about");
    about.show();
  }
}
