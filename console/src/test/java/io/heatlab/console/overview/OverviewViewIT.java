package io.heatlab.console.overview;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.stack.PartHealth;
import io.heatlab.stack.StackPart;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The overview against the real embedded stack, rendered headless (TestFX + Monocle). */
@ExtendWith(ApplicationExtension.class)
class OverviewViewIT {

  @RegisterExtension
  static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private StackHealthModel model;

  @Start
  void start(Stage stage) {
    model = new StackHealthModel(STACK.stack()::health);
    stage.setScene(new Scene(new OverviewView(model).root(), 900, 320));
    stage.show();
    model.start();
  }

  @Test
  void showsEveryPartHealthyAndAStoppedPartInRed(FxRobot robot) throws Exception {
    TableView<PartHealth> table = robot.lookup("#parts").queryTableView();
    await(() -> table.getItems().size() == 5 && table.getItems().stream().allMatch(PartHealth::healthy));
    assertThat(table.getItems()).extracting(PartHealth::name)
        .containsExactlyInAnyOrder("kafka", "connect", "storage", "clickhouse", "http");
    await(() -> robot.lookup("#summary").queryAs(Label.class).getText().equals("all 5 parts healthy"));

    StackPart storage = STACK.part("storage");
    storage.stop();
    try {
      await(() -> table.getItems().stream().anyMatch(h -> h.name().equals("storage") && !h.healthy()));
      // the summary label is updated on the FX thread after the table's items: wait for it too
      await(() -> robot.lookup("#summary").queryAs(Label.class).getText().startsWith("4 of 5 parts healthy"));
    } finally {
      storage.start();
    }
  }

  private static void await(BooleanSupplier condition) throws TimeoutException {
    WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, condition::getAsBoolean);
  }
}
