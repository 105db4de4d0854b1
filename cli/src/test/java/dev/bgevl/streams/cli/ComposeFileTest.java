package dev.bgevl.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.cli.DeploymentFiles.Copy;
import dev.bgevl.streams.schemas.serde.WireFormat;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks docker-compose.yml and the Dockerfile against the service they run, statically: the APP_
 * variables of {@code bgevl} are real options of {@code bgevl run}, parse into a valid
 * configuration and point at the other services' real listeners; start order waits for health; the
 * image holds the jar and bundle they name.
 */
class ComposeFileTest {

  private static final String SERVICE = "bgevl";
  // the Milvus proxy's port (gRPC and REST), fixed by milvus.yaml's proxy.port unless a config
  // overrides it
  private static final int MILVUS_PROXY_PORT = 19530;
  // Confluent's schema registry listens here when SCHEMA_REGISTRY_LISTENERS does not say otherwise
  private static final String REGISTRY_DEFAULT_LISTENERS = "http://0.0.0.0:8081";

  private static DeploymentFiles files;
  private static Map<String, String> environment;

  @BeforeAll
  static void readFiles() throws Exception {
    files = DeploymentFiles.load();
    environment = files.environment(SERVICE);
  }

  @Test
  void shouldDefineEveryServiceOfTheStack() {
    Set<String> missing =
        new TreeSet<>(
            Set.of("kafka", "schema-registry", "etcd", "minio", "milvus", "attu", SERVICE));
    missing.removeAll(files.serviceNames());
    assertTrue(missing.isEmpty(), "docker-compose.yml lacks the services " + missing);
  }

  @Test
  void shouldNameOnlyRealRunOptionsInTheServiceEnvironment() {
    Map<String, String> known = runOptionVariables();
    List<String> unknown =
        environment.keySet().stream()
            .filter(name -> name.startsWith("APP_") && !known.containsKey(name))
            .toList();
    assertTrue(
        unknown.isEmpty(),
        "bgevl's environment sets "
            + unknown
            + ", which set no service option of `bgevl run`"
            + " (a typo, a renamed flag, or --help/--version?); the options are "
            + new TreeSet<>(known.keySet()));
  }

