package dev.bgevl.streams.encoder;

import java.util.List;

/**
 * Turns a batch of inputs into one embedding or rejection per input, in order.
 *
 * <p>A rejected input (an image that does not decode, say) never fails the rest of the batch.
 * Implementations are thread-safe; the caller that built one closes it.
 */
public interface Encoder extends AutoCloseable {

  /** The model this encoder runs: id and embedding dimension. */
  ModelInfo model();

  /**
   * Encodes every input; {@code results.get(i)} answers {@code inputs.get(i)}.
   *
   * @throws EncoderException when the runtime itself fails, which no single input explains
   */
  List<EncodeResult> encode(List<EncodeInput> inputs);

  /** Releases native resources; idempotent. */
  @Override
  void close();
}
