package dev.bgevl.streams.local;

import dev.bgevl.streams.cli.ServiceOptions;
import dev.bgevl.streams.cli.ShutdownSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bgevl local}: the embedded default, a real Kafka broker in-process plus Milvus Lite plus
 * the service.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description =
        "Run the embedded default: an in-process KRaft broker, Milvus Lite and the service, data under --local.data-dir.")
public final class LocalCommand implements Callable<Integer> {

  /** The committed random-weight bundle, served when no --encoder.model is given. */
  static final Path TINY_BUNDLE = Path.of("models", "tiny-bgevl");

  /**
   * Where {@code local} differs from {@code run}: one partition per topic is plenty for a
   * single-node laptop stack, and Streams state lives with the rest of the local data (under
   * --local.data-dir, when that is given).
   */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "--topics.partitions", "1", "--kafka.state-dir", Path.of("data", "streams").toString());

  @Spec CommandSpec spec;

  @Mixin ServiceOptions service = new ServiceOptions();

  @Option(
      names = "--local.data-dir",
      defaultValue = "data",
      description =
          "Folder for Kafka, Milvus Lite and Streams state; kept across restarts (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--local.venv",
      defaultValue = ".venv",
      description =
          "Python venv with milvus-lite, made by tools/setup-venv.sh (default: ${DEFAULT-VALUE}).")
  Path venv;

  @Option(
      names = "--local.kafka-port",
      defaultValue = "9092",
      description = "Broker port; the controller takes the next one (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--local.milvus-port",
      defaultValue = "19530",
      description = "Milvus Lite port (default: ${DEFAULT-VALUE}).")
  int milvusPort;

  @Override
  public Integer call() throws Exception {
    if (!service.modelGiven()) {
      if (!Files.isRegularFile(TINY_BUNDLE.resolve("manifest.json"))) {
        throw new IllegalArgumentException(
            "--encoder.model is required (no " + TINY_BUNDLE + " here: run from the project root)");
      }
      var err = spec.commandLine().getErr();
      err.println(
          """
          ******************************************************************************
          WARNING: serving the committed TINY RANDOM-WEIGHT model (models/tiny-bgevl).
          Its embeddings are meaningless beyond finding an image by itself: text and
          composed queries return arbitrary neighbours. To serve BGE-VL for real:
            tools/setup-export-venv.sh
            tools/.venv/bin/python tools/export_bgevl.py --model BAAI/BGE-VL-base --out models/bge-vl-base
            ./bgevl local --encoder.model models/bge-vl-base
          ******************************************************************************""");
      err.flush();
    }
    // the default follows --local.data-dir; a state dir given by flag or environment stays as given
    Path stateDir =
        service.stateDir().equals(Path.of(DEFAULTS.get("--kafka.state-dir")))
            ? dataDir.resolve("streams")
            : service.stateDir();
    ShutdownSignal signal = new ShutdownSignal();
    try (LocalStack stack =
        LocalStack.start(
            dataDir,
            venv,
            kafkaPort,
            milvusPort,
            service.recordLimits(),
            (bootstrap, milvusUri) -> service.toConfig(TINY_BUNDLE, bootstrap, milvusUri, stateDir),
            service.toWebConfig())) {
      spec.commandLine()
          .getOut()
          .printf(
              "Local stack ready: kafka=%s milvus=%s (Ctrl-C stops all three)%n",
              stack.bootstrapServers(), stack.milvusUri());
      if (stack.webPort() > 0) {
        spec.commandLine().getOut().printf("Search page: http://localhost:%d/%n", stack.webPort());
      }
      spec.commandLine().getOut().flush();
      signal.await();
    } finally {
      signal.closed();
    }
    return 0;
  }
}