  @Test
  void shouldParseTheServiceEnvironmentIntoAValidConfiguration() {
    CommandLine cli = new CommandLine(new RunCommand());
    cli.setDefaultValueProvider(new EnvironmentDefaults(environment, Map.of()));
    ServiceConfig config;
    try {
      cli.parseArgs();
      config = ((RunCommand) cli.getCommand()).service.toConfig(null);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "`bgevl run` rejects bgevl's environment in docker-compose.yml: " + e.getMessage(), e);
    }
    for (OptionSpec option : cli.getCommandSpec().options()) {
      String variable = EnvironmentDefaults.variableFor(option.longestName());
      Object value = option.getValue();
      if (environment.containsKey(variable)
          && !(value instanceof Collection<?> || value instanceof Map<?, ?>)) {
        assertEquals(
            environment.get(variable),
            String.valueOf(value),
            variable + " did not reach " + option.longestName() + " as written");
      }
    }
    assertEquals(
        environment.get("APP_KAFKA_BOOTSTRAP_SERVERS"),
        config.kafka().bootstrapServers(),
        "the service would not bootstrap from APP_KAFKA_BOOTSTRAP_SERVERS");
    assertEquals(
        environment.get("APP_MILVUS_URI"),
        config.milvus().uri(),
        "the service would not use APP_MILVUS_URI");
    assertEquals(
        Path.of(environment.get("APP_ENCODER_MODEL")),
        config.modelBundle(),
        "the service would not load the bundle APP_ENCODER_MODEL names");
  }

  @Test
  void shouldPublishTheSearchPageAndAdvertiseAHostTheOtherContainersResolve() {
    CommandLine cli = new CommandLine(new RunCommand());
    cli.setDefaultValueProvider(new EnvironmentDefaults(environment, Map.of()));
    cli.parseArgs();
    var web = ((RunCommand) cli.getCommand()).service.toWebConfig();
    assertTrue(web.enabled(), "the search page is on");
    assertTrue(
        files.containerPorts(SERVICE).contains(web.port()),
        "the search page's port " + web.port() + " is published: " + files.containerPorts(SERVICE));
    assertTrue(
        files.networkNames(SERVICE).contains(web.advertisedHost()),
        "other instances reach this one as "
            + web.advertisedHost()
            + ", a name the compose network gives it: "
            + files.networkNames(SERVICE));
  }

  @Test
  void shouldBootstrapFromAListenerKafkaAdvertisesOnTheComposeNetwork() {
    String bootstrap = required("APP_KAFKA_BOOTSTRAP_SERVERS");
    Map<String, String> kafka = files.environment("kafka");
    Map<String, String> advertised =
        listeners(kafka.getOrDefault("KAFKA_ADVERTISED_LISTENERS", ""));
    Map<String, String> bound = listeners(kafka.getOrDefault("KAFKA_LISTENERS", ""));
    Set<String> kafkaHosts = files.networkNames("kafka");
    for (String server : bootstrap.split(",")) {
      String hostPort = server.strip();
      String listener =
          advertised.entrySet().stream()
              .filter(e -> e.getValue().equals(hostPort))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "APP_KAFKA_BOOTSTRAP_SERVERS names "
                              + hostPort
                              + ", which kafka does not advertise; KAFKA_ADVERTISED_LISTENERS: "
                              + advertised));
      assertTrue(
          kafkaHosts.contains(host(hostPort)),
          "APP_KAFKA_BOOTSTRAP_SERVERS uses kafka's "
              + listener
              + " listener "
              + hostPort
              + ", but its host is not a name of kafka on the compose network "
              + kafkaHosts
              + " (localhost inside the bgevl container is bgevl itself)");
      assertTrue(
          bound.containsKey(listener),
          "kafka advertises "
              + listener
              + " but KAFKA_LISTENERS binds no such"
              + " listener: "
              + bound);
      assertEquals(
          port(hostPort),
          port(bound.get(listener)),
          "kafka advertises "
              + listener
              + " at "
              + hostPort
              + " but binds it at "
              + bound.get(listener));
    }
  }

  @Test
  void shouldLetTheBrokerAcceptEveryRecordTheServiceWrites() {
    Map<String, String> kafka = files.environment("kafka");
    CommandLine cli = new CommandLine(new RunCommand());
    cli.setDefaultValueProvider(new EnvironmentDefaults(environment, Map.of()));
    cli.parseArgs();
    int needed =
        ((RunCommand) cli.getCommand())
            .service
            .toConfig(null)
            .kafka()
            .recordLimits()
            .internalRecordBytes();
    for (String key : List.of("KAFKA_MESSAGE_MAX_BYTES", "KAFKA_REPLICA_FETCH_MAX_BYTES")) {
      assertTrue(kafka.containsKey(key), key + " is set on kafka");
      assertTrue(
          Integer.parseInt(kafka.get(key)) >= needed,
          key + "=" + kafka.get(key) + " but the service writes up to " + needed + " bytes");
    }
  }

  @Test
  void shouldPointMilvusUriAtTheMilvusProxyPort() {
    URI uri = URI.create(required("APP_MILVUS_URI"));
    assertTrue(
        files.networkNames("milvus").contains(uri.getHost()),
        "APP_MILVUS_URI "
            + uri
            + " does not name the milvus service "
            + files.networkNames("milvus"));
    assertEquals(
        MILVUS_PROXY_PORT, uri.getPort(), "APP_MILVUS_URI " + uri + " is not Milvus's proxy port");
    assertTrue(
        files.containerPorts("milvus").contains(MILVUS_PROXY_PORT),
        "milvus neither publishes nor exposes its proxy port "
            + MILVUS_PROXY_PORT
            + ": "
            + files.containerPorts("milvus"));
  }

  @Test
  void shouldPointSchemaRegistryUrlAtTheRegistryListener() {
    if (WireFormat.AVRO.name().equals(environment.get("APP_SERDE_FORMAT"))) {
      assertFalse(
          environment.getOrDefault("APP_SCHEMA_REGISTRY_URL", "").isBlank(),
          "APP_SERDE_FORMAT=AVRO needs APP_SCHEMA_REGISTRY_URL");
    }
    if (!environment.containsKey("APP_SCHEMA_REGISTRY_URL")) {
      return;
    }
    URI url = URI.create(environment.get("APP_SCHEMA_REGISTRY_URL"));
    assertTrue(
        files.networkNames("schema-registry").contains(url.getHost()),
        "APP_SCHEMA_REGISTRY_URL "
            + url
            + " does not name the schema-registry service "
            + files.networkNames("schema-registry"));
    String listeners =
        files
            .environment("schema-registry")
            .getOrDefault("SCHEMA_REGISTRY_LISTENERS", REGISTRY_DEFAULT_LISTENERS);
    List<Integer> ports = new ArrayList<>();
    for (String listener : listeners.split(",")) {
      ports.add(URI.create(listener.strip()).getPort());
    }
    assertTrue(
        ports.contains(url.getPort()),
        "APP_SCHEMA_REGISTRY_URL "
            + url
            + " is not a port schema-registry listens on (SCHEMA_REGISTRY_LISTENERS="
            + listeners
            + ")");
  }

  @Test
  void shouldStartTheServiceOnlyOnceKafkaAndMilvusAreHealthy() {
    Map<String, String> dependsOn = files.dependsOn(SERVICE);
    for (String dependency : List.of("kafka", "milvus")) {
      assertEquals(
          "service_healthy",
          dependsOn.get(dependency),
          "bgevl must depend_on "
              + dependency
              + " with condition service_healthy; depends_on: "
              + dependsOn);
      assertTrue(
          files.hasHealthcheck(dependency),
          "bgevl waits for "
              + dependency
              + " to be healthy, but "
              + dependency
              + " has no healthcheck");
    }
    assertTrue(
        dependsOn.containsKey("schema-registry"),
        "bgevl writes Avro through the registry but does not"
            + " depend_on schema-registry; depends_on: "
            + dependsOn);
  }

  @Test
  void shouldLoadAModelBundleTheContainerHas() {
    Path model = Path.of(required("APP_ENCODER_MODEL"));
    List<Path> copiedBundles =
        files.runtimeCopies().stream()
            .filter(
                copy ->
                    copy.sources().stream()
                        .anyMatch(source -> Path.of(source).equals(Path.of("models/tiny-bgevl"))))
            .map(copy -> Path.of(copy.destination()))
            .toList();
    assertFalse(
        copiedBundles.isEmpty(), "the Dockerfile's runtime stage does not COPY models/tiny-bgevl");
    List<Path> mounts = files.volumeTargets(SERVICE);
    assertTrue(
        copiedBundles.contains(model) || mounts.stream().anyMatch(model::startsWith),
        "APP_ENCODER_MODEL="
            + model
            + " is neither where the Dockerfile copies the tiny bundle "
            + copiedBundles
            + " nor under one of bgevl's volumes "
            + mounts);
  }

  @Test
  void shouldRunTheShadedJarTheCliModuleBuilds() throws Exception {
    String jarName = files.shadedJarName();
    List<String> entrypoint = files.execForm("ENTRYPOINT");
    int jarFlag = entrypoint.indexOf("-jar");
    assertTrue(
        jarFlag >= 0 && jarFlag + 1 < entrypoint.size(),
        "ENTRYPOINT runs no `java -jar <jar>`: " + entrypoint);
    Path jar = Path.of(entrypoint.get(jarFlag + 1));
    assertEquals(
        jarName,
        String.valueOf(jar.getFileName()),
        "ENTRYPOINT runs " + jar + " but cli/pom.xml's shade <finalName> makes " + jarName);
    boolean copied = false;
    for (Copy copy : files.runtimeCopies()) {
      boolean fromBuild =
          copy.sources().stream().anyMatch(source -> source.endsWith("cli/target/" + jarName));
      Path destination = Path.of(copy.destination());
      copied |= fromBuild && (destination.equals(jar) || destination.resolve(jarName).equals(jar));
    }
    assertTrue(
        copied,
        "the runtime stage never copies cli/target/"
            + jarName
            + " to "
            + jar
            + ", the jar ENTRYPOINT runs; its COPYs: "
            + files.runtimeCopies());
  }

  @Test
  void shouldGiveTheBuildStageEveryModuleMavenReadsAndTheJarIsBuiltFrom() throws Exception {
    Set<String> copied = new HashSet<>();
    for (Copy copy : files.buildCopies()) {
      copy.sources().forEach(source -> copied.add(source.replaceAll("/+$", "")));
    }
    // Maven reads every module the parent pom lists, even under -pl cli: each needs its pom
    for (String module : files.modules()) {
      assertTrue(
          copied.contains(module) || copied.contains(module + "/pom.xml"),
          "the Dockerfile's build stage never copies "
              + module
              + "/pom.xml, so Maven stops at 'Child module does not exist'; it copies "
              + copied);
    }
    for (String module : files.modulesBuiltWith("cli")) {
      assertTrue(
          copied.contains(module),
          "the production jar is built from "
              + module
              + " (mvn -pl cli -am) but the Dockerfile's build stage never copies it; it copies "
              + copied);
    }
  }

  @Test
  void shouldRunCommandsTheCliKnows() throws Exception {
    Set<String> subcommands = new CommandLine(new BgevlCommand()).getSubcommands().keySet();
    List<String> composeCommand = files.command(SERVICE);
    assertFalse(
        composeCommand.isEmpty(), "bgevl sets no command; the image's CMD would decide what runs");
    assertEquals(
        "run",
        composeCommand.get(0),
        "the bgevl service must run `bgevl run`, not " + composeCommand);
    String imageCommand = files.execForm("CMD").get(0);
    assertTrue(
        subcommands.contains(imageCommand),
        "the Dockerfile's CMD starts `" + imageCommand + "`, which is none of " + subcommands);
  }

  @Test
  void shouldKeepStreamsStateOnAVolume() {
    Path stateDir = Path.of(required("APP_KAFKA_STATE_DIR"));
    List<Path> mounts = files.volumeTargets(SERVICE);
    assertTrue(
        mounts.stream().anyMatch(stateDir::startsWith),
        "APP_KAFKA_STATE_DIR="
            + stateDir
            + " is on no volume of bgevl "
            + mounts
            + ": every restart would rebuild the state from the changelogs");
  }

  @Test
  void shouldRunTheImageAsANonRootUser() {
    List<DeploymentFiles.Instruction> users = files.runtimeStage("USER");
    assertFalse(
        users.isEmpty(),
        "the Dockerfile's runtime stage sets no USER, so the service runs as root");
    String user = users.get(users.size() - 1).arguments().split(":")[0].strip();
    assertNotEquals("root", user, "the runtime stage runs as root");
    assertNotEquals("0", user, "the runtime stage runs as uid 0");
  }

  /**
   * Every variable EnvironmentDefaults maps onto a {@code bgevl run} option, with that option's
   * name.
   */
  private static Map<String, String> runOptionVariables() {
    Map<String, String> variables = new LinkedHashMap<>();
    for (OptionSpec option : new CommandLine(new RunCommand()).getCommandSpec().options()) {
      // APP_HELP / APP_VERSION would be read too, but would print text instead of running the
      // service
      if (!option.usageHelp() && !option.versionHelp()) {
        variables.put(EnvironmentDefaults.variableFor(option.longestName()), option.longestName());
      }
    }
    return variables;
  }

  /** {@code NAME://host:port,...} as listener name → {@code host:port}. */
  private static Map<String, String> listeners(String spec) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String listener : spec.split(",")) {
      String[] parts = listener.strip().split("://", 2);
      if (parts.length == 2) {
        byName.put(parts[0], parts[1]);
      }
    }
    return byName;
  }

  private static String host(String hostPort) {
    return hostPort.substring(0, hostPort.lastIndexOf(':'));
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  private static String required(String variable) {
    String value = environment.get(variable);
    if (value == null || value.isBlank()) {
      fail("bgevl's environment in docker-compose.yml does not set " + variable);
    }
    return value;
  }
}
