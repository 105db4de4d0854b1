package dev.bgevl.streams.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalHit;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page's JSON in and out: shapes only; what a request means is the service's to judge. */
class SearchJsonTest {

  static final Instant DEADLINE = Instant.parse("2026-12-02T04:00:00Z");

  static RetrievalRequest parse(String json) {
    return SearchJson.request(json.getBytes(StandardCharsets.UTF_8), "r1", DEADLINE);
  }

  @Test
  void shouldCarryEveryFieldOfTheFormIntoTheRequest() {
    byte[] image = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
    RetrievalRequest request =
        parse(
            "{\"text\":\"make it dark\",\"instruction\":\"find it\",\"filter\":\"album == \\\"trip\\\"\","
                + "\"topK\":5,\"image\":\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(image)
                + "\"}");
    assertEquals("r1", request.getRequestId());
    assertEquals("make it dark", request.getText());
    assertEquals("find it", request.getInstruction());
    assertEquals("album == \"trip\"", request.getFilter());
    assertEquals(5, request.getTopK());
    assertArrayEquals(image, request.getImage().array());
    assertEquals(
        DEADLINE, request.getDeadline(), "the service stops working once the page gave up");
    assertNull(request.getReplyTo(), "the default reply topic");
  }

  @Test
  void shouldTreatBlankFieldsAsAbsentAndDefaultTopK() {
    RetrievalRequest request = parse("{\"text\":\"  \",\"filter\":\"\",\"topK\":null}");
    assertNull(request.getText());
    assertNull(request.getFilter());
    assertNull(request.getImage());
    assertEquals(SearchJson.DEFAULT_TOP_K, request.getTopK());
  }

  @Test
  void shouldPassAnOutOfRangeTopKOnForTheServiceToRefuse() {
    assertEquals(0, parse("{\"text\":\"x\",\"topK\":0}").getTopK());
  }

  @Test
  void shouldRefuseWhatIsNoSearch() {
    for (String bad :
        List.of(
            "not json",
            "[1]",
            "{\"txt\":\"typo\"}",
            "{\"topK\":\"five\"}",
            "{\"topK\":2.5}",
            "{\"text\":42}",
            "{\"image\":\"***\"}")) {
      assertThrows(SearchJson.BadSearchException.class, () -> parse(bad), bad);
    }
  }

  @Test
  void shouldWriteTheReplyAsThePageReadsIt() throws Exception {
    RetrievalReply reply =
        RetrievalReply.newBuilder()
            .setRequestId("r1")
            .setStatus(ReplyStatus.OK)
            .setModel("bge-vl-base")
            .setTookMs(42)
            .setHits(
                List.of(
                    RetrievalHit.newBuilder()
                        .setId("a/b \"c\"")
                        .setScore(0.75f)
                        .setText("a red circle")
                        .setMetadata(Map.of("album", "trip"))
                        .build()))
            .build();
    JsonNode json = new ObjectMapper().readTree(SearchJson.reply(reply, 57));
    assertEquals("OK", json.get("status").asText());
    assertTrue(json.get("error").isNull());
    assertEquals(42, json.get("tookMs").asLong());
    assertEquals(57, json.get("roundTripMs").asLong());
    JsonNode hit = json.get("hits").get(0);
    assertEquals("a/b \"c\"", hit.get("id").asText());
    assertEquals(0.75, hit.get("score").asDouble(), 1e-6);
    assertEquals("trip", hit.get("metadata").get("album").asText());
  }

  @Test
  void shouldEscapeErrorMessagesIntoValidJson() throws Exception {
    JsonNode json =
        new ObjectMapper()
            .readTree(WebResponse.error(400, "INVALID_REQUEST", "bad \"x\"\n\\").body());
    assertEquals("bad \"x\"\n\\", json.get("error").asText());
  }
}
