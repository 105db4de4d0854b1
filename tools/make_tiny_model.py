#!/usr/bin/env python3
"""Build a tiny, random-weight BGE-VL (CLIP) checkpoint for tests.

Why: the Java tests need a real model bundle that runs in milliseconds and fits in git. This
keeps the BGE-VL-base *architecture* (``CLIPModel``: ViT with 224 px input and 16 px patches,
causal text transformer with the real CLIP vocabulary and 77 positions, EOS pooling,
linear projections) and shrinks only the widths and depths. The weights are random but
seeded, so the checkpoint is reproducible. ``export_bgevl.py --tiny`` calls
:func:`make_tiny_checkpoint` and then exports the folder exactly like a downloaded one.

Random init: transformers' CLIP init (std 0.02 * ``initializer_factor``) with factor 1 makes
the pooled image state nearly image-independent (pre-LayerNorm on a CLS token whose random
part dwarfs the faint attention signal), so cosine similarities between different images sit
close to 1. We raise ``initializer_factor`` (see TINY_INITIALIZER_FACTOR) until 20
test-like images (solid colours and shapes, 64..300 px) are clearly apart; the script's
``--check`` prints the max off-diagonal cosine for both images and texts.

Text width is the bundle's size driver (49408 x width fp32 token table), hence 16.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from clip_tokenizer import SAMPLE_TEXTS, build_clip_tokenizer, make_tokenizer_json_portable

OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
TINY_INITIALIZER_FACTOR = 4.0  # measured: factor 1 -> max image cos 0.987, 2 -> 0.949, 4 -> 0.898, 8 -> 0.926

TINY_TEXT = dict(
    vocab_size=49408,  # real CLIP BPE vocab
    max_position_embeddings=77,
    hidden_size=16,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=2,
    hidden_act="quick_gelu",
    bos_token_id=49406,
    eos_token_id=49407,  # > 2, so CLIPTextTransformer pools at the first EOS id
    pad_token_id=1,  # what openai/clip configs say; the tokenizer pads with EOS (49407)
)
TINY_VISION = dict(
    image_size=224,
    patch_size=16,
    num_channels=3,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=2,
    num_attention_heads=4,
    hidden_act="quick_gelu",
)
TINY_PROJECTION_DIM = 64


def seed_everything(seed: int) -> None:
    """Seed every RNG the model init may touch, and force deterministic kernels."""
    import random

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def tiny_config(initializer_factor: float = TINY_INITIALIZER_FACTOR):
    """CLIPConfig with BGE-VL-base's structure and tiny widths."""
    from transformers import CLIPConfig

    return CLIPConfig(
        text_config={**TINY_TEXT, "projection_dim": TINY_PROJECTION_DIM, "initializer_factor": initializer_factor},
        vision_config={**TINY_VISION, "projection_dim": TINY_PROJECTION_DIM, "initializer_factor": initializer_factor},
        projection_dim=TINY_PROJECTION_DIM,
        initializer_factor=initializer_factor,
        logit_scale_init_value=2.6592,
    )


def build_tiny_model(seed: int, initializer_factor: float = TINY_INITIALIZER_FACTOR):
    """Random-weight CLIPModel, deterministic for a given seed."""
    from transformers import CLIPModel

    seed_everything(seed)
    model = CLIPModel(tiny_config(initializer_factor))
    return model.eval()


def image_processor():
    """CLIP preprocessing as BGE-VL ships it: shortest edge 224 bicubic, crop 224, CLIP mean/std."""
    from transformers import CLIPImageProcessor

    return CLIPImageProcessor(
        size={"shortest_edge": 224},
        crop_size={"height": 224, "width": 224},
        resample=3,  # PIL.Image.BICUBIC
        do_convert_rgb=True,
        image_mean=OPENAI_CLIP_MEAN,
        image_std=OPENAI_CLIP_STD,
    )


