package dev.bgevl.streams.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bgevl.streams.embedded.EmbeddedMilvusServer;
import dev.bgevl.streams.embedded.testkit.ChildService;
import dev.bgevl.streams.embedded.testkit.FreePorts;
import dev.bgevl.streams.embedded.testkit.TestImages;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The search page in a real browser against the real local stack: {@code bgevl local} in a child
 * process, a folder sent with {@code bgevl produce}, and Debian's headless Chromium driven through
 * its chromedriver. It picks an image file, runs an image query, types a composed query and submits
 * it from the keyboard, asks for "more like this" from a result, sees a refused filter's status,
 * and checks that the thumbnails loaded, that nothing came from another origin, and that a deleted
 * id's thumbnail is gone. The result grid's screenshot is left in {@code target/search-page.png}
 * (README's picture is a copy).
 */
class SearchPageIT {

  static final String COMPOSITION = "make it dark, at night";
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path temp;
  static ChildService local;
  static String bootstrap;
  static String page;
  static List<TestImages.Sample> images;
  static Path folder;
  static ChromeDriver browser;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStackSendFolderOpenBrowser() throws Exception {
    int kafkaPort = FreePorts.pair();
    int webPort = EmbeddedMilvusServer.freePort();
    bootstrap = "127.0.0.1:" + kafkaPort;
    page = "http://localhost:" + webPort + "/";
    local =
        ChildService.start(
            temp.resolve("local.log"),
            ChildService.LOCAL_MAIN,
            List.of(
                "local",
                "--local.data-dir",
                temp.resolve("data").toString(),
                "--local.venv",
                Path.of(System.getProperty("bgevl.venv")).toString(),
                "--local.kafka-port",
                Integer.toString(kafkaPort),
                "--local.milvus-port",
                Integer.toString(EmbeddedMilvusServer.freePort()),
                "--encoder.model",
                System.getProperty("bgevl.tinyBundle"),
                "--encoder.threads",
                "1",
                "--ops.port",
                "-1",
                "--web.port",
                Integer.toString(webPort)));
    Awaitility.await("local stack ready")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> local.logContains("Search page: ") || !local.isAlive());
    assertTrue(local.isAlive(), "local stack started: " + local.log());

    images = TestImages.generate("page", 12, 2026_12_02L);
    folder = Files.createDirectories(temp.resolve("photos"));
    StringBuilder captions = new StringBuilder();
    for (TestImages.Sample image : images) {
      Files.write(folder.resolve(image.id() + ".png"), image.png());
      captions.append(image.id()).append(".png\t").append(image.caption()).append('\n');
    }
    Files.writeString(temp.resolve("captions.tsv"), captions);
    produce(folder.toString(), "--captions", temp.resolve("captions.tsv").toString());
    // one item indexed as a composition, so the composed query has a known answer
    Path composed = Files.createDirectories(temp.resolve("composed"));
    Files.copy(
        folder.resolve(target().id() + ".png"),
        composed.resolve(target().id() + ".png"),
        StandardCopyOption.REPLACE_EXISTING);
    produce(
        composed.toString(),
        "--embed",
        "IMAGE_TEXT",
        "--caption",
        COMPOSITION,
        "--id-prefix",
        "night-");
    for (TestImages.Sample image : images) {
      awaitThumbnail(image.id(), 200);
    }
    awaitThumbnail(composedId(), 200);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(System.getenv().getOrDefault("BGEVL_CHROMIUM", "/usr/bin/chromium"));
    // root in CI has no sandbox; a small /dev/shm in containers crashes tabs
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1100");
    ChromeDriverService driver =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(
                new File(
                    System.getenv().getOrDefault("BGEVL_CHROMEDRIVER", "/usr/bin/chromedriver")))
            .build();
    browser = new ChromeDriver(driver, options);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (browser != null) {
      browser.quit();
    }
    if (local != null) {
      local.terminate();
      local.awaitExit(Duration.ofSeconds(30));
      local.close();
    }
  }

  static TestImages.Sample target() {
    return images.get(5);
  }

  static String composedId() {
    return "night-" + target().id();
  }

  @Test
  void shouldFindAnImageByItselfAndByACompositionAndSearchForMoreLikeAResult() throws Exception {
    browser.get(page);
    assertEquals(
        Boolean.TRUE,
        script("return [...document.querySelectorAll('input')].every(i => i.labels.length > 0)"),
        "every input has a label");

    browser.findElement(By.id("image")).sendKeys(folder.resolve(target().id() + ".png").toString());
    assertTrue(browser.findElement(By.id("preview")).isDisplayed(), "the picked image is shown");
    browser.findElement(By.id("run")).click();
    List<WebElement> hits = awaitReply("");
    assertEquals(
        target().id(), hits.get(0).getAttribute("data-id"), "the image finds itself first");
    assertEquals(12, hits.size(), "the default top-k");
    for (WebElement hit : hits) {
      awaitLoaded(hit.findElement(By.cssSelector("img.thumb")));
    }
    Path screenshot = Path.of("target", "search-page.png");
    Files.createDirectories(screenshot.getParent());
    Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));

    // the composed query, typed and submitted from the keyboard
    String before = requestId();
    browser.findElement(By.id("text")).sendKeys(COMPOSITION + Keys.ENTER);
    hits = awaitReply(before);
    assertEquals(
        composedId(),
        hits.get(0).getAttribute("data-id"),
        "image + text finds the item indexed as that composition");
    awaitLoaded(hits.get(0).findElement(By.cssSelector("img.thumb")));

    // "more like this", by keyboard on a result: its thumbnail becomes the query image
    WebElement chosen =
        hits.stream()
            .filter(hit -> !hit.getAttribute("data-id").startsWith("night-"))
            .skip(2)
            .findFirst()
            .orElseThrow();
    String other = chosen.getAttribute("data-id");
    before = requestId();
    chosen.findElement(By.cssSelector("button.hit")).sendKeys(Keys.ENTER);
    hits = awaitReply(before);
    assertEquals("", browser.findElement(By.id("text")).getAttribute("value"), "text cleared");
    List<String> ids = hits.stream().map(hit -> hit.getAttribute("data-id")).toList();
    System.out.println(
        "More like " + other + ": " + browser.findElement(By.id("status")).getText() + " " + ids);
    assertEquals(other, ids.get(0), "its own thumbnail finds it first");

    List<String> origins =
        castList(script("return performance.getEntriesByType('resource').map(e => e.name)"));
    assertTrue(
        origins.stream().allMatch(name -> name.startsWith(page) || name.startsWith("blob:")),
        "nothing is loaded from another origin: " + origins);
  }

  @Test
  void shouldShowTheRepliesStatusAndMessageWhenTheServiceRefuses() {
    browser.get(page);
    browser.findElement(By.id("text")).sendKeys("a red circle");
    browser.findElement(By.id("filter")).sendKeys("colour ==");
    browser.findElement(By.id("run")).click();
    new WebDriverWait(browser, WAIT)
        .until(b -> "error".equals(b.findElement(By.id("status")).getAttribute("data-state")));
    String status = browser.findElement(By.id("status")).getText();
    assertTrue(status.startsWith("INVALID_REQUEST: "), status);
    assertTrue(browser.findElements(By.cssSelector("#hits li")).isEmpty(), "no stale results");
  }

  @Test
  void shouldShowThumbnailsThatWereUnavailableWhenTheirResultsAppeared() {
    browser.get(page);
    // the browser fails every thumbnail, as while partitions move between instances (503) or the
    // instance restarts (no answer); the page must try again rather than say "no image"
    browser.executeCdpCommand("Network.enable", Map.of());
    browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/thumbnails/*")));
    List<WebElement> hits;
    try {
      browser.findElement(By.id("text")).sendKeys("a red circle" + Keys.ENTER);
      hits = awaitReply("");
      WebElement first = hits.get(0).findElement(By.cssSelector("img.thumb"));
      new WebDriverWait(browser, WAIT).until(b -> first.getAttribute("data-retries") != null);
    } finally {
      browser.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
    }
    for (WebElement hit : hits) {
      awaitLoaded(hit.findElement(By.cssSelector("img.thumb")));
    }
    assertEquals(
        List.of(), browser.findElements(By.cssSelector(".no-thumb")), "no hit says \"no image\"");
  }

  @Test
  void shouldRemoveAThumbnailWhenItsIdIsDeleted() throws Exception {
    String gone = images.get(11).id();
    produce("--delete", gone);
    awaitThumbnail(gone, 404);
    awaitThumbnail(images.get(10).id(), 200);
  }

  private List<WebElement> awaitReply(String previousRequestId) {
    new WebDriverWait(browser, WAIT)
        .until(
            b -> {
              WebElement status = b.findElement(By.id("status"));
              String id = b.findElement(By.id("hits")).getAttribute("data-request-id");
              return id != null
                  && !id.equals(previousRequestId)
                  && !"busy".equals(status.getAttribute("data-state"));
            });
    WebElement status = browser.findElement(By.id("status"));
    assertEquals("done", status.getAttribute("data-state"), status.getText());
    return browser.findElements(By.cssSelector("#hits li"));
  }

  private String requestId() {
    String id = browser.findElement(By.id("hits")).getAttribute("data-request-id");
    return id == null ? "" : id;
  }

  private void awaitLoaded(WebElement image) {
    new WebDriverWait(browser, WAIT)
        .until(
            b ->
                Boolean.TRUE.equals(
                    ((JavascriptExecutor) b)
                        .executeScript(
                            "return arguments[0].complete && arguments[0].naturalWidth > 0",
                            image)));
  }

  private Object script(String code) {
    return ((JavascriptExecutor) browser).executeScript(code);
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object value) {
    return new ArrayList<>((List<String>) value);
  }

  private static void produce(String... arguments) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("produce", "--kafka.bootstrap-servers", bootstrap));
    command.addAll(List.of(arguments));
    Path log = temp.resolve("produce.log");
    try (ChildService produce = ChildService.start(log, ChildService.CLI_MAIN, command)) {
      OptionalInt exit = produce.awaitExit(Duration.ofSeconds(60));
      assertEquals(OptionalInt.of(0), exit, produce.log());
    }
  }

  private static void awaitThumbnail(String id, int status) {
    Awaitility.await("thumbnail of " + id + " answers " + status)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> thumbnailStatus(id) == status);
  }

  private static int thumbnailStatus(String id) throws IOException, InterruptedException {
    URI uri =
        URI.create(
            page
                + "thumbnails/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
    return http.send(
            HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
