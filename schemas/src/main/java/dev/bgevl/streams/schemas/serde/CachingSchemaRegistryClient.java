package dev.bgevl.streams.schemas.serde;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * Thread-safe cache in front of another {@link SchemaRegistryClient}: each id and each (subject,
 * schema) is asked for once.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

  private final SchemaRegistryClient delegate;
  private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final ConcurrentMap<Registration, Integer> idsByRegistration = new ConcurrentHashMap<>();

  /** Caches what {@code delegate} answers; failures are not cached, so a later call asks again. */
  public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  // Lookups run outside the map's locks (no computeIfAbsent) so a slow registry never blocks other
  // keys;
  // two threads missing together may both ask, which is harmless because ids never change.

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    Schema schema = delegate.schemaById(id);
    Schema raced = schemasById.putIfAbsent(id, schema);
    return raced == null ? schema : raced;
  }

  @Override
  public int register(String subject, Schema schema) {
    Registration key = new Registration(subject, schema);
    Integer cached = idsByRegistration.get(key);
    if (cached != null) {
      return cached;
    }
    int id = delegate.register(subject, schema);
    idsByRegistration.putIfAbsent(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  private record Registration(String subject, Schema schema) {}
}
