package dev.bgevl.streams.encoder.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.encoder.DeviceSpec;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.EncoderException;
import org.junit.jupiter.api.Test;

/** The device rules of the GPU profile, checked on a machine with or without CUDA alike. */
class SessionFactoryTest {

  private static EncoderConfig asking(String device, boolean fallback) {
    EncoderConfig d = EncoderConfig.DEFAULT;
    return new EncoderConfig(DeviceSpec.parse(device), d.precision(), fallback, 0, d.imageLimits());
  }

  @Test
  void shouldPickCudaForAutoOnlyWhenAvailable() {
    assertEquals(
        new DeviceSpec(DeviceSpec.Kind.CUDA, 0),
        SessionFactory.resolve(asking("auto", false), true));
    assertEquals(DeviceSpec.CPU, SessionFactory.resolve(asking("auto", false), false));
  }

  @Test
  void shouldFailLoudlyWhenCudaIsMissingAndNoFallbackIsConfigured() {
    EncoderException e =
        assertThrows(
            EncoderException.class, () -> SessionFactory.resolve(asking("cuda:1", false), false));
    assertTrue(e.getMessage().contains("encoder.device=cuda:1"), e.getMessage());
    assertTrue(e.getMessage().contains("encoder.cuda-fallback"), e.getMessage());
  }

  @Test
  void shouldFallBackToCpuOnlyWhenConfigured() {
    assertEquals(DeviceSpec.CPU, SessionFactory.resolve(asking("cuda", true), false));
    assertEquals(
        new DeviceSpec(DeviceSpec.Kind.CUDA, 2),
        SessionFactory.resolve(asking("cuda:2", true), true));
  }

  @Test
  void shouldNeverUseCudaWhenCpuIsAsked() {
    assertEquals(DeviceSpec.CPU, SessionFactory.resolve(asking("cpu", false), true));
  }
}
