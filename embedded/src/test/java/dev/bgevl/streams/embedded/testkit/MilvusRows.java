package dev.bgevl.streams.embedded.testkit;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads rows of a media collection back by id, as a test needs to check which ids are there and how
 * often.
 */
public final class MilvusRows {

  /** One stored row: its primary key and its text field. */
  public record Row(String id, String text) {}

  private MilvusRows() {}

  /**
   * Every row whose id is in {@code ids}, read at STRONG consistency; a duplicated id would show up
   * twice. Works on a collection Milvus Lite has not loaded (after a restart), as count does.
   */
  public static List<Row> byIds(MilvusClientV2 client, String collection, Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    // test ids are plain [a-z0-9-]; quoting is only to make them string literals
    String filter =
        "id in [" + ids.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",")) + "]";
    QueryResp response =
        client.query(
            QueryReq.builder()
                .collectionName(collection)
                .filter(filter)
                .outputFields(List.of("id", "text"))
                .consistencyLevel(ConsistencyLevel.STRONG)
                .build());
    List<Row> rows = new ArrayList<>();
    for (QueryResp.QueryResult result : response.getQueryResults()) {
      Object text = result.getEntity().get("text");
      rows.add(
          new Row(
              String.valueOf(result.getEntity().get("id")), text == null ? null : text.toString()));
    }
    return rows;
  }
}
