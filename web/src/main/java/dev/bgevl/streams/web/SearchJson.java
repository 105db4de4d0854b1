package dev.bgevl.streams.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgevl.streams.schemas.retrieval.RetrievalHit;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

/**
 * The page's JSON: a search form in, a reply out. The request is only shaped here; what it means
 * (top-k bounds, the filter language, an undecodable image) is the service's to judge, so the page
 * shows the same status and message a Kafka client gets.
 */
final class SearchJson {

  /** What a search body may hold; anything else is a typo the caller should hear about. */
  static final Set<String> FIELDS = Set.of("text", "instruction", "image", "filter", "topK");

  static final int DEFAULT_TOP_K = 12;

  private static final ObjectMapper JSON = new ObjectMapper();

  private SearchJson() {}

  /** Thrown when the body is not a search the service could be asked. */
  static final class BadSearchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadSearchException(String message) {
      super(message);
    }
  }

  /**
   * The request for {@code body}: {@code {"text", "instruction", "image" (base64, a data URL prefix
   * allowed), "filter", "topK"}}, all optional.
   */
  static RetrievalRequest request(byte[] body, String requestId, Instant deadline) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadSearchException("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadSearchException("the body is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadSearchException("the body must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadSearchException("unknown field '" + name + "'; known: " + FIELDS);
      }
    }
    RetrievalRequest.Builder request =
        RetrievalRequest.newBuilder()
            .setRequestId(requestId)
            .setText(text(root, "text"))
            .setInstruction(text(root, "instruction"))
            .setFilter(text(root, "filter"))
            .setDeadline(deadline);
    String image = text(root, "image");
    if (image != null) {
      request.setImage(ByteBuffer.wrap(base64(image)));
    }
    JsonNode topK = root.get("topK");
    if (topK == null || topK.isNull()) {
      request.setTopK(DEFAULT_TOP_K);
    } else if (topK.canConvertToInt() && topK.isIntegralNumber()) {
      request.setTopK(topK.intValue());
    } else {
      throw new BadSearchException("topK must be an integer");
    }
    return request.build();
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new BadSearchException(field + " must be a string");
    }
    String value = node.textValue();
    return value.isBlank() ? null : value;
  }

  private static byte[] base64(String image) {
    int comma = image.startsWith("data:") ? image.indexOf(',') : -1;
    try {
      // the strict decoder: the MIME one skips what is not base64 and would send a mangled image
      String encoded = (comma < 0 ? image : image.substring(comma + 1)).replaceAll("\\s", "");
      return Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new BadSearchException("image must be base64: " + e.getMessage());
    }
  }

  /** The reply as the page reads it; {@code roundTripMs} is what this instance waited for it. */
  static String reply(RetrievalReply reply, long roundTripMs) {
    ObjectNode out = JSON.createObjectNode();
    out.put("requestId", reply.getRequestId());
    out.put("status", reply.getStatus().name());
    out.put("error", reply.getError());
    out.put("model", reply.getModel());
    out.put("tookMs", reply.getTookMs());
    out.put("roundTripMs", roundTripMs);
    ArrayNode hits = out.putArray("hits");
    for (RetrievalHit hit : reply.getHits()) {
      ObjectNode h = hits.addObject();
      h.put("id", hit.getId());
      h.put("score", hit.getScore());
      h.put("text", hit.getText());
      h.put("imageUri", hit.getImageUri());
      ObjectNode metadata = h.putObject("metadata");
      hit.getMetadata().forEach(metadata::put);
    }
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reply always serializes", e);
    }
  }

  /** {@code s} as the inside of a JSON string. */
  static String escape(String s) {
    String quoted = JSON.getNodeFactory().textNode(s).toString();
    return quoted.substring(1, quoted.length() - 1);
  }
}
