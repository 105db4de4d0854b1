package dev.bgevl.streams.bench;

import dev.bgevl.streams.encoder.ImageLimits;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.image.ClipImagePreprocessor;
import dev.bgevl.streams.encoder.image.ImageDecoder;
import dev.bgevl.streams.thumbnails.ThumbnailMaker;
import dev.bgevl.streams.thumbnails.ThumbnailPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a thumbnail costs next to the encoder's own image front-end (decode + resize + crop +
 * normalize), a {@code main} for {@code bench/thumbnails.sh}: per file, one thread, slices of the
 * two alternated, so host drift lands on both sides of each pair; the verdict is the median of the
 * per-pair ratios. Ingest makes thumbnails on their own pool while the batch is in the encoder, so
 * this ratio is the extra CPU per image, not added latency.
 *
 * <p>Args: {@code BUNDLE SECONDS PAIRS FILE...}; prints one JSON object per line.
 */
public final class ThumbnailBenchmark {

  private ThumbnailBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path bundle = Path.of(args[0]);
    double seconds = Double.parseDouble(args[1]);
    int pairs = Integer.parseInt(args[2]);
    ClipImagePreprocessor pre =
        new ClipImagePreprocessor(ModelBundle.load(bundle).manifest().image());
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    ThumbnailMaker thumbnails = new ThumbnailMaker(ThumbnailPolicy.DEFAULT, ImageLimits.DEFAULT);
    for (String file : Arrays.copyOfRange(args, 3, args.length)) {
      byte[] bytes = Files.readAllBytes(Path.of(file));
      float[] out = new float[pre.tensorSize()];
      Runnable frontEnd = () -> pre.preprocess(decoder.decode(bytes), out, 0);
      Runnable thumbnail = () -> thumbnails.make(bytes);
      millisPerCall(seconds * 2, frontEnd); // JIT warm-up
      millisPerCall(seconds * 2, thumbnail);
      List<Double> ratios = new ArrayList<>();
      List<Double> frontEndMs = new ArrayList<>();
      List<Double> thumbnailMs = new ArrayList<>();
      for (int i = 0; i < pairs; i++) {
        double f = millisPerCall(seconds, frontEnd);
        double t = millisPerCall(seconds, thumbnail);
        frontEndMs.add(f);
        thumbnailMs.add(t);
        ratios.add(t / f);
      }
      System.out.printf(
          Locale.ROOT,
          "{\"file\":\"%s\",\"front_end_ms\":%.3f,\"thumbnail_ms\":%.3f,"
              + "\"thumbnail_over_front_end\":%.3f,\"min\":%.3f,\"max\":%.3f,\"thumbnail_bytes\":%d}%n",
          Path.of(file).getFileName(),
          median(frontEndMs),
          median(thumbnailMs),
          median(ratios),
          ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
          ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
          thumbnails.make(bytes).length);
    }
  }

  private static double millisPerCall(double seconds, Runnable call) {
    long budget = (long) (seconds * 1e9);
    long start = System.nanoTime();
    int calls = 0;
    do {
      call.run();
      calls++;
    } while (System.nanoTime() - start < budget);
    return (System.nanoTime() - start) / 1e6 / calls;
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }
}
