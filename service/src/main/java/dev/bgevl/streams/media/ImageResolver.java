package dev.bgevl.streams.media;

import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInputException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns the image bytes of an event or request: the inline bytes when present, else the bytes
 * behind its URI, as far as the {@link ImageSourcePolicy} allows. HTTP fetches run on a bounded
 * pool of {@code images.fetch-threads}, so one slow source stalls a stream thread no longer than
 * its timeout. Owns that pool: whoever creates a resolver closes it.
 */
public final class ImageResolver implements AutoCloseable {

  /**
   * Queued fetches per fetch thread before the pool refuses; a batch of 32 fits 4 threads many
   * times over.
   */
  static final int QUEUE_PER_THREAD = 16;

  /**
   * How much longer than the fetch deadline a caller waits: the fetcher's own deadline should fire
   * first.
   */
  static final long WAIT_MARGIN_MS = 250;

  private static final Logger log = LoggerFactory.getLogger(ImageResolver.class);

  private final ImageSourcePolicy policy;
  private final HttpImageFetcher fetcher;
  private final ImageFetchPool pool;

  public ImageResolver(ImageSourcePolicy policy) {
    this(policy, policy.httpEnabled() ? new HttpImageFetcher(policy) : null);
  }

  /** {@code fetcher} is null when HTTP is off; then no pool is started either. */
  ImageResolver(ImageSourcePolicy policy, HttpImageFetcher fetcher) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.fetcher = fetcher;
    this.pool =
        fetcher == null
            ? null
            : new ImageFetchPool(policy.fetchThreads(), policy.fetchThreads() * QUEUE_PER_THREAD);
  }

  /** Inline bytes win; {@code null} when there is neither. */
  public byte[] resolve(byte[] inline, String uri) {
    if (inline != null) {
      return inline;
    }
    if (uri == null || uri.isBlank()) {
      return null;
    }
    URI parsed = parse(uri);
    if (!isHttp(parsed)) {
      return readFile(parsed);
    }
    Future<byte[]> fetch = submit(parsed);
    long waitMs = policy.readTimeout().toMillis() + WAIT_MARGIN_MS;
    return await(fetch, parsed, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs), waitMs);
  }

  /** {@link #resolve(byte[], String)} of one source. */
  public byte[] resolve(ImageSource source) {
    return resolve(source.inline(), source.uri());
  }

  /**
   * Resolves every source, fetching the HTTP ones in parallel on the pool, and returns one result
   * per source in order, so one bad URI never fails the others. The batch waits at most as long as
   * the fetches would take on an otherwise idle pool if each used its whole timeout.
   */
  public List<ImageResult> resolveAll(List<ImageSource> sources) {
    ImageResult[] results = new ImageResult[sources.size()];
    Future<?>[] fetches = new Future<?>[sources.size()];
    URI[] uris = new URI[sources.size()];
    int submitted = 0;
    for (int i = 0; i < results.length; i++) {
      ImageSource source = sources.get(i);
      try {
        if (source.inline() != null || source.uri() == null || source.uri().isBlank()) {
          results[i] = new ImageResult.Resolved(source.inline());
          continue;
        }
        uris[i] = parse(source.uri());
        if (isHttp(uris[i])) {
          fetches[i] = submit(uris[i]);
          submitted++;
        } else {
          results[i] = new ImageResult.Resolved(readFile(uris[i]));
        }
      } catch (RuntimeException e) {
        results[i] = new ImageResult.Failed(e);
      }
    }
    if (submitted > 0) {
      long waves = (submitted + pool.threads() - 1) / pool.threads();
      long waitMs = policy.readTimeout().toMillis() * waves + WAIT_MARGIN_MS;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
      for (int i = 0; i < results.length; i++) {
        if (fetches[i] != null) {
          try {
            results[i] = new ImageResult.Resolved(await(fetches[i], uris[i], deadline, waitMs));
          } catch (RuntimeException e) {
            results[i] = new ImageResult.Failed(e);
          }
        }
      }
    }
    return List.of(results);
  }

  /** Stops the fetch pool, interrupting fetches in flight; idempotent. */
  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private static URI parse(String uri) {
    try {
      return new URI(uri);
    } catch (URISyntaxException e) {
      throw new RejectedInputException(
          DeadLetterReason.URI_REFUSED,
          "image_uri is not a valid URI: " + e.getReason() + " at index " + e.getIndex());
    }
  }

  private static boolean isHttp(URI uri) {
    String scheme = scheme(uri);
    return scheme.equals("http") || scheme.equals("https");
  }

  private static String scheme(URI uri) {
    return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
  }

  private Future<byte[]> submit(URI uri) {
    if (fetcher == null) {
      throw new RejectedInputException(
          DeadLetterReason.URI_REFUSED,
          "http(s) image URIs are refused: images.http.allowed-hosts is empty");
    }
    return pool.submit(() -> fetcher.fetch(uri));
  }

  private static byte[] await(Future<?> fetch, URI uri, long deadline, long waitMs) {
    try {
      return (byte[]) fetch.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // a fetch still queued never starts; one running is interrupted, which aborts its request
      fetch.cancel(true);
      log.debug("Image fetch timed out uri={} waitedMs={}", RedactedUri.of(uri), waitMs);
      throw new RejectedInputException(
          DeadLetterReason.URI_FETCH_FAILED,
          "image_uri fetch timed out after " + waitMs + " ms: " + RedactedUri.of(uri));
    } catch (InterruptedException e) {
      fetch.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching " + RedactedUri.of(uri), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RejectedInputException rejected) {
        log.debug("Image URI rejected uri={} reason={}", RedactedUri.of(uri), rejected.reason());
        throw rejected;
      }
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } catch (CancellationException e) {
      throw new IllegalStateException(
          "image fetch cancelled, resolver closing: " + RedactedUri.of(uri), e);
    }
  }

  private byte[] readFile(URI uri) {
    if (!scheme(uri).equals("file")) {
      throw new RejectedInputException(
          DeadLetterReason.URI_REFUSED,
          "image_uri scheme '"
              + scheme(uri)
              + "' is not allowed (allowed: file: below images.file-root, http(s) to images.http.allowed-hosts)");
    }
    Path root =
        policy
            .fileRoot()
            .orElseThrow(
                () ->
                    new RejectedInputException(
                        DeadLetterReason.URI_REFUSED,
                        "file: image URIs are refused: images.file-root is not configured"));
    Path path;
    try {
      path = Path.of(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new RejectedInputException(
          DeadLetterReason.URI_REFUSED, "image_uri is not a file path: " + uri);
    }
    try {
      Path realRoot = root.toRealPath();
      // checked before touching the file too, so that a refusal never tells whether a file outside
      // exists
      if (!path.startsWith(root) && !path.startsWith(realRoot)) {
        throw new RejectedInputException(
            DeadLetterReason.URI_REFUSED, "image_uri is outside images.file-root");
      }
      // real paths, so neither '..' nor a symbolic link leads out of the root
      Path real = path.toRealPath();
      if (!real.startsWith(realRoot)) {
        throw new RejectedInputException(
            DeadLetterReason.URI_REFUSED, "image_uri is outside images.file-root");
      }
      long size = Files.size(real);
      if (size > policy.maxBytes()) {
        throw new RejectedInputException(
            DeadLetterReason.IMAGE_TOO_LARGE,
            "image file is " + size + " bytes, above the limit of " + policy.maxBytes());
      }
      return Files.readAllBytes(real);
    } catch (NoSuchFileException e) {
      throw new RejectedInputException(
          DeadLetterReason.URI_FETCH_FAILED, "image file does not exist: " + uri);
    } catch (IOException e) {
      throw new RejectedInputException(
          DeadLetterReason.URI_FETCH_FAILED,
          "image file cannot be read: " + uri + ": " + e.getMessage());
    }
  }
}
