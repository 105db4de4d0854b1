package dev.bgevl.streams.web;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.client.RetrievalClient;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service with its search page: binds the page's port, starts the service with that port as its
 * {@code application.server} (so every instance can name the owner of any thumbnail), then serves.
 * Closes the page, its client, then the service.
 */
public final class ServiceWithPage implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceWithPage.class);

  private final BgevlService service;
  private final WebServer web;
  private final RetrievalClient client;

  private ServiceWithPage(BgevlService service, WebServer web, RetrievalClient client) {
    this.service = service;
    this.web = web;
    this.client = client;
  }

  /** Starts the service, and the page unless {@code web} is disabled. */
  public static ServiceWithPage start(ServiceConfig config, WebConfig web) {
    if (!web.enabled()) {
      return new ServiceWithPage(BgevlService.start(config), null, null);
    }
    WebServer server = WebServer.bind(web);
    BgevlService service = null;
    RetrievalClient client = null;
    try {
      service =
          BgevlService.start(
              config, Optional.of(new HostInfo(web.advertisedHost(), server.port())));
      client = client(config);
      server.serve(
          new StaticPage(),
          new SearchEndpoint(
              client,
              web.searchTimeout(),
              // an image of the record limit, as base64 inside JSON
              config.kafka().recordLimits().maxRecordBytes() * 4 / 3 + 64 * 1024,
              Clock.systemUTC()),
          new ThumbnailEndpoint(
              service.thumbnails(),
              HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()));
      log.info(
          "Search page at http://{}:{}/ (advertised to other instances)",
          web.advertisedHost(),
          server.port());
      return new ServiceWithPage(service, server, client);
    } catch (RuntimeException e) {
      server.close();
      if (client != null) {
        client.close();
      }
      if (service != null) {
        service.close();
      }
      throw e;
    }
  }

  private static RetrievalClient client(ServiceConfig config) {
    Properties kafka = new Properties();
    kafka.putAll(config.kafka().clientProperties());
    kafka.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    SerdeConfig serdes = config.wire().serdes();
    return new RetrievalClient(
        kafka,
        config.topics().requests(),
        config.topics().replies(),
        config.topics().replies(),
        BgevlSerde.of(RetrievalRequest.class, serdes),
        BgevlSerde.of(RetrievalReply.class, serdes),
        config.kafka().recordLimits());
  }

  public BgevlService service() {
    return service;
  }

  /** The search page's port, or -1 when it is off. */
  public int webPort() {
    return web == null ? -1 : web.port();
  }

  @Override
  public void close() {
    if (web != null) {
      web.close();
      client.close();
    }
    service.close();
  }
}
