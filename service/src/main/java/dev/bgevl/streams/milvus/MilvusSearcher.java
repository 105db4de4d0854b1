package dev.bgevl.streams.milvus;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers top-k inner-product searches over a model's collection, many query vectors per request.
 */
public final class MilvusSearcher implements VectorSearch {

  private static final Logger log = LoggerFactory.getLogger(MilvusSearcher.class);

  /** Largest top-k Milvus accepts. */
  public static final int MAX_TOP_K = 16384;

  private static final String COUNT = "count(*)";

  private final MilvusClientV2 client;
  private final MilvusConfig config;
  private final MilvusCallExecutor executor;

  /** Uses, never closes, {@code client}. */
  public MilvusSearcher(MilvusClientV2 client, MilvusConfig config) {
    this(client, config, new MilvusCallExecutor(config.retry()));
  }

  MilvusSearcher(MilvusClientV2 client, MilvusConfig config, MilvusCallExecutor executor) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Searches {@code queries} in one request with one filter; returns, per query and in its order,
   * up to {@code topK} hits ordered by descending score.
   *
   * @throws MilvusUnavailableException when Milvus stayed unreachable
   * @throws MilvusRequestException when Milvus refused the search, e.g. a query of the wrong
   *     dimension
   */
  public List<List<SearchHit>> search(
      String collection, List<float[]> queries, int topK, Optional<MetadataFilter> filter) {
    return search(collection, queries, topK, filter, null);
  }

  /**
   * As {@link #search(String, List, int, Optional)}, retrying only while a retry can end before
   * {@code deadline} (null: the configured retries, however long).
   */
  @Override
  public List<List<SearchHit>> search(
      String collection,
      List<float[]> queries,
      int topK,
      Optional<MetadataFilter> filter,
      java.time.Instant deadline) {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(filter, "filter");
    if (topK < 1 || topK > MAX_TOP_K) {
      throw new IllegalArgumentException("topK must be in 1.." + MAX_TOP_K + " but was " + topK);
    }
    if (queries.isEmpty()) {
      return List.of();
    }
    List<BaseVector> data = new ArrayList<>(queries.size());
    for (float[] query : queries) {
      data.add(new FloatVec(query.clone()));
    }
    SearchReq.SearchReqBuilder request =
        SearchReq.builder()
            .collectionName(collection)
            .annsField(MediaCollectionSchema.VECTOR)
            .metricType(IndexParam.MetricType.IP)
            .data(data)
            .limit(topK)
            .outputFields(MediaCollectionSchema.HIT_FIELDS)
            .searchParams(config.index().effectiveSearchParams(topK))
            .consistencyLevel(config.consistency());
    filter.ifPresent(f -> request.filter(f.toExpression()));
    config.database().ifPresent(request::databaseName);
    long start = System.nanoTime();
    SearchResp response;
    try {
      response = executor.call("search", () -> client.search(request.build()), deadline);
    } catch (MilvusRequestException e) {
      // a restarted server may come back with the collection released (Milvus Lite always does, and
      // its error
      // code does not decode, so ask the load state rather than parse the error): load it, retry
      // once
      boolean reloaded;
      try {
        reloaded = new MilvusCollections(client, config).load(collection);
      } catch (RuntimeException loadFailure) {
        e.addSuppressed(loadFailure);
        throw e;
      }
      if (!reloaded) {
        throw e;
      }
      log.warn(
          "Collection was released, loaded it again and retried the search collection={}",
          collection);
      response = executor.call("search", () -> client.search(request.build()), deadline);
    }
    List<List<SearchResp.SearchResult>> results = response.getSearchResults();
    if (results == null || results.size() != queries.size()) {
      throw new MilvusRequestException(
          "search",
          -1,
          "Milvus answered "
              + (results == null ? 0 : results.size())
              + " result lists for "
              + queries.size()
              + " queries",
          null);
    }
    List<List<SearchHit>> hits = new ArrayList<>(results.size());
    for (List<SearchResp.SearchResult> perQuery : results) {
      List<SearchHit> mapped = new ArrayList<>(perQuery.size());
      for (SearchResp.SearchResult result : perQuery) {
        mapped.add(RowMapper.toHit(result.getId(), result.getScore(), result.getEntity()));
      }
      hits.add(List.copyOf(mapped));
    }
    log.debug(
        "Searched collection={} queries={} topK={} filtered={} tookMs={}",
        collection,
        queries.size(),
        topK,
        filter.isPresent(),
        (System.nanoTime() - start) / 1_000_000);
    return List.copyOf(hits);
  }

  /**
   * Live rows in {@code collection} (upserts deduplicated, deletes applied), read at the configured
   * consistency.
   */
  public long count(String collection) {
    return count(collection, Optional.empty());
  }

  /** Live rows in {@code collection} that pass {@code filter}. */
  public long count(String collection, Optional<MetadataFilter> filter) {
    Objects.requireNonNull(collection, "collection");
    QueryReq.QueryReqBuilder request =
        QueryReq.builder()
            .collectionName(collection)
            .filter(filter.map(MetadataFilter::toExpression).orElse(""))
            .outputFields(List.of(COUNT))
            .consistencyLevel(config.consistency());
    config.database().ifPresent(request::databaseName);
    QueryResp response = executor.call("count", () -> client.query(request.build()));
    List<QueryResp.QueryResult> results = response.getQueryResults();
    if (results == null
        || results.isEmpty()
        || !(results.get(0).getEntity().get(COUNT) instanceof Number count)) {
      throw new MilvusRequestException(
          "count", -1, "Milvus answered no count(*) for " + collection, null);
    }
    return count.longValue();
  }
}
