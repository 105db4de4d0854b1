package dev.bgevl.streams.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.milvus.v2.common.IndexParam.IndexType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorIndexTest {

  @Test
  void shouldDefaultToAutoindexWithTheServersOwnParameters() {
    assertEquals(IndexType.AUTOINDEX, VectorIndex.DEFAULT.type());
    assertTrue(VectorIndex.DEFAULT.effectiveBuildParams().isEmpty());
    assertTrue(VectorIndex.DEFAULT.effectiveSearchParams(10).isEmpty());
  }

  @Test
  void shouldUseHnswDefaultsAndRaiseEfToTopK() {
    VectorIndex hnsw = VectorIndex.of(IndexType.HNSW);

    assertEquals(Map.of("M", 16, "efConstruction", 200), hnsw.effectiveBuildParams());
    assertEquals(Map.of("ef", 64), hnsw.effectiveSearchParams(10));
    assertEquals(Map.of("ef", 500), hnsw.effectiveSearchParams(500));
  }

  @Test
  void shouldLetGivenParametersOverrideTheDefaultsAsNumbers() {
    VectorIndex hnsw = new VectorIndex(IndexType.HNSW, Map.of("M", "32"), Map.of("ef", "128"));

    assertEquals(Map.of("M", 32L, "efConstruction", 200), hnsw.effectiveBuildParams());
    assertEquals(Map.of("ef", 128L), hnsw.effectiveSearchParams(10));
    assertEquals(Map.of("ef", 200), hnsw.effectiveSearchParams(200));
    VectorIndex ivf =
        new VectorIndex(
            IndexType.IVF_FLAT, Map.of(), Map.of("nprobe", "8", "radius", "0.5", "level", "high"));
    assertEquals(Map.of("nlist", 128), ivf.effectiveBuildParams());
    assertEquals(
        Map.of("nprobe", 8L, "radius", 0.5, "level", "high"), ivf.effectiveSearchParams(10));
  }

  @Test
  void shouldRejectUnsupportedTypesAndBadKeysNamingTheFlag() {
    IllegalArgumentException type =
        assertThrows(IllegalArgumentException.class, () -> VectorIndex.of(IndexType.IVF_PQ));
    assertTrue(type.getMessage().contains("milvus.index-type"), type.getMessage());
    IllegalArgumentException key =
        assertThrows(
            IllegalArgumentException.class,
            () -> new VectorIndex(IndexType.HNSW, Map.of("M; drop", "1"), Map.of()));
    assertTrue(key.getMessage().contains("milvus.index-params"), key.getMessage());
    IllegalArgumentException value =
        assertThrows(
            IllegalArgumentException.class,
            () -> new VectorIndex(IndexType.HNSW, Map.of(), Map.of("ef", " ")));
    assertTrue(value.getMessage().contains("milvus.search-params"), value.getMessage());
  }
}
