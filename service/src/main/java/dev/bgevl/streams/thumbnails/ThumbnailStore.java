package dev.bgevl.streams.thumbnails;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The thumbnails topic as a state store of the query application: a read-only store whose changelog
 * is the topic itself, so there is no second copy of the thumbnails on the broker and a new
 * instance restores straight from the topic. Tombstones delete.
 */
public final class ThumbnailStore {

  /** The store's name, for interactive queries. */
  public static final String NAME = "media-thumbnails";

  static final String SOURCE = "thumbnails-source";
  static final String UPDATE = "thumbnails-update";

  private ThumbnailStore() {}

  /** Adds the store, its source and its updater to {@code topology}. */
  public static void addTo(Topology topology, String thumbnailsTopic) {
    topology.addReadOnlyStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(NAME), Serdes.String(), Serdes.ByteArray())
            // the source topic is the changelog
            .withLoggingDisabled(),
        SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        thumbnailsTopic,
        UPDATE,
        Update::new);
  }

  /** Puts each thumbnail, deletes on a tombstone. */
  private static final class Update implements Processor<String, byte[], Void, Void> {
    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(NAME);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.key() != null) {
        store.put(record.key(), record.value());
      }
    }
  }
}
