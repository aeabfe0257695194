package io.heatlab.console;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.console.overview.OverviewView;
import io.heatlab.console.overview.StackHealthModel;
import io.heatlab.stack.Stack;
import java.nio.file.Path;
import java.util.Map;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The operator console's window. For now it attaches to a stack started by {@code ./heatlab up} (or the
 * compose profile's endpoints) and shows each part's health; the views of the console issue grow here.
 *
 * <p>Arguments: {@code --profile=NAME}, {@code --config=FILE} (JavaFX named parameters).
 */
public final class HeatlabConsole extends Application {
  private StackHealthModel health;
  private Stack stack;

  @Override
  public void start(Stage stage) {
    Map<String, String> named = getParameters().getNamed();
    HeatlabConfig config = ConfigLoader.load(named.get("profile"),
        named.containsKey("config") ? Path.of(named.get("config")) : null);
    stack = Stack.create(config);
    health = new StackHealthModel(stack::health);
    stage.setTitle("heatlab console — " + config.profile() + " (" + config.dataDir() + ")");
    stage.setScene(new Scene(new OverviewView(health).root(), 960, 420));
    stage.show();
    health.start();
  }

  @Override
  public void stop() {
    if (health != null) {
      health.stop();
    }
    if (stack != null) {
      stack.stop(); // releases probe clients; the parts belong to ./heatlab up
    }
  }
}
