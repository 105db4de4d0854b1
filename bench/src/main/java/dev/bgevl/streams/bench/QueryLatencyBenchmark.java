package dev.bgevl.streams.bench;

import dev.bgevl.streams.app.BgevlService;
import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.client.RetrievalClient;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.bundle.ModelManifest;
import dev.bgevl.streams.encoder.onnx.OnnxBgeVlEncoder;
import dev.bgevl.streams.milvus.MilvusCollections;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.milvus.MilvusConnector;
import dev.bgevl.streams.milvus.MilvusSearcher;
import dev.bgevl.streams.milvus.MilvusVectorSink;
import dev.bgevl.streams.milvus.VectorRow;
import dev.bgevl.streams.query.QueryConfig;
import dev.bgevl.streams.schemas.retrieval.ReplyStatus;
import dev.bgevl.streams.schemas.retrieval.RetrievalReply;
import dev.bgevl.streams.schemas.retrieval.RetrievalRequest;
import dev.bgevl.streams.schemas.serde.BgevlSerde;
import dev.bgevl.streams.schemas.serde.SerdeConfig;
import dev.bgevl.streams.topics.Topics;
import io.milvus.v2.client.MilvusClientV2;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end retrieval latency over the request/reply topics (send to reply received, through the
 * broker, the query topology, the encoder and Milvus) against the same encode + search called
 * in-process, at fixed open-loop rates, on a collection pre-filled with random unit vectors.
 *
 * <p>Open loop: request {@code i} is due at {@code start + i / rate} whatever came back, and its
 * latency counts from that due time, so a backlog shows up as latency rather than as a slower
 * sender. The in-process path ("direct") runs on one worker thread, as the query topology's one
 * stream thread does, one request per encode + search call. Both paths give each request the same
 * deadline ({@code --deadline-ms}); the direct path skips a request whose deadline passed while it
 * queued, counted as DEADLINE_EXCEEDED like the service's reply. Phases alternate kafka/direct per
 * (modality, rate) so drifting background load hits both alike.
 */
public final class QueryLatencyBenchmark {

  static final String USAGE =
      """
      usage: QueryLatencyBenchmark --bundle DIR --out DIR [options]
        --work DIR             scratch folder for Milvus data and Streams state (default: <out>/work)
        --venv DIR             venv with milvus-lite 2.5.x (default: system property bgevl.venv)
        --milvus-uri URI       an external Milvus to use instead of starting the embedded Milvus Lite
        --index-type T         index of the collections it creates: AUTOINDEX (default), HNSW, IVF_FLAT, FLAT
        --consistency C        Milvus consistency of searches and counts: STRONG (default, the CLI's), BOUNDED, ...
        --vectors N            random unit vectors pre-filled into the collection (default 100000)
        --load-batch N         rows per pre-fill upsert (default 2000)
        --load-budget-s N      stop pre-filling after this many seconds (default 300)
        --rates 1,10,50        request rates per second (default 1,10,50)
        --seconds N            seconds per phase (default 20)
        --seconds-at-1 N       seconds of a phase at 1 req/s (default 15)
        --modalities text,composed   (default both)
        --deadline-ms N        request deadline after its due time (default 5000)
        --top-k N              hits per request (default 10)
        --threads N            ONNX Runtime intra-op threads (default 2)
        --guarantee G          exactly_once_v2 or at_least_once (default exactly_once_v2)
        --client-properties k=v,k=v   Kafka/Streams properties of the service (as --kafka.property), e.g. poll.ms=5""";

  private final BenchArgs args;
  private final BenchOutput out;
  private final int topK;
  private final long deadlineMs;
  private final List<byte[]> images = BenchImages.images(8, 640, 480, 0, 20261127L);

  private QueryLatencyBenchmark(BenchArgs args, BenchOutput out) {
    this.args = args;
    this.out = out;
    this.topK = args.integer("top-k", 10);
    this.deadlineMs = args.integer("deadline-ms", 5000);
  }

