package dev.bgevl.streams.embedded.testkit;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * What the broker knows about a Streams application's consumer group. A stream thread that died and
 * was replaced rejoins under a new client id ({@code ...-StreamThread-2-consumer}), so the member
 * client ids show replacements without access to the application's own state listener.
 */
public final class StreamsGroups {

  private StreamsGroups() {}

  /** Client ids of the group's current members; empty while no member is in the group. */
  public static Set<String> memberClientIds(String bootstrapServers, String groupId)
      throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      ConsumerGroupDescription group =
          admin
              .describeConsumerGroups(Set.of(groupId))
              .describedGroups()
              .get(groupId)
              .get(10, TimeUnit.SECONDS);
      return group.members().stream().map(MemberDescription::clientId).collect(Collectors.toSet());
    }
  }
}
