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
    out = ["| file | Java ms | Pillow ms | Java / Pillow (median of slice pairs, min..max) | target <= 1.0 |",
           "|---|---|---|---|---|"]
    for f in files:
        pairs = [r for r in rows if r["file"] == f and r.get("stage") == "pair"]
        if pairs:
            ratios = [r["java_ms"] / r["pillow_ms"] for r in pairs]
            ratio = float(np.median(ratios))
            out.append(f"| {f} | {np.median([r['java_ms'] for r in pairs]):.2f} |"
                       f" {np.median([r['pillow_ms'] for r in pairs]):.2f} | {ratio:.2f}x ({min(ratios):.2f}..{max(ratios):.2f},"
                       f" {len(pairs)} pairs) | {'met' if ratio <= 1.0 else 'NOT met'} |")
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


def serve(seconds_default: float) -> None:
    """Answers 'FILE SECONDS' lines on stdin with one JSON timing line each, so the Java harness can alternate
    Java and Pillow slice by slice in one run (drift between slices then lands on both)."""
    warmed = set()
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        path, seconds = Path(parts[0]), float(parts[1]) if len(parts) > 1 else seconds_default
        if path not in warmed:
            preprocess(path.read_bytes())
            warmed.add(path)
        data = path.read_bytes()
        times = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end or len(times) < 3:
            t0 = time.perf_counter()
            preprocess(data)
            times.append((time.perf_counter() - t0) * 1e3)
        print(json.dumps({"impl": "pillow", "file": path.name, "median_ms": float(np.median(times)), "n": len(times)}),
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--make", type=Path, help="write the benchmark images to this folder and exit")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per file")
    parser.add_argument("--report", type=Path, help="print the verdict table of a results .jsonl and exit")
    parser.add_argument("--cores", type=int, default=1, help="cores of the machine, for --report")
    parser.add_argument("--serve", action="store_true", help="answer 'FILE SECONDS' lines on stdin (for the Java side)")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    if args.serve:
        serve(args.seconds)
        return
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
