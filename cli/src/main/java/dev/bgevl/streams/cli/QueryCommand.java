package dev.bgevl.streams.cli;

import dev.bgevl.streams.client.RetrievalClient;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalHit;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bgevl query}: one retrieval request, its reply printed as a table of ranked hits. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description =
        "Ask for the images closest to a text, an image, or an image modified by a text; print the ranked hits.")
final class QueryCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ClientOptions client = new ClientOptions();

  @Option(names = "--text", description = "Query text, or the modification of a composed query.")
  String text;

  @Option(names = "--image", description = "Query image file.")
  Path image;

  @Option(
      names = "--instruction",
      description = "Task instruction (MLLM models; the CLIP models ignore it).")
  String instruction;

  @Option(
      names = "--top-k",
      defaultValue = "10",
      description = "Number of hits, 1..1000 (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--filter",
      description = "Metadata filter, e.g. 'colour == \"red\" and not (shape in [\"star\"])'.")
  String filter;

  @Option(
      names = "--timeout",
      defaultValue = "PT30S",
      description = "How long to wait for the reply, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--topics.requests",
      defaultValue = "retrieval-requests",
      description = "Request topic (default: ${DEFAULT-VALUE}).")
  String requestTopic;

  @Option(
      names = "--topics.replies",
      defaultValue = "retrieval-replies",
      description = "The service's default reply topic (default: ${DEFAULT-VALUE}).")
  String defaultReplyTopic;

  @Option(
      names = "--reply-to",
      description = "Ask for the reply on this topic (must be allowed by the service).")
  String replyTo;

  @Override
  public Integer call() throws Exception {
    if (text == null && image == null) {
      throw new IllegalArgumentException("give --text, --image or both");
    }
    RetrievalRequest request =
        RetrievalRequest.newBuilder()
            .setRequestId(UUID.randomUUID().toString())
            .setText(text)
            .setImage(image == null ? null : ByteBuffer.wrap(Files.readAllBytes(image)))
            .setInstruction(instruction)
            .setTopK(topK)
            .setFilter(filter)
            .setDeadline(Instant.now().plus(timeout))
            .build();
    SerdeConfig serdes = client.serdes();
    RetrievalReply reply;
    try (RetrievalClient rc =
        new RetrievalClient(
            client.kafka(),
            requestTopic,
            replyTo == null ? defaultReplyTopic : replyTo,
            defaultReplyTopic,
            BgevlSerde.of(RetrievalRequest.class, serdes),
            BgevlSerde.of(RetrievalReply.class, serdes),
            client.recordLimits())) {
      reply = rc.query(request, timeout);
    }
    print(reply, spec.commandLine().getOut());
    return reply.getStatus() == ReplyStatus.OK ? 0 : 1;
  }

  static void print(RetrievalReply reply, PrintWriter out) {
    if (reply.getStatus() != ReplyStatus.OK) {
      out.printf("%s: %s%n", reply.getStatus(), reply.getError());
      out.flush();
      return;
    }
    out.printf("%-4s %-32s %8s  %-40s %s%n", "rank", "id", "score", "text", "metadata");
    int rank = 1;
    for (RetrievalHit hit : reply.getHits()) {
      out.printf(
          "%-4d %-32s %8.4f  %-40s %s%n",
          rank++,
          clip(hit.getId(), 32),
          hit.getScore(),
          clip(hit.getText() == null ? "" : hit.getText(), 40),
          hit.getMetadata());
    }
    int hits = reply.getHits().size();
    out.printf(
        "%d %s, model %s, %d ms%n",
        hits, hits == 1 ? "hit" : "hits", reply.getModel(), reply.getTookMs());
    out.flush();
  }

  private static String clip(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }
}
