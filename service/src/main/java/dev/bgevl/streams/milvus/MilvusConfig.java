package dev.bgevl.streams.milvus;

import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.IndexParam;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach Milvus and how to treat it: connection, collection naming, per-call timeout,
 * retries, index and read consistency.
 *
 * <p>Validated on construction; messages name the configuration key and the bad value. Build with
 * {@link #defaults(String)} and change fields with the {@code withX} copies.
 *
 * @param uri {@code milvus.uri}: {@code http(s)://host:port} of the Milvus proxy
 * @param token {@code milvus.token}: {@code user:password} or API key, if the server needs one
 *     (never logged)
 * @param database {@code milvus.database}: database to use instead of {@code default}
 * @param collectionPrefix {@code milvus.collection-prefix}: prefix of the per-model collection name
 * @param timeout {@code milvus.timeout-ms}: deadline of one Milvus call
 * @param retry {@code milvus.retry.*}: retries of calls that failed because Milvus was unreachable
 * @param index {@code milvus.index-*} and {@code milvus.search-params}: vector index built on new
 *     collections and its search parameters
 * @param consistency {@code milvus.consistency-level}: read consistency of search and count; STRONG
 *     reads its own writes
 */
public record MilvusConfig(
    String uri,
    Optional<String> token,
    Optional<String> database,
    String collectionPrefix,
    Duration timeout,
    RetryPolicy retry,
    VectorIndex index,
    ConsistencyLevel consistency) {

  /** Default prefix of collection names. */
  public static final String DEFAULT_COLLECTION_PREFIX = "media_";

  /** Default deadline of one call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final int MAX_NAME_LENGTH = 255;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern NOT_NAME_CHAR = Pattern.compile("[^a-z0-9_]");

  public MilvusConfig {
    Objects.requireNonNull(uri, "milvus.uri must be set");
    validateUri(uri);
    token = Objects.requireNonNullElse(token, Optional.empty());
    if (token.isPresent() && token.get().isBlank()) {
      throw new IllegalArgumentException("milvus.token must not be blank when set");
    }
    database = Objects.requireNonNullElse(database, Optional.empty());
    if (database.isPresent() && !NAME.matcher(database.get()).matches()) {
      throw new IllegalArgumentException(
          "milvus.database must match [A-Za-z_][A-Za-z0-9_]* but was '" + database.get() + "'");
    }
    Objects.requireNonNull(collectionPrefix, "milvus.collection-prefix must be set");
    if (!NAME.matcher(collectionPrefix).matches() || collectionPrefix.length() > 128) {
      throw new IllegalArgumentException(
          "milvus.collection-prefix must match [A-Za-z_][A-Za-z0-9_]* with at most 128 characters"
              + " but was '"
              + collectionPrefix
              + "'");
    }
    Objects.requireNonNull(timeout, "milvus.timeout-ms must be set");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "milvus.timeout-ms must be in 1..600000 but was " + timeout.toMillis());
    }
    Objects.requireNonNull(retry, "milvus.retry must be set");
    Objects.requireNonNull(index, "milvus.index-type must be set");
    Objects.requireNonNull(consistency, "milvus.consistency-level must be set");
  }

  /**
   * Defaults for everything but the URI: no token, default database, prefix {@code media_}, 10 s
   * calls, AUTOINDEX, STRONG.
   */
  public static MilvusConfig defaults(String uri) {
    return new MilvusConfig(
        uri,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_COLLECTION_PREFIX,
        DEFAULT_TIMEOUT,
        RetryPolicy.DEFAULT,
        VectorIndex.DEFAULT,
        ConsistencyLevel.STRONG);
  }

  /** The vector index type of new collections. */
  public IndexParam.IndexType indexType() {
    return index.type();
  }

  public MilvusConfig withToken(String value) {
    return new MilvusConfig(
        uri,
        Optional.ofNullable(value),
        database,
        collectionPrefix,
        timeout,
        retry,
        index,
        consistency);
  }

  public MilvusConfig withDatabase(String value) {
    return new MilvusConfig(
        uri,
        token,
        Optional.ofNullable(value),
        collectionPrefix,
        timeout,
        retry,
        index,
        consistency);
  }

  public MilvusConfig withCollectionPrefix(String value) {
    return new MilvusConfig(uri, token, database, value, timeout, retry, index, consistency);
  }

  public MilvusConfig withTimeout(Duration value) {
    return new MilvusConfig(
        uri, token, database, collectionPrefix, value, retry, index, consistency);
  }

  public MilvusConfig withRetry(RetryPolicy value) {
    return new MilvusConfig(
        uri, token, database, collectionPrefix, timeout, value, index, consistency);
  }

  /** The index type with its default parameters. */
  public MilvusConfig withIndexType(IndexParam.IndexType value) {
    return withIndex(VectorIndex.of(value));
  }

  public MilvusConfig withIndex(VectorIndex value) {
    return new MilvusConfig(
        uri, token, database, collectionPrefix, timeout, retry, value, consistency);
  }

  public MilvusConfig withConsistency(ConsistencyLevel value) {
    return new MilvusConfig(uri, token, database, collectionPrefix, timeout, retry, index, value);
  }

  /**
   * The collection holding one model's vectors: the prefix plus the model id lower-cased with every
   * character outside {@code [a-z0-9_]} replaced by {@code _} ({@code bge-vl-base} becomes {@code
   * media_bge_vl_base}). Distinct ids that differ only in such characters share a collection.
   *
   * @throws IllegalArgumentException when the id is blank or the name would exceed Milvus's 255
   *     characters
   */
  public String collectionName(String modelId) {
    Objects.requireNonNull(modelId, "modelId");
    if (modelId.isBlank()) {
      throw new IllegalArgumentException("model id must not be blank");
    }
    String name =
        collectionPrefix + NOT_NAME_CHAR.matcher(modelId.toLowerCase(Locale.ROOT)).replaceAll("_");
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "collection name for model '"
              + modelId
              + "' would be "
              + name.length()
              + " characters; Milvus allows "
              + MAX_NAME_LENGTH);
    }
    return name;
  }

  @Override
  public String toString() {
    return "MilvusConfig[uri="
        + uri
        + ", token="
        + (token.isPresent() ? "***" : "none")
        + ", database="
        + database.orElse("default")
        + ", collectionPrefix="
        + collectionPrefix
        + ", timeoutMs="
        + timeout.toMillis()
        + ", retry="
        + retry
        + ", index="
        + index
        + ", consistency="
        + consistency
        + "]";
  }

  private static void validateUri(String uri) {
    try {
      URI parsed = new URI(uri);
      String scheme = parsed.getScheme();
      if (scheme == null
          || !(scheme.equals("http") || scheme.equals("https"))
          || parsed.getHost() == null) {
        throw new IllegalArgumentException(
            "milvus.uri must look like http://host:port or https://host:port but was '"
                + uri
                + "'");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "milvus.uri is not a URI: '" + uri + "' (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Bounded exponential backoff with jitter for calls that failed because Milvus was unreachable.
   *
   * @param maxAttempts {@code milvus.retry.max-attempts}: attempts in all, the first included (1 =
   *     no retry)
   * @param initialBackoff {@code milvus.retry.initial-backoff-ms}: delay before the second attempt
   * @param maxBackoff {@code milvus.retry.max-backoff-ms}: cap of any one delay
   */
  public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** Five attempts, 200 ms doubling up to 5 s. */
    public static final RetryPolicy DEFAULT =
        new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5));

    public RetryPolicy {
      if (maxAttempts < 1 || maxAttempts > 100) {
        throw new IllegalArgumentException(
            "milvus.retry.max-attempts must be in 1..100 but was " + maxAttempts);
      }
      Objects.requireNonNull(initialBackoff, "milvus.retry.initial-backoff-ms must be set");
      Objects.requireNonNull(maxBackoff, "milvus.retry.max-backoff-ms must be set");
      if (initialBackoff.isNegative() || initialBackoff.isZero()) {
        throw new IllegalArgumentException(
            "milvus.retry.initial-backoff-ms must be positive but was "
                + initialBackoff.toMillis());
      }
      if (maxBackoff.compareTo(initialBackoff) < 0
          || maxBackoff.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(
            "milvus.retry.max-backoff-ms must be between milvus.retry.initial-backoff-ms ("
                + initialBackoff.toMillis()
                + ") and 300000 but was "
                + maxBackoff.toMillis());
      }
    }

    /**
     * Delay before attempt {@code attempt + 1} after {@code attempt} failed: {@code initial *
     * 2^(attempt-1)} capped at the maximum, then scaled by {@code jitter} in [0.5, 1.0] so clients
     * that failed together do not retry together.
     */
    Duration delayAfter(int attempt, double jitter) {
      long initial = initialBackoff.toMillis();
      long max = maxBackoff.toMillis();
      long exponential = attempt >= 31 ? max : Math.min(max, initial << Math.min(attempt - 1, 30));
      return Duration.ofMillis(Math.max(1, Math.round(exponential * jitter)));
    }
  }
}
