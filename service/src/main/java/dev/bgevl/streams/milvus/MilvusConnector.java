package dev.bgevl.streams.milvus;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the {@link MilvusClientV2} the Milvus classes share; the caller owns and closes it. */
public final class MilvusConnector {

  private static final Logger log = LoggerFactory.getLogger(MilvusConnector.class);

  private MilvusConnector() {}

  /**
   * Connects to {@code config.uri()}, retrying per {@code config.retry()} while Milvus is
   * unreachable. The client's own retry loop is switched off (it defaults to 75 attempts) so that
   * {@link MilvusCallExecutor} alone decides how long to keep trying, and every call carries {@code
   * config.timeout()} as its deadline.
   *
   * @throws MilvusUnavailableException when Milvus stayed unreachable
   */
  private static final java.time.Duration KEEPALIVE = java.time.Duration.ofMinutes(6);

  public static MilvusClientV2 connect(MilvusConfig config) {
    ConnectConfig.ConnectConfigBuilder connect =
        ConnectConfig.builder()
            .uri(config.uri())
            .connectTimeoutMs(config.timeout().toMillis())
            .rpcDeadlineMs(config.timeout().toMillis())
            // gRPC servers built on grpc-core (Milvus Lite among them) refuse pings more often than
            // every
            // 5 minutes with GOAWAY too_many_pings; call deadlines, not keepalive, bound a dead
            // connection
            .keepAliveTimeMs(KEEPALIVE.toMillis());
    config.token().ifPresent(connect::token);
    config.database().ifPresent(connect::dbName);
    ConnectConfig connectConfig = connect.build();
    long start = System.nanoTime();
    MilvusClientV2 client =
        new MilvusCallExecutor(config.retry())
            .call("connect", () -> new MilvusClientV2(connectConfig));
    client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
    log.info(
        "Connected to Milvus uri={} database={} tookMs={}",
        config.uri(),
        config.database().orElse("default"),
        (System.nanoTime() - start) / 1_000_000);
    return client;
  }
}
