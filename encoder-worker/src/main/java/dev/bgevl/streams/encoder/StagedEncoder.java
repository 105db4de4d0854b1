package dev.bgevl.streams.encoder;

import java.util.List;
import java.util.concurrent.Executor;

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
   * As {@link #prepare(EncodeInput)}, for an input prepared alone while up to {@code idleThreads}
   * threads of {@code helpers} have nothing else to do: an encoder may spread this one input's work
   * over them (a lone image resampled while it is still decoding). The result must be exactly
   * {@link #prepare(EncodeInput)}'s; the default ignores the helpers.
   */
  default P prepare(EncodeInput input, Executor helpers, int idleThreads) {
    return prepare(input);
  }

  /**
   * Runs the device on prepared inputs; {@code results.get(i)} answers {@code prepared.get(i)}.
   *
   * @throws EncoderException when the runtime itself fails, which no single input explains
   */
  List<EncodeResult> infer(List<P> prepared);
}
