package dev.bgevl.streams.encoder;

import java.util.Objects;

/**
 * How to run a model bundle.
 *
 * @param device where to run ({@code encoder.device})
 * @param precision vision graph precision ({@code encoder.precision})
 * @param cpuFallback run on CPU when CUDA was asked for but is missing, instead of failing at start
 *     ({@code encoder.cuda-fallback})
 * @param intraOpThreads ONNX Runtime threads per inference, 0 for its default ({@code
 *     encoder.threads})
 * @param imageLimits largest image accepted
 */
public record EncoderConfig(
    DeviceSpec device,
    Precision precision,
    boolean cpuFallback,
    int intraOpThreads,
    ImageLimits imageLimits) {

  public static final EncoderConfig DEFAULT =
      new EncoderConfig(DeviceSpec.AUTO, Precision.FP32, false, 0, ImageLimits.DEFAULT);

  public EncoderConfig {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(imageLimits, "imageLimits");
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("encoder.threads must be >= 0, got " + intraOpThreads);
    }
  }

  public EncoderConfig withDevice(DeviceSpec newDevice) {
    return new EncoderConfig(newDevice, precision, cpuFallback, intraOpThreads, imageLimits);
  }

  public EncoderConfig withIntraOpThreads(int threads) {
    return new EncoderConfig(device, precision, cpuFallback, threads, imageLimits);
  }
}
