package io.heatlab.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * heatlab's one-way dependencies, stated as code (docs/style.md): a wrong import fails this test,
 * not a review. Maven states the modules' direction (docs/architecture.md §3); these rules state
 * the packages' inside them, and that no package cycle exists anywhere.
 *
 * <pre>
 *   module             packages
 *   contract           contract                                   (depends on nothing of heatlab)
 *   landing-connector  landing                  ──► contract      (ships alone as a Connect plugin)
 *   config             config                   ──► landing
 *   ingest             ingest, http             ──► config, contract
 *   analytics          olap, query, render, rollup, assets ──► config, landing, contract
 *   app                stack, cli, traffic      ──► ingest, analytics
 *   bench              bench                    ──► app
 * </pre>
 */
class LayeringTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.heatlab");

  static final ArchRule contractIsSelfContained =
      noClasses()
          .that()
          .resideInAPackage("io.heatlab.contract..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.heatlab.config..",
              "io.heatlab.stack..",
              "io.heatlab.ingest..",
              "io.heatlab.landing..",
              "io.heatlab.olap..",
              "io.heatlab.cli..",
              "io.heatlab.http..",
              "io.heatlab.traffic..");

  static final ArchRule landingIsAPlugin =
      noClasses()
          .that()
          .resideInAPackage("io.heatlab.landing..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.heatlab.config..",
              "io.heatlab.stack..",
              "io.heatlab.ingest..",
              "io.heatlab.olap..",
              "io.heatlab.cli..",
              "io.heatlab.http..",
              "io.heatlab.traffic..")
          .because(
              "the landing connector ships alone as a Kafka Connect plugin (contract + landing classes only)");

  static final ArchRule nothingDependsOnTheCli =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.heatlab.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.heatlab.cli..");

  static final ArchRule ingestionKnowsNoStack =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.heatlab.ingest..",
              "io.heatlab.olap..",
              "io.heatlab.rollup..",
              "io.heatlab.traffic..",
              "io.heatlab.assets..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.heatlab.stack..", "io.heatlab.http..")
          .because("the stack composes the parts, never the other way round");

  static final ArchRule noPackageCycles =
      slices().matching("io.heatlab.(*)..").should().beFreeOfCycles();

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    noPackageCycles.check(MAIN);
  }

  @Test
  void contractIsSelfContained() {
    contractIsSelfContained.check(MAIN);
  }

  @Test
  void landingIsAPlugin() {
    landingIsAPlugin.check(MAIN);
  }

  @Test
  void nothingDependsOnTheCli() {
    nothingDependsOnTheCli.check(MAIN);
  }

  @Test
  void ingestionKnowsNoStack() {
    ingestionKnowsNoStack.check(MAIN);
  }
}
