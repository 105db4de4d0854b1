package dev.bgevl.streams.encoder.mllm;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.bgevl.streams.encoder.DeviceSpec;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.Encoder;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.EncoderException;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.ModelInfo;
import dev.bgevl.streams.encoder.RejectReason;
import dev.bgevl.streams.encoder.UnitVectors;
import dev.bgevl.streams.encoder.image.ImageDecoder;
import dev.bgevl.streams.encoder.image.RgbImage;
import dev.bgevl.streams.encoder.onnx.SessionFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BGE-VL-MLLM on ONNX Runtime: prompt, Mistral tokens, anyres tiles through the vision graph,
 * features packed in place of the image placeholder, the decoder's normed state at each row's last
 * real token, L2-normalized.
 *
 * <p>A batch is cut into decoder calls of at most {@link #MAX_ROWS_PER_CALL} rows and {@link
 * #MAX_TOKENS_PER_CALL} padded tokens, shortest sequences together (text-only inputs are ~20
 * tokens, image inputs ~2,950), each with one vision and one embedding call. Rows are padded on the
 * right: the decoder is causal, so no real token sees a pad and every row equals its batch-of-one
 * result. Thread-safe, since ONNX Runtime sessions are.
 */
public final class OnnxMllmEncoder implements Encoder {
  private static final Logger log = LoggerFactory.getLogger(OnnxMllmEncoder.class);

  /**
   * Decoder rows per call: bounds activations (the real model at ~3k tokens needs ~1 GB per row).
   */
  static final int MAX_ROWS_PER_CALL = 8;

  /**
   * Padded tokens (rows x longest row) per decoder call. The graph's attention materializes rows x
   * heads x length^2 scores, so image rows (~2,950 tokens, already enough work to fill a CPU or
   * GPU) gain nothing from sharing a call and go one or two at a time, while text rows batch.
   * Measured on the tiny bundle, 2 threads, batches of 8 image items (busy machine): 8 rows per
   * call 5.3 items/s, 2 rows per call 10.6 items/s.
   */
  static final int MAX_TOKENS_PER_CALL = 6144;

