package dev.bgevl.streams.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The page's server before the service is up, and after a start that failed. */
class WebServerTest {

  @Test
  void shouldAnswer503WhileTheServiceStartsAndFreeItsPortWhenClosed() throws Exception {
    WebServer web = WebServer.bind(new WebConfig(0, "localhost", Duration.ofSeconds(1)));
    int port = web.port();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(503, response.statusCode());
      assertTrue(response.body().contains("starting"), response.body());
      assertEquals("2", response.headers().firstValue("Retry-After").orElse(""));
    } finally {
      web.close();
    }
    // a failed start closes the server unserved: the port must be free for the next try
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
      assertEquals(port, again.getLocalPort());
    } catch (IOException e) {
      throw new AssertionError("port " + port + " still held after close", e);
    }
  }
}
