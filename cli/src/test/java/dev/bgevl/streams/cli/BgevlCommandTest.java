package dev.bgevl.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.app.ServiceConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI's exit codes and configuration sources, without starting anything. */
class BgevlCommandTest {

  record Outcome(int code, String out, String err) {}

  static Outcome run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BgevlCommand.execute(env, new PrintWriter(out), new PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  static ServiceConfig configOf(Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new RunCommand());
    cli.setDefaultValueProvider(new EnvironmentDefaults(env, Map.of()));
    cli.parseArgs(args);
    return ((RunCommand) cli.getCommand()).service.toConfig(null);
  }

  @Test
  void shouldListEveryCommandInHelp() {
    Outcome o = run(Map.of(), "--help");
    assertEquals(0, o.code());
    for (String command : new String[] {"run", "produce", "query"}) {
      assertTrue(o.out().contains(command), "help names " + command + ": " + o.out());
    }
    assertTrue(!o.out().contains("local"), "the production jar has no local stack: " + o.out());
  }

  @Test
  void shouldExitWithUsageErrorOnUnknownOption() {
    Outcome o = run(Map.of(), "run", "--no-such-flag");
    assertEquals(CommandLine.ExitCode.USAGE, o.code());
    assertTrue(o.err().contains("--no-such-flag"), o.err());
  }

  @Test
  void shouldExitWithUsageErrorNamingTheKeyOnBadDevice() {
    Outcome o = run(Map.of(), "run", "--encoder.model", "models/x", "--encoder.device", "tpu");
    assertEquals(CommandLine.ExitCode.USAGE, o.code());
    assertTrue(o.err().contains("encoder.device") && o.err().contains("tpu"), o.err());
  }

  @Test
  void shouldRequireAModelBundleForRun() {
    Outcome o = run(Map.of(), "run");
    assertEquals(CommandLine.ExitCode.USAGE, o.code());
    assertTrue(o.err().contains("--encoder.model"), o.err());
  }

  @Test
  void shouldRefuseProduceWithNothingToSend() {
    Outcome o = run(Map.of(), "produce");
    assertEquals(CommandLine.ExitCode.USAGE, o.code());
    assertTrue(o.err().contains("nothing to send"), o.err());
  }

  @Test
  void shouldRefuseQueryWithoutTextOrImage() {
    Outcome o = run(Map.of(), "query");
    assertEquals(CommandLine.ExitCode.USAGE, o.code());
  }

  @Test
  void shouldTakeDefaultsFromAppEnvironmentVariables() {
    ServiceConfig config =
        configOf(
            Map.of(
                "APP_MILVUS_URI", "http://milvus.example:19530",
                "APP_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "APP_ENCODER_MODEL", "/models/bge",
                "APP_TOPICS_ALLOWED_REPLY_TOPICS", "replies-a,client-*"));
    assertEquals("http://milvus.example:19530", config.milvus().uri());
    assertEquals("kafka:9092", config.kafka().bootstrapServers());
    assertEquals(Path.of("/models/bge"), config.modelBundle());
    assertTrue(config.topics().isAllowedReplyTopic("client-42"));
    assertTrue(!config.topics().isAllowedReplyTopic("other"));
  }

  @Test
  void shouldLetFlagsWinOverEnvironment() {
    ServiceConfig config =
        configOf(
            Map.of("APP_MILVUS_URI", "http://env:19530"),
            "--milvus.uri",
            "http://flag:19530",
            "--encoder.model",
            "m");
    assertEquals("http://flag:19530", config.milvus().uri());
  }

  @Test
  void shouldIgnoreAppHelpInTheEnvironment() {
    Outcome o = run(Map.of("APP_HELP", "true"), "query");
    assertEquals(
        CommandLine.ExitCode.USAGE,
        o.code(),
        "APP_HELP must not turn a command into --help: " + o.out());
  }

  @Test
  void shouldAcceptLowerCaseEnumValues() {
    Outcome o =
        run(
            Map.of(),
            "query",
            "--serde.format",
            "json",
            "--kafka.bootstrap-servers",
            "127.0.0.1:1");
    assertTrue(!o.err().contains("Invalid value"), o.err());
  }

  @Test
  void shouldMapFlagsToAppVariables() {
    assertEquals(
        "APP_KAFKA_BOOTSTRAP_SERVERS",
        EnvironmentDefaults.variableFor("--kafka.bootstrap-servers"));
    assertEquals(
        "APP_MILVUS_RETRY_MAX_ATTEMPTS",
        EnvironmentDefaults.variableFor("--milvus.retry.max-attempts"));
  }

  @Test
  void shouldSizeTheRecordLimitFromOneFlag() {
    ServiceConfig config =
        configOf(Map.of(), "--encoder.model", "m", "--kafka.max-record-bytes", "2097152");
    assertEquals(2_097_152, config.kafka().recordLimits().maxRecordBytes());
    assertEquals(
        24 << 20,
        configOf(Map.of(), "--encoder.model", "m").kafka().recordLimits().maxRecordBytes());
    Outcome tooSmall =
        run(Map.of(), "run", "--encoder.model", "m", "--kafka.max-record-bytes", "1000");
    assertEquals(CommandLine.ExitCode.USAGE, tooSmall.code());
    assertTrue(tooSmall.err().contains("kafka.max-record-bytes"), tooSmall.err());
  }
}
