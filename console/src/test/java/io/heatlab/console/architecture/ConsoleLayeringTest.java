package io.heatlab.console.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The console's structure as code (docs/style.md): a package per view, views independent of each
 * other (only {@code ConsoleWindow} wires them), models free of nodes, no Spark classes.
 */
class ConsoleLayeringTest {
  private static final JavaClasses CONSOLE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.heatlab.console");
  private static final String[] VIEWS = {
    "overview", "kafka", "storage", "rollups", "heatmaps", "traffic"
  };

  @Test
  void noPackageCycles() {
    slices()
        .matching("io.heatlab.(**)")
        .should()
        .beFreeOfCycles()
        .because("the shell and the views depend on the root's context, never the other way round")
        .check(CONSOLE);
  }

  @Test
  void viewsDoNotDependOnEachOther() {
    for (String view : VIEWS) {
      String[] others =
          Arrays.stream(VIEWS)
              .filter(v -> !v.equals(view))
              .map(v -> "io.heatlab.console." + v + "..")
              .toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage("io.heatlab.console." + view + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .because("views talk through ConsoleWindow, so each can change alone")
          .check(CONSOLE);
    }
  }

  @Test
  void modelsKnowNoNodes() {
    noClasses()
        .that()
        .haveSimpleNameEndingWith("Model")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "javafx.scene.control..", "javafx.scene.layout..", "javafx.scene.chart..")
        .because("a model holds state and commands; its view owns the nodes (docs/style.md)")
        .check(CONSOLE);
  }

  @Test
  void noSparkInTheConsole() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.spark..")
        .because("Spark runs as launcher children, never on the console's classpath")
        .check(CONSOLE);
  }
}
