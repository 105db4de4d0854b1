package dev.bgevl.streams.encoder.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bgevl.streams.encoder.DeviceSpec;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.Precision;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.bundle.ModelManifest;
import dev.bgevl.streams.encoder.image.ClipImagePreprocessor;
import dev.bgevl.streams.encoder.image.ImageDecoder;
import dev.bgevl.streams.encoder.onnx.OnnxBgeVlEncoder;
import dev.bgevl.streams.encoder.onnx.SessionFactory;
import dev.bgevl.streams.encoder.text.ClipTokenizer;
import dev.bgevl.streams.encoder.text.TokenBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Throughput of {@link OnnxBgeVlEncoder#encode} ("ours": image bytes in, unit vectors out, so
 * JPEG/PNG decoding, PIL-exact resize, normalization and tokenization are included) against a bare
 * {@link OrtSession} on the same graphs with the same session options fed pre-made tensors
 * ("bare").
 *
 * <p>A benchmark, not a test: run it through {@code bench/encoder.sh} (or {@code -Pbench
 * exec:exec}). Method: per (modality, batch size) {@code --warmup} untimed batch calls of each
 * implementation, then {@code --reps} timed repetitions of ours, bare and (with {@code
 * --pytorch-python}) the PyTorch reference's full pipeline and model-only, in a {@link
 * PyTorchWorker}, interleaved repetition by repetition with the order rotating one step each time,
 * so drift of a shared host hits every side; a repetition runs whole batches until at least {@code
 * --image-items} / {@code --text-items} inputs are done. The median repetition's items/s is
 * reported, with min and max. Results go to stdout as a table and to {@code --out} (PyTorch's to
 * {@code --pytorch-out}) as JSON lines.
 */
public final class EncoderBenchmark {

  /**
   * Multiply-accumulates of one ViT-B/16 forward pass at 224 px, counted from the architecture: 197
   * tokens (196 patches + CLS), width 768, MLP 3072, 12 layers, projection 768 to 512.
   */
  static long vitB16Macs() {
    long n = 197;
    long d = 768;
    long mlp = 3072;
    long patchEmbed = 196L * (3 * 16 * 16) * d;
    long qkv = n * d * 3 * d;
    long scores = n * n * d; // all heads together: heads x n x n x headDim
    long attnTimesV = n * n * d;
    long outProj = n * d * d;
    long ffn = 2 * n * d * mlp;
    long projection = d * 512; // pooled CLS token only
    return patchEmbed + 12 * (qkv + scores + attnTimesV + outProj + ffn) + projection;
  }

