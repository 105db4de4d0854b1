package dev.bgevl.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bgevl.streams.app.ServiceConfig;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.batch.BatchPolicy;
import dev.bgevl.streams.ingest.IngestConfig;
import dev.bgevl.streams.media.ImageSourcePolicy;
import dev.bgevl.streams.milvus.MilvusConfig;
import dev.bgevl.streams.query.QueryConfig;
import dev.bgevl.streams.schemas.serde.RecordLimits;
import dev.bgevl.streams.topics.Topics;
import dev.bgevl.streams.web.WebConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line's defaults are the config records' defaults: {@code bgevl run} with no flags
 * builds exactly the records' {@code DEFAULT}s, so the two cannot drift apart (picocli needs its
 * defaults as annotation constants; this test is what ties them to the records).
 */
class DefaultsTest {

  static ServiceConfig unflagged() {
    CommandLine cli = new CommandLine(new RunCommand());
    cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of(), Map.of()));
    cli.parseArgs("--encoder.model", "m");
    return ((RunCommand) cli.getCommand()).service.toConfig(null);
  }

  @Test
  void shouldBuildTheRecordsOwnDefaultsWhenNoFlagIsGiven() {
    ServiceConfig config = unflagged();
    assertEquals(IngestConfig.DEFAULT, config.ingest());
    assertEquals(QueryConfig.DEFAULT, config.query());
    assertEquals(BatchPolicy.DEFAULT, config.batch());
    assertEquals(EncoderConfig.DEFAULT, config.encoder());
    assertEquals(Topics.DEFAULT, config.topics());
    assertEquals(RecordLimits.DEFAULT, config.kafka().recordLimits());
    assertEquals(MilvusConfig.defaults(config.milvus().uri()), config.milvus());
    assertEquals(
        ImageSourcePolicy.defaults(Optional.empty(), config.encoder().imageLimits().maxBytes()),
        config.images());
  }

  @Test
  void shouldBuildTheSearchPagesDefaultsWhenNoFlagIsGiven() {
    CommandLine cli = new CommandLine(new RunCommand());
    cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of(), Map.of()));
    cli.parseArgs("--encoder.model", "m");
    assertEquals(WebConfig.DEFAULT, ((RunCommand) cli.getCommand()).service.toWebConfig());
  }
}
