#!/usr/bin/env python3
"""PyTorch reference throughput for the encoder benchmark (bench/encoder.sh).

Loads the same random BGE-VL-base-size checkpoint the benchmark bundle was exported from
(``make_benchmark_model.py``) with transformers' ``CLIPModel`` (fp32, its default attention),
``CLIPImageProcessorPil`` (the PIL backend, the one the reference fixtures use) and
``CLIPTokenizer``, and measures on CPU with a fixed thread count under ``torch.inference_mode()``:

  image  full   bytes -> PIL decode -> image processor -> vision tower + projection -> L2 norm
  image  model  pre-made pixel_values -> vision tower + projection
  text   full   tokenizer (pad to longest) -> text tower + projection -> L2 norm
  text   model  pre-made input_ids/attention_mask -> text tower + projection

Same method as the Java harness (``EncoderBenchmark``): ``--warmup`` untimed batch calls, then
``--reps`` repetitions of whole batches until at least ``--image-items``/``--text-items``
inputs are done; the median repetition's items/s is reported. The images are the Java
harness's own files (``--images-dir``, written by ``EncoderBenchmark --images-dir``), so both
sides decode the same bytes; captions are the same list.

``--serve`` keeps the model loaded and answers the Java harness over stdin/stdout instead, so
``EncoderBenchmark`` can interleave PyTorch repetition by repetition with ours and bare ORT (the
way ``bench/encoder.sh`` runs it): it prints one JSON environment line, then for each request line
``<impl> <modality> <batch> <calls> <first_call>`` (impl ``pytorch`` or ``pytorch-model``) runs
those calls and prints the seconds they took, timed here so the pipe is not counted; ``quit`` ends.

Example:
  tools/.venv/bin/python tools/bench_pytorch.py --checkpoint bench-work/bge-vl-base-random-checkpoint \\
      --images-dir bench-work/images --out bench-work/pytorch.jsonl --threads 2
"""
from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

# Same captions as EncoderBenchmark's BenchInputs.CAPTIONS (10-20 CLIP tokens each).
CAPTIONS = [
    "a brown dog running on a sandy beach at sunset",
    "two children playing football in a green park",
    "a red sports car parked in front of an old building",
    "close-up photo of a cup of coffee with latte art on a wooden table",
    "a woman in a blue dress walking through a busy market",
    "snow covered mountains under a clear blue sky",
    "a plate of pasta with tomato sauce and fresh basil",
    "an orange cat sleeping on a grey sofa next to a window",
    "a cyclist riding along a mountain road in the morning fog",
    "aerial view of a city at night with bright street lights",
    "a white sneaker with black laces on a plain background",
    "a group of friends having a picnic by the lake",
    "a vintage camera lying on top of an open map",
    "fresh strawberries and blueberries in a glass bowl",
    "a lighthouse on a rocky coast during a storm",
    "a modern kitchen with white cabinets and a marble island",
]


