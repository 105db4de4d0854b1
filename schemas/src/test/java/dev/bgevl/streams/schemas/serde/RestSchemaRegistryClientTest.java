package dev.bgevl.streams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.testkit.SchemaRegistryTestServer;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

  private SchemaRegistryTestServer server;
  private RestSchemaRegistryClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = new SchemaRegistryTestServer();
    client = new RestSchemaRegistryClient(SchemaRegistryConfig.of(server.url()));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void shouldRegisterAndLookUpSchemaById() {
    int id = client.register("media-events-value", MediaEvent.getClassSchema());

    assertEquals(MediaEvent.getClassSchema(), client.schemaById(id));
    assertEquals("application/vnd.schemaregistry.v1+json", server.lastContentType());
  }

  @Test
  void shouldReturnSameIdWhenRegisteringTheSameSchemaAgain() {
    int first = client.register("media-events-value", MediaEvent.getClassSchema());
    int again = client.register("media-events-value", MediaEvent.getClassSchema());
    int other = client.register("retrieval-requests-value", RetrievalRequest.getClassSchema());

    assertEquals(first, again);
    assertNotEquals(first, other);
  }

  @Test
  void shouldThrowSerializationExceptionNamingIdWhenSchemaIsUnknown() {
    SerializationException e =
        assertThrows(SerializationException.class, () -> client.schemaById(42));

    assertTrue(e.getMessage().contains("Unknown schema id 42"), e.getMessage());
    assertTrue(e.getMessage().contains("40403"), e.getMessage());
  }

  @Test
  void shouldThrowUnavailableWhenServerIsDown() {
    server.close();

    SchemaRegistryUnavailableException e =
        assertThrows(
            SchemaRegistryUnavailableException.class,
            () -> client.register("media-events-value", MediaEvent.getClassSchema()));

    assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    assertTrue(e.getMessage().contains(server.url()), e.getMessage());
  }

  @Test
  void shouldThrowUnavailableWhenRequestTimesOut() {
    RestSchemaRegistryClient impatient =
        new RestSchemaRegistryClient(
            SchemaRegistryConfig.of(server.url())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200)));
    server.hang();

    SchemaRegistryUnavailableException e =
        assertThrows(SchemaRegistryUnavailableException.class, () -> impatient.schemaById(1));

    assertTrue(e.getMessage().contains("HttpTimeoutException"), e.getMessage());
  }

  @Test
  void shouldAuthenticateWithBasicAuth() throws Exception {
    try (SchemaRegistryTestServer secured =
        new SchemaRegistryTestServer(Optional.of("alice:s3cret"))) {
      SchemaRegistryConfig config = SchemaRegistryConfig.of(secured.url());
      RestSchemaRegistryClient authenticated =
          new RestSchemaRegistryClient(config.withBasicAuth("alice:s3cret"));
      RestSchemaRegistryClient anonymous = new RestSchemaRegistryClient(config);
      Schema schema = MediaEvent.getClassSchema();

      int id = authenticated.register("media-events-value", schema);
      SchemaRegistryException refused =
          assertThrows(SchemaRegistryException.class, () -> anonymous.schemaById(id));

      assertEquals(schema, authenticated.schemaById(id));
      assertEquals(401, refused.status());
    }
  }

  @Test
  void shouldReportARefusalWithStatusAndErrorCode() {
    SchemaRegistryException e =
        assertThrows(
            SchemaRegistryException.class,
            () -> client.register("incompatible-value", MediaEvent.getClassSchema()));

    assertEquals(409, e.status());
    assertEquals(409, e.errorCode());
    assertTrue(e.getMessage().contains("subject 'incompatible-value'"), e.getMessage());
    assertTrue(e.getMessage().contains("is incompatible"), e.getMessage());
  }

  @Test
  void shouldTreatServerErrorsAsUnavailable() {
    SchemaRegistryUnavailableException e =
        assertThrows(
            SchemaRegistryUnavailableException.class,
            () -> client.register("broken-value", MediaEvent.getClassSchema()));

    assertTrue(e.getMessage().contains("50001"), e.getMessage());
  }

  @Test
  void shouldNeverPrintTheBasicAuthSecret() {
    SchemaRegistryConfig config =
        SchemaRegistryConfig.of("http://registry:8081").withBasicAuth("alice:s3cret");
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SchemaRegistryConfig.of("http://registry:8081")
                    .withBasicAuth("s3cret-without-user"));

    assertFalse(config.toString().contains("s3cret"), config.toString());
    assertFalse(new RestSchemaRegistryClient(config).toString().contains("s3cret"));
    assertFalse(bad.getMessage().contains("s3cret"), bad.getMessage());
  }

  @Test
  void shouldRejectANonHttpUrl() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SchemaRegistryConfig.of("ftp://registry"));

    assertTrue(e.getMessage().contains("ftp://registry"), e.getMessage());
  }
}
