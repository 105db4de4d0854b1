package dev.bgevl.streams.encoder.batch;

import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.encoder.EncoderException;
import dev.bgevl.streams.encoder.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The {@link Encoder} view of one lane of a {@link MicroBatcher}: callers keep the plain encoder
 * API while their inputs are merged with everyone else's into device-sized batches. Blocks until
 * its inputs are encoded. Closing it closes nothing: the batcher and encoder belong to their
 * creator.
 */
public final class LaneEncoder implements Encoder {

  private final MicroBatcher batcher;
  private final Lane lane;
  private final ModelInfo model;

  public LaneEncoder(MicroBatcher batcher, Lane lane, ModelInfo model) {
    this.batcher = Objects.requireNonNull(batcher, "batcher");
    this.lane = Objects.requireNonNull(lane, "lane");
    this.model = Objects.requireNonNull(model, "model");
  }

  @Override
  public ModelInfo model() {
    return model;
  }

  /**
   * Submits every input and waits for all of them.
   *
   * @throws RuntimeException the failure of the first input that failed: {@code EncoderException},
   *     {@code EncoderOverloadedException} or {@code DeadlineExceededException}, unwrapped
   */
  @Override
  public List<EncodeResult> encode(List<EncodeInput> inputs) {
    List<CompletableFuture<EncodeResult>> futures = batcher.submitAll(inputs, lane, null);
    List<EncodeResult> results = new ArrayList<>(futures.size());
    for (CompletableFuture<EncodeResult> future : futures) {
      try {
        results.add(future.get());
      } catch (ExecutionException | CompletionException e) {
        throw e.getCause() instanceof RuntimeException runtime
            ? runtime
            : new EncoderException("encoding failed: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EncoderException("interrupted while waiting for the encoder", e);
      }
    }
    return results;
  }

  @Override
  public void close() {
    // the batcher and the encoder belong to whoever created them
  }
}
