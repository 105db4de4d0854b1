package dev.bgevl.streams.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances in one group split the thumbnail store's partitions; each answers {@code GET
 * /thumbnails/<id>} for every id, its own from its store and the other's by asking the owner, with
 * the bytes the first instance served before the second joined; a DELETE removes the thumbnail from
 * both.
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
    try (ServiceWithPage a = ServiceWithPage.start(config(milvus, topics, "a"), ANY_PORT)) {
      MediaEvents.produce(
          KAFKA.bootstrapServers(),
          topics.mediaEvents(),
          IntStream.range(0, ids.size())
              .mapToObj(i -> MediaEvents.upsert(ids.get(i), 2 * i + 1, "caption " + i))
              .toList());
      Map<String, byte[]> fromA = new HashMap<>();
      for (String id : ids) {
        await("A alone serves the thumbnail of " + id)
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(() -> served(get(a, id), body -> fromA.put(id, body)));
      }
      // B joins while A serves: partitions move to B, whose stores restore from the changelog;
      // meanwhile either instance may answer 503 (retry), so both answers come from one poll
      try (ServiceWithPage b = ServiceWithPage.start(config(milvus, topics, "b"), ANY_PORT)) {
        for (String id : ids) {
          AtomicReference<byte[]> nowA = new AtomicReference<>();
          AtomicReference<byte[]> nowB = new AtomicReference<>();
          await("both instances serve the thumbnail of " + id)
              .atMost(WAIT)
              .pollInterval(POLL)
              .until(() -> served(get(a, id), nowA::set) && served(get(b, id), nowB::set));
          assertArrayEquals(fromA.get(id), nowA.get(), "A's JPEG unchanged: " + id);
          assertArrayEquals(fromA.get(id), nowB.get(), "the same JPEG from B: " + id);
        }
        // the split is real: each instance names the other as the owner of some id it serves
        await("A forwards some ids to B")
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(
                () ->
                    ids.stream().anyMatch(id -> owner(a, id) instanceof ThumbnailLookup.Elsewhere));
        await("B forwards some ids to A")
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(
                () ->
                    ids.stream().anyMatch(id -> owner(b, id) instanceof ThumbnailLookup.Elsewhere));

        String gone = ids.get(0);
        MediaEvents.produce(
            KAFKA.bootstrapServers(), topics.mediaEvents(), List.of(MediaEvents.delete(gone)));
        await("the deleted thumbnail is gone from both")
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(() -> status(a, gone) == 404 && status(b, gone) == 404);
        String kept = ids.get(1);
        await("the others stay on both")
            .atMost(WAIT)
            .pollInterval(POLL)
            .until(() -> status(a, kept) == 200 && status(b, kept) == 200);
      }
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

  /** Whether the answer is a thumbnail; if so, hands its bytes on. */
  private static boolean served(HttpResponse<byte[]> answer, Consumer<byte[]> bytes) {
    if (answer.statusCode() != 200) {
      return false;
    }
    bytes.accept(answer.body());
    return true;
  }

  private static ThumbnailLookup owner(ServiceWithPage instance, String id) {
    return instance.service().thumbnails().find(id);
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
