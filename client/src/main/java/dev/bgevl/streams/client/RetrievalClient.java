package dev.bgevl.streams.client;

import dev.bgevl.streams.schemas.retrieval.ReplyHeaders;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends retrieval requests and completes each one's future when its reply arrives, matched by the
 * {@code kafka_correlationId} header. One reply consumer serves every request in flight.
 *
 * <p>The consumer reads every partition of the reply topic without a consumer group, from the end
 * as of construction, so many clients can share one reply topic. Thread-safe.
 */
public final class RetrievalClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetrievalClient.class);

  private final KafkaProducer<String, RetrievalRequest> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Serde<RetrievalReply> replies;
  private final String requestTopic;
  private final String replyTopic;
  private final boolean customReplyTopic;
  private final Map<String, CompletableFuture<RetrievalReply>> pending = new ConcurrentHashMap<>();
  private final Thread poller;
  private volatile boolean running = true;

  /**
   * @param kafka client properties (bootstrap servers at least)
   * @param replyTopic where replies come; when it differs from the service's default it is sent as
   *     {@code reply_to}
   * @param defaultReplyTopic the service's default reply topic
   */
  public RetrievalClient(
      Properties kafka,
      String requestTopic,
      String replyTopic,
      String defaultReplyTopic,
      Serde<RetrievalRequest> requests,
      Serde<RetrievalReply> replies) {
    this(
        kafka,
        requestTopic,
        replyTopic,
        defaultReplyTopic,
        requests,
        replies,
        RecordLimits.DEFAULT);
  }

  /**
   * @param limits the service's record limit: the producer is sized to send requests up to it,
   *     compressed (properties in {@code kafka} win)
   */
  public RetrievalClient(
      Properties kafka,
      String requestTopic,
      String replyTopic,
      String defaultReplyTopic,
      Serde<RetrievalRequest> requests,
      Serde<RetrievalReply> replies,
      RecordLimits limits) {
    this.requestTopic = Objects.requireNonNull(requestTopic, "requestTopic");
    this.replyTopic = Objects.requireNonNull(replyTopic, "replyTopic");
    this.customReplyTopic = !replyTopic.equals(defaultReplyTopic);
    this.replies = replies;
    Properties p = limits.withProducerDefaults(kafka);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // a request waits for its reply: batching requests up (Kafka's 5 ms default) only adds latency
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), requests.serializer());
    Properties c = new Properties();
    c.putAll(kafka);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.putAll(limits.consumerDefaults(kafka));
    this.consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(replyTopic, Duration.ofSeconds(30)).stream()
            .map(info -> new TopicPartition(info.topic(), info.partition()))
            .toList();
    if (partitions.isEmpty()) {
      close();
      throw new IllegalStateException("reply topic '" + replyTopic + "' does not exist");
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    // resolve positions now: a reply that arrives before the first poll must not be skipped
    partitions.forEach(consumer::position);
    this.poller = new Thread(this::pollReplies, "retrieval-client-replies");
    poller.setDaemon(true);
    poller.start();
  }

  /** Sends {@code request}; the future completes with its reply. */
  public CompletableFuture<RetrievalReply> send(RetrievalRequest request) {
    String id = request.getRequestId();
    if (customReplyTopic && request.getReplyTo() == null) {
      request = RetrievalRequest.newBuilder(request).setReplyTo(replyTopic).build();
    }
    CompletableFuture<RetrievalReply> future = new CompletableFuture<>();
    if (pending.putIfAbsent(id, future) != null) {
      throw new IllegalArgumentException("request id '" + id + "' is already in flight");
    }
    ProducerRecord<String, RetrievalRequest> record =
        new ProducerRecord<>(requestTopic, id, request);
    record.headers().add(ReplyHeaders.CORRELATION_ID, id.getBytes(StandardCharsets.UTF_8));
    producer.send(
        record,
        (metadata, error) -> {
          if (error != null) {
            pending.remove(id);
            future.completeExceptionally(error);
          }
        });
    return future.whenComplete((reply, error) -> pending.remove(id));
  }

  /** Sends {@code request} and waits for its reply. */
  public RetrievalReply query(RetrievalRequest request, Duration timeout)
      throws TimeoutException, InterruptedException {
    CompletableFuture<RetrievalReply> future = send(request);
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new TimeoutException(
          "no reply to request '"
              + request.getRequestId()
              + "' within "
              + timeout.toMillis()
              + " ms (is the service running and reading "
              + requestTopic
              + "?)");
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "request '" + request.getRequestId() + "' failed: " + e.getCause(), e.getCause());
    }
  }

  private void pollReplies() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Header h = record.headers().lastHeader(ReplyHeaders.CORRELATION_ID);
          String id =
              h != null
                  ? new String(h.value(), StandardCharsets.UTF_8)
                  : record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
          CompletableFuture<RetrievalReply> future = id == null ? null : pending.get(id);
          if (future == null) {
            continue;
          }
          try {
            future.complete(replies.deserializer().deserialize(record.topic(), record.value()));
          } catch (RuntimeException e) {
            future.completeExceptionally(e);
          }
        }
      }
    } catch (WakeupException e) {
      // close() wakes the poller up
    } catch (RuntimeException e) {
      log.error("Reply consumer failed; pending requests fail", e);
      pending.values().forEach(f -> f.completeExceptionally(e));
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  @Override
  public void close() {
    running = false;
    if (poller != null) {
      consumer.wakeup();
      try {
        poller.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
    producer.close(Duration.ofSeconds(5));
  }
}
