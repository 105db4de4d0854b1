package dev.bgevl.streams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.schemas.media.EmbedMode;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaOp;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BgevlSerdeTest {

  private static final String TOPIC = "media-events";

  /** MediaEvent as first published: no embed mode, no metadata, strings without Java hints. */
  private static final Schema MEDIA_EVENT_V1 =
      new Schema.Parser()
          .parse(
              """
            {"type": "record", "name": "MediaEvent", "namespace": "dev.bgevl.streams.schemas.media", "fields": [
              {"name": "id", "type": "string"},
              {"name": "op", "type": {"type": "enum", "name": "MediaOp", "symbols": ["UPSERT", "DELETE"]}},
              {"name": "image", "type": ["null", "bytes"], "default": null},
              {"name": "image_uri", "type": ["null", "string"], "default": null},
              {"name": "text", "type": ["null", "string"], "default": null},
              {"name": "event_time", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}], "default": null}
            ]}""");

  private final CountingRegistry registry =
      new CountingRegistry(new InMemorySchemaRegistryClient());
  private final BgevlSerde<MediaEvent> avroSerde =
      BgevlSerde.of(MediaEvent.class, SerdeConfig.avro(registry));
  private final BgevlSerde<MediaEvent> jsonSerde =
      BgevlSerde.of(MediaEvent.class, SerdeConfig.json(registry));

  @Test
  void shouldFrameAvroWithMagicByteSchemaIdAndBinaryBody() throws IOException {
    MediaEvent event = AvroJsonCodecTest.fullEvent();

    byte[] frame = avroSerde.serializer().serialize(TOPIC, event);

    int id = registry.register("media-events-value", MediaEvent.getClassSchema());
    assertEquals(0, frame[0]);
    assertEquals(id, ByteBuffer.wrap(frame, 1, 4).getInt());
    GenericRecord body =
        new GenericDatumReader<GenericRecord>(MediaEvent.getClassSchema())
            .read(null, DecoderFactory.get().binaryDecoder(frame, 5, frame.length - 5, null));
    assertEquals("cat-1", body.get("id").toString());
    assertEquals(event, avroSerde.deserializer().deserialize(TOPIC, frame));
  }

  @Test
  void shouldRegisterTheValueSubjectOncePerTopic() {
    for (int i = 0; i < 3; i++) {
      avroSerde.serializer().serialize(TOPIC, event("cat-" + i));
    }
    avroSerde.serializer().serialize("other-events", event("dog"));

    assertEquals(2, registry.registrations.get());
    assertTrue(registry.inMemory.hasSubject("media-events-value"));
    assertTrue(registry.inMemory.hasSubject("other-events-value"));
  }

  @Test
  void shouldRegisterTheKeySubjectWhenConfiguredAsKey() {
    BgevlSerde<MediaEvent> keySerde = BgevlSerde.of(MediaEvent.class, SerdeConfig.avro(registry));
    keySerde.configure(Map.of(), true);

    keySerde.serializer().serialize(TOPIC, event("cat-1"));

    assertTrue(registry.inMemory.hasSubject("media-events-key"));
  }

  @Test
  void shouldDecodeARecordWrittenWithAnOlderSchemaUsingDefaults() throws IOException {
    int oldId = registry.register("media-events-value", MEDIA_EVENT_V1);
    GenericRecord old = new GenericData.Record(MEDIA_EVENT_V1);
    old.put("id", "cat-1");
    old.put("op", new GenericData.EnumSymbol(MEDIA_EVENT_V1.getField("op").schema(), "DELETE"));
    old.put("text", "a cat");
    old.put("event_time", 1_714_564_800_123L);

    MediaEvent event =
        avroSerde.deserializer().deserialize(TOPIC, frame(oldId, MEDIA_EVENT_V1, old));

    assertEquals("cat-1", event.getId());
    assertEquals(MediaOp.DELETE, event.getOp());
    assertEquals("a cat", event.getText());
    assertEquals(EmbedMode.AUTO, event.getEmbed());
    assertEquals(Map.of(), event.getMetadata());
    assertEquals(1_714_564_800_123L, event.getEventTime().toEpochMilli());
  }

  @Test
  void shouldWriteJsonWhenConfigured() {
    byte[] json = jsonSerde.serializer().serialize(TOPIC, event("cat-1"));

    assertTrue(
        new String(json, StandardCharsets.UTF_8).startsWith("{\"id\":\"cat-1\",\"op\":\"UPSERT\""));
    assertEquals(0, registry.registrations.get(), "JSON output registers nothing");
  }

  @Test
  void shouldTellTheFormatsApartRecordByRecordOnOneTopic() {
    byte[] avro = avroSerde.serializer().serialize(TOPIC, event("a"));
    byte[] json = jsonSerde.serializer().serialize(TOPIC, event("b"));
    byte[] typed = "\n  {\"id\": \"c\", \"op\": \"DELETE\"}\n".getBytes(StandardCharsets.UTF_8);

    for (BgevlSerde<MediaEvent> serde : List.of(avroSerde, jsonSerde)) {
      assertEquals(event("a"), serde.deserializer().deserialize(TOPIC, avro));
      assertEquals(event("b"), serde.deserializer().deserialize(TOPIC, json));
      assertEquals(MediaOp.DELETE, serde.deserializer().deserialize(TOPIC, typed).getOp());
    }
  }

  @Test
  void shouldPassTombstonesThrough() {
    assertNull(avroSerde.serializer().serialize(TOPIC, null));
    assertNull(avroSerde.deserializer().deserialize(TOPIC, null));
    assertNull(jsonSerde.serializer().serialize(TOPIC, null));
  }

  @Test
  void shouldNameTopicAndFirstByteOfAnUnknownFormat() {
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> avroSerde.deserializer().deserialize(TOPIC, new byte[] {0x7f, 1, 2}));

    assertTrue(
        e.getMessage().startsWith("Unknown wire format on topic 'media-events': first byte 0x7f"),
        e.getMessage());
  }

  @Test
  void shouldRejectAnEmptyValue() {
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> avroSerde.deserializer().deserialize(TOPIC, new byte[0]));

    assertTrue(
        e.getMessage().startsWith("Unknown wire format on topic 'media-events': empty value"),
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void shouldRejectATruncatedFrame(int length) {
    byte[] frame = Arrays.copyOf(avroSerde.serializer().serialize(TOPIC, event("a")), length);

    SerializationException e =
        assertThrows(
            SerializationException.class, () -> avroSerde.deserializer().deserialize(TOPIC, frame));

    assertTrue(
        e.getMessage()
            .startsWith("Truncated Avro frame on topic 'media-events': " + length + " byte(s)"),
        e.getMessage());
  }

  @Test
  void shouldNameTopicAndIdOfAnUnknownSchemaId() {
    byte[] frame = avroSerde.serializer().serialize(TOPIC, event("a"));
    ByteBuffer.wrap(frame).putInt(1, 99);

    SerializationException e =
        assertThrows(
            SerializationException.class, () -> avroSerde.deserializer().deserialize(TOPIC, frame));

    assertTrue(
        e.getMessage()
            .startsWith("Cannot read Avro record on topic 'media-events': Unknown schema id 99"),
        e.getMessage());
  }

  @Test
  void shouldReportACorruptAvroBody() {
    byte[] valid = avroSerde.serializer().serialize(TOPIC, event("a"));
    byte[] cut = Arrays.copyOf(valid, valid.length - 3);
    byte[] trailing = Arrays.copyOf(valid, valid.length + 2);
    byte[] badEnum = valid.clone();
    badEnum[7] = 0x7e; // id "a" is bytes 5-6; byte 7 is the op enum index, now 63

    for (byte[] frame : new byte[][] {cut, trailing, badEnum}) {
      SerializationException e =
          assertThrows(
              SerializationException.class,
              () -> avroSerde.deserializer().deserialize(TOPIC, frame));

      int id = ByteBuffer.wrap(valid, 1, 4).getInt();
      assertTrue(
          e.getMessage()
              .startsWith("Corrupt Avro record on topic 'media-events' with schema id " + id),
          e.getMessage());
    }
  }

  @Test
  void shouldReportAnAbsurdStringLengthAsCorrupt() {
    byte[] valid = avroSerde.serializer().serialize(TOPIC, event("a"));
    ByteBuffer frame = ByteBuffer.allocate(10).put(Arrays.copyOf(valid, 5));
    frame.put(
        new byte[] {
          (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07
        }); // id length 2^30 - 1, no bytes follow

    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> avroSerde.deserializer().deserialize(TOPIC, frame.array()));

    assertTrue(
        e.getMessage().startsWith("Corrupt Avro record on topic 'media-events'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("length 1073741823 exceeds the 10-byte frame"), e.getMessage());
  }

  @Test
  void shouldReportARecordOfAnotherTypeAsCorrupt() throws IOException {
    int id = registry.register("retrieval-requests-value", RetrievalRequest.getClassSchema());
    RetrievalRequest request = RetrievalRequest.newBuilder().setRequestId("r1").build();
    GenericRecord generic = new GenericData.Record(RetrievalRequest.getClassSchema());
    generic.put("request_id", request.getRequestId());
    generic.put("top_k", 10);

    byte[] frame = frame(id, RetrievalRequest.getClassSchema(), generic);
    SerializationException e =
        assertThrows(
            SerializationException.class, () -> avroSerde.deserializer().deserialize(TOPIC, frame));

    assertTrue(
        e.getMessage().contains("writer dev.bgevl.streams.schemas.retrieval.RetrievalRequest"),
        e.getMessage());
  }

  @Test
  void shouldSayNoRegistryIsConfiguredForAvroWithoutOne() {
    byte[] frame = avroSerde.serializer().serialize(TOPIC, event("a"));
    BgevlSerde<MediaEvent> jsonOnly = BgevlSerde.of(MediaEvent.class, SerdeConfig.json());

    SerializationException e =
        assertThrows(
            SerializationException.class, () -> jsonOnly.deserializer().deserialize(TOPIC, frame));

    assertTrue(
        e.getMessage().contains("on topic 'media-events' but no schema registry is configured"),
        e.getMessage());
    assertTrue(e.getMessage().contains("schema id "), e.getMessage());
  }

  @Test
  void shouldNameTopicAndProblemOfBadJson() {
    SerializationException bad =
        assertThrows(
            SerializationException.class,
            () ->
                jsonSerde
                    .deserializer()
                    .deserialize(TOPIC, "{\"id\":".getBytes(StandardCharsets.UTF_8)));
    SerializationException missing =
        assertThrows(
            SerializationException.class,
            () ->
                jsonSerde
                    .deserializer()
                    .deserialize(TOPIC, "{\"op\":\"DELETE\"}".getBytes(StandardCharsets.UTF_8)));

    assertTrue(
        bad.getMessage()
            .startsWith(
                "Cannot read JSON record on topic 'media-events': Invalid JSON for MediaEvent"),
        bad.getMessage());
    assertTrue(
        missing.getMessage().endsWith("Missing required field 'id' (string) in MediaEvent"),
        missing.getMessage());
  }

  @Test
  void shouldLetAnUnreachableRegistryThroughAsRetriable() {
    byte[] frame = avroSerde.serializer().serialize(TOPIC, event("a"));
    SchemaRegistryClient down =
        new SchemaRegistryClient() {
          @Override
          public Schema schemaById(int id) {
            throw new SchemaRegistryUnavailableException(
                "Schema registry at http://registry:8081 is unreachable");
          }

          @Override
          public int register(String subject, Schema schema) {
            throw new SchemaRegistryUnavailableException(
                "Schema registry at http://registry:8081 is unreachable");
          }
        };
    BgevlSerde<MediaEvent> serde = BgevlSerde.of(MediaEvent.class, SerdeConfig.avro(down));

    assertThrows(
        SchemaRegistryUnavailableException.class,
        () -> serde.deserializer().deserialize(TOPIC, frame));
    assertThrows(
        SchemaRegistryUnavailableException.class,
        () -> serde.serializer().serialize(TOPIC, event("b")));
  }

  @Test
  void shouldRefuseToWriteARecordMissingARequiredField() {
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> avroSerde.serializer().serialize(TOPIC, new MediaEvent()));

    assertTrue(
        e.getMessage().startsWith("Could not write MediaEvent as Avro for topic 'media-events'"),
        e.getMessage());
  }

  @Test
  void shouldRequireARegistryForAvroOutput() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SerdeConfig(WireFormat.AVRO, Optional.empty()));

    assertTrue(e.getMessage().contains("needs a schema registry"), e.getMessage());
  }

  private static MediaEvent event(String id) {
    return MediaEvent.newBuilder()
        .setId(id)
        .setText("caption of " + id)
        .setMetadata(Map.of("k", id))
        .build();
  }

  private static byte[] frame(int id, Schema writer, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** Counts registrations so tests can see the serializer's cache at work. */
  private static final class CountingRegistry implements SchemaRegistryClient {
    private final InMemorySchemaRegistryClient inMemory;
    private final AtomicInteger registrations = new AtomicInteger();

    CountingRegistry(InMemorySchemaRegistryClient inMemory) {
      this.inMemory = inMemory;
    }

    @Override
    public Schema schemaById(int id) {
      return inMemory.schemaById(id);
    }

    @Override
    public int register(String subject, Schema schema) {
      registrations.incrementAndGet();
      return inMemory.register(subject, schema);
    }
  }
}
