package dev.bgevl.streams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The repository's deployment files as {@link ComposeFileTest} needs them: the services of {@code
 * docker-compose.yml}, the build and runtime stages of the {@code Dockerfile}, the modules the poms
 * name and the jar name {@code cli/pom.xml} builds. A static reading only: no Docker engine is
 * involved.
 */
final class DeploymentFiles {

  private final Path root;
  private final JsonNode compose;
  private final List<Instruction> dockerfile;
  private final List<Instruction> runtimeStage;

  /** One Dockerfile instruction: the upper-cased keyword and the rest of the (joined) line. */
  record Instruction(String keyword, String arguments) {}

  /**
   * One {@code COPY} of the runtime stage: its sources (flags such as --from dropped) and
   * destination.
   */
  record Copy(List<String> sources, String destination) {}

  private DeploymentFiles(Path root) throws IOException {
    this.root = root;
    this.compose = new YAMLMapper().readTree(root.resolve("docker-compose.yml").toFile());
    this.dockerfile = instructions(Files.readAllLines(root.resolve("Dockerfile")));
    this.runtimeStage = lastStage(dockerfile);
  }

  /** Reads the files of the repository this test runs in. */
  static DeploymentFiles load() throws IOException {
    return new DeploymentFiles(repositoryRoot());
  }

