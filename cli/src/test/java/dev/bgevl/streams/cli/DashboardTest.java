package dev.bgevl.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bgevl.streams.ops.HealthChecks;
import dev.bgevl.streams.ops.OpsConfig;
import dev.bgevl.streams.ops.OpsServer;
import dev.bgevl.streams.ops.ServiceMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Checks the monitoring of docker-compose.yml statically: Prometheus scrapes the service's ops port
 * at the path the ops server answers, Grafana's provisioning files exist where compose mounts them,
 * and every query of every dashboard Grafana would load names a metric the service really exports
 * (read from a scrape of the real metrics code, see {@link ExportedMetrics}).
 */
class DashboardTest {
  private static final String SERVICE = "bgevl";
  private static final String PROMETHEUS = "prometheus";
  private static final String GRAFANA = "grafana";
  // the images' own defaults, used where compose does not set them
  private static final String PROMETHEUS_DEFAULT_CONFIG = "/etc/prometheus/prometheus.yml";
  private static final int PROMETHEUS_DEFAULT_PORT = 9090;
  private static final String GRAFANA_DEFAULT_PROVISIONING = "/etc/grafana/provisioning";
  private static final List<String> HISTOGRAM_SERIES = List.of("_bucket", "_sum", "_count");

  /** PromQL's functions and aggregations (prometheus.io/docs/prometheus/latest/querying). */
  private static final Set<String> PROMQL_FUNCTIONS =
      Set.of(
          """
          abs absent absent_over_time acos acosh asin asinh atan atanh avg avg_over_time bottomk
          ceil changes clamp clamp_max clamp_min cos cosh count count_over_time count_values
          day_of_month day_of_week day_of_year days_in_month deg delta deriv exp floor group
          histogram_avg histogram_count histogram_fraction histogram_quantile histogram_stddev
          histogram_stdvar histogram_sum hour idelta increase irate label_join label_replace
          last_over_time ln log10 log2 max max_over_time min min_over_time minute month pi
          predict_linear present_over_time quantile quantile_over_time rad rate resets round
          scalar sgn sin sinh sort sort_desc sqrt stddev stddev_over_time stdvar stdvar_over_time
          sum sum_over_time tan tanh time timestamp topk vector year
          """
              .strip()
              .split("\\s+"));

  @TempDir static Path stateDir;

  private static DeploymentFiles files;
  private static ExportedMetrics exported;
  private static Path provisioning;
  private static List<Path> dashboards;

  @BeforeAll
  static void readFiles() throws Exception {
    files = DeploymentFiles.load();
    exported = ExportedMetrics.scrape(stateDir);
    String provisioningPath =
        files
            .environment(GRAFANA)
            .getOrDefault("GF_PATHS_PROVISIONING", GRAFANA_DEFAULT_PROVISIONING);
    provisioning = mounted(GRAFANA, provisioningPath);
    dashboards = provisionedDashboards();
  }

