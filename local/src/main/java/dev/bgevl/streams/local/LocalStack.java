package dev.bgevl.streams.local;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.embedded.EmbeddedKafkaBroker;
import dev.bgevl.streams.embedded.EmbeddedKafkaConfig;
import dev.bgevl.streams.embedded.EmbeddedMilvusServer;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.web.ServiceWithPage;
import dev.bgevl.streams.web.WebConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real KRaft broker in-process, Milvus Lite from the project's venv, and
 * the service, all with their data under one folder so a restart keeps everything. Closes the
 * service first (it still needs both to finish its in-flight batch), then the broker, then Milvus.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  private final EmbeddedKafkaBroker kafka;
  private final EmbeddedMilvusServer milvus;
  private final ServiceWithPage service;

  private LocalStack(
      EmbeddedKafkaBroker kafka, EmbeddedMilvusServer milvus, ServiceWithPage service) {
    this.kafka = kafka;
    this.milvus = milvus;
    this.service = service;
  }

  /**
   * Starts the three parts.
   *
   * @param limits the record limit the broker must accept (plus the service's own overhead)
   * @param serviceConfig builds the service configuration from the broker's bootstrap servers and
   *     Milvus's URI
   * @param web the search page's port and timeout
   */
  public static LocalStack start(
      Path dataDir,
      Path venv,
      int kafkaPort,
      int milvusPort,
      RecordLimits limits,
      BiFunction<String, String, ServiceConfig> serviceConfig,
      WebConfig web) {
    EmbeddedKafkaBroker kafka =
        EmbeddedKafkaBroker.start(
            EmbeddedKafkaConfig.defaults(dataDir.resolve("kafka"))
                .withPort(kafkaPort)
                .withControllerPort(kafkaPort + 1)
                .withBrokerProperties(limits.brokerProperties()));
    EmbeddedMilvusServer milvus = null;
    try {
      milvus =
          EmbeddedMilvusServer.start(
              venv, dataDir.resolve("milvus"), "127.0.0.1", milvusPort, Duration.ofSeconds(60));
      ServiceWithPage service =
          ServiceWithPage.start(serviceConfig.apply(kafka.bootstrapServers(), milvus.uri()), web);
      log.info(
          "Local stack up kafka={} milvus={} data={}",
          kafka.bootstrapServers(),
          milvus.uri(),
          dataDir);
      return new LocalStack(kafka, milvus, service);
    } catch (RuntimeException e) {
      if (milvus != null) {
        milvus.close();
      }
      kafka.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String milvusUri() {
    return milvus.uri();
  }

  public BgevlService service() {
    return service.service();
  }

  /** The search page's port, or -1 when it is off. */
  public int webPort() {
    return service.webPort();
  }

  @Override
  public void close() {
    long begin = System.nanoTime();
    service.close();
    kafka.close();
    milvus.close();
    log.info("Local stack stopped tookMs={}", (System.nanoTime() - begin) / 1_000_000);
  }
}
