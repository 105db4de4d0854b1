#!/usr/bin/env python3
"""Combine the encoder benchmark's JSON lines (Java harness + PyTorch reference) into one table.

Reads ``EncoderBenchmark``'s and ``bench_pytorch.py``'s output and prints a Markdown table per
modality with items/s of ours (``OnnxBgeVlEncoder.encode``), bare ONNX Runtime, PyTorch full
pipeline and PyTorch model-only, and the ratios the targets are stated in:

  ours / bare ORT, texts at the largest batch             target >= 0.9
  ours / bare ORT, images at every batch (issue #11)      target >= 0.95
  ours / PyTorch (full pipeline), every batch             target >= 1.3
  largest batch / batch 1 throughput                      (batching gain)

Each ratio is given two ways: the medians' ratio, and the median of the per-repetition ratios (the
sides run back to back within a repetition, so that one cancels most of the host's drift).

Standard library only, so it runs with any python3.

Example:
  python3 tools/bench_report.py --java bench-work/java.jsonl --pytorch bench-work/pytorch.jsonl
"""
from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

TARGET_OURS_OVER_BARE = 0.9
TARGET_IMAGES_OURS_OVER_BARE = 0.95
TARGET_OURS_OVER_PYTORCH = 1.3


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--java", type=Path, required=True, help="EncoderBenchmark --out file")
    parser.add_argument("--pytorch", type=Path, required=True, help="bench_pytorch.py --out file")
    args = parser.parse_args()
    lines = read(args.java) + read(args.pytorch)
    rate = {(r["impl"], r["modality"], r["batch"]): r["items_per_s_median"]
            for r in lines if r["record"] == "throughput"}
    every = {(r["impl"], r["modality"], r["batch"]): r["items_per_s_all"]
             for r in lines if r["record"] == "throughput"}

    def paired(a: str, b: str, modality: str, batch: int) -> float | None:
        """Median over repetitions of a's rate / b's rate in the same repetition."""
        xs, ys = every.get((a, modality, batch)), every.get((b, modality, batch))
        if not xs or not ys or len(xs) != len(ys):
            return None
        return statistics.median(x / y for x, y in zip(xs, ys))
    peak = next((r for r in lines if r["record"] == "peak"), None)
    stages = [r for r in lines if r["record"] == "stage"]
    batches = sorted({k[2] for k in rate})
    first, last = batches[0], batches[-1]
    impls = [("ours", "ours (encode)"), ("bare", "bare ORT"), ("pytorch", "PyTorch full"),
             ("pytorch-model", "PyTorch model-only")]

    def fmt(v: float | None, pattern: str = "{:.2f}") -> str:
        return "n/a" if v is None else pattern.format(v)

    def ratio(a, b):
        return None if a is None or b is None else a / b

    for modality, unit in (("image", "images/s"), ("text", "texts/s")):
        print(f"\n### {modality} ({unit}, median of repetitions)\n")
        print("| batch | " + " | ".join(name for _, name in impls) + " | ours/bare | ours/PyTorch full | ours/PyTorch model |")
        print("|---:|" + "---:|" * (len(impls) + 3))
        for b in batches:
            vals = [rate.get((impl, modality, b)) for impl, _ in impls]
            ours, bare, pt, ptm = vals
            print(f"| {b} | " + " | ".join(fmt(v) for v in vals)
                  + f" | {fmt(ratio(ours, bare), '{:.3f}x')} | {fmt(ratio(ours, pt), '{:.2f}x')}"
                  + f" | {fmt(ratio(ours, ptm), '{:.2f}x')} |")
        gains = [f"{name} {fmt(ratio(rate.get((impl, modality, last)), rate.get((impl, modality, first))), '{:.2f}x')}"
                 for impl, name in impls]
        print(f"\nbatch {last} vs batch {first} throughput: " + ", ".join(gains))

    print("\n### targets (medians' ratio; median of per-repetition ratios)\n")
    r = ratio(rate.get(("ours", "text", last)), rate.get(("bare", "text", last)))
    ok = r is not None and r >= TARGET_OURS_OVER_BARE
    print(f"- text: ours / bare ORT at batch {last} = {fmt(r, '{:.3f}x')}; "
          f"{fmt(paired('ours', 'bare', 'text', last), '{:.3f}x')} "
          f"(target >= {TARGET_OURS_OVER_BARE}x): {'met' if ok else 'NOT met'}")
    for b in batches:
        r = ratio(rate.get(("ours", "image", b)), rate.get(("bare", "image", b)))
        ok = r is not None and r >= TARGET_IMAGES_OURS_OVER_BARE
        print(f"- image: ours / bare ORT at batch {b} = {fmt(r, '{:.3f}x')}; "
              f"{fmt(paired('ours', 'bare', 'image', b), '{:.3f}x')} "
              f"(target >= {TARGET_IMAGES_OURS_OVER_BARE}x): {'met' if ok else 'NOT met'}")
    for modality in ("image", "text"):
        for b in batches:
            r = ratio(rate.get(("ours", modality, b)), rate.get(("pytorch", modality, b)))
            ok = r is not None and r >= TARGET_OURS_OVER_PYTORCH
            print(f"- {modality}: ours / PyTorch full pipeline at batch {b} = {fmt(r, '{:.2f}x')}; "
                  f"{fmt(paired('ours', 'pytorch', modality, b), '{:.2f}x')} "
                  f"(target >= {TARGET_OURS_OVER_PYTORCH}x): {'met' if ok else 'NOT met'}")

    if peak:
        gflop = peak["vision_gflop_per_image"]
        print(f"\n### vision tower GFLOP/s ({gflop:.2f} GFLOP per image, ViT-B/16 @224, 2 FLOP per MAC)\n")
        if peak["peak_gflops"] > 0:
            print(f"theoretical fp32 peak: {peak['cores']} cores x {peak['cpu_ghz']:.3f} GHz x "
                  f"{peak['flops_per_cycle']} FLOP/cycle = {peak['peak_gflops']:.1f} GFLOP/s\n")
        else:
            print("theoretical fp32 peak: unknown (FLOP/cycle of this CPU model is not in bench/encoder.sh's table)\n")
        print("| batch | " + " | ".join(name for _, name in impls) + " |")
        print("|---:|" + "---:|" * len(impls))
        for b in batches:
            cells = []
            for impl, _ in impls:
                v = rate.get((impl, "image", b))
                if v is None:
                    cells.append("n/a")
                elif peak["peak_gflops"] > 0:
                    cells.append(f"{v * gflop:.1f} ({100 * v * gflop / peak['peak_gflops']:.0f}%)")
                else:
                    cells.append(f"{v * gflop:.1f}")
            print(f"| {b} | " + " | ".join(cells) + " |")

    if stages:
        print("\n### Java stages that ours adds to bare (single thread, median)\n")
        for s in stages:
            if s["stage"].startswith("image-"):
                print(f"- {s['stage']} {s['image_width']}x{s['image_height']} ({s['avg_bytes'] / 1024:.0f} KB): "
                      f"decode {s['decode_ms_median']:.2f} ms + resize/crop/normalize {s['preprocess_ms_median']:.2f} ms")
            else:
                print(f"- tokenize 32 captions (padded to {s['padded_length']} tokens): {s['ms_median']:.2f} ms")


if __name__ == "__main__":
    main()