  public static void main(String[] argv) throws Exception {
    BenchArgs args;
    try {
      args = BenchArgs.parse(argv, USAGE);
      args.path("bundle");
      args.path("out");
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try (BenchOutput out = new BenchOutput(args.path("out"))) {
      new QueryLatencyBenchmark(args, out).run();
    }
    // why exit: Kafka and gRPC leave non-daemon threads behind after close
    System.exit(0);
  }

  /** What one phase measured. */
  record Phase(
      String path,
      String modality,
      double rate,
      int sent,
      int ok,
      Map<String, Integer> notOk,
      int noReply,
      LatencySummary latency,
      LatencySummary tookMs,
      int maxBacklog,
      double seconds) {}

  private void run() throws Exception {
    Path bundlePath = args.path("bundle");
    ModelManifest manifest = ModelBundle.load(bundlePath).manifest();
    Path work = Path.of(args.string("work", args.path("out").resolve("work").toString()));
    Path venv = Path.of(args.string("venv", System.getProperty("bgevl.venv", ".venv")));
    BenchStack.MilvusTarget milvusTarget = BenchStack.MilvusTarget.from(args);
    int threads = args.integer("threads", 2);
    String guarantee = args.string("guarantee", "exactly_once_v2");
    List<String> modalities = List.of(args.string("modalities", "text,composed").split(","));
    List<Double> rates = args.decimals("rates", "1,10,50");

    Map<String, Object> env = new LinkedHashMap<>();
    env.put("record", "environment");
    env.put("model_id", manifest.modelId());
    env.put("embedding_dim", manifest.embeddingDim());
    env.put("encoder_threads", threads);
    env.put("processing_guarantee", guarantee);
    env.put("query_config", QueryConfig.DEFAULT.toString());
    env.put("deadline_ms", deadlineMs);
    env.put("top_k", topK);
    env.put("java_version", System.getProperty("java.version"));
    env.put("milvus", milvusTarget.describe());
    out.emit(env);
    out.println("milvus: %s", milvusTarget.describe());
    out.println(
        "model=%s dim=%d encoder threads=%d guarantee=%s top_k=%d deadline=%d ms query batch<=%d delay=%d ms"
            + " commit=%d ms",
        manifest.modelId(),
        manifest.embeddingDim(),
        threads,
        guarantee,
        topK,
        deadlineMs,
        QueryConfig.DEFAULT.batchMaxSize(),
        QueryConfig.DEFAULT.batchMaxDelay().toMillis(),
        QueryConfig.DEFAULT.commitInterval().toMillis());

    List<Phase> phases = new ArrayList<>();
    try (BenchStack stack = BenchStack.start(work, venv, milvusTarget)) {
      String collection = stack.milvusConfig().collectionName(manifest.modelId());
      prefill(stack, collection, manifest.modelId(), manifest.embeddingDim());
      Topics topics = BenchStack.topics("q-");
      Map<String, String> clientProperties = properties(args.string("client-properties", ""));
      out.println("service client properties: %s", clientProperties);
      ServiceConfig config =
          stack.serviceConfig("qbench", topics, bundlePath, threads, guarantee, clientProperties);
      long startNanos = System.nanoTime();
      try (BgevlService service = BgevlService.start(config)) {
        if (!service.awaitRunning(Duration.ofMinutes(3))) {
          throw new IllegalStateException("service not RUNNING within 3 minutes");
        }
        out.println(
            "service started in %.1f s (model load, warm-up, topics, Streams)",
            (System.nanoTime() - startNanos) / 1e9);
        MilvusConfig searchConfig =
            stack.milvusConfig().withTimeout(QueryConfig.DEFAULT.milvusTimeout());
        try (RetrievalClient client = client(stack, topics);
            OnnxBgeVlEncoder direct =
                OnnxBgeVlEncoder.open(
                    ModelBundle.load(bundlePath), BenchStack.encoderConfig(threads))) {
          MilvusClientV2 searchClient = MilvusConnector.connect(searchConfig);
          try {
            MilvusSearcher searcher = new MilvusSearcher(searchClient, searchConfig);
            warmUp(client, direct, searcher, collection);
            for (String modality : modalities) {
              for (double rate : rates) {
                int seconds =
                    rate <= 1 ? args.integer("seconds-at-1", 15) : args.integer("seconds", 20);
                phases.add(report(kafkaPhase(client, modality, rate, seconds)));
                phases.add(
                    report(directPhase(direct, searcher, collection, modality, rate, seconds)));
              }
            }
          } finally {
            searchClient.close();
          }
        }
      }
      memory();
    }
    table(phases, rates, modalities);
  }

  private void prefill(BenchStack stack, String collection, String modelId, int dim) {
    int target = args.integer("vectors", 100_000);
    int batch = args.integer("load-batch", 2000);
    long budgetNanos = TimeUnit.SECONDS.toNanos(args.integer("load-budget-s", 300));
    new MilvusCollections(stack.milvusClient(), stack.milvusConfig()).ensure(collection, dim);
    MilvusVectorSink sink = new MilvusVectorSink(stack.milvusClient(), stack.milvusConfig());
    Random random = new Random(7);
    long start = System.nanoTime();
    int loaded = 0;
    boolean budgetHit = false;
    long now = System.currentTimeMillis();
    while (loaded < target) {
      if (System.nanoTime() - start > budgetNanos) {
        budgetHit = true;
        break;
      }
      int n = Math.min(batch, target - loaded);
      List<VectorRow> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int id = loaded + i;
        rows.add(
            new VectorRow(
                "v-" + id,
                unitVector(random, dim),
                "prefill row " + id,
                "",
                Map.of("shard", String.valueOf(id % 16)),
                now,
                modelId));
      }
      sink.upsert(collection, rows);
      loaded += n;
    }
    double upsertSeconds = (System.nanoTime() - start) / 1e9;
    long count = new MilvusSearcher(stack.milvusClient(), stack.milvusConfig()).count(collection);
    double totalSeconds = (System.nanoTime() - start) / 1e9;
    // why: Milvus Lite's first search after a bulk load is slow (seconds, it readies the new
    // segments); paid
    // here on the long-deadline client, not by the first request of the service (2 s Milvus
    // deadline)
    long searchStart = System.nanoTime();
    new MilvusSearcher(stack.milvusClient(), stack.milvusConfig())
        .search(collection, List.of(unitVector(random, dim)), topK, Optional.empty());
    double firstSearchSeconds = (System.nanoTime() - searchStart) / 1e9;
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("record", "prefill");
    line.put("collection", collection);
    line.put("target", target);
    line.put("loaded", loaded);
    line.put("count", count);
    line.put("batch", batch);
    line.put("upsert_s", upsertSeconds);
    line.put("until_counted_s", totalSeconds);
    line.put("budget_hit", budgetHit);
    line.put("first_search_s", firstSearchSeconds);
    out.emit(line);
    out.println(
        "pre-fill: %d of %d random unit vectors (dim %d) in %.1f s upserting (%d per call, %.0f rows/s),"
            + " %.1f s until count(*)=%d%s",
        loaded,
        target,
        dim,
        upsertSeconds,
        batch,
        loaded / upsertSeconds,
        totalSeconds,
        count,
        budgetHit ? " -- STOPPED at the load budget" : "");
    out.println("first search after the load: %.2f s", firstSearchSeconds);
  }

