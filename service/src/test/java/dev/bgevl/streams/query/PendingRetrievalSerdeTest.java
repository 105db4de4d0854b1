package dev.bgevl.streams.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PendingRetrievalSerdeTest {

  private final PendingRetrievalSerde serde = new PendingRetrievalSerde();

  @Test
  void shouldRoundTripAPendingRequest() {
    RetrievalRequest request =
        RetrievalRequest.newBuilder()
            .setRequestId("r-1")
            .setText("make it dark")
            .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .setTopK(7)
            .setFilter("colour == \"red\"")
            .setDeadline(Instant.ofEpochMilli(1_800_000_000_000L))
            .build();
    PendingRetrieval in =
        new PendingRetrieval(
            "r-1", 123L, "corr".getBytes(StandardCharsets.UTF_8), "replies", request);
    assertEquals(in, serde.deserializer().deserialize("c", serde.serializer().serialize("c", in)));
  }

  @Test
  void shouldKeepAMissingCorrelationIdMissing() {
    PendingRetrieval in =
        new PendingRetrieval(
            "r-2",
            1L,
            null,
            "replies",
            RetrievalRequest.newBuilder().setRequestId("r-2").setText("x").build());
    assertNull(
        serde
            .deserializer()
            .deserialize("c", serde.serializer().serialize("c", in))
            .correlationId());
  }
}