def make_tiny_checkpoint(out_dir: Path, seed: int, initializer_factor: float = TINY_INITIALIZER_FACTOR) -> Path:
    """Save model + tokenizer + image processor into ``out_dir`` like a hub checkpoint."""
    out_dir.mkdir(parents=True, exist_ok=True)
    model = build_tiny_model(seed, initializer_factor)
    model.save_pretrained(str(out_dir))
    build_clip_tokenizer(out_dir)
    make_tokenizer_json_portable(out_dir / "tokenizer.json")
    image_processor().save_pretrained(str(out_dir))
    (out_dir / "tiny_model.json").write_text(
        json.dumps({"seed": seed, "initializer_factor": initializer_factor}, indent=2) + "\n", encoding="utf-8"
    )
    return out_dir


def test_like_images(count: int = 20) -> list:
    """Images like the end-to-end test's: solid colours and simple shapes, 64..300 px."""
    from PIL import Image, ImageDraw

    palette = [(255, 0, 0), (0, 160, 0), (0, 0, 255), (255, 255, 0), (255, 255, 255), (0, 0, 0),
               (128, 0, 128), (255, 128, 0), (0, 200, 200), (128, 128, 128)]
    images = []
    for i in range(count):
        size = (64 + (i * 37) % 237, 64 + (i * 53) % 237)
        bg = palette[i % len(palette)]
        img = Image.new("RGB", size, bg)
        if i >= len(palette):  # second half: a shape in another colour on the background
            fg = palette[(i * 3 + 1) % len(palette)]
            draw = ImageDraw.Draw(img)
            w, h = size
            box = (w // 5, h // 5, 4 * w // 5, 4 * h // 5)
            [draw.ellipse, draw.rectangle, draw.polygon][i % 3](
                box if i % 3 != 2 else [(w // 2, h // 8), (w // 8, 7 * h // 8), (7 * w // 8, 7 * h // 8)], fill=fg
            )
        images.append(img)
    return images


def max_off_diagonal_cosine(vectors: torch.Tensor) -> float:
    """Largest cosine similarity between two different rows."""
    v = torch.nn.functional.normalize(vectors.double(), dim=-1)
    sim = v @ v.T
    sim.fill_diagonal_(-1.0)
    return float(sim.max())


def discrimination_report(model, processor, tokenizer) -> dict[str, float]:
    """Max off-diagonal cosine for 20 test-like images and the sample texts; lower is better."""
    images = test_like_images()
    pixels = processor(images=images, return_tensors="pt")["pixel_values"]
    texts = [t for t in SAMPLE_TEXTS if t] + ["a red circle", "a blue square", "a green triangle"]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=77, return_tensors="pt")
    with torch.no_grad():
        vis = model.visual_projection(model.vision_model(pixel_values=pixels).pooler_output)
        txt = model.text_projection(model.text_model(**enc).pooler_output)
    top1 = (torch.nn.functional.normalize(vis, dim=-1) @ torch.nn.functional.normalize(vis, dim=-1).T).argmax(-1)
    return {
        "max_offdiag_cos_images": max_off_diagonal_cosine(vis),
        "max_offdiag_cos_texts": max_off_diagonal_cosine(txt),
        "image_self_top1": float((top1 == torch.arange(len(images))).float().mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="checkpoint folder to write")
    parser.add_argument("--seed", type=int, default=20261127, help="seed for the random weights")
    parser.add_argument("--initializer-factor", type=float, default=TINY_INITIALIZER_FACTOR,
                        help="scale of the random init (see module docstring)")
    parser.add_argument("--check", action="store_true", help="print the discrimination report")
    args = parser.parse_args()
    make_tiny_checkpoint(args.out, args.seed, args.initializer_factor)
    print(f"tiny checkpoint written to {args.out}")
    if args.check:
        from transformers import CLIPImageProcessor, CLIPModel, CLIPTokenizer

        model = CLIPModel.from_pretrained(str(args.out)).eval()
        report = discrimination_report(model, CLIPImageProcessor.from_pretrained(str(args.out)),
                                       CLIPTokenizer.from_pretrained(str(args.out)))
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
