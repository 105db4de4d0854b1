package dev.bgevl.streams.schemas.serde;

import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A Confluent-compatible schema registry: writer schemas by id for readers, ids by subject for
 * writers.
 *
 * <p>Implementations are thread-safe. Failures are typed so callers can tell bad data from a bad
 * registry: an unknown id is a {@link SerializationException} (the record can never be read), an
 * unreachable or failing registry is a {@link SchemaRegistryUnavailableException} (retry later),
 * and any other refusal is a {@link SchemaRegistryException}.
 */
public interface SchemaRegistryClient {

  /**
   * The schema registered under a global id.
   *
   * @throws SerializationException when no schema has that id; the message names the id
   */
  Schema schemaById(int id);

  /**
   * Registers a schema under a subject and returns its id; registering the same schema again
   * returns the same id.
   *
   * @throws SchemaRegistryException when the registry refuses it, e.g. as incompatible with the
   *     subject's history
   */
  int register(String subject, Schema schema);
}
