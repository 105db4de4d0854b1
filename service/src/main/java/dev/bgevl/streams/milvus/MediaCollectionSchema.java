package dev.bgevl.streams.milvus;

import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import java.util.List;
import java.util.Map;

/** The per-model collection: field names, their limits, the create request and its vector index. */
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

  private MediaCollectionSchema() {}

  /**
   * Creates the collection with its vector index in one request: Milvus Lite cannot create indexes
   * afterwards synchronously.
   */
  static CreateCollectionReq createRequest(String collection, int dimension, MilvusConfig config) {
    CreateCollectionReq.CollectionSchema schema =
        CreateCollectionReq.CollectionSchema.builder().enableDynamicField(false).build();
    schema.addField(
        AddFieldReq.builder()
            .fieldName(ID)
            .dataType(DataType.VarChar)
            .maxLength(ID_MAX_BYTES)
            .isPrimaryKey(true)
            .autoID(false)
            .build());
    schema.addField(
        AddFieldReq.builder()
            .fieldName(VECTOR)
            .dataType(DataType.FloatVector)
            .dimension(dimension)
            .build());
    schema.addField(
        AddFieldReq.builder()
            .fieldName(TEXT)
            .dataType(DataType.VarChar)
            .maxLength(TEXT_MAX_BYTES)
            .build());
    schema.addField(
        AddFieldReq.builder()
            .fieldName(IMAGE_URI)
            .dataType(DataType.VarChar)
            .maxLength(IMAGE_URI_MAX_BYTES)
            .build());
    schema.addField(AddFieldReq.builder().fieldName(METADATA).dataType(DataType.JSON).build());
    schema.addField(AddFieldReq.builder().fieldName(EVENT_TIME).dataType(DataType.Int64).build());
    schema.addField(
        AddFieldReq.builder()
            .fieldName(MODEL)
            .dataType(DataType.VarChar)
            .maxLength(MODEL_MAX_BYTES)
            .build());

    CreateCollectionReq.CreateCollectionReqBuilder request =
        CreateCollectionReq.builder()
            .collectionName(collection)
            .description("BGE-VL media vectors")
            .collectionSchema(schema)
            .indexParams(List.of(vectorIndex(config.index())))
            .consistencyLevel(config.consistency());
    config.database().ifPresent(request::databaseName);
    return request.build();
  }

  static IndexParam vectorIndex(VectorIndex index) {
    IndexParam.IndexParamBuilder param =
        IndexParam.builder()
            .fieldName(VECTOR)
            .indexName(VECTOR + "_idx")
            .indexType(index.type())
            .metricType(IndexParam.MetricType.IP);
    Map<String, Object> build = index.effectiveBuildParams();
    if (!build.isEmpty()) {
      param.extraParams(build);
    }
    return param.build();
  }
}
