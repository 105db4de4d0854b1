#!/usr/bin/env python3
"""The PyTorch side of bench/mllm.sh: BGE-VL-MLLM's reference path on the tiny LLaVA-NeXT, items/s.

Writes the benchmark's input images (seeded PNGs, 320x240) into --images-dir when it is empty, so
the Java harness reads the very same files. Per modality ("image": candidate images, "text": text
queries with an instruction) and batch size: one untimed warm-up batch, then --reps timed
repetitions of whole batches until --items inputs are done; the median repetition's items/s is
reported. The timed path is the reference's whole path: PIL open + resize((512,512)) + RGB,
LlavaNextProcessor (PIL backend, padding=True), LlavaNextModel forward (transformers' default
attention), last position, L2 norm. torch runs with --threads intra-op threads.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bgevl_mllm_reference import embed_batch  # noqa: E402


def write_images(folder: Path, count: int) -> list[Path]:
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.glob("*.png"))
    if len(existing) >= count:
        return existing[:count]
    rng = np.random.default_rng(20261202)
    for i in range(count):
        base = rng.integers(0, 256, (240, 320, 3), dtype=np.uint8) // 4 + np.uint8(i * 20 % 192)
        img = Image.fromarray(base)
        ImageDraw.Draw(img).ellipse((40 + i * 7, 30, 200 + i * 5, 200), fill=tuple(int(x) for x in rng.integers(0, 256, 3)))
        img.save(folder / f"bench_{i:02d}.png")
    return sorted(folder.glob("*.png"))[:count]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--images-dir", type=Path, required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--items", type=int, default=8)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    from make_tiny_llava import make_processor, make_tiny_checkpoint
    from transformers import LlavaNextForConditionalGeneration

    files = write_images(args.images_dir, args.items)
    images = [f.read_bytes() for f in files]
    texts = [f"a photo of object number {i} on a table" for i in range(args.items)]
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = make_tiny_checkpoint(Path(tmp) / "checkpoint", args.seed)
        model = LlavaNextForConditionalGeneration.from_pretrained(ckpt, dtype=torch.float32).eval()
        processor = make_processor(ckpt)
    suites = {
        "image": [{"image": b, "query": False} for b in images],
        "text": [{"text": t, "query": True, "instruction": "Find an image that matches the given caption: "}
                 for t in texts],
    }
    with args.out.open("w") as out:
        for modality, items in suites.items():
            for batch in (int(b) for b in args.batches.split(",")):
                embed_batch(model, processor, items[:batch])  # warm-up
                rates = []
                for _ in range(args.reps):
                    done, start = 0, time.perf_counter()
                    while done < args.items:
                        chunk = [items[(done + k) % len(items)] for k in range(batch)]
                        embed_batch(model, processor, chunk)
                        done += batch
                    rates.append(done / (time.perf_counter() - start))
                row = {"impl": "pytorch", "modality": modality, "batch": batch, "threads": args.threads,
                       "items_per_s": statistics.median(rates), "min": min(rates), "max": max(rates)}
                print(json.dumps(row), flush=True)
                out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
