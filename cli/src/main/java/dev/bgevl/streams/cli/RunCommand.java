package dev.bgevl.streams.cli;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.app.ServiceConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bgevl run}: the service against a given Kafka and Milvus. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run the ingest and query applications against the given Kafka and Milvus until Ctrl-C.")
final class RunCommand implements Callable<Integer> {

  @Mixin ServiceOptions service = new ServiceOptions();

  @Override
  public Integer call() throws Exception {
    ServiceConfig config = service.toConfig(null);
    ShutdownSignal signal = new ShutdownSignal();
    try {
      BgevlService service = BgevlService.start(config);
      try {
        signal.await();
      } finally {
        service.close();
      }
    } finally {
      signal.closed();
    }
    return 0;
  }
}
