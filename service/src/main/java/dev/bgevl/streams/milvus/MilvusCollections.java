package dev.bgevl.streams.milvus;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a model's collection exists with the expected schema and is loaded; the collection
 * admin entry point.
 */
public final class MilvusCollections {

  private static final Logger log = LoggerFactory.getLogger(MilvusCollections.class);

  private static final List<String> REQUIRED_FIELDS =
      List.of(
          MediaCollectionSchema.ID,
          MediaCollectionSchema.VECTOR,
          MediaCollectionSchema.TEXT,
          MediaCollectionSchema.IMAGE_URI,
          MediaCollectionSchema.METADATA,
          MediaCollectionSchema.EVENT_TIME,
          MediaCollectionSchema.MODEL);

  private final MilvusClientV2 client;
  private final MilvusConfig config;
  private final MilvusCallExecutor executor;

  /** Uses, never closes, {@code client}. */
  public MilvusCollections(MilvusClientV2 client, MilvusConfig config) {
    this(client, config, new MilvusCallExecutor(config.retry()));
  }

  MilvusCollections(MilvusClientV2 client, MilvusConfig config, MilvusCallExecutor executor) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Creates {@code collection} with its vector index when missing, checks an existing one holds
   * {@code dimension}-wide vectors and every expected field, and loads it. Idempotent, and safe
   * when another instance creates the collection concurrently.
   *
   * @throws IllegalStateException when the existing collection has another dimension or misses a
   *     field
   * @throws MilvusUnavailableException when Milvus stayed unreachable
   * @throws MilvusRequestException when Milvus refused a request
   */
  public void ensure(String collection, int dimension) {
    Objects.requireNonNull(collection, "collection");
    if (dimension < 1 || dimension > 32768) {
      throw new IllegalArgumentException("dimension must be in 1..32768 but was " + dimension);
    }
    long start = System.nanoTime();
    boolean created = false;
    if (!exists(collection)) {
      CreateCollectionReq request =
          MediaCollectionSchema.createRequest(collection, dimension, config);
      try {
        executor.run("create-collection", () -> client.createCollection(request));
        created = true;
        log.info(
            "Created collection name={} dim={} index={} metric=IP",
            collection,
            dimension,
            config.index());
      } catch (MilvusRequestException e) {
        if (!exists(collection)) {
          throw e;
        }
        log.info("Collection created concurrently name={}", collection);
      }
    }
    checkSchema(collection, dimension);
    load(collection);
    log.info(
        "Collection ready name={} dim={} created={} tookMs={}",
        collection,
        dimension,
        created,
        (System.nanoTime() - start) / 1_000_000);
  }

  /** Whether {@code collection} exists. */
  public boolean exists(String collection) {
    HasCollectionReq.HasCollectionReqBuilder request =
        HasCollectionReq.builder().collectionName(collection);
    config.database().ifPresent(request::databaseName);
    return executor.call("has-collection", () -> client.hasCollection(request.build()));
  }

  /** Drops {@code collection} and all its vectors; does nothing when it does not exist. */
  public void drop(String collection) {
    if (!exists(collection)) {
      return;
    }
    DropCollectionReq.DropCollectionReqBuilder request =
        DropCollectionReq.builder().collectionName(collection);
    config.database().ifPresent(request::databaseName);
    executor.run("drop-collection", () -> client.dropCollection(request.build()));
    log.info("Dropped collection name={}", collection);
  }

  /** The vector dimension of an existing collection. */
  public int dimension(String collection) {
    DescribeCollectionResp description = describe(collection);
    CreateCollectionReq.FieldSchema vector =
        description.getCollectionSchema().getField(MediaCollectionSchema.VECTOR);
    if (vector == null || vector.getDimension() == null) {
      throw new IllegalStateException(
          "collection "
              + collection
              + " has no '"
              + MediaCollectionSchema.VECTOR
              + "' vector field; it was not created by bgevl-streams");
    }
    return vector.getDimension();
  }

  private DescribeCollectionResp describe(String collection) {
    DescribeCollectionReq.DescribeCollectionReqBuilder request =
        DescribeCollectionReq.builder().collectionName(collection);
    config.database().ifPresent(request::databaseName);
    return executor.call("describe-collection", () -> client.describeCollection(request.build()));
  }

  private void checkSchema(String collection, int dimension) {
    DescribeCollectionResp description = describe(collection);
    CreateCollectionReq.CollectionSchema schema = description.getCollectionSchema();
    for (String field : REQUIRED_FIELDS) {
      if (schema == null || schema.getField(field) == null) {
        throw new IllegalStateException(
            "collection "
                + collection
                + " lacks field '"
                + field
                + "'; it was not created by bgevl-streams (drop it or use another milvus.collection-prefix)");
      }
    }
    CreateCollectionReq.FieldSchema vector = schema.getField(MediaCollectionSchema.VECTOR);
    if (vector.getDataType() != DataType.FloatVector
        || !Objects.equals(vector.getDimension(), dimension)) {
      throw new IllegalStateException(
          "collection "
              + collection
              + " holds "
              + vector.getDataType()
              + " vectors of dimension "
              + vector.getDimension()
              + " but the model produces FloatVector of dimension "
              + dimension
              + "; drop the collection or use another milvus.collection-prefix");
    }
  }

  /**
   * Loads {@code collection} for search unless it is loaded already; true when it had to load it.
   */
  public boolean load(String collection) {
    GetLoadStateReq.GetLoadStateReqBuilder state =
        GetLoadStateReq.builder().collectionName(collection);
    config.database().ifPresent(state::databaseName);
    if (Boolean.TRUE.equals(
        executor.call("get-load-state", () -> client.getLoadState(state.build())))) {
      return false;
    }
    LoadCollectionReq.LoadCollectionReqBuilder request =
        LoadCollectionReq.builder()
            .collectionName(collection)
            .sync(true)
            .timeout(config.timeout().toMillis());
    config.database().ifPresent(request::databaseName);
    executor.run("load-collection", () -> client.loadCollection(request.build()));
    log.info("Loaded collection name={}", collection);
    return true;
  }
}
