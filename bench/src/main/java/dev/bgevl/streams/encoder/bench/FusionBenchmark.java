package dev.bgevl.streams.encoder.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.UnitVectors;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.bundle.ModelManifest;
import dev.bgevl.streams.encoder.image.ClipImagePreprocessor;
import dev.bgevl.streams.encoder.image.ImageDecoder;
import dev.bgevl.streams.encoder.onnx.SessionFactory;
import dev.bgevl.streams.encoder.text.ClipTokenizer;
import dev.bgevl.streams.encoder.text.TokenBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The same model exported without and with {@code export_bgevl.py --fuse} (ONNX Runtime's
 * transformer fusions), run by this build's ONNX Runtime with the encoder's session options on the
 * same pre-made tensors, interleaved repetition by repetition (the order alternating): items/s of
 * each, their ratio, and how far the fused outputs are from the unfused ones (max abs difference,
 * lowest cosine of the L2-normalized embeddings).
 *
 * <p>Run it through {@code bench/fusion.sh}: {@code FusionBenchmark UNFUSED_BUNDLE FUSED_BUNDLE
 * THREADS REPS BATCHES}.
 */
public final class FusionBenchmark {

  private FusionBenchmark() {}

  /** A graph and a feed for it. */
  private record Case(String modality, int batch, String graphFile, Map<String, OnnxTensor> feed) {}

  public static void main(String[] args) throws Exception {
    ModelBundle unfused = ModelBundle.load(Path.of(args[0]));
    ModelBundle fused = ModelBundle.load(Path.of(args[1]));
    int threads = Integer.parseInt(args[2]);
    int reps = Integer.parseInt(args[3]);
    List<Integer> batches = Arrays.stream(args[4].split(",")).map(Integer::parseInt).toList();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    ModelManifest manifest = unfused.manifest();
    List<Case> cases = new ArrayList<>();
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    ClipImagePreprocessor pre = new ClipImagePreprocessor(manifest.image());
    List<BenchInputs.EncodedImage> images = BenchInputs.images(8, 640, 480, 20261127L);
    try (ClipTokenizer tokenizer = new ClipTokenizer(unfused.tokenizerFile(), manifest.text())) {
      for (int b : batches) {
        float[] pixels = new float[b * pre.tensorSize()];
        for (int i = 0; i < b; i++) {
          pre.preprocess(
              decoder.decode(images.get(i % images.size()).bytes()), pixels, i * pre.tensorSize());
        }
        int crop = pre.cropSize();
        cases.add(
            new Case(
                "image",
                b,
                "vision",
                Map.of(
                    manifest.files().vision().input(),
                    OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(pixels), new long[] {b, 3, crop, crop}))));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 4 * b; i++) {
          texts.add(BenchInputs.caption(i));
        }
        TokenBatch tokens = tokenizer.tokenize(texts);
        long[] shape = {tokens.batch(), tokens.length()};
        cases.add(
            new Case(
                "text",
                4 * b,
                "text",
                Map.of(
                    manifest.files().text().inputIds(),
                    OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.ids()), shape),
                    manifest.files().text().attentionMask(),
                    OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.attentionMask()), shape))));
      }
    }
    SessionFactory sessions =
        new SessionFactory(env, EncoderConfig.DEFAULT.withIntraOpThreads(threads));
    System.out.printf(
        Locale.ROOT,
        "model=%s threads=%d reps=%d ort=%s; fused operators: %s%n",
        manifest.modelId(),
        threads,
        reps,
        env.getVersion(),
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(Path.of(args[1], "manifest.json").toFile())
            .path("export_check")
            .path("fused_operators"));
    System.out.printf("unfused: %s, %s%n", unfused.visionGraph(), unfused.textGraph());
    System.out.printf("fused:   %s, %s%n", fused.visionGraph(), fused.textGraph());
    System.out.println(
        "| graph | batch | unfused items/s | fused items/s | fused / unfused (medians; median of"
            + " paired reps) | max abs diff | lowest cosine |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    try (OrtSession visionA = sessions.open(unfused.visionGraph());
        OrtSession visionB = sessions.open(fused.visionGraph());
        OrtSession textA = sessions.open(unfused.textGraph());
        OrtSession textB = sessions.open(fused.textGraph())) {
      for (Case c : cases) {
        OrtSession a = c.graphFile().equals("vision") ? visionA : textA;
        OrtSession b = c.graphFile().equals("vision") ? visionB : textB;
        float[][] outA = run(a, c.feed());
        float[][] outB = run(b, c.feed()); // also the warm-up of both
        double maxAbs = 0;
        double lowestCos = 1;
        for (int i = 0; i < outA.length; i++) {
          for (int j = 0; j < outA[i].length; j++) {
            maxAbs = Math.max(maxAbs, Math.abs(outA[i][j] - outB[i][j]));
          }
          lowestCos =
              Math.min(
                  lowestCos,
                  UnitVectors.dot(UnitVectors.normalize(outA[i]), UnitVectors.normalize(outB[i])));
        }
        int calls = Math.max(1, (c.modality().equals("image") ? 8 : 64) / c.batch());
        double[] rateA = new double[reps];
        double[] rateB = new double[reps];
        double[] paired = new double[reps];
        for (int r = 0; r < reps; r++) {
          boolean aFirst = r % 2 == 0;
          double first = seconds(aFirst ? a : b, c.feed(), calls);
          double second = seconds(aFirst ? b : a, c.feed(), calls);
          rateA[r] = calls * c.batch() / (aFirst ? first : second);
          rateB[r] = calls * c.batch() / (aFirst ? second : first);
          paired[r] = rateB[r] / rateA[r];
        }
        System.out.printf(
            Locale.ROOT,
            "| %s | %d | %.2f | %.2f | %.3fx; %.3fx | %.2e | %.7f |%n",
            c.graphFile(),
            c.batch(),
            EncoderBenchmark.median(rateA),
            EncoderBenchmark.median(rateB),
            EncoderBenchmark.median(rateB) / EncoderBenchmark.median(rateA),
            EncoderBenchmark.median(paired),
            maxAbs,
            lowestCos);
      }
    }
    for (Case c : cases) {
      c.feed().values().forEach(OnnxTensor::close);
    }
  }

  private static float[][] run(OrtSession session, Map<String, OnnxTensor> feed)
      throws OrtException {
    try (OrtSession.Result r = session.run(feed)) {
      return (float[][]) r.get(0).getValue();
    }
  }

  private static double seconds(OrtSession session, Map<String, OnnxTensor> feed, int calls)
      throws OrtException {
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      try (OrtSession.Result r = session.run(feed)) {
        r.get(0);
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