  private static Map<String, String> properties(String list) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : list.split(",")) {
      if (!pair.isBlank()) {
        int eq = pair.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException(
              "--client-properties wants key=value pairs but got '" + pair + "'");
        }
        out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return out;
  }

  private static float[] unitVector(Random random, int dim) {
    float[] v = new float[dim];
    double norm = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dim; i++) {
      v[i] *= inv;
    }
    return v;
  }

  private static RetrievalClient client(BenchStack stack, Topics topics) {
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.bootstrapServers());
    // why linger 0: the client's default already is, but a benchmark should not depend on it
    props.put("linger.ms", "0");
    SerdeConfig json = SerdeConfig.json();
    return new RetrievalClient(
        props,
        topics.requests(),
        topics.replies(),
        topics.replies(),
        BgevlSerde.of(RetrievalRequest.class, json),
        BgevlSerde.of(RetrievalReply.class, json));
  }

  private RetrievalRequest request(String modality, int i, String idPrefix) {
    RetrievalRequest.Builder b =
        RetrievalRequest.newBuilder()
            .setRequestId(idPrefix + i)
            .setTopK(topK)
            .setDeadline(Instant.now().plusMillis(deadlineMs));
    if (modality.equals("text")) {
      b.setText(BenchImages.caption(i));
    } else {
      b.setImage(ByteBuffer.wrap(images.get(i % images.size())))
          .setText(BenchImages.modification(i));
    }
    return b.build();
  }

  private EncodeInput input(String modality, int i) {
    return modality.equals("text")
        ? EncodeInput.text(BenchImages.caption(i))
        : EncodeInput.composed(images.get(i % images.size()), BenchImages.modification(i));
  }

  private void warmUp(
      RetrievalClient client, OnnxBgeVlEncoder direct, MilvusSearcher searcher, String collection)
      throws Exception {
    long start = System.nanoTime();
    for (String modality : List.of("text", "composed")) {
      for (int i = 0; i < 3; i++) {
        RetrievalReply reply = null;
        for (int attempt = 1;
            attempt <= 10 && (reply == null || reply.getStatus() != ReplyStatus.OK);
            attempt++) {
          reply =
              client.query(
                  request(modality, i, "warm-" + modality + "-" + attempt + "-"),
                  Duration.ofSeconds(120));
        }
        if (reply.getStatus() != ReplyStatus.OK) {
          throw new IllegalStateException(
              "warm-up request failed 10 times: " + reply.getStatus() + " " + reply.getError());
        }
        directCall(direct, searcher, collection, input(modality, i));
      }
    }
    out.println(
        "warm-up: 3 text + 3 composed requests per path in %.1f s",
        (System.nanoTime() - start) / 1e9);
  }

  private void directCall(
      OnnxBgeVlEncoder encoder, MilvusSearcher searcher, String collection, EncodeInput input) {
    EncodeResult r = encoder.encode(List.of(input)).get(0);
    if (!(r instanceof EncodeResult.Encoded e)) {
      throw new IllegalStateException("benchmark input was rejected: " + r);
    }
    searcher.search(collection, List.of(e.vector()), topK, Optional.empty());
  }

  private Phase kafkaPhase(RetrievalClient client, String modality, double rate, int seconds)
      throws Exception {
    int n = Math.max(1, (int) Math.round(rate * seconds));
    long period = (long) (1e9 / rate);
    List<Double> okMillis = Collections.synchronizedList(new ArrayList<>());
    List<Double> tookMillis = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> notOk = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(n);
    AtomicInteger replied = new AtomicInteger();
    int maxBacklog = 0;
    String prefix = "k-" + modality + "-" + rate + "-";
    long start = System.nanoTime() + 50_000_000L;
    for (int i = 0; i < n; i++) {
      long due = start + i * period;
      sleepUntil(due);
      maxBacklog = Math.max(maxBacklog, i - replied.get());
      client
          .send(request(modality, i, prefix))
          .whenComplete(
              (reply, error) -> {
                double ms = (System.nanoTime() - due) / 1e6;
                if (error != null) {
                  notOk.merge("CLIENT_ERROR", 1, Integer::sum);
                } else if (reply.getStatus() == ReplyStatus.OK) {
                  okMillis.add(ms);
                  tookMillis.add((double) reply.getTookMs());
                } else {
                  notOk.merge(reply.getStatus().name(), 1, Integer::sum);
                }
                replied.incrementAndGet();
                done.countDown();
              });
    }
    boolean all = done.await(deadlineMs + 60_000, TimeUnit.MILLISECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Phase(
        "kafka",
        modality,
        rate,
        n,
        okMillis.size(),
        new TreeMap<>(notOk),
        all ? 0 : n - replied.get(),
        LatencySummary.of(List.copyOf(okMillis)),
        LatencySummary.of(List.copyOf(tookMillis)),
        maxBacklog,
        elapsed);
  }

  private Phase directPhase(
      OnnxBgeVlEncoder encoder,
      MilvusSearcher searcher,
      String collection,
      String modality,
      double rate,
      int seconds)
      throws Exception {
    int n = Math.max(1, (int) Math.round(rate * seconds));
    long period = (long) (1e9 / rate);
    List<Double> okMillis = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> notOk = new ConcurrentHashMap<>();
    // one worker, as the query application's one stream thread; an unbounded queue, as the request
    // topic is
    ThreadPoolExecutor worker =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    int maxBacklog = 0;
    long start = System.nanoTime() + 50_000_000L;
    try {
      for (int i = 0; i < n; i++) {
        long due = start + i * period;
        sleepUntil(due);
        maxBacklog = Math.max(maxBacklog, worker.getQueue().size() + worker.getActiveCount());
        EncodeInput input = input(modality, i);
        long deadline = due + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        worker.execute(
            () -> {
              if (System.nanoTime() > deadline) {
                notOk.merge(ReplyStatus.DEADLINE_EXCEEDED.name(), 1, Integer::sum);
                return;
              }
              try {
                directCall(encoder, searcher, collection, input);
                okMillis.add((System.nanoTime() - due) / 1e6);
              } catch (RuntimeException e) {
                notOk.merge(e.getClass().getSimpleName(), 1, Integer::sum);
              }
            });
      }
    } finally {
      worker.shutdown();
    }
    boolean all = worker.awaitTermination(deadlineMs + 60_000, TimeUnit.MILLISECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    int answered = okMillis.size() + notOk.values().stream().mapToInt(Integer::intValue).sum();
    return new Phase(
        "direct",
        modality,
        rate,
        n,
        okMillis.size(),
        new TreeMap<>(notOk),
        all ? 0 : n - answered,
        LatencySummary.of(List.copyOf(okMillis)),
        LatencySummary.of(List.of()),
        maxBacklog,
        elapsed);
  }

  private static void sleepUntil(long nanoTime) {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  private Phase report(Phase p) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("record", "latency");
    line.put("path", p.path());
    line.put("modality", p.modality());
    line.put("rate_per_s", p.rate());
    line.put("sent", p.sent());
    line.put("ok", p.ok());
    line.put("not_ok", p.notOk());
    line.put("no_reply", p.noReply());
    line.put("p50_ms", p.latency().p50());
    line.put("p95_ms", p.latency().p95());
    line.put("p99_ms", p.latency().p99());
    line.put("max_ms", p.latency().max());
    line.put("service_took_ms_p50", p.tookMs().p50());
    line.put("max_backlog", p.maxBacklog());
    line.put("phase_s", p.seconds());
    out.emit(line);
    out.println(
        "  measured %-6s %-8s %5.0f/s: sent %d ok %d not-ok %s no-reply %d p50 %.1f p95 %.1f p99 %.1f ms"
            + " backlog<=%d",
        p.path(),
        p.modality(),
        p.rate(),
        p.sent(),
        p.ok(),
        p.notOk(),
        p.noReply(),
        p.latency().p50(),
        p.latency().p95(),
        p.latency().p99(),
        p.maxBacklog());
    return p;
  }

  private void memory() {
    long jvm = BenchStack.jvmPeakRssKb();
    Map<String, Long> children = BenchStack.childPeakRssKb();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("record", "memory");
    line.put("jvm_vmhwm_kb", jvm);
    line.put("children_vmhwm_kb", children);
    out.emit(line);
    out.println(
        "peak RSS (VmHWM): this JVM (broker, service, second encoder, client) %.0f MiB; started processes %s",
        jvm / 1024.0,
        children.entrySet().stream()
            .map(e -> e.getKey() + " " + Math.round(e.getValue() / 1024.0) + " MiB")
            .toList());
  }

  private void table(List<Phase> phases, List<Double> rates, List<String> modalities) {
    out.println("");
    out.println(
        "| modality | req/s | path | sent | OK | not OK | no reply | p50 ms | p95 ms | p99 ms | max ms | p99/p50 |"
            + " max backlog |");
    out.println(
        "| --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Phase p : phases) {
      out.println(
          "| %s | %.0f | %s | %d | %d | %s | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %d |",
          p.modality(),
          p.rate(),
          p.path(),
          p.sent(),
          p.ok(),
          p.notOk().isEmpty() ? "0" : p.notOk().toString().replaceAll("[{}]", ""),
          p.noReply(),
          p.latency().p50(),
          p.latency().p95(),
          p.latency().p99(),
          p.latency().max(),
          p.latency().p99() / p.latency().p50(),
          p.maxBacklog());
    }
    out.println("");
    out.println(
        "| modality | req/s | request/reply overhead at p50 (kafka - direct) | at p99 | kafka p99/p50 |"
            + " service took_ms p50 |");
    out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (String modality : modalities) {
      for (double rate : rates) {
        Phase k = find(phases, "kafka", modality, rate);
        Phase d = find(phases, "direct", modality, rate);
        if (k == null || d == null) {
          continue;
        }
        double overhead = k.latency().p50() - d.latency().p50();
        double ratio = k.latency().p99() / k.latency().p50();
        out.println(
            "| %s | %.0f | %.1f ms | %.1f ms | %.2f | %.1f ms |",
            modality,
            rate,
            overhead,
            k.latency().p99() - d.latency().p99(),
            ratio,
            k.tookMs().p50());
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("record", "delta");
        line.put("modality", modality);
        line.put("rate_per_s", rate);
        line.put("overhead_p50_ms", overhead);
        line.put("overhead_p99_ms", k.latency().p99() - d.latency().p99());
        line.put("kafka_p99_over_p50", ratio);
        out.emit(line);
        if (rate == 10 && (!k.notOk().isEmpty() || !d.notOk().isEmpty())) {
          // why: a saturated phase's OK replies all sit near the deadline, so both ratios say
          // nothing
          out.println("|   target at 10 req/s | | n/a: saturated (non-OK replies) | | n/a | |");
        } else if (rate == 10) {
          out.println(
              "|   target at 10 req/s | | overhead <= 15 ms: %s | | p99/p50 <= 2: %s | |",
              overhead <= 15 ? "met" : "MISSED", ratio <= 2 ? "met" : "MISSED");
        }
      }
    }
  }

  private static Phase find(List<Phase> phases, String path, String modality, double rate) {
    return phases.stream()
        .filter(p -> p.path().equals(path) && p.modality().equals(modality) && p.rate() == rate)
        .findFirst()
        .orElse(null);
  }
}
