package dev.bgevl.streams.encoder.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.bgevl.streams.encoder.DeviceSpec;
import dev.bgevl.streams.encoder.EncodeInput;
import dev.bgevl.streams.encoder.EncodeResult;
import dev.bgevl.streams.encoder.EncoderConfig;
import dev.bgevl.streams.encoder.EncoderException;
import dev.bgevl.streams.encoder.InvalidInputException;
import dev.bgevl.streams.encoder.ModelInfo;
import dev.bgevl.streams.encoder.Precision;
import dev.bgevl.streams.encoder.StagedEncoder;
import dev.bgevl.streams.encoder.UnitVectors;
import dev.bgevl.streams.encoder.bundle.ModelBundle;
import dev.bgevl.streams.encoder.bundle.ModelManifest;
import dev.bgevl.streams.encoder.image.ClipImagePreprocessor;
import dev.bgevl.streams.encoder.image.ImageDecoder;
import dev.bgevl.streams.encoder.image.RgbImage;
import dev.bgevl.streams.encoder.image.RowsInFlight;
import dev.bgevl.streams.encoder.text.ClipTokenizer;
import dev.bgevl.streams.encoder.text.TokenBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BGE-VL-CLIP on ONNX Runtime: one vision and one text graph that output raw projections, with
 * normalization and the composed fusion done here.
 *
 * <p>A batch runs each graph at most once: every image of the batch (image-only and composed
 * inputs) goes through one vision call, every text through one text call. Thread-safe, since ONNX
 * Runtime sessions are.
 */
public final class OnnxBgeVlEncoder implements StagedEncoder<OnnxBgeVlEncoder.Prepared> {
  private static final Logger log = LoggerFactory.getLogger(OnnxBgeVlEncoder.class);

  private final OrtEnvironment env;
  private final ModelInfo model;
  private final ModelManifest manifest;
  private final DeviceSpec device;
  private final ImageDecoder decoder;
  private final ClipImagePreprocessor preprocessor;
  private final ClipTokenizer tokenizer;
  private final OrtSession vision;
  private final OrtSession text;
  private final IdleCoreWorkers workers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OnnxBgeVlEncoder(OrtEnvironment env, ModelBundle bundle, EncoderConfig config) {
    this.env = env;
    this.manifest = bundle.manifest();
    this.model = new ModelInfo(manifest.modelId(), manifest.embeddingDim());
    SessionFactory sessions = new SessionFactory(env, config);
    this.device = sessions.device();
    this.decoder = new ImageDecoder(config.imageLimits());
    this.preprocessor = new ClipImagePreprocessor(manifest.image());
    Path visionGraph = bundle.visionGraph();
    if (config.precision() == Precision.FP16) {
      visionGraph = bundle.visionFp16Graph();
      if (visionGraph == null) {
        throw new EncoderException(
            "encoder.precision=fp16 but bundle "
                + bundle.directory()
                + " has no fp16 vision graph (export with --fp16-vision)");
      }
    }
    ClipTokenizer tok = new ClipTokenizer(bundle.tokenizerFile(), manifest.text());
    OrtSession v = null;
    try {
      v = sessions.open(visionGraph);
      this.vision = v;
      this.text = sessions.open(bundle.textGraph());
    } catch (RuntimeException e) {
      tok.close();
      if (v != null) {
        closeQuietly(v);
      }
      throw e;
    }
    this.tokenizer = tok;
    // the cores inference will use are idle while encode() decodes: let them share that work
    this.workers =
        new IdleCoreWorkers(
            config.intraOpThreads() > 0
                ? config.intraOpThreads()
                : Runtime.getRuntime().availableProcessors());
  }

  /**
   * Loads {@code bundle} on the configured device and runs one warm-up input through each graph, so
   * a broken export or a dimension mismatch fails here, not on the first real batch.
   */
  public static OnnxBgeVlEncoder open(ModelBundle bundle, EncoderConfig config) {
    long start = System.nanoTime();
    OnnxBgeVlEncoder encoder =
        new OnnxBgeVlEncoder(OrtEnvironment.getEnvironment(), bundle, config);
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
        config.precision(),
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

  /**
   * One input made ready for the graphs: its preprocessed pixels (CHW, null without an image) and
   * its text, or the reason it was refused.
   */
  public record Prepared(float[] pixels, String text, EncodeResult.Rejected rejected) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Prepared other
          && java.util.Arrays.equals(pixels, other.pixels)
          && java.util.Objects.equals(text, other.text)
          && java.util.Objects.equals(rejected, other.rejected);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(java.util.Arrays.hashCode(pixels), text, rejected);
    }

