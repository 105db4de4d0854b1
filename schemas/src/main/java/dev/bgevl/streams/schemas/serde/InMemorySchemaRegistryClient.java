package dev.bgevl.streams.schemas.serde;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.commons.lang3.StringUtils;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A schema registry held in this process's memory, for tests and single-process runs; its ids mean
 * nothing elsewhere.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

  private final Map<Schema, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, Set<Integer>> idsBySubject = new HashMap<>();
  private int nextId = 1;

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new SerializationException(
          "Unknown schema id " + id + ": not registered in this in-memory schema registry");
    }
    return schema;
  }

  /**
   * Registers like Confluent's registry does: one global id per distinct schema, whatever the
   * subject.
   */
  @Override
  public synchronized int register(String subject, Schema schema) {
    if (StringUtils.isBlank(subject)) {
      throw new IllegalArgumentException("Schema registry subject must not be blank");
    }
    Objects.requireNonNull(schema, "schema");
    int id = idsBySchema.computeIfAbsent(schema, s -> nextId++);
    schemasById.putIfAbsent(id, schema);
    idsBySubject.computeIfAbsent(subject, s -> new HashSet<>()).add(id);
    return id;
  }

  /** Whether {@code subject} has had any schema registered under it. */
  public synchronized boolean hasSubject(String subject) {
    return idsBySubject.containsKey(subject);
  }
}
