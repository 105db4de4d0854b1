package dev.bgevl.streams.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceSpecTest {

  @Test
  void shouldParseEveryDocumentedForm() {
    assertEquals(DeviceSpec.AUTO, DeviceSpec.parse("auto"));
    assertEquals(DeviceSpec.CPU, DeviceSpec.parse(" CPU "));
    assertEquals(new DeviceSpec(DeviceSpec.Kind.CUDA, 0), DeviceSpec.parse("cuda"));
    assertEquals(new DeviceSpec(DeviceSpec.Kind.CUDA, 3), DeviceSpec.parse("cuda:3"));
    assertEquals("cuda:3", DeviceSpec.parse("cuda:3").toString());
  }

  @Test
  void shouldNameTheKeyAndValueWhenDeviceIsUnknown() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse("gpu"));
    assertTrue(
        e.getMessage().contains("encoder.device") && e.getMessage().contains("'gpu'"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse("cuda:x"));
    assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse("cuda:-1"));
  }

  @Test
  void shouldParsePrecision() {
    assertEquals(Precision.FP16, Precision.parse("fp16"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("int8"));
    assertTrue(e.getMessage().contains("encoder.precision"), e.getMessage());
  }
}
