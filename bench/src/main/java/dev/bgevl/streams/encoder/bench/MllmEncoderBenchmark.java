package dev.bgevl.streams.encoder.bench;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.mllm.MllmBundle;
import dev.bgevl.streams.encoder.mllm.OnnxMllmEncoder;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Items/s of {@link OnnxMllmEncoder#encode} (image bytes or text in, unit vectors out: decoding,
 * PIL-exact resizes, tiling, tokenization, packing and the three graphs included), with the same
 * method as tools/bench_mllm_pytorch.py: per modality and batch size one untimed warm-up batch,
 * then {@code --reps} repetitions of whole batches until {@code --items} inputs are done; the
 * median repetition is reported. A benchmark, not a test: run it through {@code bench/mllm.sh}.
 */
public final class MllmEncoderBenchmark {

  private MllmEncoderBenchmark() {}

  public static void main(String[] argv) throws IOException {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
    int reps = Integer.parseInt(a.getOrDefault("reps", "3"));
    int items = Integer.parseInt(a.getOrDefault("items", "8"));
    int[] batches =
        Arrays.stream(a.getOrDefault("batches", "1,8").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    List<byte[]> images = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(a.get("images-dir")))) {
      for (Path p :
          files.filter(f -> f.toString().endsWith(".png")).sorted().limit(items).toList()) {
        images.add(Files.readAllBytes(p));
      }
    }
    List<EncodeInput> imageInputs = images.stream().map(EncodeInput::image).toList();
    List<EncodeInput> textInputs = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      textInputs.add(
          EncodeInput.query(
              null,
              "a photo of object number " + i + " on a table",
              "Find an image that matches the given caption: "));
    }
    Map<String, List<EncodeInput>> suites = new LinkedHashMap<>();
    suites.put("image", imageInputs);
    suites.put("text", textInputs);
    try (OnnxMllmEncoder encoder =
            OnnxMllmEncoder.open(
                MllmBundle.load(Path.of(a.get("bundle"))),
                EncoderConfig.DEFAULT.withIntraOpThreads(threads));
        Writer out = Files.newBufferedWriter(Path.of(a.get("out")), StandardCharsets.UTF_8)) {
      for (var suite : suites.entrySet()) {
        for (int batch : batches) {
          List<EncodeInput> inputs = suite.getValue();
          encoder.encode(chunk(inputs, 0, batch));
          double[] rates = new double[reps];
          for (int r = 0; r < reps; r++) {
            int done = 0;
            long start = System.nanoTime();
            while (done < items) {
              encoder.encode(chunk(inputs, done, batch));
              done += batch;
            }
            rates[r] = done / ((System.nanoTime() - start) / 1e9);
          }
          double[] sorted = rates.clone();
          Arrays.sort(sorted);
          String row =
              String.format(
                  Locale.ROOT,
                  "{\"impl\": \"ours\", \"modality\": \"%s\", \"batch\": %d, \"threads\": %d, \"items_per_s\": %.4f, "
                      + "\"min\": %.4f, \"max\": %.4f}",
                  suite.getKey(),
                  batch,
                  threads,
                  sorted[reps / 2],
                  sorted[0],
                  sorted[reps - 1]);
          System.out.println(row);
          out.write(row + "\n");
        }
      }
    }
  }

  private static List<EncodeInput> chunk(List<EncodeInput> inputs, int from, int size) {
    List<EncodeInput> out = new ArrayList<>(size);
    for (int k = 0; k < size; k++) {
      out.add(inputs.get((from + k) % inputs.size()));
    }
    return out;
  }
}