  @Test
  void shouldQueryOnlyMetricsTheServiceExports() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path dashboard : dashboards) {
      for (JsonNode panel : panels(dashboard)) {
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          for (String name : PromQlNames.of(expr).metrics()) {
            checked++;
            String problem = problem(name);
            if (problem != null) {
              problems.add(
                  dashboard.getFileName()
                      + " panel '"
                      + panel.path("title").asText()
                      + "': "
                      + name
                      + " "
                      + problem
                      + " (in "
                      + expr
                      + ")");
            }
          }
        }
      }
    }
    assertTrue(checked > 0, "no dashboard query names any metric");
    assertTrue(
        problems.isEmpty(),
        String.join("\n", problems)
            + "\nthe service exports: "
            + exported.familyTypes()
            + "\nwith samples: "
            + exported.sampled());
  }

  @Test
  void shouldCallOnlyPromQlFunctions() throws IOException {
    for (Path dashboard : dashboards) {
      for (JsonNode panel : panels(dashboard)) {
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          for (String function : PromQlNames.of(expr).functions()) {
            assertTrue(
                PROMQL_FUNCTIONS.contains(function),
                function
                    + " is no PromQL function, in panel '"
                    + panel.path("title").asText()
                    + "': "
                    + expr);
          }
        }
      }
    }
  }

  @Test
  void shouldGiveEveryPanelQueriesOnTheProvisionedPrometheus() throws IOException {
    String uid = prometheusDatasource().path("uid").asText();
    assertFalse(uid.isBlank(), "the Prometheus data source has no fixed uid for panels to name");
    for (Path dashboard : dashboards) {
      for (JsonNode panel : panels(dashboard)) {
        String title = dashboard.getFileName() + " panel '" + panel.path("title").asText() + "'";
        assertFalse(panel.path("targets").isEmpty(), title + " has no query");
        assertEquals(uid, panel.path("datasource").path("uid").asText(), title + "'s data source");
        for (JsonNode target : panel.path("targets")) {
          assertFalse(target.path("expr").asText().isBlank(), title + " has an empty query");
          assertEquals(
              uid,
              target.path("datasource").path("uid").asText(uid),
              title + " query " + target.path("refId").asText() + "'s data source");
        }
      }
    }
  }

  @Test
  void shouldScrapeTheServiceOpsPortAtThePathTheOpsServerAnswers() throws Exception {
    JsonNode config =
        new YAMLMapper().readTree(mounted(PROMETHEUS, prometheusConfigPath()).toFile());
    int opsPort = serviceOpsPort();
    Set<String> hosts = files.networkNames(SERVICE);
    JsonNode job = null;
    for (JsonNode scrape : config.path("scrape_configs")) {
      for (JsonNode staticConfig : scrape.path("static_configs")) {
        for (JsonNode target : staticConfig.path("targets")) {
          String hostPort = target.asText();
          int colon = hostPort.lastIndexOf(':');
          if (colon > 0
              && hosts.contains(hostPort.substring(0, colon))
              && hostPort.substring(colon + 1).equals(String.valueOf(opsPort))) {
            job = scrape;
          }
        }
      }
    }
    assertTrue(
        job != null,
        "no scrape job of prometheus.yml targets the service at one of "
            + hosts
            + " on its ops port "
            + opsPort);
    assertEquals("http", job.path("scheme").asText("http"), "the ops server speaks plain HTTP");
    String path = job.path("metrics_path").asText("/metrics");
    try (OpsServer ops =
        OpsServer.start(new OpsConfig(0), new ServiceMetrics(), new HealthChecks())) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + ops.port() + path))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), "the ops server's answer to " + path);
      assertTrue(response.body().contains("# TYPE bgevl_"), "no bgevl metrics at " + path);
    }
  }

  @Test
  void shouldPointGrafanaAtPrometheusOnTheComposeNetwork() throws IOException {
    URI url = URI.create(prometheusDatasource().path("url").asText());
    assertTrue(
        files.networkNames(PROMETHEUS).contains(url.getHost()),
        "the data source " + url + " does not name the prometheus service");
    assertEquals(prometheusPort(), url.getPort(), "the data source " + url + "'s port");
    assertTrue(
        files.dependsOn(GRAFANA).containsKey(PROMETHEUS), "grafana does not depend_on prometheus");
  }

  @Test
  void shouldOpenOnADashboardThatExists() {
    String home = files.environment(GRAFANA).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
    if (home != null) {
      assertTrue(
          Files.isRegularFile(mounted(GRAFANA, home)),
          "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH=" + home + " is no file of the repository");
      assertTrue(dashboards.contains(mounted(GRAFANA, home)), home + " is not provisioned");
    }
  }

  /** Why {@code name} is not an exported series with a sample, or null when it is one. */
  private static String problem(String name) {
    String type = exported.familyTypes().get(name);
    if ("histogram".equals(type)) {
      return "is a histogram, which has series " + HISTOGRAM_SERIES + " but none of its bare name";
    }
    if (type == null) {
      String stem =
          HISTOGRAM_SERIES.stream()
              .filter(name::endsWith)
              .map(suffix -> name.substring(0, name.length() - suffix.length()))
              .findFirst()
              .orElse(null);
      if (stem == null || !"histogram".equals(exported.familyTypes().get(stem))) {
        return "is not exported by the service";
      }
    }
    return exported.sampled().contains(name)
        ? null
        : "is declared, but had no sample even after one event of every kind";
  }

  /** Every panel with queries, rows' nested panels included. */
  private static List<JsonNode> panels(Path dashboard) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    collect(new ObjectMapper().readTree(dashboard.toFile()).path("panels"), found);
    return found;
  }

  private static void collect(JsonNode panels, List<JsonNode> found) {
    for (JsonNode panel : panels) {
      if ("row".equals(panel.path("type").asText())) {
        collect(panel.path("panels"), found);
      } else {
        found.add(panel);
      }
    }
  }

  /** The dashboard JSON files in the folders the provisioned dashboard providers read. */
  private static List<Path> provisionedDashboards() throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path provider : yamlFiles(provisioning.resolve("dashboards"))) {
      for (JsonNode entry : new YAMLMapper().readTree(provider.toFile()).path("providers")) {
        Path folder = mounted(GRAFANA, entry.path("options").path("path").asText());
        assertTrue(Files.isDirectory(folder), provider + " reads " + folder + ", no folder");
        try (Stream<Path> json = Files.list(folder)) {
          json.filter(p -> p.toString().endsWith(".json")).sorted().forEach(found::add);
        }
      }
    }
    assertFalse(
        found.isEmpty(), "Grafana's providers under " + provisioning + " load no dashboard");
    return found;
  }

  /** The one Prometheus data source of the provisioning. */
  private static JsonNode prometheusDatasource() throws IOException {
    List<JsonNode> found = new ArrayList<>();
    for (Path file : yamlFiles(provisioning.resolve("datasources"))) {
      for (JsonNode datasource : new YAMLMapper().readTree(file.toFile()).path("datasources")) {
        if ("prometheus".equals(datasource.path("type").asText())) {
          found.add(datasource);
        }
      }
    }
    assertEquals(1, found.size(), "Prometheus data sources provisioned: " + found);
    return found.get(0);
  }

  private static List<Path> yamlFiles(Path folder) throws IOException {
    assertTrue(Files.isDirectory(folder), folder + " is missing");
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList();
    }
  }

  /** The repository path compose mounts at {@code containerPath}; fails if none. */
  private static Path mounted(String service, String containerPath) {
    Path host =
        files
            .hostPath(service, containerPath)
            .orElseThrow(
                () ->
                    new AssertionError(
                        service + " reads " + containerPath + ", which no bind mount provides"));
    assertTrue(
        Files.exists(host), service + " reads " + containerPath + " from " + host + ", missing");
    return host;
  }

  private static String prometheusConfigPath() {
    return flag(files.command(PROMETHEUS), "--config.file", PROMETHEUS_DEFAULT_CONFIG);
  }

  private static int prometheusPort() {
    String address = flag(files.command(PROMETHEUS), "--web.listen-address", null);
    return address == null
        ? PROMETHEUS_DEFAULT_PORT
        : Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** {@code --name=value} or {@code --name value} of a command, else {@code fallback}. */
  private static String flag(List<String> command, String name, String fallback) {
    for (int i = 0; i < command.size(); i++) {
      if (command.get(i).startsWith(name + "=")) {
        return command.get(i).substring(name.length() + 1);
      }
      if (command.get(i).equals(name) && i + 1 < command.size()) {
        return command.get(i + 1);
      }
    }
    return fallback;
  }

  /** The ops port the service binds with its compose environment, as `bgevl run` parses it. */
  private static int serviceOpsPort() {
    CommandLine cli = new CommandLine(new RunCommand());
    cli.setDefaultValueProvider(new EnvironmentDefaults(files.environment(SERVICE), Map.of()));
    cli.parseArgs();
    return ((RunCommand) cli.getCommand()).service.toConfig(null).ops().port();
  }
}
