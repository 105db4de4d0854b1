package dev.bgevl.streams.encoder.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.onnx.OnnxBgeVlEncoder;
import dev.bgevl.streams.encoder.testkit.TinyBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MicroBatcher} on the tiny real ONNX model: batching from many threads changes no
 * embedding.
 */
@Timeout(120)
class MicroBatcherTinyModelTest {

  private static final int THREADS = 4;
  private static final int PER_THREAD = 10;

  private static List<EncodeInput> mixedInputs() throws IOException {
    List<byte[]> images = new ArrayList<>();
    for (String name :
        List.of("photo.jpg", "wide_gradient.png", "tall.png", "grayscale.png", "palette.png")) {
      images.add(Files.readAllBytes(TinyBundle.referenceDir().resolve(name)));
    }
    List<EncodeInput> inputs = new ArrayList<>();
    for (int i = 0; i < THREADS * PER_THREAD; i++) {
      byte[] image = images.get(i % images.size());
      String text =
          "a picture number "
              + i
              + (i % 3 == 0 ? " with a much longer caption that pads the batch" : "");
      inputs.add(
          switch (i % 3) {
            case 0 -> EncodeInput.text(text);
            case 1 -> EncodeInput.image(image);
            default -> EncodeInput.composed(image, text);
          });
    }
    return inputs;
  }

  @Test
  void shouldGiveTheSameEmbeddingsBatchedFromFourThreadsAsEncodedAlone() throws Exception {
    List<EncodeInput> inputs = mixedInputs();
    try (OnnxBgeVlEncoder encoder =
        OnnxBgeVlEncoder.open(
            ModelBundle.load(TinyBundle.path()), EncoderConfig.DEFAULT.withIntraOpThreads(1))) {
      List<float[]> alone = new ArrayList<>();
      for (EncodeInput input : inputs) {
        alone.add(vector(encoder.encode(List.of(input)).get(0)));
      }
      List<Integer> batchSizes = new ArrayList<>();
      BatchPolicy policy = new BatchPolicy(8, Duration.ofMillis(20), 64, Duration.ofSeconds(30));
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try (MicroBatcher batcher =
          new MicroBatcher(
              encoder,
              policy,
              (size, queryItems, waitNanos, encodeNanos) -> batchSizes.add(size))) {
        batcher.warmUp(1, 8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<CompletableFuture<EncodeResult>>>> submitted = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          List<EncodeInput> mine = inputs.subList(t * PER_THREAD, (t + 1) * PER_THREAD);
          Lane lane = t % 2 == 0 ? Lane.QUERY : Lane.INGEST;
          submitted.add(
              pool.submit(
                  () -> {
                    start.await(10, TimeUnit.SECONDS);
                    return batcher.submitAll(mine, lane, null);
                  }));
        }
        start.countDown();

        for (int t = 0; t < THREADS; t++) {
          List<CompletableFuture<EncodeResult>> futures =
              submitted.get(t).get(60, TimeUnit.SECONDS);
          for (int i = 0; i < PER_THREAD; i++) {
            int index = t * PER_THREAD + i;
            float[] batched = vector(futures.get(i).get(60, TimeUnit.SECONDS));
            assertArrayEquals(alone.get(index), batched, 1e-5f, "input " + index);
          }
        }
      } finally {
        pool.shutdownNow();
      }
      // listener calls happen on the batcher thread, which close has joined
      assertTrue(
          batchSizes.stream().anyMatch(size -> size > 1), "nothing was batched: " + batchSizes);
    }
  }

  private static float[] vector(EncodeResult r) {
    return assertInstanceOf(EncodeResult.Encoded.class, r).vector();
  }
}
