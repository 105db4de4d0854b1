package dev.bgevl.streams.milvus;

import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.response.DeleteResp;
import io.milvus.v2.service.vector.response.UpsertResp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes vectors into a model's collection: idempotent upserts keyed by media id, and deletes by
 * id.
 */
public final class MilvusVectorSink implements VectorSink {

  private static final Logger log = LoggerFactory.getLogger(MilvusVectorSink.class);

  private final MilvusClientV2 client;
  private final MilvusConfig config;
  private final MilvusCallExecutor executor;

  /** Uses, never closes, {@code client}. */
  public MilvusVectorSink(MilvusClientV2 client, MilvusConfig config) {
    this(client, config, new MilvusCallExecutor(config.retry()));
  }

  MilvusVectorSink(MilvusClientV2 client, MilvusConfig config, MilvusCallExecutor executor) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Upserts {@code rows} in one request; a row whose id exists replaces it entirely. When a batch
   * holds one id twice, the last row wins. Text longer than the collection's field is truncated
   * (logged at debug).
   *
   * @throws MilvusUnavailableException when Milvus stayed unreachable (the whole batch may be
   *     retried: upserts are idempotent)
   * @throws MilvusRequestException when Milvus refused the batch, e.g. a vector of the wrong
   *     dimension
   */
  @Override
  public void upsert(String collection, List<VectorRow> rows) {
    Objects.requireNonNull(collection, "collection");
    if (rows.isEmpty()) {
      return;
    }
    List<JsonObject> data = new ArrayList<>(rows.size());
    // one id twice in a request is refused by Milvus, so keep the last row per id, as sequential
    // upserts would
    Map<String, VectorRow> lastById = new LinkedHashMap<>();
    for (VectorRow row : rows) {
      lastById.remove(row.id());
      lastById.put(row.id(), row);
    }
    for (VectorRow row : lastById.values()) {
      data.add(RowMapper.toRow(row));
    }
    UpsertReq.UpsertReqBuilder request = UpsertReq.builder().collectionName(collection).data(data);
    config.database().ifPresent(request::databaseName);
    long start = System.nanoTime();
    UpsertResp response = executor.call("upsert", () -> client.upsert(request.build()));
    if (response.getUpsertCnt() != data.size()) {
      throw new MilvusRequestException(
          "upsert",
          -1,
          "Milvus upserted "
              + response.getUpsertCnt()
              + " of "
              + data.size()
              + " rows into "
              + collection,
          null);
    }
    log.debug(
        "Upserted batch collection={} size={} tookMs={}",
        collection,
        data.size(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Deletes the rows with these ids in one request; unknown ids are ignored.
   *
   * @throws MilvusUnavailableException when Milvus stayed unreachable
   * @throws MilvusRequestException when Milvus refused the request
   */
  @Override
  public void delete(String collection, Collection<String> ids) {
    Objects.requireNonNull(collection, "collection");
    if (ids.isEmpty()) {
      return;
    }
    DeleteReq.DeleteReqBuilder request =
        DeleteReq.builder().collectionName(collection).filter(idIn(ids));
    config.database().ifPresent(request::databaseName);
    long start = System.nanoTime();
    DeleteResp response = executor.call("delete", () -> client.delete(request.build()));
    log.debug(
        "Deleted batch collection={} size={} deleted={} tookMs={}",
        collection,
        ids.size(),
        response.getDeleteCnt(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * {@code id in ["a", "b"]} with every id escaped. Not {@code DeleteReq.ids(...)}: SDK 2.6 pastes
   * ids between quotes unescaped, so an id holding {@code "} breaks the expression or deletes the
   * wrong rows.
   */
  static String idIn(Collection<String> ids) {
    StringBuilder out = new StringBuilder(MediaCollectionSchema.ID).append(" in [");
    boolean first = true;
    for (String id : new LinkedHashSet<>(ids)) {
      if (!first) {
        out.append(", ");
      }
      out.append(MilvusLiterals.quote(Objects.requireNonNull(id, "id")));
      first = false;
    }
    return out.append(']').toString();
  }
}
