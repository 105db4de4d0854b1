package dev.bgevl.streams.cli;

import dev.bgevl.streams.schemas.media.EmbedMode;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaOp;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bgevl produce}: image files or folders (and captions, metadata) to media-events; or
 * deletes.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description =
        "Send image files (or every image in a folder) to media-events, one UPSERT each, id = file name without extension.")
final class ProduceCommand implements Callable<Integer> {

  static final Set<String> IMAGE_EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

  @Spec CommandSpec spec;

  @Mixin ClientOptions client = new ClientOptions();

  @Option(
      names = "--topics.media-events",
      defaultValue = "media-events",
      description = "Topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--caption",
      description =
          "Caption stored (and, with --embed TEXT or IMAGE_TEXT, embedded) with every image.")
  String caption;

  @Option(
      names = "--captions",
      description = "Tab-separated file: image file name, caption; one per line.")
  Path captionsFile;

  @Option(names = "--metadata", description = "Metadata key=value for every event; repeatable.")
  Map<String, String> metadata = new LinkedHashMap<>();

  @Option(
      names = "--embed",
      defaultValue = "AUTO",
      description = "AUTO, IMAGE, TEXT or IMAGE_TEXT (default: ${DEFAULT-VALUE}).")
  EmbedMode embed;

  @Option(names = "--id-prefix", defaultValue = "", description = "Prefix of every media id.")
  String idPrefix;

  @Option(
      names = "--delete",
      description = "Send DELETE events for these media ids instead of images; repeatable.")
  List<String> deletes = new ArrayList<>();

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "Image files or folders.")
  List<Path> paths = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    ProduceReport report = new ProduceReport();
    List<Path> files = imageFiles(report);
    if (files.isEmpty() && deletes.isEmpty()) {
      report.printSkipped(spec.commandLine().getErr());
      throw new IllegalArgumentException(
          "nothing to send: give image files or folders, or --delete ID");
    }
    Map<String, String> captions = captions();
    var props = client.producer();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // one request at a time: a batch the broker refuses (a topic with a smaller max.message.bytes)
    // then fails alone,
    // instead of knocking the batches behind it out of sequence (OUT_OF_ORDER_SEQUENCE_NUMBER
    // retries and warnings)
    props.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    int limit = client.recordLimits().maxRecordBytes();
    Serializer<MediaEvent> serializer =
        BgevlSerde.of(MediaEvent.class, client.serdes()).serializer();
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        ProgressBar bar =
            new ProgressBarBuilder()
                .setTaskName("produce")
                .setInitialMax(files.size() + deletes.size())
                .setStyle(ProgressBarStyle.ASCII)
                .build()) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String id = idPrefix + name.substring(0, name.lastIndexOf('.'));
        byte[] image;
        try {
          image = Files.readAllBytes(file);
        } catch (IOException e) {
          report.failed(file.toString(), "cannot read: " + e.getMessage());
          continue;
        }
        MediaEvent event =
            MediaEvent.newBuilder()
                .setId(id)
                .setOp(MediaOp.UPSERT)
                .setImage(ByteBuffer.wrap(image))
                .setImageUri(file.toAbsolutePath().toUri().toString())
                .setText(captions.getOrDefault(name, caption))
                .setEmbed(embed)
                .setMetadata(Map.copyOf(metadata))
                .setEventTime(Instant.now())
                .build();
        send(producer, serializer, id, event, file.toString(), limit, report, bar);
      }
      for (String id : deletes) {
        MediaEvent event = MediaEvent.newBuilder().setId(id).setOp(MediaOp.DELETE).build();
        send(producer, serializer, id, event, "delete " + id, limit, report, bar);
      }
      producer.flush();
    }
    report.print(spec.commandLine().getOut(), spec.commandLine().getErr(), topic);
    return report.failures() == 0 ? 0 : 1;
  }

  /**
   * Sends one event unless its record is over the limit; the outcome lands in the report when the
   * broker answers.
   */
  private void send(
      KafkaProducer<byte[], byte[]> producer,
      Serializer<MediaEvent> serializer,
      String id,
      MediaEvent event,
      String what,
      int limit,
      ProduceReport report,
      ProgressBar bar) {
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    byte[] value;
    try {
      value = serializer.serialize(topic, event);
    } catch (RuntimeException e) {
      report.failed(what, "cannot serialize: " + e.getMessage());
      return;
    }
    long size = RecordLimits.sizeOf(key, value, null);
    if (size > limit) {
      // the service would refuse it (RECORD_TOO_LARGE): say so here, naming the file, and keep
      // going
      report.failed(
          what,
          "record is "
              + size
              + " bytes, over the "
              + limit
              + "-byte limit (--kafka.max-record-bytes); send it by image_uri instead");
      return;
    }
    producer.send(new ProducerRecord<>(topic, key, value), report.pending(what, () -> bar.step()));
  }

  /**
   * Image files of the arguments; what a folder holds that is not an image is reported as skipped.
   */
  private List<Path> imageFiles(ProduceReport report) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path child : s.sorted().toList()) {
            if (Files.isDirectory(child)) {
              report.skipped(child.toString(), "a folder (folders are not searched recursively)");
            } else if (isImage(child)) {
              out.add(child);
            } else {
              report.skipped(
                  child.toString(),
                  "not an image file name (" + String.join(", ", sortedExtensions()) + ")");
            }
          }
        }
      } else if (Files.isRegularFile(p)) {
        out.add(p);
      } else {
        throw new IllegalArgumentException("no such file or folder: " + p);
      }
    }
    return out;
  }

  private static List<String> sortedExtensions() {
    return IMAGE_EXTENSIONS.stream().sorted().map(e -> "." + e).toList();
  }

  private static boolean isImage(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return Files.isRegularFile(p)
        && dot > 0
        && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private Map<String, String> captions() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (captionsFile == null) {
      return out;
    }
    for (String line : Files.readAllLines(captionsFile)) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        out.put(line.substring(0, tab).trim(), line.substring(tab + 1).trim());
      }
    }
    return out;
  }
}
