package dev.bgevl.streams.thumbnails;

import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Looks thumbnails up through interactive queries: the Streams metadata says which instance owns
 * the id's partition; this one answers for its own partitions and names the owner of the others.
 */
public final class ThumbnailReader {

  private final KafkaStreams streams;
  private final Optional<HostInfo> self;
  private final Serializer<String> keys = new StringSerializer();

  /**
   * @param streams the application that holds {@link ThumbnailStore}
   * @param self this instance's {@code application.server}; when absent (a single instance) every
   *     id is looked up locally
   */
  public ThumbnailReader(KafkaStreams streams, Optional<HostInfo> self) {
    this.streams = streams;
    this.self = self;
  }

  /** Where the thumbnail of {@code id} is. */
  public ThumbnailLookup find(String id) {
    try {
      if (self.isEmpty()) {
        return local(
            StoreQueryParameters.fromNameAndType(
                ThumbnailStore.NAME, QueryableStoreTypes.keyValueStore()),
            id);
      }
      KeyQueryMetadata owner = streams.queryMetadataForKey(ThumbnailStore.NAME, id, keys);
      if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
        return new ThumbnailLookup.Unavailable("the thumbnail store's owners are not known yet");
      }
      HostInfo active = owner.activeHost();
      if (!active.equals(self.get())) {
        return new ThumbnailLookup.Elsewhere(active.host(), active.port());
      }
      return local(
          StoreQueryParameters.fromNameAndType(
                  ThumbnailStore.NAME, QueryableStoreTypes.<String, byte[]>keyValueStore())
              .withPartition(owner.partition()),
          id);
    } catch (InvalidStateStoreException e) {
      // migrating, restoring, or the application is not RUNNING
      return new ThumbnailLookup.Unavailable(e.getMessage());
    }
  }

  private ThumbnailLookup local(
      StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> parameters, String id) {
    byte[] jpeg = streams.store(parameters).get(id);
    return jpeg == null ? new ThumbnailLookup.Missing() : new ThumbnailLookup.Found(jpeg);
  }
}
