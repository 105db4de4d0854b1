package dev.bgevl.streams.milvus;

import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import java.util.List;
import java.util.Map;

/** The per-model collection: field names, their limits, the create request and the index and search parameters. */
final class MediaCollectionSchema {

  static final String ID = "id";
  static final String VECTOR = "vector";
  static final String TEXT = "text";
  static final String IMAGE_URI = "image_uri";
  static final String METADATA = "metadata";
  static final String EVENT_TIME = "event_time";
  static final String MODEL = "model";

  /** Milvus VarChar limits count UTF-8 bytes. */
  static final int ID_MAX_BYTES = 512;
  static final int TEXT_MAX_BYTES = 8192;
  static final int IMAGE_URI_MAX_BYTES = 2048;
  static final int MODEL_MAX_BYTES = 256;

  static final List<String> HIT_FIELDS = List.of(TEXT, IMAGE_URI, METADATA);

  private static final int HNSW_M = 16;
  private static final int HNSW_EF_CONSTRUCTION = 200;
  private static final int HNSW_MIN_EF = 64;

  private MediaCollectionSchema() {
  }

  /** Creates the collection with its vector index in one request: Milvus Lite cannot create indexes afterwards synchronously. */
  static CreateCollectionReq createRequest(String collection, int dimension, MilvusConfig config) {
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder()
        .enableDynamicField(false)
        .build();
    schema.addField(AddFieldReq.builder().fieldName(ID).dataType(DataType.VarChar).maxLength(ID_MAX_BYTES)
        .isPrimaryKey(true).autoID(false).build());
    schema.addField(AddFieldReq.builder().fieldName(VECTOR).dataType(DataType.FloatVector).dimension(dimension).build());
    schema.addField(AddFieldReq.builder().fieldName(TEXT).dataType(DataType.VarChar).maxLength(TEXT_MAX_BYTES).build());
    schema.addField(AddFieldReq.builder().fieldName(IMAGE_URI).dataType(DataType.VarChar).maxLength(IMAGE_URI_MAX_BYTES)
        .build());
    schema.addField(AddFieldReq.builder().fieldName(METADATA).dataType(DataType.JSON).build());
    schema.addField(AddFieldReq.builder().fieldName(EVENT_TIME).dataType(DataType.Int64).build());
    schema.addField(AddFieldReq.builder().fieldName(MODEL).dataType(DataType.VarChar).maxLength(MODEL_MAX_BYTES).build());

    CreateCollectionReq.CreateCollectionReqBuilder request = CreateCollectionReq.builder()
        .collectionName(collection)
        .description("BGE-VL media vectors")
        .collectionSchema(schema)
        .indexParams(List.of(vectorIndex(config.indexType())))
        .consistencyLevel(config.consistency());
    config.database().ifPresent(request::databaseName);
    return request.build();
  }

  static IndexParam vectorIndex(IndexParam.IndexType type) {
    IndexParam.IndexParamBuilder index = IndexParam.builder()
        .fieldName(VECTOR)
        .indexName(VECTOR + "_idx")
        .indexType(type)
        .metricType(IndexParam.MetricType.IP);
    if (type == IndexParam.IndexType.HNSW) {
      index.extraParams(Map.of("M", HNSW_M, "efConstruction", HNSW_EF_CONSTRUCTION));
    }
    return index.build();
  }

  /** Search parameters for the index type; HNSW's {@code ef} must be at least top-k. */
  static Map<String, Object> searchParams(IndexParam.IndexType type, int topK) {
    if (type == IndexParam.IndexType.HNSW) {
      return Map.of("ef", Math.max(HNSW_MIN_EF, topK));
    }
    return Map.of();
  }
}
