package dev.bgevl.streams.encoder;

import java.util.List;

/**
 * An {@link Encoder} whose CPU-side work (decoding, preprocessing) can run apart from inference, so
 * a batcher can prepare the next batch on other cores while the device runs this one.
 *
 * @param <P> one prepared input: its tensor, or the reason it was refused
 */
public interface StagedEncoder<P> extends Encoder {

  /**
   * Decodes and preprocesses one input. Thread-safe and never touches the device; a bad input comes
   * back as a prepared rejection, not an exception, so it cannot fail its neighbours.
   */
  P prepare(EncodeInput input);

  /**
   * Runs the device on prepared inputs; {@code results.get(i)} answers {@code prepared.get(i)}.
   *
   * @throws EncoderException when the runtime itself fails, which no single input explains
   */
  List<EncodeResult> infer(List<P> prepared);
}
