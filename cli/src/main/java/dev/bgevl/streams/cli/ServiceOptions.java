package dev.bgevl.streams.cli;

import dev.bgevl.streams.app.KafkaConfig;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.app.WireConfig;
import dev.bgevl.streams.encoder.DeviceSpec;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.Precision;
import dev.bgevl.streams.encoder.batch.BatchPolicy;
import dev.bgevl.streams.ingest.IngestConfig;
import dev.bgevl.streams.media.ImageSourcePolicy;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.milvus.VectorIndex;
import dev.bgevl.streams.ops.OpsConfig;
import dev.bgevl.streams.query.QueryConfig;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.topics.Topics;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.IndexParam;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Every flag of the service; {@link #toConfig} validates them into a {@link ServiceConfig}. */
public final class ServiceOptions {

  /**
   * Bootstrap servers, client properties and the wire format: the same flags as produce and query.
   */
  @Mixin ClientOptions client = new ClientOptions();

  @Option(
      names = "--kafka.application-id",
      defaultValue = "bgevl",
      description =
          "Prefix of the Streams application ids <id>-ingest and <id>-query (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--kafka.state-dir",
      defaultValue = "${java.io.tmpdir}/bgevl-streams",
      description = "Kafka Streams state folder (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--kafka.processing-guarantee",
      defaultValue = "exactly_once_v2",
      description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
  String processingGuarantee;

  @Option(
      names = "--ingest.threads",
      defaultValue = "1",
      description = "Stream threads of the ingest application (default: ${DEFAULT-VALUE}).")
  int ingestThreads;

  @Option(
      names = "--query.threads",
      defaultValue = "1",
      description = "Stream threads of the query application (default: ${DEFAULT-VALUE}).")
  int queryThreads;

  @Option(
      names = "--ingest.batch.max-size",
      defaultValue = "32",
      description =
          "Events applied by one encoder call and one Milvus upsert, per task (default: ${DEFAULT-VALUE}).")
  int ingestBatchSize;

  @Option(
      names = "--ingest.batch.max-delay-ms",
      defaultValue = "50",
      description =
          "Longest an event waits in the pending store for its batch (default: ${DEFAULT-VALUE}).")
  long ingestBatchDelayMs;

  @Option(
      names = "--query.max-top-k",
      defaultValue = "1000",
      description =
          "Largest top_k a request may ask for, at most 1000 (default: ${DEFAULT-VALUE}).")
  int maxTopK;

  @Option(
      names = "--query.batch.max-size",
      defaultValue = "32",
      description =
          "Requests answered by one encoder batch and one search per filter (default: ${DEFAULT-VALUE}).")
  int queryBatchSize;

  @Option(
      names = "--query.batch.max-delay-ms",
      defaultValue = "5",
      description =
          "Longest a request waits for others to join its batch (default: ${DEFAULT-VALUE}).")
  long queryBatchDelayMs;

  @Option(
      names = "--query.commit-interval-ms",
      defaultValue = "20",
      description =
          "Commit interval of the query application; bounds the latency exactly-once adds to a reply (default: ${DEFAULT-VALUE}).")
  long queryCommitIntervalMs;

  @Option(
      names = "--query.milvus-timeout-ms",
      defaultValue = "2000",
      description =
          "Deadline of one Milvus search of the query application (default: ${DEFAULT-VALUE}).")
  long queryMilvusTimeoutMs;

  @Option(
      names = "--topics.partitions",
      defaultValue = "3",
      description = "Partitions of the topics the service creates (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--topics.replication-factor",
      defaultValue = "-1",
      description =
          "Replication of the topics the service creates; -1 = broker default (default: ${DEFAULT-VALUE}).")
  short replicationFactor;

  @Option(
      names = "--topics.media-events",
      defaultValue = "media-events",
      description = "Ingest input topic (default: ${DEFAULT-VALUE}).")
  String mediaEventsTopic;

  @Option(
      names = "--topics.media-vectors",
      defaultValue = "media-vectors",
      description = "Compacted vectors topic (default: ${DEFAULT-VALUE}).")
  String mediaVectorsTopic;

  @Option(
      names = "--topics.media-dlq",
      defaultValue = "media-events-dlq",
      description = "Dead letters of ingest (default: ${DEFAULT-VALUE}).")
  String mediaDlqTopic;

  @Option(
      names = "--topics.requests",
      defaultValue = "retrieval-requests",
      description = "Retrieval requests topic (default: ${DEFAULT-VALUE}).")
  String requestsTopic;

  @Option(
      names = "--topics.replies",
      defaultValue = "retrieval-replies",
      description = "Default reply topic (default: ${DEFAULT-VALUE}).")
  String repliesTopic;

  @Option(
      names = "--topics.requests-dlq",
      defaultValue = "retrieval-requests-dlq",
      description = "Request records that do not decode (default: ${DEFAULT-VALUE}).")
  String requestsDlqTopic;

  @Option(
      names = "--topics.allowed-reply-topics",
      split = ",",
      description =
          "Topics a request may name in reply_to; a trailing * allows a prefix (default: none).")
  Set<String> allowedReplyTopics = Set.of();

  @Option(
      names = "--encoder.model",
      description = "Model bundle folder made by tools/export_bgevl.py.")
  Path model;

  @Option(
      names = "--encoder.device",
      defaultValue = "auto",
      description = "auto, cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--encoder.precision",
      defaultValue = "fp32",
      description = "Vision graph precision, fp32 or fp16 (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(
      names = "--encoder.cuda-fallback",
      defaultValue = "false",
      description =
          "Run on CPU when CUDA is asked for but missing, instead of failing (default: ${DEFAULT-VALUE}).")
  boolean cudaFallback;

  @Option(
      names = "--encoder.threads",
      defaultValue = "0",
      description =
          "ONNX Runtime threads per inference; 0 = all cores (default: ${DEFAULT-VALUE}).")
  int encoderThreads;

  @Option(
      names = "--encoder.image.max-bytes",
      defaultValue = "16777216",
      description = "Largest image in bytes (default: ${DEFAULT-VALUE}).")
  long maxImageBytes;

  @Option(
      names = "--encoder.image.max-pixels",
      defaultValue = "40000000",
      description = "Largest image in pixels (default: ${DEFAULT-VALUE}).")
  long maxImagePixels;

  @Option(
      names = "--encoder.batch.max-size",
      defaultValue = "32",
      description =
          "Largest encoder batch, merged across stream threads (default: ${DEFAULT-VALUE}).")
  int batchMaxSize;

  @Option(
      names = "--encoder.batch.max-delay-ms",
      defaultValue = "10",
      description = "Longest an input waits for its batch to fill (default: ${DEFAULT-VALUE}).")
  long batchMaxDelayMs;

  @Option(
      names = "--encoder.batch.queue-capacity",
      defaultValue = "1024",
      description =
          "Inputs waiting for the encoder at most; beyond, ingest waits and queries get UNAVAILABLE (default: ${DEFAULT-VALUE}).")
  int batchQueueCapacity;

  @Option(
      names = "--encoder.batch.submit-timeout-ms",
      defaultValue = "30000",
      description =
          "How long ingest waits for room in a full encoder queue (default: ${DEFAULT-VALUE}).")
  long batchSubmitTimeoutMs;

  @Option(
      names = "--encoder.prepare-threads",
      defaultValue = "0",
      description =
          "Threads decoding and preprocessing images while the previous batch is in inference; 0 = one per core (default: ${DEFAULT-VALUE}).")
  int prepareThreads;

  @Option(
      names = "--images.file-root",
      description = "file: image URIs are read only below this folder (default: file: refused).")
  Path fileRoot;

  @Option(
      names = "--images.http.allowed-hosts",
      split = ",",
      description =
          "Hosts http(s) image URIs may name: exact host names, IP literals or *.example.com (any name below example.com); none = http(s) refused (default: none).")
  Set<String> httpAllowedHosts = Set.of();

  @Option(
      names = "--images.http.connect-timeout-ms",
      defaultValue = "2000",
      description = "Longest a connect to an image host may take (default: ${DEFAULT-VALUE}).")
  long httpConnectTimeoutMs;

  @Option(
      names = "--images.http.read-timeout-ms",
      defaultValue = "5000",
      description =
          "Total deadline of one image fetch, redirects and body included (default: ${DEFAULT-VALUE}).")
  long httpReadTimeoutMs;

  @Option(
      names = "--images.http.allow-private-addresses",
      defaultValue = "false",
      description =
          "Let image hosts resolve to loopback, private, link-local and other non-public addresses; tests and closed networks only (default: ${DEFAULT-VALUE}).")
  boolean httpAllowPrivateAddresses;

  @Option(
      names = "--images.fetch-threads",
      defaultValue = "4",
      description =
          "Threads fetching http(s) images at once; each holds a queue of 16 more (default: ${DEFAULT-VALUE}).")
  int fetchThreads;

  @Option(
      names = "--milvus.uri",
      defaultValue = "http://127.0.0.1:19530",
      description = "Milvus URI (default: ${DEFAULT-VALUE}).")
  String milvusUri;

  @Option(names = "--milvus.token", description = "Milvus token (user:password or API key).")
  String milvusToken;

  @Option(
      names = "--milvus.database",
      description = "Milvus database (default: the server's default).")
  String milvusDatabase;

  @Option(
      names = "--milvus.collection-prefix",
      defaultValue = "media_",
      description = "Collection name prefix; the model id follows (default: ${DEFAULT-VALUE}).")
  String collectionPrefix;

  @Option(
      names = "--milvus.timeout-ms",
      defaultValue = "10000",
      description = "Deadline of one Milvus call (default: ${DEFAULT-VALUE}).")
  long milvusTimeoutMs;

  @Option(
      names = "--milvus.retry.max-attempts",
      defaultValue = "5",
      description = "Attempts of a call while Milvus is unreachable (default: ${DEFAULT-VALUE}).")
  int retryAttempts;

  @Option(
      names = "--milvus.retry.initial-backoff-ms",
      defaultValue = "200",
      description = "First retry delay (default: ${DEFAULT-VALUE}).")
  long retryInitialMs;

  @Option(
      names = "--milvus.retry.max-backoff-ms",
      defaultValue = "5000",
      description = "Largest retry delay (default: ${DEFAULT-VALUE}).")
  long retryMaxMs;

  @Option(
      names = "--milvus.index-type",
      defaultValue = "AUTOINDEX",
      description =
          "Index of new collections: AUTOINDEX (the server's choice; HNSW on Milvus standalone/cluster), HNSW, IVF_FLAT or FLAT; the embedded Milvus Lite refuses HNSW (default: ${DEFAULT-VALUE}).")
  IndexParam.IndexType indexType;

  @Option(
      names = "--milvus.index-params",
      description =
          "Index build parameter of new collections, key=value (e.g. M=32, efConstruction=300, nlist=256); repeatable.")
  Map<String, String> indexParams = new LinkedHashMap<>();

  @Option(
      names = "--milvus.search-params",
      description =
          "Search parameter, key=value (e.g. ef=128 for HNSW, nprobe=32 for IVF_FLAT); repeatable.")
  Map<String, String> searchParams = new LinkedHashMap<>();

  @Option(
      names = "--milvus.consistency-level",
      defaultValue = "STRONG",
      description = "Search consistency; STRONG reads its own writes (default: ${DEFAULT-VALUE}).")
  ConsistencyLevel consistency;

  @Option(
      names = "--ops.port",
      defaultValue = "8080",
      description =
          "Port of /metrics, /health/live and /health/ready on all interfaces; 0 = any free port, -1 = off (default: ${DEFAULT-VALUE}).")
  int opsPort;

  /**
   * Validates the flags into the service configuration; {@code bundle} replaces a missing
   * --encoder.model.
   */
  public ServiceConfig toConfig(Path defaultBundle) {
    return toConfig(defaultBundle, client.bootstrapServers, milvusUri, stateDir);
  }

  /** Whether --encoder.model was given (by flag or environment). */
  public boolean modelGiven() {
    return model != null;
  }

  /** The Streams state folder the flags name. */
  public Path stateDir() {
    return stateDir;
  }

  /** The record limit the flags name. */
  public RecordLimits recordLimits() {
    return client.recordLimits();
  }

  /**
   * As {@link #toConfig(Path)}, with the addresses and state folder of a stack started in-process
   * (the local stack knows them only once its broker and Milvus run).
   */
  public ServiceConfig toConfig(
      Path defaultBundle, String bootstrapServers, String milvusUri, Path stateDir) {
    Path bundle = model != null ? model : defaultBundle;
    if (bundle == null) {
      throw new IllegalArgumentException(
          "--encoder.model is required: the model bundle folder to serve");
    }
    KafkaConfig kafka =
        new KafkaConfig(
            bootstrapServers,
            applicationId,
            stateDir,
            processingGuarantee,
            ingestThreads,
            queryThreads,
            partitions,
            replicationFactor,
            client.kafkaProperties,
            client.recordLimits());
    Topics topics =
        new Topics(
            mediaEventsTopic,
            mediaVectorsTopic,
            mediaDlqTopic,
            requestsTopic,
            repliesTopic,
            requestsDlqTopic,
            allowedReplyTopics);
    EncoderConfig encoder =
        new EncoderConfig(
            DeviceSpec.parse(device),
            Precision.parse(precision),
            cudaFallback,
            encoderThreads,
            new ImageLimits(maxImageBytes, maxImagePixels));
    BatchPolicy batch =
        new BatchPolicy(
            batchMaxSize,
            Duration.ofMillis(batchMaxDelayMs),
            batchQueueCapacity,
            Duration.ofMillis(batchSubmitTimeoutMs),
            prepareThreads);
    MilvusConfig milvus =
        new MilvusConfig(
            milvusUri,
            Optional.ofNullable(milvusToken),
            Optional.ofNullable(milvusDatabase),
            collectionPrefix,
            Duration.ofMillis(milvusTimeoutMs),
            new MilvusConfig.RetryPolicy(
                retryAttempts, Duration.ofMillis(retryInitialMs), Duration.ofMillis(retryMaxMs)),
            new VectorIndex(indexType, indexParams, searchParams),
            consistency);
    return new ServiceConfig(
        kafka,
        topics,
        new WireConfig(client.format, Optional.ofNullable(client.schemaRegistryUrl)),
        bundle,
        encoder,
        batch,
        milvus,
        new ImageSourcePolicy(
            Optional.ofNullable(fileRoot),
            maxImageBytes,
            httpAllowedHosts,
            Duration.ofMillis(httpConnectTimeoutMs),
            Duration.ofMillis(httpReadTimeoutMs),
            httpAllowPrivateAddresses,
            fetchThreads),
        new IngestConfig(ingestBatchSize, Duration.ofMillis(ingestBatchDelayMs)),
        new QueryConfig(
            maxTopK,
            QueryConfig.DEFAULT.filterFields(),
            queryBatchSize,
            Duration.ofMillis(queryBatchDelayMs),
            Duration.ofMillis(queryCommitIntervalMs),
            Duration.ofMillis(queryMilvusTimeoutMs)),
        new OpsConfig(opsPort));
  }
}
