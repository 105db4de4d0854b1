package dev.bgevl.streams.app;

import dev.bgevl.streams.deadletter.DeadLetterConfig;
import dev.bgevl.streams.deadletter.DeadLetterDeserializationHandler;
import dev.bgevl.streams.deadletter.DeadLetterProcessingHandler;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.encoder.batch.Lane;
import dev.bgevl.streams.encoder.batch.LaneEncoder;
import dev.bgevl.streams.encoder.batch.MicroBatcher;
import dev.bgevl.streams.encoder.runtime.OnnxEncoders;
import dev.bgevl.streams.ingest.IngestTopology;
import dev.bgevl.streams.media.ImageResolver;
import dev.bgevl.streams.milvus.MilvusCollections;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.milvus.MilvusConnector;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.milvus.MilvusVectorSink;
import dev.bgevl.streams.ops.CachedCheck;
import dev.bgevl.streams.ops.HealthChecks;
import dev.bgevl.streams.ops.OpsServer;
import dev.bgevl.streams.ops.ServiceMetrics;
import dev.bgevl.streams.ops.ThreadDeathWatch;
import dev.bgevl.streams.query.QueryTopology;
import dev.bgevl.streams.schemas.media.MediaEvent;
import dev.bgevl.streams.schemas.media.MediaVector;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.thumbnails.ThumbnailMaker;
import dev.bgevl.streams.thumbnails.ThumbnailPool;
import dev.bgevl.streams.thumbnails.ThumbnailReader;
import dev.bgevl.streams.thumbnails.ThumbnailStore;
import io.milvus.v2.client.MilvusClientV2;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: the encoder behind one micro-batcher, one Milvus client and two Kafka
 * Streams applications (ingest and query, separate so a long ingest batch never holds up a query
 * thread; the batcher's query lane puts queries first on the device). It owns all of them and
 * closes them in reverse order of creation: Streams, image fetch and thumbnail pools, batcher,
 * encoder, Milvus clients.
 */
public final class BgevlService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BgevlService.class);

  /** Close timeout when a failed start unwinds. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How long both Streams applications get to finish their in-flight batch and commit when the
   * service stops.
   */
  static final Duration STREAMS_CLOSE_BUDGET = Duration.ofSeconds(5);

  /** How long the encoder's last batch gets after that before it is abandoned. */
  static final Duration BATCHER_CLOSE_BUDGET = Duration.ofSeconds(2);

  private static final String MODEL_LOADED = "model loaded";
  private static final String MILVUS_REACHABLE = "Milvus reachable";
  private static final String INGEST_RUNNING = "ingest streams RUNNING";
  private static final String QUERY_RUNNING = "query streams RUNNING";
  private static final String INGEST_STABLE = "ingest stream threads stable";
  private static final String QUERY_STABLE = "query stream threads stable";

  private final Encoder encoder;
  private final MicroBatcher batcher;
  private final MilvusClientV2 milvus;
  private final MilvusClientV2 queryMilvus;
  private final ImageResolver images;
  private final ThumbnailPool thumbnails;
  private final KafkaStreams ingest;
  private final KafkaStreams query;
  private final String collection;
  private final OpsServer ops;
  private final HealthChecks health;
  private final ThumbnailReader thumbnailReader;

  private BgevlService(
      Encoder encoder,
      MicroBatcher batcher,
      MilvusClientV2 milvus,
      MilvusClientV2 queryMilvus,
      ImageResolver images,
      ThumbnailPool thumbnails,
      KafkaStreams ingest,
      KafkaStreams query,
      String collection,
      OpsServer ops,
      HealthChecks health,
      ThumbnailReader thumbnailReader) {
    this.images = images;
    this.thumbnails = thumbnails;
    this.thumbnailReader = thumbnailReader;
    this.queryMilvus = queryMilvus;
    this.encoder = encoder;
    this.batcher = batcher;
    this.milvus = milvus;
    this.ingest = ingest;
    this.query = query;
    this.collection = collection;
    this.ops = ops;
    this.health = health;
  }

  /**
   * Loads the model, connects to Milvus and Kafka, creates what is missing, and starts both
   * applications; thumbnails are looked up only locally (one instance).
   */
  public static BgevlService start(ServiceConfig config) {
    return start(config, Optional.empty());
  }

  /**
   * As {@link #start(ServiceConfig)}, for one of several instances: {@code applicationServer} is
   * the host and port where this instance serves thumbnails to the others (Streams' {@code
   * application.server}), so {@link #thumbnails} can name the owner of any id.
   */
  public static BgevlService start(ServiceConfig config, Optional<HostInfo> applicationServer) {
    long begin = System.nanoTime();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      ServiceMetrics metrics = new ServiceMetrics();
      HealthChecks health = new HealthChecks();
      List.of(MODEL_LOADED, MILVUS_REACHABLE, INGEST_RUNNING, QUERY_RUNNING)
          .forEach(health::pending);
      // up before the model loads: liveness answers at once, readiness names what is still missing
      OpsServer ops = OpsServer.start(config.ops(), metrics, health);
      opened.add(ops);
      Encoder encoder = OnnxEncoders.open(config.modelBundle(), config.encoder());
      opened.add(encoder);
      MicroBatcher batcher = new MicroBatcher(encoder, config.batch(), metrics.batchListener());
      opened.add(batcher);
      metrics.registerEncoderQueue(batcher);
      // the first real batch must not pay for ONNX Runtime's first run of a shape
      batcher.warmUp(1, config.batch().maxBatchSize());
      health.register(MODEL_LOADED, () -> true);
      MilvusClientV2 milvus = MilvusConnector.connect(config.milvus());
      opened.add(milvus::close);
      // queries get their own client: its short call deadline must not cut ingest's long upserts
      // short
      MilvusConfig queryMilvusConfig = config.milvus().withTimeout(config.query().milvusTimeout());
      MilvusClientV2 queryMilvus = MilvusConnector.connect(queryMilvusConfig);
      opened.add(queryMilvus::close);
      // the query client's short deadline bounds a probe; the cache keeps probes off Milvus
      health.register(
          MILVUS_REACHABLE,
          CachedCheck.every(
              Duration.ofSeconds(5),
              MILVUS_REACHABLE,
              () -> {
                queryMilvus.listCollections();
                return true;
              }));
      String collection = config.milvus().collectionName(encoder.model().id());
      new MilvusCollections(milvus, config.milvus())
          .ensure(collection, encoder.model().dimension());
      try (Admin admin = Admin.create(adminProperties(config.kafka()))) {
        TopicInitializer.ensure(admin, config.topics(), config.kafka());
      }

      SerdeConfig serdes = config.wire().serdes();
      ImageResolver images = new ImageResolver(config.images());
      opened.add(images);
      ThumbnailPool thumbnails =
          new ThumbnailPool(
              config.ingest().thumbnails(),
              new ThumbnailMaker(config.ingest().thumbnails(), config.encoder().imageLimits()),
              // thumbnails cost a second decode of each image: enough threads that they keep up
              // with the encoder, few enough that they do not starve it
              Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
      opened.add(thumbnails);
      Topology ingestTopology =
          IngestTopology.build(
              config.topics(),
              config.ingest(),
              BgevlSerde.of(MediaEvent.class, serdes),
              BgevlSerde.of(MediaVector.class, serdes),
              new LaneEncoder(batcher, Lane.INGEST, encoder.model()),
              new MilvusVectorSink(milvus, config.milvus()),
              images,
              thumbnails,
              collection,
              metrics,
              config.kafka().recordLimits());
      Topology queryTopology =
          QueryTopology.build(
              config.topics(),
              config.query(),
              BgevlSerde.of(RetrievalRequest.class, serdes),
              BgevlSerde.of(RetrievalReply.class, serdes),
              new LaneEncoder(batcher, Lane.QUERY, encoder.model()),
              new MilvusSearcher(queryMilvus, queryMilvusConfig),
              images,
              collection,
              Clock.systemUTC(),
              metrics,
              config.kafka().recordLimits());
      // the serving side keeps the thumbnails: its threads never wait on a long ingest batch
      ThumbnailStore.addTo(queryTopology, config.topics().mediaThumbnails());
      log.debug("Ingest topology {}", ingestTopology.describe());
      log.debug("Query topology {}", queryTopology.describe());

      ThreadDeathWatch ingestDeaths =
          new ThreadDeathWatch(
              "ingest",
              ThreadDeathWatch.DEFAULT_THRESHOLD,
              ThreadDeathWatch.DEFAULT_WINDOW,
              Clock.systemUTC());
      ThreadDeathWatch queryDeaths =
          new ThreadDeathWatch(
              "query",
              ThreadDeathWatch.DEFAULT_THRESHOLD,
              ThreadDeathWatch.DEFAULT_WINDOW,
              Clock.systemUTC());
      KafkaStreams ingest =
          streams(
              ingestTopology,
              config,
              "ingest",
              config.kafka().ingestThreads(),
              config.topics().mediaDeadLetters(),
              Map.of(),
              ingestDeaths);
      opened.add(() -> ingest.close(CLOSE_TIMEOUT));
      KafkaStreams query =
          streams(
              queryTopology,
              config,
              "query",
              config.kafka().queryThreads(),
              config.topics().requestDeadLetters(),
              queryOverrides(config, applicationServer),
              queryDeaths);
      opened.add(() -> query.close(CLOSE_TIMEOUT));
      metrics.registerStreams("ingest", ingest);
      metrics.registerStreams("query", query);
      health.register(INGEST_RUNNING, () -> ingest.state() == KafkaStreams.State.RUNNING);
      health.register(QUERY_RUNNING, () -> query.state() == KafkaStreams.State.RUNNING);
      health.registerWithReason(INGEST_STABLE, ingestDeaths::problem);
      health.registerWithReason(QUERY_STABLE, queryDeaths::problem);
      ingest.start();
      query.start();
      log.info(
          "Service started model={} collection={} bootstrap={} tookMs={}",
          encoder.model().id(),
          collection,
          config.kafka().bootstrapServers(),
          (System.nanoTime() - begin) / 1_000_000);
      return new BgevlService(
          encoder,
          batcher,
          milvus,
          queryMilvus,
          images,
          thumbnails,
          ingest,
          query,
          collection,
          ops,
          health,
          new ThumbnailReader(query, applicationServer));
    } catch (RuntimeException e) {
      closeAll(opened);
      throw e;
    }
  }

  private static Map<String, Object> queryOverrides(
      ServiceConfig config, Optional<HostInfo> applicationServer) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.query().commitInterval().toMillis());
    applicationServer.ifPresent(
        self ->
            overrides.put(
                StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port()));
    return overrides;
  }

  private static Properties adminProperties(KafkaConfig kafka) {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return p;
  }

  // the global processing-exception-handler switch is deprecated because it becomes the default in
  // Kafka 5.0;
  // setting it now is what keeps behaviour the same across that upgrade
  @SuppressWarnings("deprecation")
  private static KafkaStreams streams(
      Topology topology,
      ServiceConfig config,
      String role,
      int threads,
      String deadLetterTopic,
      Map<String, Object> overrides,
      ThreadDeathWatch deaths) {
    KafkaConfig kafka = config.kafka();
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.applicationId() + "-" + role);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, kafka.stateDir().toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, kafka.processingGuarantee());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class);
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
    // the default changes in Kafka 5.0; opting in now keeps behaviour stable across the upgrade
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(DeadLetterConfig.TOPIC_CONFIG, deadLetterTopic);
    if (kafka.replicationFactor() > 0) {
      p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
    }
    // a stream thread that died on a transient failure leaves its group member behind; its
    // partitions
    // move to the replacement thread only when that member's session expires (45 s by default)
    if (!p.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)
        && !p.containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))) {
      p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
      p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
    }
    // under exactly-once a flush runs inside the task's open transaction; Streams' 10 s default
    // would abort
    // it whenever a batch of images takes longer to encode on a CPU (32 ViT-B/16 images take ~10 s
    // on 2 cores).
    // It also bounds how long a crashed process's transaction blocks readers when its successor
    // runs with
    // a fresh state folder (same folder: the transaction is aborted at once)
    if (!p.containsKey(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)
        && !p.containsKey(
            StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG))) {
      p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 60_000);
    }
    // every copy the service makes of an input record (pending store changelog, dead letter) and
    // every reply must fit
    // what its producer may send and what its topic may hold; both come from the one record limit
    RecordLimits limits = kafka.recordLimits();
    limits
        .producerDefaults(Map.of())
        .forEach(
            (key, value) -> {
              if (!hasEither(p, key)) {
                p.put(StreamsConfig.producerPrefix(key), value);
              }
            });
    limits
        .consumerDefaults(Map.of())
        .forEach(
            (key, value) -> {
              if (!hasEither(p, key)) {
                p.put(StreamsConfig.consumerPrefix(key), value);
              }
            });
    limits
        .topicConfigs()
        .forEach((key, value) -> p.putIfAbsent(StreamsConfig.topicPrefix(key), value));
    p.putAll(overrides);
    KafkaStreams streams = new KafkaStreams(topology, p);
    streams.setUncaughtExceptionHandler(
        e -> {
          // transient failures (Milvus down) land here by design: a fresh thread resumes from the
          // last commit
          log.warn("Stream thread died, replacing it app={} error={}", role, e.toString());
          deaths.died(e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.setStateListener(
        (now, before) -> log.info("Streams state changed app={} from={} to={}", role, before, now));
    return streams;
  }

  private static boolean hasEither(Properties p, String clientKey) {
    return p.containsKey(clientKey)
        || p.containsKey(StreamsConfig.producerPrefix(clientKey))
        || p.containsKey(StreamsConfig.consumerPrefix(clientKey));
  }

  /** Waits until both applications are RUNNING; false on timeout. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ingest.state() == KafkaStreams.State.RUNNING
          && query.state() == KafkaStreams.State.RUNNING) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /**
   * What {@code /health/ready} would answer now: the failing checks, each with its reason when it
   * has one.
   */
  public HealthChecks.Readiness readiness() {
    return health.check();
  }

  /** Looks up the thumbnails of indexed images (interactive queries on the query application). */
  public ThumbnailReader thumbnails() {
    return thumbnailReader;
  }

  /** The Milvus collection this service writes and searches. */
  public String collection() {
    return collection;
  }

  /**
   * The port of the ops HTTP server (the chosen one under {@code --ops.port 0}), or -1 when it is
   * off.
   */
  public int opsPort() {
    return ops.port();
  }

  public KafkaStreams.State ingestState() {
    return ingest.state();
  }

  /**
   * The media-events partitions this instance's ingest application works on now (its active tasks);
   * empty while it rebalances.
   */
  public Set<TopicPartition> ingestAssignment() {
    Set<TopicPartition> assigned = new HashSet<>();
    for (ThreadMetadata thread : ingest.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        assigned.addAll(task.topicPartitions());
      }
    }
    return Set.copyOf(assigned);
  }

  /**
   * Stops within about {@link #STREAMS_CLOSE_BUDGET} plus {@link #BATCHER_CLOSE_BUDGET}: both
   * applications stop at once and may finish the batch in flight; a batch that outlasts the budget
   * is abandoned (its offsets are not committed, so the next start applies it again) rather than
   * holding the stop up.
   */
  @Override
  public void close() {
    long begin = System.nanoTime();
    log.info("Service closing");
    // leaving the group hands partitions over at once instead of after the session timeout
    CloseOptions leave =
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    // a zero timeout only starts the shutdown: both applications wind down side by side
    query.close(leave.withTimeout(Duration.ZERO));
    ingest.close(leave.withTimeout(Duration.ZERO));
    long streamsDeadline = System.nanoTime() + STREAMS_CLOSE_BUDGET.toNanos();
    boolean queryClosed = query.close(leave.withTimeout(remaining(streamsDeadline)));
    boolean ingestClosed = ingest.close(leave.withTimeout(remaining(streamsDeadline)));
    images.close();
    thumbnails.close();
    // a batch still encoding now is abandoned: its callers get an error and their offsets stay
    // uncommitted
    boolean batcherClosed = batcher.close(BATCHER_CLOSE_BUDGET);
    if (!queryClosed || !ingestClosed) {
      Duration grace = Duration.ofSeconds(1);
      queryClosed = query.close(leave.withTimeout(grace));
      ingestClosed = ingest.close(leave.withTimeout(grace));
    }
    if (batcherClosed) {
      encoder.close();
    } else {
      // a batch is still inside native code: closing the sessions under it could crash the JVM
      log.warn("Encoder left open: a batch did not finish within the close timeout");
    }
    queryMilvus.close();
    milvus.close();
    ops.close();
    log.info(
        "Service closed clean={} tookMs={}",
        queryClosed && ingestClosed && batcherClosed,
        (System.nanoTime() - begin) / 1_000_000);
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  private static void closeAll(List<AutoCloseable> opened) {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        log.warn("Close after failed start failed error={}", e.toString());
      }
    }
  }
}