  /** Command-line options; see {@link #usage()}. */
  record Options(
      Path bundle,
      Path out,
      Path imagesDir,
      int threads,
      List<Integer> batches,
      int warmup,
      int reps,
      int imageItems,
      int textItems,
      double cpuGhz,
      int flopsPerCycle,
      int cores,
      boolean skipImages,
      boolean skipTexts,
      List<String> pytorchCommand,
      Path pytorchOut) {

    static Options parse(String[] args) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) {
          throw new IllegalArgumentException("unexpected argument '" + a + "'\n" + usage());
        }
        if (a.equals("--skip-images") || a.equals("--skip-texts")) {
          m.put(a, "true");
        } else if (i + 1 < args.length) {
          m.put(a, args[++i]);
        } else {
          throw new IllegalArgumentException("missing value for " + a + "\n" + usage());
        }
      }
      if (!m.containsKey("--bundle") || !m.containsKey("--out")) {
        throw new IllegalArgumentException("--bundle and --out are required\n" + usage());
      }
      List<Integer> batches =
          Arrays.stream(m.getOrDefault("--batches", "1,8,32").split(","))
              .map(String::trim)
              .map(Integer::parseInt)
              .toList();
      return new Options(
          Path.of(m.get("--bundle")),
          Path.of(m.get("--out")),
          m.containsKey("--images-dir") ? Path.of(m.get("--images-dir")) : null,
          Integer.parseInt(m.getOrDefault("--threads", "2")),
          batches,
          Integer.parseInt(m.getOrDefault("--warmup", "1")),
          Integer.parseInt(m.getOrDefault("--reps", "3")),
          Integer.parseInt(m.getOrDefault("--image-items", "8")),
          Integer.parseInt(m.getOrDefault("--text-items", "64")),
          Double.parseDouble(m.getOrDefault("--cpu-ghz", "0")),
          Integer.parseInt(m.getOrDefault("--flops-per-cycle", "0")),
          Integer.parseInt(
              m.getOrDefault(
                  "--cores", String.valueOf(Runtime.getRuntime().availableProcessors()))),
          m.containsKey("--skip-images"),
          m.containsKey("--skip-texts"),
          m.containsKey("--pytorch-python")
              ? List.of(
                  m.get("--pytorch-python"),
                  m.getOrDefault("--pytorch-script", "tools/bench_pytorch.py"),
                  "--serve",
                  "--checkpoint",
                  m.get("--pytorch-checkpoint"),
                  "--images-dir",
                  m.get("--images-dir"),
                  "--threads",
                  m.getOrDefault("--threads", "2"))
              : List.of(),
          m.containsKey("--pytorch-out") ? Path.of(m.get("--pytorch-out")) : null);
    }
  }

  static String usage() {
    return """
        usage: EncoderBenchmark --bundle DIR --out results.jsonl [options]
          --threads N          ONNX Runtime intra-op threads for ours and bare (default 2)
          --batches 1,8,32     batch sizes (default 1,8,32)
          --warmup N           untimed batch calls first (default 1)
          --reps N             timed repetitions, median reported (default 3)
          --image-items N      images per repetition at least (default 8)
          --text-items N       texts per repetition at least (default 64)
          --images-dir DIR     also write the generated images there (for bench_pytorch.py)
          --cpu-ghz F --flops-per-cycle N --cores N   theoretical fp32 peak, for GFLOP/s vs peak
          --skip-images / --skip-texts
          --pytorch-python PY --pytorch-checkpoint DIR --pytorch-out FILE [--pytorch-script F]
                               also time the PyTorch reference (tools/bench_pytorch.py --serve, a
                               long-lived worker) in every repetition, between ours and bare;
                               needs --images-dir; its records go to FILE""";
  }

  /** One timed configuration. */
  record Measurement(
      String impl, String modality, int batch, int itemsPerRep, List<Double> itemsPerSecond) {
    double median() {
      double[] s = itemsPerSecond.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    double min() {
      return itemsPerSecond.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
      return itemsPerSecond.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
  }

  /** One call of a batch; {@code call} is the running call number, to rotate inputs. */
  @FunctionalInterface
  interface BatchCall {
    void run(int call) throws OrtException;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  // the bare side's input tensors, alive while ours and bare alternate; closed at the end of run()
  private final List<OnnxTensor> tensors = new ArrayList<>();

  private final Options options;
  private final PrintStream console;
  private final Writer jsonLines;
  private PyTorchWorker pytorch; // null unless --pytorch-python; started once the images exist

  private EncoderBenchmark(Options options, PrintStream console, Writer jsonLines) {
    this.options = options;
    this.console = console;
    this.jsonLines = jsonLines;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Files.createDirectories(options.out().toAbsolutePath().getParent());
    try (Writer out = Files.newBufferedWriter(options.out(), StandardCharsets.UTF_8)) {
      new EncoderBenchmark(options, System.out, out).run();
    }
  }

  private void run() throws Exception {
    ModelBundle bundle = ModelBundle.load(options.bundle());
    ModelManifest manifest = bundle.manifest();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("record", "environment");
    info.put("suite", "java");
    info.put("model_id", manifest.modelId());
    info.put("embedding_dim", manifest.embeddingDim());
    info.put("threads", options.threads());
    info.put("ort_java_version", env.getVersion());
    info.put("java_version", System.getProperty("java.version"));
    info.put("java_vm", System.getProperty("java.vm.name"));
    info.put("warmup", options.warmup());
    info.put("reps", options.reps());
    emit(info);
    console.printf(
        Locale.ROOT,
        "model=%s dim=%d threads=%d ort=%s java=%s warmup=%d reps=%d%n",
        manifest.modelId(),
        manifest.embeddingDim(),
        options.threads(),
        env.getVersion(),
        System.getProperty("java.version"),
        options.warmup(),
        options.reps());

    List<BenchInputs.EncodedImage> images = BenchInputs.images(8, 640, 480, 20261127L);
    if (options.imagesDir() != null) {
      Files.createDirectories(options.imagesDir());
      for (BenchInputs.EncodedImage img : images) {
        Files.write(options.imagesDir().resolve(img.name()), img.bytes());
      }
    }
    if (!options.pytorchCommand().isEmpty()) {
      if (options.imagesDir() == null || options.pytorchOut() == null) {
        throw new IllegalArgumentException("--pytorch-python needs --images-dir and --pytorch-out");
      }
      pytorch =
          PyTorchWorker.start(
              options.pytorchCommand(), Path.of(options.pytorchOut() + ".log").toAbsolutePath());
      @SuppressWarnings("unchecked")
      Map<String, Object> torchEnv = JSON.readValue(pytorch.environment(), Map.class);
      torchEnv.put("warmup", options.warmup());
      torchEnv.put("reps", options.reps());
      torchEnv.put("interleaved_with", "ours, bare");
      Files.writeString(options.pytorchOut(), "", StandardCharsets.UTF_8);
      emitPyTorch(torchEnv);
    }
    EncoderConfig config =
        new EncoderConfig(
            DeviceSpec.CPU, Precision.FP32, false, options.threads(), ImageLimits.DEFAULT);
    List<Measurement> results = new ArrayList<>();
    // the bare sessions get exactly the encoder's session options: opened by the same factory
    SessionFactory sessions = new SessionFactory(env, config);
    try (OnnxBgeVlEncoder encoder = OnnxBgeVlEncoder.open(bundle, config);
        ClipTokenizer tokenizer = new ClipTokenizer(bundle.tokenizerFile(), manifest.text());
        OrtSession vision = sessions.open(bundle.visionGraph());
        OrtSession text = sessions.open(bundle.textGraph())) {
      if (!options.skipImages()) {
        stageTimings(images, manifest, tokenizer);
        for (int b : options.batches()) {
          results.addAll(
              measureInterleaved(
                  "image",
                  b,
                  options.imageItems(),
                  oursImages(encoder, images, b),
                  bareImages(env, vision, manifest, images, b)));
        }
      }
      if (!options.skipTexts()) {
        if (options.skipImages()) {
          stageTimings(images, manifest, tokenizer);
        }
        for (int b : options.batches()) {
          results.addAll(
              measureInterleaved(
                  "text",
                  b,
                  options.textItems(),
                  oursTexts(encoder, b),
                  bareTexts(env, text, manifest, tokenizer, b)));
        }
      }
    }
    tensors.forEach(OnnxTensor::close);
    if (pytorch != null) {
      pytorch.close();
    }
    printTable(results);
  }

  private BatchCall oursImages(
      OnnxBgeVlEncoder encoder, List<BenchInputs.EncodedImage> images, int batch) {
    List<List<EncodeInput>> batches = new ArrayList<>();
    for (int start = 0; start < images.size(); start++) {
      List<EncodeInput> in = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        in.add(EncodeInput.image(images.get((start + i) % images.size()).bytes()));
      }
      batches.add(in);
    }
    return call -> requireEncoded(encoder.encode(batches.get(call % batches.size())));
  }

  private BatchCall bareImages(
      OrtEnvironment env,
      OrtSession vision,
      ModelManifest manifest,
      List<BenchInputs.EncodedImage> images,
      int batch)
      throws OrtException {
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    ClipImagePreprocessor pre = new ClipImagePreprocessor(manifest.image());
    float[] pixels = new float[batch * pre.tensorSize()];
    for (int i = 0; i < batch; i++) {
      pre.preprocess(
          decoder.decode(images.get(i % images.size()).bytes()), pixels, i * pre.tensorSize());
    }
    int crop = pre.cropSize();
    ModelManifest.GraphFile g = manifest.files().vision();
    OnnxTensor input =
        OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {batch, 3, crop, crop});
    tensors.add(input);
    Map<String, OnnxTensor> feed = Map.of(g.input(), input);
    return call -> {
      try (OrtSession.Result r = vision.run(feed)) {
        r.get(0);
      }
    };
  }

  private BatchCall oursTexts(OnnxBgeVlEncoder encoder, int batch) {
    List<List<EncodeInput>> batches = new ArrayList<>();
    for (int start = 0; start < BenchInputs.CAPTIONS.size(); start++) {
      List<EncodeInput> in = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        in.add(EncodeInput.text(BenchInputs.caption(start + i)));
      }
      batches.add(in);
    }
    return call -> requireEncoded(encoder.encode(batches.get(call % batches.size())));
  }

  private BatchCall bareTexts(
      OrtEnvironment env,
      OrtSession text,
      ModelManifest manifest,
      ClipTokenizer tokenizer,
      int batch)
      throws OrtException {
    List<String> texts = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      texts.add(BenchInputs.caption(i));
    }
    TokenBatch tokens = tokenizer.tokenize(texts);
    long[] shape = {tokens.batch(), tokens.length()};
    ModelManifest.TextGraphFile g = manifest.files().text();
    OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.ids()), shape);
    OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.attentionMask()), shape);
    tensors.add(ids);
    tensors.add(mask);
    Map<String, OnnxTensor> feed = Map.of(g.inputIds(), ids, g.attentionMask(), mask);
    return call -> {
      try (OrtSession.Result r = text.run(feed)) {
        r.get(0);
      }
    };
  }

  private static void requireEncoded(List<EncodeResult> results) {
    for (EncodeResult r : results) {
      if (!(r instanceof EncodeResult.Encoded)) {
        throw new IllegalStateException("benchmark input was rejected: " + r);
      }
    }
  }

  /** One implementation being timed: the seconds {@code calls} batch calls take. */
  @FunctionalInterface
  interface Side {
    double seconds(int firstCall, int calls) throws OrtException;
  }

  /**
   * Ours, bare and (when configured) the PyTorch worker's full pipeline and model-only, interleaved
   * repetition by repetition, the order rotating one step each repetition, so drift of a shared
   * host hits every side instead of whichever ran last.
   */
  private List<Measurement> measureInterleaved(
      String modality, int batch, int minItems, BatchCall ours, BatchCall bare)
      throws OrtException {
    int calls = Math.max(1, (minItems + batch - 1) / batch);
    // why whole calls, not repetitions: at batch 32 one ViT-B call takes tens of seconds on 2
    // cores, and one call already sizes ONNX Runtime's arena for the shape and warms the JIT
    Map<String, Side> sides = new LinkedHashMap<>();
    sides.put("ours", (first, n) -> timeCalls(ours, first, n));
    sides.put("bare", (first, n) -> timeCalls(bare, first, n));
    if (pytorch != null) {
      for (String impl : List.of("pytorch", "pytorch-model")) {
        sides.put(impl, (first, n) -> pytorch.seconds(impl, modality, batch, n, first));
      }
    }
    List<String> names = List.copyOf(sides.keySet());
    for (String name : names) {
      sides.get(name).seconds(0, options.warmup());
    }
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    names.forEach(name -> rates.put(name, new ArrayList<>()));
    int call = options.warmup();
    for (int r = 0; r < options.reps(); r++) {
      for (int k = 0; k < names.size(); k++) {
        String name = names.get((r + k) % names.size());
        rates.get(name).add(calls * batch / sides.get(name).seconds(call, calls));
      }
      call += calls;
    }
    List<Measurement> measured = new ArrayList<>();
    for (String name : names) {
      measured.add(record(name, modality, batch, calls, rates.get(name)));
    }
    return measured;
  }

  private static double timeCalls(BatchCall body, int firstCall, int calls) throws OrtException {
    long start = System.nanoTime();
    for (int c = 0; c < calls; c++) {
      body.run(firstCall + c);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private Measurement record(
      String impl, String modality, int batch, int calls, List<Double> rates) {
    Measurement m = new Measurement(impl, modality, batch, calls * batch, List.copyOf(rates));
    boolean torch = impl.startsWith("pytorch");
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("record", "throughput");
    line.put("suite", torch ? "pytorch" : "java");
    line.put("impl", impl);
    line.put("modality", modality);
    line.put("batch", batch);
    line.put("threads", options.threads());
    line.put("items_per_rep", m.itemsPerRep());
    line.put("reps", options.reps());
    line.put("items_per_s_median", m.median());
    line.put("items_per_s_min", m.min());
    line.put("items_per_s_max", m.max());
    line.put("items_per_s_all", m.itemsPerSecond());
    if (modality.equals("image") && !torch) {
      line.put("gflop_per_item", 2.0 * vitB16Macs() / 1e9);
      line.put("gflops_median", m.median() * 2.0 * vitB16Macs() / 1e9);
    }
    if (torch) {
      emitPyTorch(line);
    } else {
      emit(line);
    }
    console.printf(
        Locale.ROOT,
        "  measured %-13s %-5s batch=%-3d %8.2f items/s (min %.2f max %.2f, %d items/rep)%n",
        impl,
        modality,
        batch,
        m.median(),
        m.min(),
        m.max(),
        m.itemsPerRep());
    return m;
  }

  /**
   * Per-item cost of the Java-side stages that "ours" adds on top of the bare session: decode +
   * resize + normalize of one image, and tokenizing a batch of 32 captions.
   */
  private void stageTimings(
      List<BenchInputs.EncodedImage> images, ModelManifest manifest, ClipTokenizer tokenizer) {
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    ClipImagePreprocessor pre = new ClipImagePreprocessor(manifest.image());
    float[] pixels = new float[pre.tensorSize()];
    for (String format : List.of("jpg", "png")) {
      List<BenchInputs.EncodedImage> ofFormat =
          images.stream().filter(i -> i.format().equals(format)).toList();
      double[] decodeMs = new double[40];
      double[] preprocessMs = new double[40];
      for (int i = -10; i < decodeMs.length; i++) { // first 10 warm up the JIT
        BenchInputs.EncodedImage img = ofFormat.get(Math.floorMod(i, ofFormat.size()));
        long t0 = System.nanoTime();
        var rgb = decoder.decode(img.bytes());
        long t1 = System.nanoTime();
        pre.preprocess(rgb, pixels, 0);
        long t2 = System.nanoTime();
        if (i >= 0) {
          decodeMs[i] = (t1 - t0) / 1e6;
          preprocessMs[i] = (t2 - t1) / 1e6;
        }
      }
      double avgBytes = ofFormat.stream().mapToInt(i -> i.bytes().length).average().orElse(0);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("record", "stage");
      line.put("suite", "java");
      line.put("stage", "image-" + format);
      line.put("image_width", 640);
      line.put("image_height", 480);
      line.put("avg_bytes", avgBytes);
      line.put("decode_ms_median", median(decodeMs));
      line.put("preprocess_ms_median", median(preprocessMs));
      emit(line);
      console.printf(
          Locale.ROOT,
          "  stage image-%s 640x480 (%.0f KB): decode %.2f ms + resize/normalize %.2f ms%n",
          format,
          avgBytes / 1024,
          median(decodeMs),
          median(preprocessMs));
    }
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      texts.add(BenchInputs.caption(i));
    }
    double[] tokMs = new double[40];
    int length = 0;
    for (int i = -10; i < tokMs.length; i++) {
      long t0 = System.nanoTime();
      TokenBatch t = tokenizer.tokenize(texts);
      length = t.length();
      if (i >= 0) {
        tokMs[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("record", "stage");
    line.put("suite", "java");
    line.put("stage", "tokenize-32");
    line.put("padded_length", length);
    line.put("ms_median", median(tokMs));
    emit(line);
    console.printf(
        Locale.ROOT,
        "  stage tokenize 32 captions (padded to %d tokens): %.2f ms%n",
        length,
        median(tokMs));
  }

  /** The median; of an even count, the mean of the middle two. */
  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private void printTable(List<Measurement> results) throws IOException {
    console.println();
    console.printf(
        Locale.ROOT,
        "%-6s %-6s %6s %12s %12s %10s%n",
        "what",
        "batch",
        "",
        "ours/s",
        "bare/s",
        "ours/bare");
    for (String modality : List.of("image", "text")) {
      Measurement firstOurs = null;
      for (int b : options.batches()) {
        Measurement ours = find(results, "ours", modality, b);
        Measurement bare = find(results, "bare", modality, b);
        if (ours == null || bare == null) {
          continue;
        }
        if (firstOurs == null) {
          firstOurs = ours;
        }
        console.printf(
            Locale.ROOT,
            "%-6s %-6d %6s %12.2f %12.2f %9.3fx%n",
            modality,
            b,
            "",
            ours.median(),
            bare.median(),
            ours.median() / bare.median());
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("record", "ratio");
        line.put("suite", "java");
        line.put("modality", modality);
        line.put("batch", b);
        line.put("ours_over_bare", ours.median() / bare.median());
        line.put("ours_batch_over_first", ours.median() / firstOurs.median());
        line.put(
            "bare_batch_over_first",
            bare.median() / find(results, "bare", modality, firstOurs.batch()).median());
        emit(line);
      }
    }
    double peak = options.cores() * options.cpuGhz() * options.flopsPerCycle();
    double gflop = 2.0 * vitB16Macs() / 1e9;
    console.printf(
        Locale.ROOT,
        "%nvision tower: %.2f GFLOP per image (ViT-B/16 @224, 2 FLOP per MAC)%n",
        gflop);
    if (peak > 0) {
      console.printf(
          Locale.ROOT,
          "theoretical fp32 peak: %d cores x %.3f GHz x %d FLOP/cycle = %.1f GFLOP/s%n",
          options.cores(),
          options.cpuGhz(),
          options.flopsPerCycle(),
          peak);
    }
    for (Measurement m : results) {
      if (m.modality().equals("image")) {
        double achieved = m.median() * gflop;
        console.printf(
            Locale.ROOT,
            "  %-4s batch %-3d %7.1f GFLOP/s%s%n",
            m.impl(),
            m.batch(),
            achieved,
            peak > 0 ? String.format(Locale.ROOT, " = %.0f%% of peak", 100 * achieved / peak) : "");
      }
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("record", "peak");
    line.put("suite", "java");
    line.put("cores", options.cores());
    line.put("cpu_ghz", options.cpuGhz());
    line.put("flops_per_cycle", options.flopsPerCycle());
    line.put("peak_gflops", peak);
    line.put("vision_gflop_per_image", gflop);
    emit(line);
  }

  private static Measurement find(
      List<Measurement> results, String impl, String modality, int batch) {
    return results.stream()
        .filter(m -> m.impl().equals(impl) && m.modality().equals(modality) && m.batch() == batch)
        .findFirst()
        .orElse(null);
  }

  private void emitPyTorch(Map<String, Object> line) {
    try {
      Files.writeString(
          options.pytorchOut(),
          JSON.writeValueAsString(line) + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void emit(Map<String, Object> line) {
    try {
      jsonLines.write(JSON.writeValueAsString(line));
      jsonLines.write('\n');
      jsonLines.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
