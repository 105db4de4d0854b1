package dev.bgevl.streams.milvus;

import io.milvus.v2.common.IndexParam;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The vector index built on new collections and how searches use it: {@code milvus.index-type},
 * {@code milvus.index-params} and {@code milvus.search-params}.
 *
 * <p>Why AUTOINDEX by default: it is the one type every server accepts and maps to its best choice.
 * The embedded Milvus Lite refuses HNSW (it takes FLAT, IVF_FLAT and AUTOINDEX only) and Milvus
 * standalone/cluster builds HNSW for AUTOINDEX. Parameters given here override the type's defaults
 * (HNSW: {@code M=16, efConstruction=200}, search {@code ef=max(64, top-k)}; IVF_FLAT: {@code
 * nlist=128}, search {@code nprobe=16}); numbers are sent as numbers.
 *
 * @param type {@code milvus.index-type}: AUTOINDEX, HNSW, IVF_FLAT or FLAT
 * @param buildParams {@code milvus.index-params}: index build parameters, e.g. {@code M=32}
 * @param searchParams {@code milvus.search-params}: search parameters, e.g. {@code ef=128} or
 *     {@code nprobe=32}
 */
public record VectorIndex(
    IndexParam.IndexType type, Map<String, String> buildParams, Map<String, String> searchParams) {

  /** Index types {@link MilvusCollections} knows how to build on inner-product vectors. */
  public static final Set<IndexParam.IndexType> SUPPORTED_TYPES =
      Set.of(
          IndexParam.IndexType.AUTOINDEX,
          IndexParam.IndexType.HNSW,
          IndexParam.IndexType.IVF_FLAT,
          IndexParam.IndexType.FLAT);

  /** AUTOINDEX with the server's own parameters. */
  public static final VectorIndex DEFAULT = of(IndexParam.IndexType.AUTOINDEX);

  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+");
  private static final int HNSW_MIN_EF = 64;

  public VectorIndex {
    Objects.requireNonNull(type, "milvus.index-type must be set");
    if (!SUPPORTED_TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "milvus.index-type must be one of AUTOINDEX, HNSW, IVF_FLAT, FLAT but was " + type);
    }
    buildParams = validated("milvus.index-params", buildParams);
    searchParams = validated("milvus.search-params", searchParams);
  }

  /** {@code type} with its default parameters. */
  public static VectorIndex of(IndexParam.IndexType type) {
    return new VectorIndex(type, Map.of(), Map.of());
  }

  /**
   * Build parameters sent with the create request: the type's defaults, overridden by {@link
   * #buildParams()}.
   */
  Map<String, Object> effectiveBuildParams() {
    Map<String, Object> params = new LinkedHashMap<>();
    if (type == IndexParam.IndexType.HNSW) {
      params.put("M", 16);
      params.put("efConstruction", 200);
    } else if (type == IndexParam.IndexType.IVF_FLAT) {
      params.put("nlist", 128);
    }
    buildParams.forEach((key, value) -> params.put(key, typed(value)));
    return params;
  }

  /**
   * Search parameters for a top-{@code topK} search; HNSW's {@code ef} is raised to top-k, which
   * Milvus requires.
   */
  Map<String, Object> effectiveSearchParams(int topK) {
    Map<String, Object> params = new LinkedHashMap<>();
    if (type == IndexParam.IndexType.HNSW) {
      params.put("ef", HNSW_MIN_EF);
    } else if (type == IndexParam.IndexType.IVF_FLAT) {
      params.put("nprobe", 16);
    }
    searchParams.forEach((key, value) -> params.put(key, typed(value)));
    if (params.get("ef") instanceof Number ef && ef.longValue() < topK) {
      params.put("ef", topK);
    }
    return params;
  }

  private static Map<String, String> validated(String flag, Map<String, String> params) {
    Objects.requireNonNull(params, flag);
    Map<String, String> copy = new TreeMap<>();
    params.forEach(
        (key, value) -> {
          if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException(
                flag + " keys must match [A-Za-z_][A-Za-z0-9_]* but one was '" + key + "'");
          }
          if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(flag + " value of " + key + " must not be blank");
          }
          copy.put(key, value.strip());
        });
    return Map.copyOf(copy);
  }

  private static Object typed(String value) {
    if (INTEGER.matcher(value).matches()) {
      return Long.parseLong(value);
    }
    if (DECIMAL.matcher(value).matches()) {
      return Double.parseDouble(value);
    }
    return value;
  }
}
