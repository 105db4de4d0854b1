package dev.bgevl.streams.milvus;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The Milvus SDK declares OkHttp, Okio and Kotlin; we exclude them (only its cluster listener uses
 * them). This pins the exclusion; the Milvus ITs prove {@code MilvusClientV2} works without them.
 */
class KotlinFreeClasspathTest {

  @Test
  void shouldHaveNoKotlinOkHttpOrOkioOnTheClasspath() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("kotlin.Unit"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("okhttp3.OkHttpClient"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("okio.Buffer"));
  }

  @Test
  void shouldStillLoadTheMilvusV2Client() throws ClassNotFoundException {
    Class.forName("io.milvus.v2.client.MilvusClientV2");
  }
}
