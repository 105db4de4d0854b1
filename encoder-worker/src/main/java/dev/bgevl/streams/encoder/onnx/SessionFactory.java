package dev.bgevl.streams.encoder.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.bgevl.streams.encoder.DeviceSpec;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.EncoderException;
import java.nio.file.Path;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions on the configured device.
 *
 * <p>Asking for CUDA where this build or machine has none fails at start, unless CPU fallback is
 * configured: a service that silently runs 50x slower than planned is worse than one that stops.
 */
public final class SessionFactory {
  private static final Logger log = LoggerFactory.getLogger(SessionFactory.class);

  /** ONNX Runtime's session option that stops the intra-op threads' spinning when Run() returns. */
  public static final String FORCE_SPINNING_STOP = "session.force_spinning_stop";

  private final OrtEnvironment env;
  private final EncoderConfig config;
  private final DeviceSpec resolved;

  public SessionFactory(OrtEnvironment env, EncoderConfig config) {
    this(env, config, OrtEnvironment.getAvailableProviders());
  }

  SessionFactory(OrtEnvironment env, EncoderConfig config, EnumSet<OrtProvider> available) {
    this.env = env;
    this.config = config;
    this.resolved = resolve(config, available.contains(OrtProvider.CUDA));
  }

  /** The device sessions actually run on: never {@code auto}. */
  public DeviceSpec device() {
    return resolved;
  }

  static DeviceSpec resolve(EncoderConfig config, boolean cudaAvailable) {
    DeviceSpec asked = config.device();
    return switch (asked.kind()) {
      case CPU -> DeviceSpec.CPU;
      case AUTO -> cudaAvailable ? new DeviceSpec(DeviceSpec.Kind.CUDA, 0) : DeviceSpec.CPU;
      case CUDA -> {
        if (cudaAvailable) {
          yield asked;
        }
        if (config.cpuFallback()) {
          log.warn(
              "CUDA asked for but not available, running on CPU as encoder.cuda-fallback=true allows device={}",
              asked);
          yield DeviceSpec.CPU;
        }
        throw new EncoderException(
            "encoder.device="
                + asked
                + " but this build has no CUDA execution provider"
                + " (build with -Pgpu, install CUDA 12 and cuDNN 9) or no GPU is visible;"
                + " set encoder.device=cpu, or encoder.cuda-fallback=true to allow CPU");
      }
    };
  }

  /** Opens {@code graph}; external data files are found beside it. */
  public OrtSession open(Path graph) {
    try {
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // intra-op threads spin while a Run() is in progress, not after it: a worker spinning
      // between batches holds a core that the next batch's decoding, Kafka and Milvus need
      // (tiny-image ingest on 2 cores: 343-417 events/s with this, 297-368 without)
      options.addConfigEntry(FORCE_SPINNING_STOP, "1");
      if (config.intraOpThreads() > 0) {
        options.setIntraOpNumThreads(config.intraOpThreads());
      }
      if (resolved.kind() == DeviceSpec.Kind.CUDA) {
        options.addCUDA(resolved.index());
      }
      return env.createSession(graph.toString(), options);
    } catch (OrtException e) {
      throw new EncoderException(
          "Cannot open ONNX graph " + graph + " on " + resolved + ": " + e.getMessage(), e);
    }
  }
}
