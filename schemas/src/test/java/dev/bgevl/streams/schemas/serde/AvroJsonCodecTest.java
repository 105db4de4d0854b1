package dev.bgevl.streams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.schemas.media.EmbedMode;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaOp;
import dev.bgevl.streams.schemas.media.MediaVector;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalHit;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AvroJsonCodecTest {

  private final AvroJsonCodec<MediaEvent> events = AvroJsonCodec.of(MediaEvent.class);
  private final AvroJsonCodec<RetrievalRequest> requests = AvroJsonCodec.of(RetrievalRequest.class);
  private final AvroJsonCodec<RetrievalReply> replies = AvroJsonCodec.of(RetrievalReply.class);
  private final AvroJsonCodec<MediaVector> vectors = AvroJsonCodec.of(MediaVector.class);

  static MediaEvent fullEvent() {
    return MediaEvent.newBuilder()
        .setId("cat-1")
        .setOp(MediaOp.UPSERT)
        .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}))
        .setImageUri("file:cats/1.jpg")
        .setText("a cat")
        .setEmbed(EmbedMode.IMAGE_TEXT)
        .setMetadata(Map.of("colour", "red"))
        .setEventTime(Instant.ofEpochMilli(1_714_564_800_123L))
        .build();
  }

  static RetrievalRequest fullRequest() {
    return RetrievalRequest.newBuilder()
        .setRequestId("r1")
        .setText("a dog")
        .setImage(ByteBuffer.wrap(new byte[] {9, 8}))
        .setImageUri("https://example.org/dog.png")
        .setInstruction("find it")
        .setTopK(5)
        .setFilter("colour == 'red'")
        .setModel("bge-vl-base")
        .setReplyTo("my-replies")
        .setDeadline(Instant.ofEpochMilli(1_714_564_800_000L))
        .build();
  }

  @Test
  void shouldReadTheDocumentedMediaEventAndApplyDefaults() {
    MediaEvent event =
        events.fromJson(
            "{\"id\":\"cat-1\",\"op\":\"UPSERT\",\"text\":\"a cat\",\"metadata\":{\"colour\":\"red\"}}");

    assertEquals("cat-1", event.getId());
    assertEquals(MediaOp.UPSERT, event.getOp());
    assertEquals("a cat", event.getText());
    assertEquals(Map.of("colour", "red"), event.getMetadata());
    assertEquals(EmbedMode.AUTO, event.getEmbed());
    assertNull(event.getImage());
    assertNull(event.getEventTime());
  }

  @Test
  void shouldReadTheDocumentedRetrievalRequestAndApplyDefaults() {
    RetrievalRequest request =
        requests.fromJson("{\"request_id\":\"r1\",\"text\":\"a dog\",\"top_k\":5}");
    RetrievalRequest minimal = requests.fromJson("{\"request_id\":\"r2\"}");

    assertEquals(
        RetrievalRequest.newBuilder().setRequestId("r1").setText("a dog").setTopK(5).build(),
        request);
    assertEquals(10, minimal.getTopK());
    assertNull(minimal.getReplyTo());
  }

  @Test
  void shouldWriteNaturalJsonWithoutUnionWrappers() {
    String json = events.toJson(fullEvent());
    String sparse = events.toJson(MediaEvent.newBuilder().setId("x").build());

    assertEquals(
        "{\"id\":\"cat-1\",\"op\":\"UPSERT\",\"image\":\"AQID/w==\",\"image_uri\":\"file:cats/1.jpg\",\"text\":\"a cat\","
            + "\"embed\":\"IMAGE_TEXT\",\"metadata\":{\"colour\":\"red\"},\"event_time\":1714564800123}",
        json);
    assertEquals(
        "{\"id\":\"x\",\"op\":\"UPSERT\",\"image\":null,\"image_uri\":null,\"text\":null,"
            + "\"embed\":\"AUTO\",\"metadata\":{},\"event_time\":null}",
        sparse);
  }

  @Test
  void shouldRoundTripMediaEventWithBytes() {
    MediaEvent event = fullEvent();

    MediaEvent back = events.fromJson(events.toJsonBytes(event));

    assertEquals(event, back);
    assertArrayEquals(new byte[] {1, 2, 3, (byte) 0xff}, back.getImage().array());
    assertEquals(4, event.getImage().remaining(), "writing must not consume the record's buffer");
  }

  @Test
  void shouldRoundTripMediaVector() {
    MediaVector vector =
        MediaVector.newBuilder()
            .setId("cat-1")
            .setModel("bge-vl-base")
            .setDim(3)
            .setVector(List.of(0.6f, -0.8f, 1.0e-7f))
            .setText(null)
            .setImageUri("file:cats/1.jpg")
            .setMetadata(Map.of("k", "v"))
            .setEventTime(Instant.ofEpochMilli(5))
            .build();

    assertEquals(vector, vectors.fromJson(vectors.toJson(vector)));
  }

  @Test
  void shouldRoundTripRetrievalRequest() {
    RetrievalRequest request = fullRequest();

    assertEquals(request, requests.fromJson(requests.toJson(request)));
  }

  @Test
  void shouldRoundTripRetrievalReplyWithNestedHits() {
    RetrievalReply reply =
        RetrievalReply.newBuilder()
            .setRequestId("r1")
            .setStatus(ReplyStatus.OK)
            .setModel("bge-vl-base")
            .setTookMs(12)
            .setHits(
                List.of(
                    RetrievalHit.newBuilder()
                        .setId("cat-1")
                        .setScore(0.93f)
                        .setText("a cat")
                        .setMetadata(Map.of())
                        .build(),
                    RetrievalHit.newBuilder()
                        .setId("cat-2")
                        .setScore(0.5f)
                        .setImageUri("file:2.jpg")
                        .setMetadata(Map.of("colour", "grey"))
                        .build()))
            .build();
    RetrievalReply failed =
        RetrievalReply.newBuilder()
            .setRequestId("r2")
            .setStatus(ReplyStatus.INVALID_REQUEST)
            .setError("top_k out of range")
            .build();

    assertEquals(reply, replies.fromJson(replies.toJson(reply)));
    assertEquals(failed, replies.fromJson(replies.toJson(failed)));
    assertTrue(replies.toJson(failed).contains("\"hits\":[]"), replies.toJson(failed));
  }

  @Test
  void shouldReadIsoInstantsAndEpochNumbersForTimestamps() {
    MediaEvent iso = events.fromJson("{\"id\":\"a\",\"event_time\":\"2024-05-01T12:00:00.123Z\"}");
    MediaEvent epoch = events.fromJson("{\"id\":\"a\",\"event_time\":1714564800123}");

    assertEquals(Instant.parse("2024-05-01T12:00:00.123Z"), iso.getEventTime());
    assertEquals(iso.getEventTime(), epoch.getEventTime());
  }

  @Test
  void shouldAcceptExplicitNullForNullableField() {
    assertNull(events.fromJson("{\"id\":\"a\",\"text\":null}").getText());
  }

  @Test
  void shouldIgnoreUnknownFields() {
    MediaEvent event =
        events.fromJson("{\"id\":\"a\",\"colour\":\"red\",\"nested\":{\"x\":[1,2]}}");

    assertEquals(MediaEvent.newBuilder().setId("a").build(), event);
  }

  @Test
  void shouldNotShareDefaultCollectionsBetweenRecords() {
    MediaEvent first = events.fromJson("{\"id\":\"a\"}");
    first.getMetadata().put("leak", "yes");

    assertEquals(Map.of(), events.fromJson("{\"id\":\"b\"}").getMetadata());
  }

  @Test
  void shouldNameTheMissingRequiredField() {
    SerializationException e =
        assertThrows(SerializationException.class, () -> events.fromJson("{\"op\":\"DELETE\"}"));

    assertEquals("Missing required field 'id' (string) in MediaEvent", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"request_id\":\"r1\",\"top_k\":\"ten\"}  | Field 'top_k' expects int, got string \"ten\"",
        "{\"request_id\":\"r1\",\"top_k\":2.5}      | Field 'top_k' expects int, got number 2.5",
        "{\"request_id\":\"r1\",\"top_k\":1e12}     | Field 'top_k' expects int, got number",
        "{\"request_id\":7}                         | Field 'request_id' expects string, got number 7",
        "{\"request_id\":null}                      | Field 'request_id' expects string, got null",
        "{\"request_id\":\"r1\",\"text\":[\"a\"]}   | Field 'text' expects string, got array",
        "{\"request_id\":\"r1\",\"image\":\"%%%\"}  | Field 'image' expects base64 bytes as base64, got invalid base64",
        "{\"request_id\":\"r1\",\"deadline\":\"soon\"} | Field 'deadline' expects long (timestamp-millis) (epoch number or ISO-8601",
        "[1,2]                                      | Record expects object RetrievalRequest, got array",
      })
  void shouldNameTheFieldAndExpectedTypeOnWrongType(String json, String expected) {
    SerializationException e =
        assertThrows(SerializationException.class, () -> requests.fromJson(json));

    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }

  @Test
  void shouldNameTheAllowedSymbolsOnUnknownEnumSymbol() {
    SerializationException e =
        assertThrows(
            SerializationException.class, () -> events.fromJson("{\"id\":\"a\",\"op\":\"MERGE\"}"));

    assertEquals(
        "Field 'op' expects one of [UPSERT, DELETE], got string \"MERGE\"", e.getMessage());
  }

  @Test
  void shouldNameTheNestedPathOfABadValue() {
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () ->
                replies.fromJson(
                    "{\"request_id\":\"r\",\"status\":\"OK\",\"hits\":[{\"id\":\"a\",\"score\":1},{\"id\":\"b\",\"score\":\"high\"}]}"));

    assertEquals("Field 'hits[1].score' expects float, got string \"high\"", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"id\":\"a\"                 | Invalid JSON for MediaEvent: Unexpected end-of-input",
        "{\"id\":\"a\"} {\"id\":\"b\"} | Invalid JSON for MediaEvent: Trailing token",
        "{\"id\":\"a\",\"id\":\"b\"}   | Invalid JSON for MediaEvent: Duplicate field 'id'",
        "''                            | Empty JSON: expected an object MediaEvent",
      })
  void shouldRejectMalformedJson(String json, String expected) {
    SerializationException e =
        assertThrows(SerializationException.class, () -> events.fromJson(json));

    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }

  @Test
  void shouldRefuseToWriteANullRequiredField() {
    MediaEvent broken = new MediaEvent();

    SerializationException e =
        assertThrows(SerializationException.class, () -> events.toJson(broken));

    assertEquals("Field 'id' is null but expects string", e.getMessage());
  }
}