    @Override
    public String toString() {
      return "Prepared[pixels="
          + (pixels != null)
          + ", text="
          + (text != null)
          + ", rejected="
          + rejected
          + "]";
    }
  }

  /**
   * Prepares then infers, the preparation spread over the calling thread and the inference's other
   * cores, idle meanwhile: one image per thread at a time, or a lone image's rows in bands.
   */
  @Override
  public List<EncodeResult> encode(List<EncodeInput> inputs) {
    int n = inputs.size();
    int images = 0;
    for (EncodeInput input : inputs) {
      images += input.hasImage() ? 1 : 0;
    }
    Prepared[] prepared = new Prepared[n];
    if (images == 0) {
      // texts only: nothing worth a hand-off to another thread
      for (int i = 0; i < n; i++) {
        prepared[i] = prepare(inputs.get(i));
      }
    } else if (images == 1) {
      for (int i = 0; i < n; i++) {
        prepared[i] = prepareWhileDecoding(inputs.get(i), workers);
      }
    } else {
      workers.forEach(n, i -> prepared[i] = prepare(inputs.get(i)));
    }
    return infer(Arrays.asList(prepared));
  }

  /** Decodes and preprocesses one input on the calling thread; a bad image becomes a rejection. */
  @Override
  public Prepared prepare(EncodeInput input) {
    if (!input.hasImage()) {
      return new Prepared(null, input.text(), null);
    }
    try {
      return new Prepared(
          preprocessor.preprocess(decoder.decode(input.image())), input.text(), null);
    } catch (InvalidInputException e) {
      return new Prepared(null, null, new EncodeResult.Rejected(e.reason(), e.getMessage()));
    }
  }

  // enough that the band left when the decode ends is a small tail (1/8 of the resize), few enough
  // that the rows two bands both read (the vertical taps' overlap) stay a small extra
  private static final int OVERLAP_BANDS = 8;

  /** A lone input, spread over up to {@code idleThreads} idle threads of {@code helpers}. */
  @Override
  public Prepared prepare(EncodeInput input, Executor helpers, int idleThreads) {
    return prepareWhileDecoding(input, IdleCoreWorkers.borrowing(helpers, idleThreads));
  }

  /**
   * As {@link #prepare(EncodeInput)}, spread over {@code workers}: one decodes while the others
   * resample bands of output rows, each as soon as the input rows it reads are decoded (a
   * sequential JPEG or a PNG finishes rows top to bottom), so most of the resize hides behind the
   * decode; the decoder joins the remaining bands when it is done.
   */
  private Prepared prepareWhileDecoding(EncodeInput input, IdleCoreWorkers workers) {
    if (!input.hasImage() || workers.threads() == 1) {
      return prepare(input);
    }
    RowsInFlight rows = new RowsInFlight();
    float[] pixels = new float[preprocessor.tensorSize()];
    boolean[] early = new boolean[OVERLAP_BANDS]; // band b was resampled while the image decoded
    try {
      // task 0 decodes; tasks are taken in order, so whichever thread waits on rows, another one is
      // already decoding them (or the waiting thread did it itself before)
      workers.forEach(
          OVERLAP_BANDS + 1,
          task -> {
            if (task == 0) {
              rows.decode(() -> decoder.decode(input.image(), rows));
              return;
            }
            int band = task - 1;
            RgbImage image = rows.awaitImage();
            if (image != null
                && rows.awaitRows(
                    image,
                    preprocessor.inputRowsRead(image.width(), image.height(), bandTop(band + 1)))) {
              preprocessor.preprocessRows(image, pixels, 0, bandTop(band), bandTop(band + 1));
              early[band] = true;
            }
          });
      // the decode is over: what was not resampled early, or was from an image a fallback decoder
      // then replaced or rewrote, is resampled now from the final image, so the result never
      // depends on how the threads met
      boolean earlyRowsFinal = !rows.restarted();
      for (int band = 0; band < OVERLAP_BANDS; band++) {
        if (!(earlyRowsFinal && early[band])) {
          preprocessor.preprocessRows(rows.image(), pixels, 0, bandTop(band), bandTop(band + 1));
        }
      }
      return new Prepared(pixels, input.text(), null);
    } catch (InvalidInputException e) {
      return new Prepared(null, null, new EncodeResult.Rejected(e.reason(), e.getMessage()));
    }
  }

  /**
   * The first crop row of lone-image band {@code band}; {@code OVERLAP_BANDS} gives the crop's end.
   */
  private int bandTop(int band) {
    return band * preprocessor.cropSize() / OVERLAP_BANDS;
  }

  @Override
  public List<EncodeResult> infer(List<Prepared> inputs) {
    if (closed.get()) {
      throw new EncoderException("encoder is closed");
    }
    long start = System.nanoTime();
    int n = inputs.size();
    EncodeResult[] results = new EncodeResult[n];
    int crop = preprocessor.cropSize();
    int tensor = preprocessor.tensorSize();
    int[] imageRow = new int[n];
    int[] textRow = new int[n];
    Arrays.fill(imageRow, -1);
    Arrays.fill(textRow, -1);
    int images = 0;
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Prepared p = inputs.get(i);
      if (p.rejected() != null) {
        results[i] = p.rejected();
        continue;
      }
      if (p.pixels() != null) {
        imageRow[i] = images++;
      }
      if (p.text() != null) {
        textRow[i] = texts.size();
        texts.add(p.text());
      }
    }
    // written once, straight into the memory ONNX Runtime reads: a heap array would be copied into
    // a direct buffer again by OnnxTensor.createTensor
    FloatBuffer pixels = directFloats(images * tensor);
    for (int i = 0; i < n; i++) {
      if (imageRow[i] >= 0) {
        pixels.put(imageRow[i] * tensor, inputs.get(i).pixels());
      }
    }
    float[][] imageRaw = images == 0 ? new float[0][] : runVision(pixels, images, crop);
    float[][] textRaw = texts.isEmpty() ? new float[0][] : runText(tokenizer.tokenize(texts));
    for (int i = 0; i < n; i++) {
      if (results[i] != null) {
        continue;
      }
      int ir = imageRow[i];
      int tr = textRow[i];
      float[] vector =
          ir >= 0 && tr >= 0
              ? UnitVectors.fuse(textRaw[tr], imageRaw[ir])
              : ir >= 0 ? UnitVectors.normalize(imageRaw[ir]) : UnitVectors.normalize(textRaw[tr]);
      results[i] = new EncodeResult.Encoded(vector);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "Inferred batch size={} images={} texts={} inferenceMs={}",
          n,
          images,
          texts.size(),
          (System.nanoTime() - start) / 1_000_000);
    }
    return List.of(results);
  }

  private static FloatBuffer directFloats(int count) {
    return ByteBuffer.allocateDirect(count * Float.BYTES)
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /** {@code pixels}: a direct, native-order buffer, which the tensor uses in place. */
  private float[][] runVision(FloatBuffer pixels, int count, int crop) {
    ModelManifest.GraphFile g = manifest.files().vision();
    long[] shape = {count, 3, crop, crop};
    try (OnnxTensor input = OnnxTensor.createTensor(env, pixels, shape);
        OrtSession.Result out = vision.run(Map.of(g.input(), input))) {
      return rows(out, g.output(), count);
    } catch (OrtException e) {
      throw new EncoderException(
          "Vision graph failed on a batch of " + count + ": " + e.getMessage(), e);
    }
  }

  private float[][] runText(TokenBatch batch) {
    ModelManifest.TextGraphFile g = manifest.files().text();
    long[] shape = {batch.batch(), batch.length()};
    try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape);
        OnnxTensor mask =
            OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape);
        OrtSession.Result out = text.run(Map.of(g.inputIds(), ids, g.attentionMask(), mask))) {
      return rows(out, g.output(), batch.batch());
    } catch (OrtException e) {
      throw new EncoderException(
          "Text graph failed on a batch of " + batch.batch() + ": " + e.getMessage(), e);
    }
  }

  private float[][] rows(OrtSession.Result out, String name, int count) {
    OnnxValue value =
        out.get(name)
            .orElseThrow(
                () ->
                    new EncoderException("Graph has no output '" + name + "' (see manifest.json)"));
    FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
    int dim = model.dimension();
    if (buffer.remaining() != count * dim) {
      throw new EncoderException(
          "Graph output '"
              + name
              + "' holds "
              + buffer.remaining()
              + " values for "
              + count
              + " inputs; manifest embedding_dim is "
              + dim);
    }
    float[][] rows = new float[count][dim];
    for (float[] row : rows) {
      buffer.get(row);
    }
    return rows;
  }

  private void warmUp() {
    int crop = preprocessor.cropSize();
    runVision(directFloats(preprocessor.tensorSize()), 1, crop);
    runText(tokenizer.tokenize(List.of("warm up")));
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(vision);
      closeQuietly(text);
      tokenizer.close();
      workers.close();
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      log.warn("Closing ONNX session failed reason={}", e.getMessage());
    }
  }
}
