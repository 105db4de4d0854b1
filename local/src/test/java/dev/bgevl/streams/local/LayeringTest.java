package dev.bgevl.streams.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering, enforced: Maven's module dependencies already keep a module from reaching
 * one it does not depend on; these rules keep the packages inside and across modules pointing one
 * way, from the protocol and the encoder at the bottom to the command lines at the top. They run
 * here, in the module that sees every other one.
 */
class LayeringTest {

  static final String ROOT = "dev.bgevl.streams";
  static JavaClasses main;
  static JavaClasses all;

  @BeforeAll
  static void importClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages(ROOT);
    all = new ClassFileImporter().importPackages(ROOT);
  }

  @Test
  void shouldHaveNoCyclesBetweenFeaturePackages() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void shouldKeepTheEncoderFreeOfKafkaAvroAndEverythingAboveIt() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".encoder..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "org.apache.avro..",
            "io.milvus..",
            ROOT + ".schemas..",
            ROOT + ".app..",
            ROOT + ".ingest..",
            ROOT + ".query..",
            ROOT + ".milvus..")
        .check(main);
  }

  @Test
  void shouldKeepTheProtocolBelowEverythingButItself() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".schemas..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(
            ROOT + ".schemas..",
            "java..",
            "javax..",
            "org.apache.avro..",
            "org.apache.kafka.common..",
            "org.apache.kafka.clients..",
            "com.fasterxml.jackson..",
            "org.slf4j..",
            "org.apache.commons.lang3..")
        .check(main);
  }

  @Test
  void shouldKeepTheClientToTheProtocolAndKafkaClients() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".client..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".app..",
            ROOT + ".ingest..",
            ROOT + ".query..",
            ROOT + ".milvus..",
            ROOT + ".encoder..",
            ROOT + ".cli..",
            ROOT + ".embedded..",
            "org.apache.kafka.streams..")
        .check(main);
  }

  @Test
  void shouldKeepTheServiceBelowTheCommandLines() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAnyPackage(
                ROOT + ".app..",
                ROOT + ".ingest..",
                ROOT + ".query..",
                ROOT + ".milvus..",
                ROOT + ".media..",
                ROOT + ".ops..",
                ROOT + ".deadletter..",
                ROOT + ".failure..",
                ROOT + ".batching..",
                ROOT + ".thumbnails..",
                ROOT + ".topics..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                ROOT + ".web..",
                ROOT + ".cli..",
                ROOT + ".local..",
                ROOT + ".embedded..",
                ROOT + ".client..",
                "picocli..");
    rule.check(main);
  }

  @Test
  void shouldKeepTheSearchPageBelowTheCommandLines() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".web..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".cli..", ROOT + ".local..", ROOT + ".embedded..", "picocli..")
        .check(main);
  }

  @Test
  void shouldDecideWhatAFailureMeansOnlyInTheFailurePackage() {
    // the old back-arrows: dead letters and replies asked encoder and Milvus exceptions themselves
    noClasses()
        .that()
        .resideInAnyPackage(ROOT + ".deadletter..", ROOT + ".query..", ROOT + ".ingest..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ROOT + ".milvus.MilvusUnavailableException")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ROOT + ".encoder.EncoderOverloadedException")
        .check(main);
  }

  @Test
  void shouldTouchKafkasOwnTestKitOnlyInTheEmbeddedTestKit() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".embedded.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka.common.test..")
        .check(all);
  }
}
