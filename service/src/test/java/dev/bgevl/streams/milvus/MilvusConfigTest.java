package dev.bgevl.streams.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.IndexParam;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MilvusConfigTest {

  private static final MilvusConfig CONFIG = MilvusConfig.defaults("http://127.0.0.1:19530");

  private static void assertRejected(String key, Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(
        e.getMessage().contains(key),
        () -> "message '" + e.getMessage() + "' does not name " + key);
  }

  @Test
  void shouldApplyDefaults() {
    assertEquals("media_", CONFIG.collectionPrefix());
    assertEquals(Duration.ofSeconds(10), CONFIG.timeout());
    assertEquals(IndexParam.IndexType.AUTOINDEX, CONFIG.indexType());
    assertEquals(ConsistencyLevel.STRONG, CONFIG.consistency());
    assertEquals(Optional.empty(), CONFIG.token());
    assertEquals(5, CONFIG.retry().maxAttempts());
  }

  @Test
  void shouldMapModelIdsToCollectionNames() {
    assertEquals("media_bge_vl_base", CONFIG.collectionName("bge-vl-base"));
    assertEquals("media_bge_vl_large_v1_5", CONFIG.collectionName("BGE-VL-Large/v1.5"));
    assertEquals("test_tiny", CONFIG.withCollectionPrefix("test_").collectionName("tiny"));
  }

  @Test
  void shouldRejectModelIdsThatCannotNameACollection() {
    assertThrows(IllegalArgumentException.class, () -> CONFIG.collectionName(" "));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CONFIG.collectionName("m".repeat(250)));
    assertTrue(e.getMessage().contains("Milvus allows 255"));
  }

  @Test
  void shouldRejectInvalidValuesNamingTheKey() {
    assertRejected("milvus.uri", () -> MilvusConfig.defaults("localhost:19530"));
    assertRejected("milvus.uri", () -> MilvusConfig.defaults("ftp://host:1"));
    assertRejected("milvus.uri", () -> MilvusConfig.defaults("http://bad host"));
    assertRejected("milvus.token", () -> CONFIG.withToken(" "));
    assertRejected("milvus.database", () -> CONFIG.withDatabase("bad-name"));
    assertRejected("milvus.collection-prefix", () -> CONFIG.withCollectionPrefix("1abc"));
    assertRejected("milvus.collection-prefix", () -> CONFIG.withCollectionPrefix("media-"));
    assertRejected("milvus.timeout-ms", () -> CONFIG.withTimeout(Duration.ZERO));
    assertRejected("milvus.index-type", () -> CONFIG.withIndexType(IndexParam.IndexType.IVF_PQ));
    assertRejected(
        "milvus.retry.max-attempts",
        () -> new MilvusConfig.RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)));
    assertRejected(
        "milvus.retry.initial-backoff-ms",
        () -> new MilvusConfig.RetryPolicy(1, Duration.ZERO, Duration.ofMillis(1)));
    assertRejected(
        "milvus.retry.max-backoff-ms",
        () -> new MilvusConfig.RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(5)));
  }

  @Test
  void shouldNeverPrintTheToken() {
    String printed = CONFIG.withToken("root:Milvus").toString();

    assertFalse(printed.contains("Milvus\""));
    assertFalse(printed.contains("root:Milvus"));
    assertTrue(printed.contains("token=***"));
  }

  @Test
  void shouldGrowBackoffExponentiallyUpToTheCapScaledByJitter() {
    MilvusConfig.RetryPolicy policy =
        new MilvusConfig.RetryPolicy(10, Duration.ofMillis(200), Duration.ofMillis(1000));

    assertEquals(200, policy.delayAfter(1, 1.0).toMillis());
    assertEquals(400, policy.delayAfter(2, 1.0).toMillis());
    assertEquals(800, policy.delayAfter(3, 1.0).toMillis());
    assertEquals(1000, policy.delayAfter(4, 1.0).toMillis());
    assertEquals(1000, policy.delayAfter(60, 1.0).toMillis());
    assertEquals(200, policy.delayAfter(2, 0.5).toMillis());
  }
}
