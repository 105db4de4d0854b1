package dev.bgevl.streams.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpHandler;
import dev.bgevl.streams.failure.DeadLetterReason;
import dev.bgevl.streams.failure.RejectedInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageResolverHttpTest {

  private static final byte[] IMAGE = "not really a png, bytes are bytes".getBytes();

  private final ImageTestServer server = new ImageTestServer();
  private final List<ImageResolver> resolvers = new ArrayList<>();

  @AfterEach
  void close() {
    resolvers.forEach(ImageResolver::close);
    server.close();
  }

  /** Loopback allowed: the servers of these tests live on 127.0.0.1. */
  private static ImageSourcePolicy policy(String... hosts) {
    return new ImageSourcePolicy(Optional.empty(), 1 << 20)
        .withAllowedHosts(Set.of(hosts))
        .withAllowPrivateAddresses(true);
  }

  private ImageResolver resolver(ImageSourcePolicy policy) {
    ImageResolver resolver = new ImageResolver(policy);
    resolvers.add(resolver);
    return resolver;
  }

  private ImageResolver resolver(
      ImageSourcePolicy policy, Function<java.net.InetAddress, AddressScope> scopes) {
    ImageResolver resolver = new ImageResolver(policy, new HttpImageFetcher(policy, scopes));
    resolvers.add(resolver);
    return resolver;
  }

  private static RejectedInputException rejected(DeadLetterReason reason, Runnable call) {
    RejectedInputException e = assertThrows(RejectedInputException.class, call::run);
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  @Test
  void shouldFetchImageFromAllowedHost() {
    server.route("/cat.png", ImageTestServer.bytes(IMAGE));

    assertArrayEquals(IMAGE, resolver(policy("127.0.0.1")).resolve(null, server.url("/cat.png")));
  }

  @Test
  void shouldPreferInlineBytesOverUri() {
    byte[] inline = {1, 2, 3};

    assertArrayEquals(inline, resolver(policy("127.0.0.1")).resolve(inline, server.url("/never")));
    assertEquals(0, server.requests.get());
  }

  @Test
  void shouldRefuseHttpWhenNoHostIsAllowed() {
    server.route("/cat.png", ImageTestServer.bytes(IMAGE));
    ImageResolver resolver = resolver(new ImageSourcePolicy(Optional.empty(), 1 << 20));

    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_REFUSED, () -> resolver.resolve(null, server.url("/cat.png")));
    assertTrue(e.getMessage().contains("images.http.allowed-hosts"), e.getMessage());
    assertEquals(0, server.requests.get());
  }

  @Test
  void shouldRefuseHostNotInAllowedList() {
    server.route("/cat.png", ImageTestServer.bytes(IMAGE));

    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_REFUSED,
            () ->
                resolver(policy("images.example.com", "*.cdn.example.com"))
                    .resolve(null, server.url("/cat.png")));
    assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
    assertEquals(0, server.requests.get());
  }

  @Test
  void shouldRefuseUriWithUserInfo() {
    server.route("/cat.png", ImageTestServer.bytes(IMAGE));

    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_REFUSED,
            () ->
                resolver(policy("127.0.0.1"))
                    .resolve(null, "http://user:secret@127.0.0.1:" + server.port() + "/cat.png"));
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void shouldRefuseLoopbackAddressWhenPrivateAddressesAreNotAllowed() {
    server.route("/cat.png", ImageTestServer.bytes(IMAGE));
    ImageResolver resolver = resolver(policy("127.0.0.1").withAllowPrivateAddresses(false));

    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_REFUSED, () -> resolver.resolve(null, server.url("/cat.png")));
    assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    assertEquals(0, server.requests.get());
  }

  @Test
  void shouldRefuseNameResolvingToLoopbackWhenPrivateAddressesAreNotAllowed() {
    server.route("/cat.png", ImageTestServer.bytes(IMAGE));
    ImageResolver resolver = resolver(policy("localhost").withAllowPrivateAddresses(false));

    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_REFUSED,
            () -> resolver.resolve(null, server.localhostUrl("/cat.png")));
    assertTrue(e.getMessage().contains("'localhost' resolves to"), e.getMessage());
    assertEquals(0, server.requests.get());
  }

  @Test
  void shouldFollowRedirectToAllowedHost() {
    server.route("/old", ImageTestServer.redirect(server.localhostUrl("/new")));
    server.route("/new", ImageTestServer.bytes(IMAGE));

    assertArrayEquals(
        IMAGE, resolver(policy("127.0.0.1", "localhost")).resolve(null, server.url("/old")));
  }

  @Test
  void shouldFollowRelativeRedirectsUpToThree() {
    server.route("/r1", ImageTestServer.redirect("/r2"));
    server.route("/r2", ImageTestServer.redirect("/r3"));
    server.route("/r3", ImageTestServer.redirect("/img"));
    server.route("/img", ImageTestServer.bytes(IMAGE));

    assertArrayEquals(IMAGE, resolver(policy("127.0.0.1")).resolve(null, server.url("/r1")));
  }

  @Test
  void shouldFailAfterMoreThanThreeRedirects() {
    server.route("/r0", ImageTestServer.redirect("/r1"));
    server.route("/r1", ImageTestServer.redirect("/r2"));
    server.route("/r2", ImageTestServer.redirect("/r3"));
    server.route("/r3", ImageTestServer.redirect("/img"));
    server.route("/img", ImageTestServer.bytes(IMAGE));

    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_FETCH_FAILED,
            () -> resolver(policy("127.0.0.1")).resolve(null, server.url("/r0")));
    assertTrue(e.getMessage().contains("more than 3"), e.getMessage());
    assertEquals(4, server.requests.get());
  }

  @Test
  void shouldFailOnRedirectLoop() {
    server.route("/loop", ImageTestServer.redirect("/loop"));

    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_FETCH_FAILED,
            () -> resolver(policy("127.0.0.1")).resolve(null, server.url("/loop")));
    assertTrue(e.getMessage().contains("redirected more than 3"), e.getMessage());
  }

  @Test
  void shouldRefuseRedirectToDisallowedHost() {
    server.route("/old", ImageTestServer.redirect(server.localhostUrl("/new")));
    server.route("/new", ImageTestServer.bytes(IMAGE));

    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_REFUSED,
            () -> resolver(policy("127.0.0.1")).resolve(null, server.url("/old")));
    assertTrue(e.getMessage().contains("'localhost'"), e.getMessage());
    assertEquals(1, server.requests.get());
  }

  @Test
  void shouldRefuseRedirectToOtherScheme() {
    server.route("/old", ImageTestServer.redirect("file:///etc/passwd"));

    rejected(
        DeadLetterReason.URI_REFUSED,
        () -> resolver(policy("127.0.0.1")).resolve(null, server.url("/old")));
  }

  @Test
  void shouldRefuseRedirectIntoPrivateAddress() {
    // 127.0.0.1 plays a public server here; the redirect leads to ::1, which is loopback as always
    server.route("/old", ImageTestServer.redirect("http://[::1]:" + server.port() + "/new"));
    ImageSourcePolicy policy = policy("127.0.0.1", "[::1]").withAllowPrivateAddresses(false);
    ImageResolver resolver =
        resolver(
            policy,
            a -> a.getHostAddress().equals("127.0.0.1") ? AddressScope.PUBLIC : AddressScope.of(a));

    RejectedInputException e =
        rejected(DeadLetterReason.URI_REFUSED, () -> resolver.resolve(null, server.url("/old")));
    assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    assertEquals(1, server.requests.get());
  }

  @Test
  void shouldReportStatusOfErrorAnswerWithoutQuery() {
    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_FETCH_FAILED,
            () ->
                resolver(policy("127.0.0.1"))
                    .resolve(null, server.url("/missing.png?token=s3cret")));

    assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    assertTrue(e.getMessage().contains("/missing.png"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void shouldTimeOutServerThatAnswersTooLateWithinDeadline() {
    server.route("/slow", ImageTestServer.delayed(5_000, IMAGE));
    ImageResolver resolver =
        resolver(policy("127.0.0.1").withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(400)));
    resolver.resolve(null, null); // nothing to fetch; keeps the clock below free of class loading

    long begin = System.nanoTime();
    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_FETCH_FAILED, () -> resolver.resolve(null, server.url("/slow")));
    long tookMs = (System.nanoTime() - begin) / 1_000_000;

    assertTrue(e.getMessage().contains("timed out after 400 ms"), e.getMessage());
    assertTrue(tookMs >= 350 && tookMs < 1_500, "took " + tookMs + " ms");
  }

  @Test
  void shouldTimeOutBodyThatTricklesPastDeadlineAndHangUp() throws Exception {
    CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
    server.route(
        "/drip",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 100; i++) {
              out.write(new byte[256]);
              out.flush();
              Thread.sleep(100);
            }
            clientClosed.complete(false);
          } catch (InterruptedException | IOException e) {
            clientClosed.complete(true);
          }
        });
    ImageResolver resolver =
        resolver(policy("127.0.0.1").withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)));

    long begin = System.nanoTime();
    RejectedInputException e =
        rejected(
            DeadLetterReason.URI_FETCH_FAILED, () -> resolver.resolve(null, server.url("/drip")));
    long tookMs = (System.nanoTime() - begin) / 1_000_000;

    assertTrue(e.getMessage().contains("timed out after 500 ms"), e.getMessage());
    assertTrue(tookMs < 1_500, "took " + tookMs + " ms");
    assertTrue(clientClosed.get(5, TimeUnit.SECONDS), "the cancelled fetch closed its connection");
  }

  /**
   * Writes {@code total} bytes in 64 KiB chunks; records how far it got before the client hung up.
   */
  private static HttpHandler huge(
      long total,
      boolean declareLength,
      AtomicLong written,
      CompletableFuture<Boolean> clientClosed) {
    return exchange -> {
      exchange.sendResponseHeaders(200, declareLength ? total : 0);
      byte[] chunk = new byte[64 * 1024];
      try (OutputStream out = exchange.getResponseBody()) {
        while (written.get() < total) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
        clientClosed.complete(false);
      } catch (IOException e) {
        clientClosed.complete(true);
      }
    };
  }

  @Test
  void shouldRefuseDeclaredLengthAboveLimitWithoutReadingBody() throws Exception {
    long total = 256L << 20;
    AtomicLong written = new AtomicLong();
    CompletableFuture<Boolean> closed = new CompletableFuture<>();
    server.route("/huge", huge(total, true, written, closed));
    ImageResolver resolver = resolver(policy("127.0.0.1").withMaxBytes(64 * 1024));

    RejectedInputException e =
        rejected(
            DeadLetterReason.IMAGE_TOO_LARGE, () -> resolver.resolve(null, server.url("/huge")));

    assertTrue(e.getMessage().contains(total + " bytes"), e.getMessage());
    assertTrue(closed.get(10, TimeUnit.SECONDS), "server saw the connection closed");
    assertTrue(written.get() < 32L << 20, "server wrote " + written.get() + " bytes");
  }

  @Test
  void shouldStopReadingChunkedBodyAboveLimit() throws Exception {
    long total = 256L << 20;
    AtomicLong written = new AtomicLong();
    CompletableFuture<Boolean> closed = new CompletableFuture<>();
    server.route("/huge", huge(total, false, written, closed));
    ImageResolver resolver = resolver(policy("127.0.0.1").withMaxBytes(64 * 1024));

    RejectedInputException e =
        rejected(
            DeadLetterReason.IMAGE_TOO_LARGE, () -> resolver.resolve(null, server.url("/huge")));

    assertTrue(e.getMessage().contains("above the limit of 65536"), e.getMessage());
    assertTrue(closed.get(10, TimeUnit.SECONDS), "server saw the connection closed");
    assertTrue(written.get() < 32L << 20, "server wrote " + written.get() + " bytes");
  }

  @Test
  void shouldAcceptBodyOfExactlyMaxBytes() {
    byte[] exact = new byte[4096];
    server.route("/exact", ImageTestServer.bytes(exact));
    server.route(
        "/chunked",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(exact);
          }
        });
    ImageResolver resolver = resolver(policy("127.0.0.1").withMaxBytes(4096));

    assertEquals(4096, resolver.resolve(null, server.url("/exact")).length);
    assertEquals(4096, resolver.resolve(null, server.url("/chunked")).length);
  }

  @Test
  void shouldFetchBatchInParallelInAboutTheTimeOfTheSlowest() {
    server.route("/slow", ImageTestServer.delayed(300, IMAGE));
    ImageResolver resolver = resolver(policy("127.0.0.1").withFetchThreads(8));
    List<ImageSource> sources =
        IntStream.range(0, 8)
            .mapToObj(i -> ImageSource.of(null, server.url("/slow?i=" + i)))
            .toList();

    long begin = System.nanoTime();
    List<ImageResult> results = resolver.resolveAll(sources);
    long tookMs = (System.nanoTime() - begin) / 1_000_000;

    results.forEach(r -> assertArrayEquals(IMAGE, r.orThrow()));
    assertTrue(tookMs < 1_200, "8 fetches of 300 ms took " + tookMs + " ms");
  }

  @Test
  void shouldResolveBatchInOrderWithOneResultPerSource() {
    server.route("/cat.png", ImageTestServer.bytes(IMAGE));
    byte[] inline = {7};
    ImageResolver resolver = resolver(policy("127.0.0.1"));

    List<ImageResult> results =
        resolver.resolveAll(
            List.of(
                ImageSource.of(null, server.url("/cat.png")),
                ImageSource.of(null, server.url("/missing.png")),
                ImageSource.of(inline, server.url("/missing.png")),
                ImageSource.of(null, null),
                ImageSource.of(null, "ftp://127.0.0.1/cat.png"),
                ImageSource.of(null, "http://evil.example/cat.png")));

    assertArrayEquals(IMAGE, results.get(0).orThrow());
    assertEquals(DeadLetterReason.URI_FETCH_FAILED, reasonOf(results.get(1)));
    assertArrayEquals(inline, results.get(2).orThrow());
    assertNull(results.get(3).orThrow());
    assertEquals(DeadLetterReason.URI_REFUSED, reasonOf(results.get(4)));
    assertEquals(DeadLetterReason.URI_REFUSED, reasonOf(results.get(5)));
  }

  @Test
  void shouldReportSaturatedPoolForFetchesBeyondTheQueue() {
    CountDownLatch release = new CountDownLatch(1);
    server.route(
        "/held",
        exchange -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ImageTestServer.send(exchange, 200, IMAGE);
        });
    ImageResolver resolver = resolver(policy("127.0.0.1").withFetchThreads(1));
    int capacity = 1 + ImageResolver.QUEUE_PER_THREAD;
    List<ImageSource> sources =
        IntStream.range(0, capacity + 2)
            .mapToObj(i -> ImageSource.of(null, server.url("/held?i=" + i)))
            .toList();
    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(release::countDown);

    List<ImageResult> results = resolver.resolveAll(sources);

    for (int i = 0; i < capacity; i++) {
      assertArrayEquals(IMAGE, results.get(i).orThrow(), "source " + i);
    }
    for (int i = capacity; i < sources.size(); i++) {
      RejectedInputException e =
          assertInstanceOf(
              RejectedInputException.class, ((ImageResult.Failed) results.get(i)).error());
      assertEquals(DeadLetterReason.URI_FETCH_FAILED, e.reason());
      assertTrue(e.getMessage().contains("fetch pool saturated"), e.getMessage());
    }
  }

  @Test
  void shouldRefuseToFetchAfterClose() {
    server.route("/cat.png", ImageTestServer.bytes(IMAGE));
    ImageResolver resolver = resolver(policy("127.0.0.1"));
    resolver.close();
    resolver.close();

    assertThrows(IllegalStateException.class, () -> resolver.resolve(null, server.url("/cat.png")));
  }

  private static DeadLetterReason reasonOf(ImageResult result) {
    return assertInstanceOf(RejectedInputException.class, ((ImageResult.Failed) result).error())
        .reason();
  }
}
