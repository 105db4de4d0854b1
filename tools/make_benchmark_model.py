#!/usr/bin/env python3
"""Build a random-weight CLIP checkpoint of the real BGE-VL-base size, for benchmarks.

Why: throughput depends on the architecture's sizes, not on the weights, and the real
checkpoint needs the network. This writes ``CLIPModel`` with BGE-VL-base's (= CLIP ViT-B/16)
shapes, the real CLIP tokenizer and CLIP image preprocessing into a folder laid out like a
hub checkpoint, so ``export_bgevl.py --model <folder>`` exports it on the same code path as
the tiny test bundle, and ``bench_pytorch.py`` loads the very same weights.

  vision: 224 px, patch 16, hidden 768, 12 layers, 12 heads, MLP 3072
  text:   vocab 49408, 77 positions, hidden 512, 12 layers, 8 heads, MLP 2048
  projection 512, quick_gelu (as openai/clip-vit-base-patch16)

The output (~600 MB) belongs in an ignored folder such as ``bench-work/``; never commit it.

Example:
  tools/.venv/bin/python tools/make_benchmark_model.py --out bench-work/bge-vl-base-random-checkpoint
  tools/.venv/bin/python tools/export_bgevl.py --model bench-work/bge-vl-base-random-checkpoint \\
      --model-id bge-vl-base-random --out bench-work/bge-vl-base-random
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from clip_tokenizer import build_clip_tokenizer, make_tokenizer_json_portable
from make_tiny_model import TINY_TEXT, TINY_VISION, image_processor, seed_everything

BASE_TEXT = {**TINY_TEXT, "hidden_size": 512, "intermediate_size": 2048, "num_hidden_layers": 12,
             "num_attention_heads": 8}
BASE_VISION = {**TINY_VISION, "hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
               "num_attention_heads": 12}
BASE_PROJECTION_DIM = 512


def base_config():
    """CLIPConfig with BGE-VL-base's sizes; transformers' default random init (factor 1)."""
    from transformers import CLIPConfig

    return CLIPConfig(
        text_config={**BASE_TEXT, "projection_dim": BASE_PROJECTION_DIM},
        vision_config={**BASE_VISION, "projection_dim": BASE_PROJECTION_DIM},
        projection_dim=BASE_PROJECTION_DIM,
        logit_scale_init_value=2.6592,
    )


def make_benchmark_checkpoint(out_dir: Path, seed: int) -> Path:
    """Save model + tokenizer + image processor into ``out_dir`` like a hub checkpoint."""
    from transformers import CLIPModel

    out_dir.mkdir(parents=True, exist_ok=True)
    seed_everything(seed)
    model = CLIPModel(base_config()).eval()
    model.save_pretrained(str(out_dir))
    build_clip_tokenizer(out_dir)
    make_tokenizer_json_portable(out_dir / "tokenizer.json")
    image_processor().save_pretrained(str(out_dir))
    params = sum(p.numel() for p in model.parameters())
    (out_dir / "benchmark_model.json").write_text(
        json.dumps({"seed": seed, "parameters": params, "sizes": "bge-vl-base (clip vit-b/16)"}, indent=2) + "\n",
        encoding="utf-8")
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="checkpoint folder to write")
    parser.add_argument("--seed", type=int, default=20261127, help="seed for the random weights")
    args = parser.parse_args()
    make_benchmark_checkpoint(args.out, args.seed)
    print(f"benchmark checkpoint written to {args.out}")


if __name__ == "__main__":
    main()
