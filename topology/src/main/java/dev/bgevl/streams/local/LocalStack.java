package dev.bgevl.streams.local;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.app.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real KRaft broker in-process, Milvus Lite from the project's venv, and
 * the service, all with their data under one folder so a restart keeps everything. Closes in
 * reverse order: service, Milvus Lite, broker.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  private final EmbeddedKafkaBroker kafka;
  private final EmbeddedMilvusServer milvus;
  private final BgevlService service;

  private LocalStack(EmbeddedKafkaBroker kafka, EmbeddedMilvusServer milvus, BgevlService service) {
    this.kafka = kafka;
    this.milvus = milvus;
    this.service = service;
  }

  /**
   * Starts the three parts.
   *
   * @param serviceConfig builds the service configuration from the broker's bootstrap servers and Milvus's URI
   */
  public static LocalStack start(Path dataDir, Path venv, int kafkaPort, int milvusPort,
      BiFunction<String, String, ServiceConfig> serviceConfig) {
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(
        EmbeddedKafkaConfig.defaults(dataDir.resolve("kafka")).withPort(kafkaPort).withControllerPort(kafkaPort + 1));
    EmbeddedMilvusServer milvus = null;
    try {
      milvus = EmbeddedMilvusServer.start(venv, dataDir.resolve("milvus"), "127.0.0.1", milvusPort, Duration.ofSeconds(60));
      BgevlService service = BgevlService.start(serviceConfig.apply(kafka.bootstrapServers(), milvus.uri()));
      log.info("Local stack up kafka={} milvus={} data={}", kafka.bootstrapServers(), milvus.uri(), dataDir);
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
    return service;
  }

  @Override
  public void close() {
    service.close();
    milvus.close();
    kafka.close();
    log.info("Local stack stopped");
  }
}
