package dev.bgevl.streams.cli;

import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.web.ServiceWithPage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bgevl run}: the service and its search page against a given Kafka and Milvus. */
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
      ServiceWithPage service = ServiceWithPage.start(config, this.service.toWebConfig());
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
