package dev.bgevl.streams.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalHit;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class ReplySizeGuardTest {

  private final Serde<RetrievalReply> serde =
      BgevlSerde.of(RetrievalReply.class, SerdeConfig.json());

  private static RetrievalReply reply(int hits, int textBytes) {
    List<RetrievalHit> list = new ArrayList<>();
    for (int i = 0; i < hits; i++) {
      list.add(
          RetrievalHit.newBuilder()
              .setId("id-" + i)
              .setScore(1f - i / 1000f)
              .setText("t".repeat(textBytes))
              .setMetadata(Map.of())
              .build());
    }
    return RetrievalReply.newBuilder()
        .setRequestId("r")
        .setStatus(ReplyStatus.OK)
        .setHits(list)
        .setModel("m")
        .setTookMs(1)
        .build();
  }

  @Test
  void shouldLeaveAReplyThatFitsUntouched() {
    RetrievalReply small = reply(10, 100);
    byte[] bytes =
        ReplySizeGuard.serialize(
            serde.serializer(), "replies", new RecordHeaders(), small, 1 << 20);
    assertArrayEquals(serde.serializer().serialize("replies", small), bytes);
  }

  @Test
  void shouldKeepTheBestHitsThatFitAndSaySo() {
    RetrievalReply big = reply(1000, 8192);
    int limit = 1 << 20;
    byte[] bytes =
        ReplySizeGuard.serialize(serde.serializer(), "replies", new RecordHeaders(), big, limit);
    assertTrue(bytes.length <= limit, "fits: " + bytes.length);
    RetrievalReply cut = serde.deserializer().deserialize("replies", bytes);
    assertEquals(ReplyStatus.OK, cut.getStatus());
    assertTrue(
        cut.getHits().size() > 50 && cut.getHits().size() < 1000, "kept " + cut.getHits().size());
    assertEquals("id-0", cut.getHits().get(0).getId(), "the best hits stay");
    assertTrue(
        cut.getError().startsWith("reply cut from 1000 to " + cut.getHits().size() + " hits"),
        cut.getError());
  }
}
