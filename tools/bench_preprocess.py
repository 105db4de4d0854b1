#!/usr/bin/env python3
"""The Pillow side of bench/preprocess.sh, and its image maker.

``--make DIR`` writes the seeded benchmark images (photo-like 640x480 and 1920x1080, JPEG quality 90
and PNG). ``FILE...`` times, per file on one thread, what the reference does before the model:
Image.open + convert('RGB'), bicubic resize of the shortest edge to 224, centre crop, /255,
normalize, CHW; prints one JSON object per line with the median, like the Java side.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

import numpy as np

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def make(folder: Path, seed: int) -> None:
    from PIL import Image

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_image_fixtures import photo

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for w, h in [(640, 480), (1920, 1080)]:
        img = Image.fromarray(photo(rng, w, h))
        img.save(folder / f"photo_{w}x{h}.jpg", quality=90)
        img.save(folder / f"photo_{w}x{h}.png")


def preprocess(data: bytes) -> np.ndarray:
    from PIL import Image

    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = img.size
    nw, nh = (224, int(224 * h / w)) if w <= h else (int(224 * w / h), 224)
    img = img.resize((nw, nh), Image.BICUBIC)
    top, left = (nh - 224) // 2, (nw - 224) // 2
    a = np.asarray(img.crop((left, top, left + 224, top + 224)), dtype=np.float32) * np.float32(1 / 255)
    return ((a - MEAN) / STD).transpose(2, 0, 1).copy()


def time_file(path: Path, seconds: float) -> dict:
    data = path.read_bytes()
    end = time.perf_counter() + seconds / 2
    while time.perf_counter() < end:  # warm-up, as the Java side does
        preprocess(data)
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t0 = time.perf_counter()
        preprocess(data)
        times.append((time.perf_counter() - t0) * 1e3)
    return {"impl": "pillow", "stage": "single_thread", "file": path.name,
            "median_ms": round(float(np.median(times)), 3), "n": len(times)}


def report(results: Path, cores: int) -> str:
    """Markdown verdicts from the interleaved rounds: medians over rounds, Java / Pillow per file."""
    rows = [json.loads(line) for line in results.read_text().splitlines() if line.startswith("{")]
    files = sorted({r["file"] for r in rows}, key=lambda f: (f.split(".")[-1], len(f), f))
    out = ["| file | Java ms (median of rounds) | Pillow ms | Java / Pillow | target <= 1.0 |", "|---|---|---|---|---|"]
    for f in files:
        java = [r["median_ms"] for r in rows if r["file"] == f and r["impl"] == "java" and r["stage"] == "single_thread"]
        pil = [r["median_ms"] for r in rows if r["file"] == f and r["impl"] == "pillow"]
        if java and pil:
            ratio = float(np.median(java)) / float(np.median(pil))
            out.append(f"| {f} | {np.median(java):.2f} ({', '.join(f'{v:.2f}' for v in java)}) |"
                       f" {np.median(pil):.2f} ({', '.join(f'{v:.2f}' for v in pil)}) | {ratio:.2f}x |"
                       f" {'met' if ratio <= 1.0 else 'NOT met'} |")
    out += ["", f"Null-encoder ceiling (MicroBatcher pipeline, inference costs nothing), {cores} cores:", "",
            "| file | 1 prepare thread, images/s | " + f"{cores} prepare threads, images/s | ratio | target >= {0.8 * cores:.1f} |",
            "|---|---|---|---|---|"]
    for f in files:
        one = [r["images_per_s"] for r in rows if r["file"] == f and r.get("prepare_threads") == 1]
        many = [r["images_per_s"] for r in rows if r["file"] == f and r.get("prepare_threads") == cores]
        if one and many and f.endswith(".jpg"):
            ratio = float(np.median(many)) / float(np.median(one))
            out.append(f"| {f} | {np.median(one):.0f} | {np.median(many):.0f} | {ratio:.2f}x |"
                       f" {'met' if ratio >= 0.8 * cores else 'NOT met'} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--make", type=Path, help="write the benchmark images to this folder and exit")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per file")
    parser.add_argument("--report", type=Path, help="print the verdict table of a results .jsonl and exit")
    parser.add_argument("--cores", type=int, default=1, help="cores of the machine, for --report")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    if args.report:
        print(report(args.report, args.cores))
        return
    if args.make:
        make(args.make, args.seed)
        return
    for f in args.files:
        print(json.dumps(time_file(f, args.seconds)), flush=True)


if __name__ == "__main__":
    main()