  // surefire runs in cli/ and does not pass maven.multiModuleProjectDirectory on, so walk up
  private static Path repositoryRoot() {
    String fromMaven = System.getProperty("maven.multiModuleProjectDirectory");
    Path start = (fromMaven != null ? Path.of(fromMaven) : Path.of("")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
        return dir;
      }
    }
    throw new AssertionError("no docker-compose.yml in " + start + " or any folder above it");
  }

  Set<String> serviceNames() {
    Set<String> names = new LinkedHashSet<>();
    compose.path("services").fieldNames().forEachRemaining(names::add);
    return names;
  }

  JsonNode service(String name) {
    JsonNode service = compose.path("services").path(name);
    if (service.isMissingNode()) {
      throw new AssertionError("docker-compose.yml has no service '" + name + "'");
    }
    return service;
  }

  /** The names other containers reach {@code service} by on the compose network. */
  Set<String> networkNames(String service) {
    Set<String> names = new LinkedHashSet<>(List.of(service));
    for (String key : List.of("hostname", "container_name")) {
      if (service(service).hasNonNull(key)) {
        names.add(service(service).get(key).asText());
      }
    }
    return names;
  }

  /** {@code environment:} in either of its forms, a map or a list of {@code KEY=value}. */
  Map<String, String> environment(String service) {
    JsonNode environment = service(service).path("environment");
    Map<String, String> variables = new LinkedHashMap<>();
    if (environment.isObject()) {
      environment.properties().forEach(e -> variables.put(e.getKey(), e.getValue().asText()));
    } else {
      for (JsonNode entry : environment) {
        String[] pair = entry.asText().split("=", 2);
        variables.put(pair[0], pair.length > 1 ? pair[1] : "");
      }
    }
    return variables;
  }

  /**
   * {@code depends_on:} as service → condition; the short list form means {@code service_started}.
   */
  Map<String, String> dependsOn(String service) {
    JsonNode dependsOn = service(service).path("depends_on");
    Map<String, String> conditions = new LinkedHashMap<>();
    if (dependsOn.isObject()) {
      dependsOn
          .properties()
          .forEach(
              e ->
                  conditions.put(
                      e.getKey(), e.getValue().path("condition").asText("service_started")));
    } else {
      dependsOn.forEach(name -> conditions.put(name.asText(), "service_started"));
    }
    return conditions;
  }

  boolean hasHealthcheck(String service) {
    JsonNode healthcheck = service(service).path("healthcheck");
    JsonNode test = healthcheck.path("test");
    return !healthcheck.path("disable").asBoolean(false)
        && !test.isMissingNode()
        && !test.isEmpty()
        && !"NONE".equals(test.path(0).asText());
  }

  /** Container-side ports of {@code ports:} (short and long syntax) and {@code expose:}. */
  Set<Integer> containerPorts(String service) {
    Set<Integer> ports = new LinkedHashSet<>();
    for (JsonNode port : service(service).path("ports")) {
      if (port.isObject()) {
        ports.add(port.path("target").asInt());
      } else {
        String spec = port.asText().replaceFirst("/(tcp|udp)$", "");
        ports.add(Integer.parseInt(spec.substring(spec.lastIndexOf(':') + 1)));
      }
    }
    for (JsonNode port : service(service).path("expose")) {
      ports.add(Integer.parseInt(port.asText().replaceFirst("/(tcp|udp)$", "")));
    }
    return ports;
  }

  /**
   * Container-side paths of {@code volumes:}, short ({@code source:target[:mode]}) or long syntax.
   */
  List<Path> volumeTargets(String service) {
    List<Path> targets = new ArrayList<>();
    for (JsonNode volume : service(service).path("volumes")) {
      String[] parts = volume.asText().split(":");
      // "target" alone is an anonymous volume; otherwise the target follows the source
      targets.add(
          Path.of(
              volume.isObject()
                  ? volume.path("target").asText()
                  : parts[Math.min(1, parts.length - 1)]));
    }
    return targets;
  }

  /**
   * The repository file or folder that {@code service} sees at {@code containerPath}: the mount
   * with the longest target above it decides, and only a bind mount of a host path ({@code ./x},
   * {@code /x}) has one; empty when a named volume or the image's own file system holds it.
   */
  Optional<Path> hostPath(String service, String containerPath) {
    Path wanted = Path.of(containerPath).normalize();
    Path bestTarget = null;
    String bestSource = null;
    for (JsonNode volume : service(service).path("volumes")) {
      String source;
      String target;
      if (volume.isObject()) {
        source = volume.path("source").asText("");
        target = volume.path("target").asText();
      } else {
        String[] parts = volume.asText().split(":");
        source = parts.length > 1 ? parts[0] : "";
        target = parts[Math.min(1, parts.length - 1)];
      }
      Path mountTarget = Path.of(target).normalize();
      if (wanted.startsWith(mountTarget)
          && (bestTarget == null || mountTarget.getNameCount() > bestTarget.getNameCount())) {
        bestTarget = mountTarget;
        bestSource = source;
      }
    }
    boolean bind =
        bestSource != null
            && (bestSource.startsWith("./")
                || bestSource.startsWith("../")
                || bestSource.startsWith("/"));
    return bind
        ? Optional.of(root.resolve(bestSource).resolve(bestTarget.relativize(wanted)).normalize())
        : Optional.empty();
  }

  /**
   * {@code command:} as a list of words (a string is split on blanks, as compose does without
   * quotes).
   */
  List<String> command(String service) {
    JsonNode command = service(service).path("command");
    List<String> words = new ArrayList<>();
    if (command.isArray()) {
      command.forEach(word -> words.add(word.asText()));
    } else if (!command.isMissingNode()) {
      words.addAll(List.of(command.asText().trim().split("\\s+")));
    }
    return words;
  }

  /** Instructions of the Dockerfile's last stage, the image that runs. */
  List<Instruction> runtimeStage(String keyword) {
    return runtimeStage.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /**
   * The {@code COPY} instructions of the runtime stage (shell form only, which is all the
   * Dockerfile uses).
   */
  List<Copy> runtimeCopies() {
    return copies(runtimeStage);
  }

  /** The {@code COPY} instructions of the stages before the runtime one: what the build sees. */
  List<Copy> buildCopies() {
    return copies(dockerfile.subList(0, dockerfile.size() - runtimeStage.size()));
  }

  private static List<Copy> copies(List<Instruction> stage) {
    List<Copy> copies = new ArrayList<>();
    for (Instruction copy : stage.stream().filter(i -> i.keyword().equals("COPY")).toList()) {
      List<String> words =
          List.of(copy.arguments().split("\\s+")).stream()
              .filter(w -> !w.startsWith("--"))
              .toList();
      copies.add(new Copy(words.subList(0, words.size() - 1), words.get(words.size() - 1)));
    }
    return copies;
  }

  /** The words of an exec-form ({@code ["a", "b"]}) instruction of the runtime stage. */
  List<String> execForm(String keyword) throws IOException {
    List<Instruction> found = runtimeStage(keyword);
    if (found.isEmpty()) {
      throw new AssertionError("the Dockerfile's runtime stage has no " + keyword);
    }
    JsonNode words = new ObjectMapper().readTree(found.get(found.size() - 1).arguments());
    if (!words.isArray()) {
      throw new AssertionError(
          keyword + " must be in exec form [\"...\"] so signals reach java: " + found);
    }
    List<String> list = new ArrayList<>();
    words.forEach(word -> list.add(word.asText()));
    return list;
  }

  /** The parent pom's {@code <modules>}: the folders Maven reads, whatever {@code -pl} says. */
  List<String> modules() throws Exception {
    List<String> modules = new ArrayList<>();
    NodeList found = pom(root.resolve("pom.xml")).getElementsByTagName("module");
    for (int i = 0; i < found.getLength(); i++) {
      modules.add(found.item(i).getTextContent().trim());
    }
    return modules;
  }

  /**
   * The module folder {@code module} and every module it depends on, in any scope, transitively:
   * what {@code mvn -pl module -am} builds (test scopes too, since {@code -DskipTests} still
   * compiles the tests).
   */
  Set<String> modulesBuiltWith(String module) throws Exception {
    Map<String, String> folderOfArtifact = new LinkedHashMap<>();
    for (String folder : modules()) {
      folderOfArtifact.put(artifactId(pom(root.resolve(folder).resolve("pom.xml"))), folder);
    }
    Set<String> built = new LinkedHashSet<>();
    List<String> toVisit = new ArrayList<>(List.of(module));
    while (!toVisit.isEmpty()) {
      String folder = toVisit.remove(toVisit.size() - 1);
      if (!built.add(folder)) {
        continue;
      }
      NodeList artifacts =
          pom(root.resolve(folder).resolve("pom.xml")).getElementsByTagName("artifactId");
      for (int i = 0; i < artifacts.getLength(); i++) {
        Node artifact = artifacts.item(i);
        String depended = folderOfArtifact.get(artifact.getTextContent().trim());
        if (depended != null && "dependency".equals(artifact.getParentNode().getNodeName())) {
          toVisit.add(depended);
        }
      }
    }
    return built;
  }

  private static Document pom(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  private static String artifactId(Document pom) {
    for (Node child = pom.getDocumentElement().getFirstChild();
        child != null;
        child = child.getNextSibling()) {
      if ("artifactId".equals(child.getNodeName())) {
        return child.getTextContent().trim();
      }
    }
    throw new AssertionError("a pom without its own artifactId: " + pom.getDocumentURI());
  }

  /**
   * {@code <build><finalName>} of cli/pom.xml's shade plugin plus {@code .jar}: the shaded jar's
   * file name.
   */
  String shadedJarName() throws Exception {
    Document pom = pom(root.resolve("cli/pom.xml"));
    NodeList builds = pom.getDocumentElement().getElementsByTagName("build");
    for (int i = 0; i < builds.getLength(); i++) {
      Node build = builds.item(i);
      if (build.getParentNode() == pom.getDocumentElement()) {
        for (Node child = build.getFirstChild(); child != null; child = child.getNextSibling()) {
          if ("finalName".equals(child.getNodeName())) {
            return child.getTextContent().trim() + ".jar";
          }
        }
      }
    }
    throw new AssertionError(
        "cli/pom.xml sets no shade <finalName>, so the jar name carries the version");
  }

  private static List<Instruction> instructions(List<String> lines) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String text = current.toString().strip();
      current.setLength(0);
      if (!text.isEmpty()) {
        String[] parts = text.split("\\s+", 2);
        instructions.add(
            new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
      }
    }
    return instructions;
  }

  private static List<Instruction> lastStage(List<Instruction> instructions) {
    int from = -1;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    if (from < 0) {
      throw new AssertionError("the Dockerfile has no FROM");
    }
    return List.copyOf(instructions.subList(from, instructions.size()));
  }
}
