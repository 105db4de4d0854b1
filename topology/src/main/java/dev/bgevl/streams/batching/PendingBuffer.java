package dev.bgevl.streams.batching;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The records of one task that wait for their batch, in a changelogged key-value store keyed by
 * source offset: offsets sort in arrival order and are unique per partition (a task reads one),
 * and a record replayed after a crash overwrites its own entry instead of doubling it.
 *
 * <p>A flush takes a {@link #snapshot()} and {@link #remove removes} it only once the batch is
 * applied, so a failure in between leaves the batch in the store for the restarted task.
 */
public final class PendingBuffer<V> {

  private final KeyValueStore<String, V> store;
  private int added;

  public PendingBuffer(KeyValueStore<String, V> store) {
    this.store = store;
  }

  /** Adds the record read at {@code offset}; returns how many were added since the last snapshot. */
  public int add(long offset, V value) {
    store.put(String.format("%019d", offset), value);
    return ++added;
  }

  /** Everything waiting, in offset order, including what a restored changelog brought back. */
  public List<KeyValue<String, V>> snapshot() {
    List<KeyValue<String, V>> batch = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      while (it.hasNext()) {
        batch.add(it.next());
      }
    }
    added = 0;
    return batch;
  }

  /** Removes a snapshot once it is applied. */
  public void remove(List<KeyValue<String, V>> batch) {
    for (KeyValue<String, V> entry : batch) {
      store.delete(entry.key);
    }
  }
}
