package dev.bgevl.streams.embedded.testkit;

import dev.bgevl.streams.schemas.serde.RecordLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real in-process KRaft Kafka cluster for one test class, over Kafka's own {@link
 * KafkaClusterTestKit}.
 *
 * <p>Register it as {@code @RegisterExtension static final KafkaTestCluster KAFKA = new
 * KafkaTestCluster();}: it starts before the first test of the class and closes after the last.
 * Node 0 is broker and controller; further brokers are broker-only, so stopping any broker never
 * stops the quorum.
 */
public final class KafkaTestCluster implements BeforeAllCallback, AfterAllCallback {

  private static final Logger log = LoggerFactory.getLogger(KafkaTestCluster.class);

  /** Bounds every wait on the cluster's own state: start, topic creation, broker restart. */
  public static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(60);

  private final int brokerCount;
  private final Map<String, String> brokerProperties;
  private KafkaClusterTestKit cluster;
  private Admin admin;

  /** One combined broker and controller. */
  public KafkaTestCluster() {
    this(1);
  }

  public KafkaTestCluster(int brokerCount) {
    this(brokerCount, Map.of());
  }

  /**
   * @param brokerCount brokers to start, at least 1
   * @param brokerProperties broker settings applied over the single-node defaults, e.g. to raise
   *     replication
   */
  public KafkaTestCluster(int brokerCount, Map<String, String> brokerProperties) {
    if (brokerCount < 1) {
      throw new IllegalArgumentException("brokerCount must be at least 1, was " + brokerCount);
    }
    this.brokerCount = brokerCount;
    this.brokerProperties = Map.copyOf(brokerProperties);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  /**
   * Formats and starts the cluster and waits until every broker is ready; {@link #beforeAll} calls
   * it.
   */
  public void start() throws Exception {
    if (cluster != null) {
      throw new IllegalStateException(
          "Kafka test cluster already started at " + cluster.bootstrapServers());
    }
    long startNanos = System.nanoTime();
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(brokerCount)
            // one voter is enough for tests and leaves the 2 cores to the code under test
            .setNumControllerNodes(1)
            // the release the embedded broker formats with, not the test kit's unstable latest
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    // Internal topics default to replication factor 3: with fewer brokers Streams (groups and
    // exactly_once_v2 transactions) would wait forever for them.
    builder.setConfigProp("offsets.topic.replication.factor", "1");
    builder.setConfigProp("transaction.state.log.replication.factor", "1");
    builder.setConfigProp("transaction.state.log.min.isr", "1");
    builder.setConfigProp("share.coordinator.state.topic.replication.factor", "1");
    builder.setConfigProp("share.coordinator.state.topic.min.isr", "1");
    // 50 partitions per internal topic cost seconds per test class for nothing
    builder.setConfigProp("offsets.topic.num.partitions", "1");
    builder.setConfigProp("transaction.state.log.num.partitions", "1");
    // no other member will join: the 3 s default only delays each Streams start
    builder.setConfigProp("group.initial.rebalance.delay.ms", "0");
    // tests create their topics like the app does; a typo must fail, not make a topic
    builder.setConfigProp("auto.create.topics.enable", "false");
    // A restarted broker is refused until its old registration's session expires (9 s by default);
    // 4 s still allows 8 missed heartbeats on a busy 2-core machine.
    builder.setConfigProp("broker.heartbeat.interval.ms", "500");
    builder.setConfigProp("broker.session.timeout.ms", "4000");
    brokerProperties.forEach(builder::setConfigProp);

    KafkaClusterTestKit started = builder.build();
    try {
      started.format();
      started.startup();
      started.waitForReadyBrokers();
      cluster = started;
      admin = started.admin();
      awaitBrokers(ids -> ids.size() == brokerCount, "all " + brokerCount + " brokers registered");
    } catch (Exception | Error e) {
      closeAfterFailedStart(started, e);
      throw e;
    }
    log.info(
        "Kafka test cluster started bootstrap={} brokers={} tookMs={}",
        bootstrapServers(),
        brokerCount,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /**
   * Closes the admin client and the cluster and deletes its directories; {@link #afterAll} calls
   * it.
   */
  public void close() throws Exception {
    if (cluster == null) {
      return;
    }
    KafkaClusterTestKit closing = cluster;
    cluster = null;
    Admin closingAdmin = admin;
    admin = null;
    long startNanos = System.nanoTime();
    try {
      closingAdmin.close(Duration.ofSeconds(10));
    } finally {
      closing.close();
    }
    log.info(
        "Kafka test cluster closed tookMs={}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /** {@code host:port,...} of every broker, for the clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return running().bootstrapServers();
  }

  /** The ids of all brokers, running or stopped. */
  public Set<Integer> brokerIds() {
    return Set.copyOf(running().brokers().keySet());
  }

  /**
   * Creates topics with one partition each and replication factor 1, and waits until they exist.
   */
  public void createTopics(String... names) {
    createTopics(1, names);
  }

  /** Creates topics with {@code partitions} partitions each and replication factor 1. */
  public void createTopics(int partitions, String... names) {
    createTopics(
        Arrays.stream(names).map(name -> new NewTopic(name, partitions, (short) 1)).toList());
  }

  /**
   * Creates topics exactly as given (replication, compaction, ...), and waits until every partition
   * has a leader.
   */
  public void createTopics(List<NewTopic> topics) {
    running();
    Set<String> names = topics.stream().map(NewTopic::name).collect(Collectors.toSet());
    try {
      admin.createTopics(topics).all().get(CLUSTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      awaitCondition(() -> allHaveLeaders(names), "leaders for " + names);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not create topics " + names, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics " + names, e);
    }
  }

  /**
   * Producer settings with byte-array serializers and {@code acks=all}; override the serializers
   * for other types.
   */
  public Properties producerProps() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // tests send records up to the service's default record limit, as real producers may
    props.putAll(RecordLimits.DEFAULT.producerDefaults(Map.of()));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  /**
   * Consumer settings with byte-array deserializers that read from the earliest offset and only
   * committed transactional records, as a downstream consumer of exactly-once output does.
   */
  public Properties consumerProps(String groupId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  /** {@link #consumeUntil(String, int, Duration, Deserializer, Deserializer)} with raw bytes. */
  public List<ConsumerRecord<byte[], byte[]>> consumeUntil(
      String topic, int count, Duration timeout) {
    return consumeUntil(
        topic, count, timeout, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Reads {@code topic} from the beginning, committed records only and without a consumer group,
   * until at least {@code count} records arrived; returns all it read, in partition order.
   *
   * @throws AssertionError when fewer than {@code count} records arrived within {@code timeout}
   */
  public <K, V> List<ConsumerRecord<K, V>> consumeUntil(
      String topic,
      int count,
      Duration timeout,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer) {
    Properties props = consumerProps("unused");
    // assign() instead of subscribe(): no group, no rebalance wait, no committed offsets left
    // behind
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer =
        new KafkaConsumer<>(props, keyDeserializer, valueDeserializer)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (records.size() < count && System.nanoTime() < deadline) {
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        consumer.poll(Duration.ofMillis(Math.min(remainingMs, 500))).forEach(records::add);
      }
    }
    if (records.size() < count) {
      throw new AssertionError(
          "Expected at least "
              + count
              + " records on "
              + topic
              + " within "
              + timeout.toMillis()
              + " ms, got "
              + records.size());
    }
    return records;
  }

  /**
   * Reads {@code topic} from the beginning until {@code count} records pass {@code match}; returns
   * those. Other tests may write the same topic: only the records a test can tell as its own count.
   *
   * @throws AssertionError when fewer matched within {@code timeout}
   */
  public List<ConsumerRecord<byte[], byte[]>> consumeMatching(
      String topic,
      int count,
      Duration timeout,
      java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> match) {
    Properties props = consumerProps("unused");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<byte[], byte[]>> matched = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (matched.size() < count && System.nanoTime() < deadline) {
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        for (ConsumerRecord<byte[], byte[]> r :
            consumer.poll(Duration.ofMillis(Math.min(remainingMs, 500)))) {
          if (match.test(r)) {
            matched.add(r);
          }
        }
      }
    }
    if (matched.size() < count) {
      throw new AssertionError(
          "Expected at least "
              + count
              + " matching records on "
              + topic
              + " within "
              + timeout.toMillis()
              + " ms, got "
              + matched.size());
    }
    return matched;
  }

  /** Shuts one broker down (controlled) and waits until the cluster no longer lists it. */
  public void shutdownBroker(int brokerId) {
    long startNanos = System.nanoTime();
    BrokerServer broker = broker(brokerId);
    broker.shutdown();
    broker.awaitShutdown();
    if (brokerCount > 1) {
      awaitBrokers(ids -> !ids.contains(brokerId), "broker " + brokerId + " gone");
    }
    log.info(
        "Kafka test broker stopped id={} tookMs={}",
        brokerId,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /**
   * Starts a broker stopped by {@link #shutdownBroker} and waits until the cluster lists it again.
   */
  public void startBroker(int brokerId) {
    long startNanos = System.nanoTime();
    broker(brokerId).startup();
    long startupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    awaitBrokers(ids -> ids.contains(brokerId), "broker " + brokerId + " back");
    log.info(
        "Kafka test broker started id={} startupMs={} tookMs={}",
        brokerId,
        startupMs,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  private BrokerServer broker(int brokerId) {
    BrokerServer broker = running().brokers().get(brokerId);
    if (broker == null) {
      throw new IllegalArgumentException("No broker " + brokerId + "; brokers are " + brokerIds());
    }
    return broker;
  }

  private KafkaClusterTestKit running() {
    if (cluster == null) {
      throw new IllegalStateException(
          "Kafka test cluster is not running; register it with @RegisterExtension "
              + "on a static field, or call start()");
    }
    return cluster;
  }

  private boolean allHaveLeaders(Set<String> names) throws Exception {
    Map<String, TopicDescription> descriptions =
        admin
            .describeTopics(names)
            .allTopicNames()
            .get(CLUSTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return descriptions.values().stream()
        .flatMap(description -> description.partitions().stream())
        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
  }

  private void awaitBrokers(Predicate<Set<Integer>> condition, String what) {
    // a fresh client each time: the shared one may still cache the stopped broker's connection
    awaitCondition(
        () -> {
          try (Admin probe = running().admin()) {
            Set<Integer> ids =
                probe.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                    .map(Node::id)
                    .collect(Collectors.toSet());
            return condition.test(ids);
          }
        },
        what);
  }

  private static void awaitCondition(Check check, String what) {
    long deadline = System.nanoTime() + CLUSTER_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.passes()) {
          return;
        }
        last = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what, e);
      } catch (Exception e) {
        last = e;
      }
      // the checks are remote calls that already take milliseconds; this only keeps a tight loop
      // polite
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what, e);
      }
    }
    throw new IllegalStateException(
        "Kafka test cluster: no " + what + " within " + CLUSTER_TIMEOUT.toSeconds() + " s", last);
  }

  private void closeAfterFailedStart(KafkaClusterTestKit started, Throwable primary) {
    cluster = null;
    if (admin != null) {
      admin.close(Duration.ofSeconds(10));
      admin = null;
    }
    try {
      started.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      primary.addSuppressed(e);
    } catch (Exception e) {
      primary.addSuppressed(e);
    }
  }

  /** A condition on remote state, polled until it passes. */
  @FunctionalInterface
  private interface Check {
    boolean passes() throws Exception;
  }
}
