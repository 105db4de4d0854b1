package dev.bgevl.streams.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.app.WireConfig;
import dev.bgevl.streams.client.RetrievalClient;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.embedded.testkit.TestImages;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.ops.OpsConfig;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.CachingSchemaRegistryClient;
import dev.bgevl.streams.schemas.serde.RestSchemaRegistryClient;
import dev.bgevl.streams.schemas.serde.SchemaRegistryConfig;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.schemas.serde.WireFormat;
import dev.bgevl.streams.schemas.testkit.SchemaRegistryTestServer;
import dev.bgevl.streams.testkit.MilvusExtension;
import dev.bgevl.streams.testkit.TestServices;
import dev.bgevl.streams.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire format the compose stack runs: Confluent-framed Avro with schemas in a registry over
 * HTTP. The CLI produces Avro, the service reads and writes Avro, the Java client queries in Avro,
 * and {@code /metrics} carries Kafka Streams' own series besides ours.
 */
class AvroWireIT {

  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @RegisterExtension static final MilvusExtension MILVUS = new MilvusExtension();

  static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path temp;

  @Test
  void shouldIndexAndAnswerInAvroThroughTheCliAndTheJavaClient() throws Exception {
    try (SchemaRegistryTestServer registry = new SchemaRegistryTestServer()) {
      ServiceConfig json =
          TestServices.config(
              "avro", KAFKA, MILVUS, temp.resolve("state"), Topics.DEFAULT, new OpsConfig(0));
      ServiceConfig avro =
          new ServiceConfig(
              json.kafka(),
              json.topics(),
              new WireConfig(WireFormat.AVRO, Optional.of(registry.url())),
              json.modelBundle(),
              json.encoder(),
              json.batch(),
              json.milvus(),
              json.images(),
              json.ingest(),
              json.query(),
              json.ops());
      try (BgevlService service = BgevlService.start(avro)) {
        assertTrue(service.awaitRunning(WAIT));
        TestImages.Sample image = TestImages.generate("avro", 1, 808).get(0);
        Path folder = Files.createDirectories(temp.resolve("images"));
        Files.write(folder.resolve("avro-shot.png"), image.png());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int produced =
            BgevlCommand.execute(
                Map.of(),
                new PrintWriter(out),
                new PrintWriter(err),
                "produce",
                "--kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--serde.format",
                "AVRO",
                "--schema.registry.url",
                registry.url(),
                "--caption",
                "sent as avro",
                folder.toString());
        assertEquals(0, produced, out + "\n" + err);
        MilvusSearcher searcher = new MilvusSearcher(MILVUS.client(), MILVUS.config());
        await("the Avro event is indexed")
            .atMost(WAIT)
            .until(() -> searcher.count(service.collection()) == 1);

        SerdeConfig serdes =
            new SerdeConfig(
                WireFormat.AVRO,
                Optional.of(
                    new CachingSchemaRegistryClient(
                        new RestSchemaRegistryClient(SchemaRegistryConfig.of(registry.url())))));
        Properties props = new Properties();
        props.put("bootstrap.servers", KAFKA.bootstrapServers());
        String requestId = UUID.randomUUID().toString();
        try (RetrievalClient client =
            new RetrievalClient(
                props,
                Topics.DEFAULT.requests(),
                Topics.DEFAULT.replies(),
                Topics.DEFAULT.replies(),
                BgevlSerde.of(RetrievalRequest.class, serdes),
                BgevlSerde.of(RetrievalReply.class, serdes))) {
          RetrievalReply reply =
              client.query(
                  RetrievalRequest.newBuilder()
                      .setRequestId(requestId)
                      .setImage(ByteBuffer.wrap(image.png()))
                      .setTopK(1)
                      .build(),
                  WAIT);
          assertEquals(ReplyStatus.OK, reply.getStatus(), String.valueOf(reply.getError()));
          assertEquals("avro-shot", reply.getHits().get(0).getId());
          assertEquals("sent as avro", reply.getHits().get(0).getText());
        }
        var raw =
            KAFKA
                .consumeMatching(
                    Topics.DEFAULT.replies(),
                    1,
                    WAIT,
                    r ->
                        r.key() != null
                            && new String(r.key(), StandardCharsets.UTF_8).equals(requestId))
                .get(0);
        assertEquals(0, raw.value()[0], "the service writes Confluent-framed Avro (magic byte 0)");
        assertTrue(registry.requests() > 0, "schemas went through the registry over HTTP");

        String metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + service.opsPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertTrue(
            metrics.matches(
                "(?s).*bgevl_streams_alive_threads\\{app=\"ingest\"[^}]*} 1(\\.0)?\\n.*"),
            metrics);
        assertTrue(
            metrics.matches("(?s).*bgevl_streams_thread_process_rate\\{app=\"query\".*"), metrics);
      }
    }
  }
}
