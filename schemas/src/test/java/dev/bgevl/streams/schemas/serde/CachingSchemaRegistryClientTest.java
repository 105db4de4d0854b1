package dev.bgevl.streams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.testkit.SchemaRegistryTestServer;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CachingSchemaRegistryClientTest {

  private SchemaRegistryTestServer server;
  private CachingSchemaRegistryClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = new SchemaRegistryTestServer();
    client =
        new CachingSchemaRegistryClient(
            new RestSchemaRegistryClient(SchemaRegistryConfig.of(server.url())));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void shouldAskTheServerOncePerRegistration() {
    int id = client.register("media-events-value", MediaEvent.getClassSchema());

    assertEquals(id, client.register("media-events-value", MediaEvent.getClassSchema()));
    assertEquals(id, client.register("media-events-value", MediaEvent.getClassSchema()));
    assertEquals(1, server.requests());
  }

  @Test
  void shouldAnswerLookupsOfRegisteredSchemasWithoutAsking() {
    int id = client.register("media-events-value", MediaEvent.getClassSchema());

    assertEquals(MediaEvent.getClassSchema(), client.schemaById(id));
    assertEquals(1, server.requests());
  }

  @Test
  void shouldAskTheServerOncePerId() {
    int id =
        new RestSchemaRegistryClient(SchemaRegistryConfig.of(server.url()))
            .register("media-events-value", MediaEvent.getClassSchema());

    client.schemaById(id);
    client.schemaById(id);

    assertEquals(2, server.requests(), "one register, one lookup");
  }

  @Test
  void shouldNotCacheFailures() {
    assertThrows(SerializationException.class, () -> client.schemaById(7));
    assertThrows(SerializationException.class, () -> client.schemaById(7));

    assertEquals(2, server.requests());
  }
}
