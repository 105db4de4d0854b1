package dev.bgevl.streams.encoder;

import java.util.Locale;

/**
 * Where the encoder runs: {@code auto}, {@code cpu} or {@code cuda[:N]} (config key {@code
 * encoder.device}).
 */
public record DeviceSpec(Kind kind, int index) {

  /** The device family. */
  public enum Kind {
    /** CUDA when this build and machine have it, else CPU. */
    AUTO,
    CPU,
    CUDA
  }

  public DeviceSpec {
    if (index < 0) {
      throw new IllegalArgumentException("encoder.device: device index must be >= 0, got " + index);
    }
  }

  public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, 0);
  public static final DeviceSpec AUTO = new DeviceSpec(Kind.AUTO, 0);

  /** Parses {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}. */
  public static DeviceSpec parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto")) {
      return AUTO;
    }
    if (s.equals("cpu")) {
      return CPU;
    }
    if (s.equals("cuda")) {
      return new DeviceSpec(Kind.CUDA, 0);
    }
    if (s.startsWith("cuda:")) {
      try {
        return new DeviceSpec(Kind.CUDA, Integer.parseInt(s.substring(5)));
      } catch (NumberFormatException e) {
        // fall through to the common message
      }
    }
    throw new IllegalArgumentException(
        "encoder.device: expected auto, cpu, cuda or cuda:N, got '" + text + "'");
  }

  @Override
  public String toString() {
    return switch (kind) {
      case AUTO -> "auto";
      case CPU -> "cpu";
      case CUDA -> "cuda:" + index;
    };
  }
}
