package dev.bgevl.streams.encoder.bench;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.ModelInfo;
import dev.bgevl.streams.encoder.StagedEncoder;
import dev.bgevl.streams.encoder.batch.BatchListener;
import dev.bgevl.streams.encoder.batch.BatchPolicy;
import dev.bgevl.streams.encoder.batch.Lane;
import dev.bgevl.streams.encoder.batch.MicroBatcher;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.image.ClipImagePreprocessor;
import dev.bgevl.streams.encoder.image.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The image front-end on its own, a {@code main} for {@code bench/preprocess.sh}: per file, decode
 * + resize + crop + normalize on one thread against Pillow doing the same, alternated slice by
 * slice (a Java slice, then a Pillow slice from the {@code bench_preprocess.py --serve} process
 * this starts, repeated), so host drift lands on both sides of each pair; then the null-encoder
 * ceiling: images per second the {@link MicroBatcher} pipeline feeds an encoder whose inference
 * takes no time, with 1 preparation thread and with one per core.
 *
 * <p>Args: {@code BUNDLE SECONDS PAIRS PYTHON FILE...}; prints one JSON object per line.
 */
public final class PreprocessBenchmark {

  private PreprocessBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path bundle = Path.of(args[0]);
    double seconds = Double.parseDouble(args[1]);
    int pairs = Integer.parseInt(args[2]);
    ClipImagePreprocessor pre =
        new ClipImagePreprocessor(ModelBundle.load(bundle).manifest().image());
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    Process pillow =
        new ProcessBuilder(args[3], "tools/bench_preprocess.py", "--serve")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    java.io.BufferedReader fromPillow =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                pillow.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    java.io.Writer toPillow =
        new java.io.OutputStreamWriter(
            pillow.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (String file : Arrays.copyOfRange(args, 4, args.length)) {
      byte[] bytes = Files.readAllBytes(Path.of(file));
      float[] out = new float[pre.tensorSize()];
      timeLoop(seconds * 2, () -> pre.preprocess(decoder.decode(bytes), out, 0)); // JIT warm-up
      for (int p = 0; p < pairs; p++) {
        double javaMs =
            median(timeLoop(seconds, () -> pre.preprocess(decoder.decode(bytes), out, 0)));
        toPillow.write(file + " " + seconds + "\n");
        toPillow.flush();
        double pillowMs = json.readTree(fromPillow.readLine()).get("median_ms").asDouble();
        System.out.printf(
            "{\"stage\":\"pair\",\"file\":\"%s\",\"pair\":%d,\"java_ms\":%.3f,\"pillow_ms\":%.3f}%n",
            Path.of(file).getFileName(), p, javaMs, pillowMs);
      }
      int cores = Runtime.getRuntime().availableProcessors();
      for (int threads : new int[] {1, cores}) {
        double rate = nullEncoderRate(bundle, bytes, threads, seconds);
        System.out.printf(
            "{\"impl\":\"java\",\"stage\":\"null_encoder\",\"file\":\"%s\",\"prepare_threads\":%d,"
                + "\"images_per_s\":%.1f}%n",
            Path.of(file).getFileName(), threads, rate);
      }
    }
    toPillow.close();
    pillow.waitFor();
  }

  /** Images/s through a MicroBatcher whose encoder prepares for real and infers nothing. */
  private static double nullEncoderRate(Path bundle, byte[] image, int threads, double seconds)
      throws Exception {
    NullInference encoder =
        new NullInference(new ClipImagePreprocessor(ModelBundle.load(bundle).manifest().image()));
    BatchPolicy policy =
        new BatchPolicy(32, Duration.ofMillis(5), 256, Duration.ofSeconds(60), threads);
    try (MicroBatcher batcher = new MicroBatcher(encoder, policy, BatchListener.NONE)) {
      EncodeInput input = EncodeInput.image(image);
      runFor(batcher, input, seconds / 2); // warm-up
      long start = System.nanoTime();
      long done = runFor(batcher, input, seconds);
      return done / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** Keeps 128 inputs in flight for {@code seconds}; returns how many completed. */
  private static long runFor(MicroBatcher batcher, EncodeInput input, double seconds)
      throws Exception {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<CompletableFuture<EncodeResult>> window = new ArrayList<>();
    long done = 0;
    while (System.nanoTime() < end) {
      while (window.size() < 128) {
        window.add(batcher.submit(input, Lane.INGEST, null));
      }
      window.remove(0).get();
      done++;
    }
    for (CompletableFuture<EncodeResult> f : window) {
      f.get();
      done++;
    }
    return done;
  }

  private static double[] timeLoop(double seconds, Runnable body) {
    List<Double> times = new ArrayList<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end || times.size() < 5) {
      long t0 = System.nanoTime();
      body.run();
      times.add((System.nanoTime() - t0) / 1e6);
    }
    return times.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /**
   * Real decoding and preprocessing, and an inference that costs nothing: the pipeline's ceiling.
   */
  private static final class NullInference implements StagedEncoder<float[]> {
    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    private final ClipImagePreprocessor pre;

    NullInference(ClipImagePreprocessor pre) {
      this.pre = pre;
    }

    @Override
    public float[] prepare(EncodeInput input) {
      return pre.preprocess(decoder.decode(input.image()));
    }

    @Override
    public List<EncodeResult> infer(List<float[]> prepared) {
      EncodeResult one = new EncodeResult.Encoded(new float[] {1f});
      return java.util.Collections.nCopies(prepared.size(), one);
    }

    @Override
    public List<EncodeResult> encode(List<EncodeInput> inputs) {
      return infer(inputs.stream().map(this::prepare).toList());
    }

    @Override
    public ModelInfo model() {
      return new ModelInfo("null", 1);
    }

    @Override
    public void close() {}
  }
}