def measure(body, batch: int, min_items: int, warmup: int, reps: int) -> list[float]:
    """items/s of each timed repetition; ``body(call)`` runs one batch."""
    calls = max(1, -(-min_items // batch))
    call = 0
    for _ in range(warmup):
        body(call)
        call += 1
    rates = []
    for _ in range(reps):
        start = time.perf_counter()
        for _ in range(calls):
            body(call)
            call += 1
        rates.append(calls * batch / (time.perf_counter() - start))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, required=True, help="checkpoint folder (make_benchmark_model.py)")
    parser.add_argument("--images-dir", type=Path, required=True, help="the Java harness's bench-*.jpg/png files")
    parser.add_argument("--out", type=Path, help="JSON lines file to write (required without --serve)")
    parser.add_argument("--serve", action="store_true", help="answer timing requests on stdin (see above)")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    parser.add_argument("--batches", default="1,8,32", help="batch sizes (default 1,8,32)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed batch calls first (default 1)")
    parser.add_argument("--reps", type=int, default=3, help="timed repetitions, median reported (default 3)")
    parser.add_argument("--image-items", type=int, default=8, help="images per repetition at least (default 8)")
    parser.add_argument("--text-items", type=int, default=64, help="texts per repetition at least (default 64)")
    parser.add_argument("--skip-images", action="store_true")
    parser.add_argument("--skip-texts", action="store_true")
    args = parser.parse_args()
    if not args.serve and args.out is None:
        parser.error("--out is required without --serve")

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    import PIL
    import transformers
    from PIL import Image
    from transformers import CLIPImageProcessorPil, CLIPModel, CLIPTokenizer

    model = CLIPModel.from_pretrained(str(args.checkpoint), dtype=torch.float32).eval()
    processor = CLIPImageProcessorPil.from_pretrained(str(args.checkpoint))
    tokenizer = CLIPTokenizer.from_pretrained(str(args.checkpoint))
    files = sorted(p for p in args.images_dir.iterdir() if p.suffix in (".jpg", ".png"))
    if not files:
        raise SystemExit(f"no bench-*.jpg/png in {args.images_dir}: run EncoderBenchmark --images-dir first")
    image_bytes = [p.read_bytes() for p in files]
    batches = [int(b) for b in args.batches.split(",")]
    out = sys.stdout if args.serve else args.out.open("w", encoding="utf-8")

    def emit(line: dict) -> None:
        out.write(json.dumps(line) + "\n")
        out.flush()

    emit({"record": "environment", "suite": "pytorch", "torch_version": torch.__version__,
          "transformers_version": transformers.__version__, "pillow_version": PIL.__version__,
          "python_version": platform.python_version(), "threads": torch.get_num_threads(),
          "interop_threads": torch.get_num_interop_threads(), "cpu_capability": torch.backends.cpu.get_cpu_capability(),
          "mkldnn": torch.backends.mkldnn.is_available(), "attn_implementation": model.config._attn_implementation,
          "warmup": args.warmup, "reps": args.reps})
    print(f"torch={torch.__version__} transformers={transformers.__version__} threads={torch.get_num_threads()} "
          f"cpu_capability={torch.backends.cpu.get_cpu_capability()} attn={model.config._attn_implementation}",
          file=sys.stderr if args.serve else sys.stdout)

    def vision(pixels):
        return model.visual_projection(model.vision_model(pixel_values=pixels).pooler_output)

    def text(ids, mask):
        return model.text_projection(model.text_model(input_ids=ids, attention_mask=mask).pooler_output)

    def record(impl: str, modality: str, batch: int, min_items: int, rates: list[float]) -> None:
        med = statistics.median(rates)
        line = {"record": "throughput", "suite": "pytorch", "impl": impl, "modality": modality, "batch": batch,
                "threads": args.threads, "items_per_rep": max(1, -(-min_items // batch)) * batch, "reps": args.reps,
                "items_per_s_median": med, "items_per_s_min": min(rates), "items_per_s_max": max(rates),
                "items_per_s_all": rates}
        emit(line)
        print(f"  measured {impl:<13} {modality:<5} batch={batch:<3} {med:8.2f} items/s "
              f"(min {min(rates):.2f} max {max(rates):.2f})", flush=True)

    def image_full(b):
        def body(call):
            imgs = [Image.open(io.BytesIO(image_bytes[(call + i) % len(image_bytes)])) for i in range(b)]
            pixels = processor(images=imgs, return_tensors="pt")["pixel_values"]
            torch.nn.functional.normalize(vision(pixels), dim=-1)
        return body

    def image_model(b):
        premade = processor(images=[Image.open(io.BytesIO(image_bytes[i % len(image_bytes)])) for i in range(b)],
                            return_tensors="pt")["pixel_values"]
        return lambda call: vision(premade)

    def text_full(b):
        def body(call):
            texts = [CAPTIONS[(call + i) % len(CAPTIONS)] for i in range(b)]
            enc = tokenizer(texts, padding=True, truncation=True, max_length=77, return_tensors="pt")
            torch.nn.functional.normalize(text(enc["input_ids"], enc["attention_mask"]), dim=-1)
        return body

    def text_model(b):
        enc = tokenizer([CAPTIONS[i % len(CAPTIONS)] for i in range(b)], padding=True, truncation=True,
                        max_length=77, return_tensors="pt")
        return lambda call: text(enc["input_ids"], enc["attention_mask"])

    makers = {("pytorch", "image"): image_full, ("pytorch-model", "image"): image_model,
              ("pytorch", "text"): text_full, ("pytorch-model", "text"): text_model}

    if args.serve:
        bodies = {}
        with torch.inference_mode():
            for request in sys.stdin:
                parts = request.split()
                if not parts or parts[0] == "quit":
                    break
                impl, modality, batch, calls, first = parts[0], parts[1], int(parts[2]), int(parts[3]), int(parts[4])
                key = (impl, modality, batch)
                if key not in bodies:  # premade tensors are made once, untimed, as in the measured mode
                    bodies[key] = makers[(impl, modality)](batch)
                start = time.perf_counter()
                for c in range(calls):
                    bodies[key](first + c)
                print(f"{time.perf_counter() - start:.9f}", flush=True)
        return None

    with torch.inference_mode():
        for modality, skip, items in (("image", args.skip_images, args.image_items),
                                      ("text", args.skip_texts, args.text_items)):
            if skip:
                continue
            for b in batches:
                for impl in ("pytorch", "pytorch-model"):
                    record(impl, modality, b, items,
                           measure(makers[(impl, modality)](b), b, items, args.warmup, args.reps))
    out.close()
    return None


if __name__ == "__main__":
    sys.exit(main())
