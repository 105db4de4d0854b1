package dev.bgevl.streams.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.embedded.testkit.KafkaTestCluster;
import dev.bgevl.streams.ingest.IngestConfig;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.testkit.IngestTestServices;
import dev.bgevl.streams.testkit.MediaEvents;
import dev.bgevl.streams.testkit.MilvusExtension;
import dev.bgevl.streams.thumbnails.ThumbnailLookup;
import dev.bgevl.streams.topics.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances in one group split the thumbnail store's partitions; each answers {@code GET
 * /thumbnails/<id>} for every id, its own from its store and the other's by asking the owner, with
 * the same bytes; a DELETE removes the thumbnail from both.
 */
class ThumbnailsAcrossInstancesIT {

  @RegisterExtension static final KafkaTestCluster KAFKA = new KafkaTestCluster();

  @RegisterExtension static final MilvusExtension MILVUS = new MilvusExtension();

  static final Duration WAIT = Duration.ofSeconds(60);
  static final Duration POLL = Duration.ofMillis(200);
  static final int PARTITIONS = 4;
  static final WebConfig ANY_PORT = new WebConfig(0, "localhost", Duration.ofSeconds(10));

  @TempDir Path temp;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldServeEveryThumbnailFromEitherInstance() throws Exception {
    Topics topics = IngestTestServices.topics("thumbs");
    MilvusConfig milvus = MILVUS.config().withCollectionPrefix("thumbs_");
    // odd numbers: events with an image; ids may hold what a path must escape
    List<String> ids =
        IntStream.range(0, 16)
            .mapToObj(i -> "t-" + (2 * i + 1) + (i % 4 == 3 ? "/a b%2F+é" : ""))
            .toList();
    try (ServiceWithPage a = ServiceWithPage.start(config(milvus, topics, "a"), ANY_PORT);
        ServiceWithPage b = ServiceWithPage.start(config(milvus, topics, "b"), ANY_PORT)) {
      MediaEvents.produce(
          KAFKA.bootstrapServers(),
          topics.mediaEvents(),
          IntStream.range(0, ids.size())
              .mapToObj(i -> MediaEvents.upsert(ids.get(i), 2 * i + 1, "caption " + i))
              .toList());
      for (String id : ids) {
        await("both instances serve the thumbnail of " + id)
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(() -> status(a, id) == 200 && status(b, id) == 200);
        assertArrayEquals(get(a, id).body(), get(b, id).body(), "the same JPEG from both: " + id);
      }
      // the split is real: each instance named the other as the owner of some id it then served
      assertFalse(
          ids.stream()
              .filter(id -> a.service().thumbnails().find(id) instanceof ThumbnailLookup.Elsewhere)
              .toList()
              .isEmpty(),
          "A forwarded some ids to B");
      assertFalse(
          ids.stream()
              .filter(id -> b.service().thumbnails().find(id) instanceof ThumbnailLookup.Elsewhere)
              .toList()
              .isEmpty(),
          "B forwarded some ids to A");

      String gone = ids.get(0);
      MediaEvents.produce(
          KAFKA.bootstrapServers(), topics.mediaEvents(), List.of(MediaEvents.delete(gone)));
      await("the deleted thumbnail is gone from both")
          .atMost(WAIT)
          .pollInterval(POLL)
          .until(() -> status(a, gone) == 404 && status(b, gone) == 404);
      assertEquals(200, status(a, ids.get(1)), "the others stay");
      assertEquals(200, status(b, ids.get(1)), "the others stay");
    }
  }

  private ServiceConfig config(MilvusConfig milvus, Topics topics, String instance) {
    // same application id, so one group; each instance its own state folder, as on its own machine
    return IngestTestServices.config(
        "thumbs",
        KAFKA.bootstrapServers(),
        milvus,
        temp.resolve(instance),
        topics,
        PARTITIONS,
        (short) 1,
        IngestConfig.DEFAULT);
  }

  private int status(ServiceWithPage instance, String id) throws IOException, InterruptedException {
    return get(instance, id).statusCode();
  }

  private HttpResponse<byte[]> get(ServiceWithPage instance, String id)
      throws IOException, InterruptedException {
    URI uri =
        URI.create(
            "http://localhost:"
                + instance.webPort()
                + "/thumbnails/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
    return http.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
