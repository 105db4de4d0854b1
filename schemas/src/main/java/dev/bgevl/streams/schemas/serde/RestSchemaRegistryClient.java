package dev.bgevl.streams.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.commons.lang3.StringUtils;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over the Confluent REST API ({@code GET /schemas/ids/{id}}, {@code
 * POST /subjects/{subject}/versions}); it does not cache, wrap it in {@link
 * CachingSchemaRegistryClient}.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
  private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_ERROR_BODY = 200;

  private final SchemaRegistryConfig config;
  private final String baseUrl;
  private final HttpClient http;

  /** A client for the registry {@code config} describes. */
  public RestSchemaRegistryClient(SchemaRegistryConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    String url = config.url().toString();
    this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    // redirects could carry credentials elsewhere; a registry behind a redirect is a configuration
    // error
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public Schema schemaById(int id) {
    Answer answer = send(request("/schemas/ids/" + id).GET());
    if (answer.status() == 404) {
      throw new SerializationException(
          "Unknown schema id "
              + id
              + ": the schema registry at "
              + baseUrl
              + " has no such schema ("
              + answer.describeError()
              + ")");
    }
    JsonNode body = answer.requireOk("schema id " + id);
    String type = body.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SchemaRegistryException(
          "Schema id " + id + " is a " + type + " schema, not AVRO", answer.status(), 0);
    }
    JsonNode text = body.path("schema");
    if (!text.isTextual()) {
      throw new SchemaRegistryException(
          "Answer for schema id " + id + " has no 'schema' string", answer.status(), 0);
    }
    try {
      return new Schema.Parser().parse(text.textValue());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          "Schema id " + id + " from " + baseUrl + " is not valid Avro: " + e.getMessage(),
          answer.status(),
          e);
    }
  }

  @Override
  public int register(String subject, Schema schema) {
    String body = json(Map.of("schema", schema.toString()));
    Answer answer =
        send(
            request("/subjects/" + pathSegment(subject) + "/versions")
                .header("Content-Type", MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    JsonNode id = answer.requireOk("registering subject '" + subject + "'").path("id");
    if (!id.canConvertToInt() || !id.isIntegralNumber()) {
      throw new SchemaRegistryException(
          "Answer for subject '" + subject + "' has no integer 'id'", answer.status(), 0);
    }
    log.debug(
        "Registered schema subject={} name={} id={}", subject, schema.getFullName(), id.intValue());
    return id.intValue();
  }

  @Override
  public String toString() {
    return "RestSchemaRegistryClient[" + config + "]";
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(config.requestTimeout())
            .header("Accept", MEDIA_TYPE + ", application/json");
    config
        .basicAuth()
        .ifPresent(
            userInfo ->
                builder.header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(userInfo.getBytes(StandardCharsets.UTF_8))));
    return builder;
  }

  private Answer send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    String what = request.method() + " " + request.uri().getPath();
    try {
      HttpResponse<String> response =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(what, response.statusCode(), response.body());
    } catch (IOException e) {
      throw new SchemaRegistryUnavailableException(
          "Schema registry at "
              + baseUrl
              + " is unreachable: "
              + what
              + " failed with "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          e);
    } catch (InterruptedException e) {
      // InterruptException sets the thread's interrupt flag again
      throw new InterruptException("Interrupted while waiting for the schema registry: " + what, e);
    }
  }

  private static String pathSegment(String subject) {
    if (StringUtils.isBlank(subject)) {
      throw new IllegalArgumentException("Schema registry subject must not be blank");
    }
    // URLEncoder encodes for forms; a path segment wants %20 for a space
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write a registry request", e);
    }
  }

  /** One HTTP answer and what it means for the caller. */
  private record Answer(String what, int status, String body) {

    JsonNode requireOk(String subjectOfRequest) {
      if (status >= 500 || status == 429) {
        throw new SchemaRegistryUnavailableException(
            "Schema registry failed on "
                + subjectOfRequest
                + " ("
                + what
                + "): "
                + describeError());
      }
      if (status / 100 != 2) {
        throw new SchemaRegistryException(
            "Schema registry refused " + subjectOfRequest + " (" + what + "): " + describeError(),
            status,
            json().path("error_code").asInt(0));
      }
      JsonNode json = json();
      if (!json.isObject()) {
        throw new SchemaRegistryException(
            "Schema registry answered "
                + what
                + " with HTTP "
                + status
                + " but no JSON object: "
                + StringUtils.abbreviate(body, MAX_ERROR_BODY),
            status,
            0);
      }
      return json;
    }

    String describeError() {
      JsonNode json = json();
      if (json.has("error_code") || json.has("message")) {
        return "HTTP "
            + status
            + ", error_code "
            + json.path("error_code").asInt(0)
            + ": "
            + json.path("message").asText("");
      }
      return "HTTP "
          + status
          + (StringUtils.isBlank(body)
              ? ""
              : ": " + StringUtils.abbreviate(body.strip(), MAX_ERROR_BODY));
    }

    private JsonNode json() {
      try {
        return body == null || body.isBlank() ? MissingNode.getInstance() : MAPPER.readTree(body);
      } catch (JsonProcessingException e) {
        return MissingNode.getInstance();
      }
    }
  }
}