  private final OrtEnvironment env;
  private final MllmManifest manifest;
  private final ModelInfo model;
  private final DeviceSpec device;
  private final PromptBuilder prompts;
  private final MistralTokenizer tokenizer;
  private final MllmImageLoader images;
  private final AnyresTiler tiler;
  private final FeaturePacker packer;
  private final int hidden;
  private final int patchesPerTile;
  private final long imageTokenId;
  private final OrtSession vision;
  private final OrtSession embed;
  private final OrtSession decoder;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OnnxMllmEncoder(OrtEnvironment env, MllmBundle bundle, EncoderConfig config) {
    this.env = env;
    this.manifest = bundle.manifest();
    this.model = new ModelInfo(manifest.modelId(), manifest.embeddingDim());
    MllmManifest.Spec spec = manifest.mllm();
    this.hidden = spec.hiddenSize();
    int side = spec.tileSize() / spec.patchSize();
    this.patchesPerTile = side * side;
    this.imageTokenId = spec.imageTokenId();
    this.prompts = new PromptBuilder(spec.templates(), spec.defaultInstruction());
    this.images =
        new MllmImageLoader(
            new ImageDecoder(config.imageLimits()), spec.preResize()[0], spec.preResize()[1]);
    this.tiler = new AnyresTiler(spec.tileSize(), spec.gridPinpoints(), manifest.image());
    this.packer = new FeaturePacker(tiler, spec.tileSize(), side, readNewline(bundle, hidden));
    SessionFactory sessions = new SessionFactory(env, config);
    this.device = sessions.device();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      MistralTokenizer tok = new MistralTokenizer(bundle.tokenizerFile());
      opened.add(tok);
      this.vision = openTracked(sessions, bundle.visionGraph(), opened);
      this.embed = openTracked(sessions, bundle.embedGraph(), opened);
      this.decoder = openTracked(sessions, bundle.decoderGraph(), opened);
      this.tokenizer = tok;
    } catch (RuntimeException e) {
      for (AutoCloseable c : opened) {
        closeQuietly(c);
      }
      throw e;
    }
  }

  /** Loads {@code bundle} and runs a warm-up through every graph, so a broken export fails here. */
  public static OnnxMllmEncoder open(MllmBundle bundle, EncoderConfig config) {
    long start = System.nanoTime();
    OnnxMllmEncoder encoder = new OnnxMllmEncoder(OrtEnvironment.getEnvironment(), bundle, config);
    try {
      encoder.warmUp();
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
    log.info(
        "Encoder ready model={} dim={} device={} precision={} tookMs={}",
        encoder.model.id(),
        encoder.model.dimension(),
        encoder.device,
        bundle.manifest().mllm().precision(),
        (System.nanoTime() - start) / 1_000_000);
    return encoder;
  }

  @Override
  public ModelInfo model() {
    return model;
  }

  /** The device this encoder runs on. */
  public DeviceSpec device() {
    return device;
  }

  /** The prompt an input is embedded with (for tests and logs of prompt changes). */
  public String prompt(EncodeInput input) {
    return prompts.build(input);
  }

  /**
   * An input ready for the graphs: its prompt ids, decoded image, and the sequence length it
   * becomes.
   */
  private record Prepared(int index, long[] ids, RgbImage image, int imageTokens, int length) {}

  @Override
  public List<EncodeResult> encode(List<EncodeInput> inputs) {
    if (closed.get()) {
      throw new EncoderException("encoder is closed");
    }
    long start = System.nanoTime();
    EncodeResult[] results = new EncodeResult[inputs.size()];
    List<Prepared> ready = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      try {
        ready.add(prepare(i, inputs.get(i)));
      } catch (InvalidInputException e) {
        results[i] = new EncodeResult.Rejected(e.reason(), e.getMessage());
      }
    }
    ready.sort(Comparator.comparingInt(Prepared::length));
    for (int from = 0; from < ready.size(); ) {
      int to = from + 1;
      // sorted by length, so the row being added is the longest: rows x its length is the padded
      // size
      while (to < ready.size()
          && to - from < MAX_ROWS_PER_CALL
          && (long) (to - from + 1) * ready.get(to).length() <= MAX_TOKENS_PER_CALL) {
        to++;
      }
      List<Prepared> rows = ready.subList(from, to);
      from = to;
      float[][] vectors = run(rows);
      for (int r = 0; r < rows.size(); r++) {
        results[rows.get(r).index()] = new EncodeResult.Encoded(UnitVectors.normalize(vectors[r]));
      }
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "Encoded batch size={} encoded={} tookMs={}",
          inputs.size(),
          ready.size(),
          (System.nanoTime() - start) / 1_000_000);
    }
    return List.of(results);
  }

  private Prepared prepare(int index, EncodeInput input) {
    long[] ids = tokenizer.ids(prompts.build(input));
    int placeholders = 0;
    for (long id : ids) {
      if (id == imageTokenId) {
        placeholders++;
      }
    }
    if (placeholders != (input.hasImage() ? 1 : 0)) {
      throw new InvalidInputException(
          RejectReason.UNSUPPORTED_INPUT,
          "text or instruction contains the image placeholder " + manifest.mllm().imageToken());
    }
    RgbImage image = input.hasImage() ? images.load(input.image()) : null;
    int imageTokens = image == null ? 0 : packer.tokenCount(image.height(), image.width());
    int length = ids.length - placeholders + imageTokens;
    if (length > manifest.text().maxTokens()) {
      throw new InvalidInputException(
          RejectReason.UNSUPPORTED_INPUT,
          "input is " + length + " tokens, above the model's " + manifest.text().maxTokens());
    }
    return new Prepared(index, ids, image, imageTokens, length);
  }

  private float[][] run(List<Prepared> rows) {
    float[] features = runVision(rows);
    float[] tokens = runEmbed(rows);
    int seq = 0;
    for (Prepared p : rows) {
      seq = Math.max(seq, p.length());
    }
    float[] embeds = new float[rows.size() * seq * hidden];
    long[] last = new long[rows.size()];
    int textToken = 0;
    int tile = 0;
    for (int b = 0; b < rows.size(); b++) {
      Prepared p = rows.get(b);
      int pos = 0;
      for (long id : p.ids()) {
        int at = b * seq + pos;
        if (id == imageTokenId) {
          packer.pack(features, tile, p.image().height(), p.image().width(), embeds, at);
          tile += tiler.tileCount(p.image().height(), p.image().width());
          pos += p.imageTokens();
        } else {
          System.arraycopy(tokens, textToken++ * hidden, embeds, at * hidden, hidden);
          pos++;
        }
      }
      last[b] = p.length() - 1;
    }
    return runDecoder(embeds, rows.size(), seq, last);
  }

  private float[] runVision(List<Prepared> rows) {
    int tiles = 0;
    for (Prepared p : rows) {
      tiles += p.image() == null ? 0 : tiler.tileCount(p.image().height(), p.image().width());
    }
    if (tiles == 0) {
      return new float[0];
    }
    float[] pixels = new float[tiles * tiler.tileValues()];
    int at = 0;
    for (Prepared p : rows) {
      if (p.image() != null) {
        at += tiler.tiles(p.image(), pixels, at * tiler.tileValues());
      }
    }
    int size = manifest.mllm().tileSize();
    MllmManifest.Graph g = manifest.files().vision();
    try (OnnxTensor in =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(pixels), new long[] {tiles, 3, size, size});
        OrtSession.Result out = vision.run(Map.of(g.input(), in))) {
      return floats(out, g.output(), (long) tiles * patchesPerTile * hidden);
    } catch (OrtException e) {
      throw new EncoderException(
          "Vision graph failed on " + tiles + " tiles: " + e.getMessage(), e);
    }
  }

  private float[] runEmbed(List<Prepared> rows) {
    int n = 0;
    for (Prepared p : rows) {
      n += p.ids().length - (p.image() == null ? 0 : 1);
    }
    long[] ids = new long[n];
    int at = 0;
    for (Prepared p : rows) {
      for (long id : p.ids()) {
        if (id != imageTokenId) {
          ids[at++] = id;
        }
      }
    }
    MllmManifest.Graph g = manifest.files().embed();
    try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, n});
        OrtSession.Result out = embed.run(Map.of(g.input(), in))) {
      return floats(out, g.output(), (long) n * hidden);
    } catch (OrtException e) {
      throw new EncoderException(
          "Embedding graph failed on " + n + " tokens: " + e.getMessage(), e);
    }
  }

  private float[][] runDecoder(float[] embeds, int batch, int seq, long[] last) {
    MllmManifest.DecoderGraph g = manifest.files().decoder();
    try (OnnxTensor x =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(embeds), new long[] {batch, seq, hidden});
        OnnxTensor idx = OnnxTensor.createTensor(env, LongBuffer.wrap(last), new long[] {batch});
        OrtSession.Result out = decoder.run(Map.of(g.inputsEmbeds(), x, g.lastIndex(), idx))) {
      float[] flat = floats(out, g.output(), (long) batch * model.dimension());
      float[][] rows = new float[batch][];
      for (int b = 0; b < batch; b++) {
        rows[b] = Arrays.copyOfRange(flat, b * model.dimension(), (b + 1) * model.dimension());
      }
      return rows;
    } catch (OrtException e) {
      throw new EncoderException(
          "Decoder graph failed on " + batch + "x" + seq + ": " + e.getMessage(), e);
    }
  }

  private static float[] floats(OrtSession.Result out, String name, long expected) {
    OnnxTensor t =
        (OnnxTensor)
            out.get(name)
                .orElseThrow(
                    () ->
                        new EncoderException(
                            "Graph has no output '" + name + "' (see manifest.json)"));
    FloatBuffer buffer = t.getFloatBuffer();
    if (buffer.remaining() != expected) {
      throw new EncoderException(
          "Graph output '"
              + name
              + "' holds "
              + buffer.remaining()
              + " values, expected "
              + expected
              + " (manifest and graphs disagree)");
    }
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private void warmUp() {
    int size = manifest.mllm().tileSize();
    try (OnnxTensor in =
            OnnxTensor.createTensor(
                env,
                FloatBuffer.wrap(new float[tiler.tileValues()]),
                new long[] {1, 3, size, size});
        OrtSession.Result out = vision.run(Map.of(manifest.files().vision().input(), in))) {
      floats(out, manifest.files().vision().output(), (long) patchesPerTile * hidden);
    } catch (OrtException e) {
      throw new EncoderException("Vision graph failed on warm-up: " + e.getMessage(), e);
    }
    encode(List.of(EncodeInput.text("warm up")));
  }

  private static float[] readNewline(MllmBundle bundle, int hidden) {
    try {
      byte[] bytes = Files.readAllBytes(bundle.imageNewlineFile());
      if (bytes.length != hidden * Float.BYTES) {
        throw new EncoderException(
            "image_newline holds " + bytes.length + " bytes, expected " + hidden * Float.BYTES);
      }
      float[] v = new float[hidden];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
      return v;
    } catch (IOException e) {
      throw new EncoderException(
          "Cannot read " + bundle.imageNewlineFile() + ": " + e.getMessage(), e);
    }
  }

  /** Opens a session and records it, so a failure further on closes what was already opened. */
  private static OrtSession openTracked(
      SessionFactory sessions, Path graph, List<AutoCloseable> opened) {
    OrtSession s = sessions.open(graph);
    opened.add(s);
    return s;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(vision);
      closeQuietly(embed);
      closeQuietly(decoder);
      tokenizer.close();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("Closing encoder resource failed reason={}", e.getMessage());
    }
  }
}
