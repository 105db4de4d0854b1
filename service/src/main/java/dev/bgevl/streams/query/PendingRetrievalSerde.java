package dev.bgevl.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.AvroJsonCodec;
import java.io.IOException;
import java.util.Base64;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON for the {@code query-pending} store and its changelog: an internal format, so it needs no
 * schema registry; the request inside is the contract's own JSON.
 */
final class PendingRetrievalSerde implements Serde<PendingRetrieval> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final AvroJsonCodec<RetrievalRequest> requests = AvroJsonCodec.of(RetrievalRequest.class);

  @Override
  public Serializer<PendingRetrieval> serializer() {
    return (topic, p) -> {
      if (p == null) {
        return null;
      }
      ObjectNode node =
          JSON.createObjectNode()
              .put("request_id", p.requestId())
              .put("received_at", p.receivedAt())
              .put("reply_topic", p.replyTopic());
      if (p.correlationId() != null) {
        node.put("correlation_id", Base64.getEncoder().encodeToString(p.correlationId()));
      }
      node.set("request", requests.toTree(p.request()));
      try {
        return JSON.writeValueAsBytes(node);
      } catch (IOException e) {
        throw new SerializationException("Cannot write pending retrieval " + p.requestId(), e);
      }
    };
  }

  @Override
  public Deserializer<PendingRetrieval> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        JsonNode node = JSON.readTree(bytes);
        JsonNode correlation = node.get("correlation_id");
        return new PendingRetrieval(
            node.get("request_id").asText(),
            node.get("received_at").asLong(),
            correlation == null ? null : Base64.getDecoder().decode(correlation.asText()),
            node.get("reply_topic").asText(),
            requests.fromTree(node.get("request")));
      } catch (IOException | RuntimeException e) {
        throw new SerializationException(
            "Cannot read pending retrieval from " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
