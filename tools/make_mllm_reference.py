#!/usr/bin/env python3
"""Reference fixtures for the Java MLLM parity tests (``<bundle>/reference/``), from PyTorch.

Rebuilds the seeded tiny LLaVA-NeXT checkpoint (the same one ``export_bgevl.py --tiny-mllm`` exported),
then computes with transformers only (LlavaNextProcessor with the PIL image backend, LlamaTokenizer
on the bundle's tokenizer.json, LlavaNextForConditionalGeneration; see bgevl_mllm_reference.py):

- ``reference.json``
  - ``images``: the CLIP parity suite's hard images (models/tiny-bgevl/reference/), each with the
    sha256 of its 512x512 RGB after ``resize((512,512)).convert("RGB")``, the anyres choice, sha256 of
    the tile-grid resize and of the 336x336 base view (uint8 RGB, row-major), per-tile channel means
    of ``pixel_values`` and 256 seeded samples of it, and the image-token count;
  - ``cases``: candidates and queries (image, text, composed; with and without instruction) with
    their exact prompt string, ``input_ids`` (the image-token run collapsed to one id, its length in
    ``image_tokens``) and the L2-normalized embedding of a batch of one.
- ``tokenizer_cases.json``: 200+ strings (the CLIP suite's strings, the prompt templates around
  them) and their ids from the processor's tokenizer.

Before writing, every case is also run through the ONNX bundle (Python mirror of the Java
pipeline, all cases in one padded batch): the script fails if the bundle and the reference drift
apart (cosine below 0.9999).

  tools/.venv/bin/python tools/make_mllm_reference.py --seed 20261202 --bundle models/tiny-bgevl-mllm
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bgevl_mllm_reference import COMPOSED_INSTRUCTION, embed_batch, embed_one, load_image, prompt  # noqa: E402
from tokenizer_cases import cases as clip_tokenizer_cases  # noqa: E402

HARD_IMAGES = ["wide_gradient.png", "tall.png", "tiny.png", "grayscale.png", "palette.png", "rgba_transparent.png",
               "photo.jpg", "gray16.png", "rgb16.png", "cmyk.jpg", "exif_rotated.jpg", "lossy.webp",
               "lossless.webp", "gray_alpha.png", "small_odd.png", "panorama.png"]
IMAGE_DIR = "tiny-bgevl/reference"  # relative to models/
TEXT_INSTRUCTION = "Find an image that matches the given caption: "


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hwc_bytes(chw: np.ndarray) -> bytes:
    return np.ascontiguousarray(np.transpose(chw, (1, 2, 0)).astype(np.uint8)).tobytes()


def image_entry(name: str, data: bytes, processor, rng: np.random.Generator) -> dict:
    from PIL import Image
    import io

    ip = processor.image_processor
    img = load_image(data)
    rgb = np.asarray(img)
    chw = np.transpose(rgb, (2, 0, 1))
    patches = ip.get_image_patches(chw, ip.image_grid_pinpoints, size=(336, 336), patch_size=336,
                                   resample=ip.resample)
    from transformers.image_processing_utils import get_patch_output_size, select_best_resolution
    from transformers.image_utils import ChannelDimension

    best = select_best_resolution(rgb.shape[:2], ip.image_grid_pinpoints)
    resized_hw = get_patch_output_size(chw, best, input_data_format=ChannelDimension.FIRST)
    resized = ip._resize_for_patching(chw, best, resample=ip.resample)
    pv = processor(images=[img], text=["<image>"], return_tensors="np")
    pixels = pv["pixel_values"][0].astype(np.float32)
    # our uint8 tiles, normalized here, must be what the processor fed the model
    mean = np.array(ip.image_mean, dtype=np.float32)[:, None, None]
    std = np.array(ip.image_std, dtype=np.float32)[:, None, None]
    mine = np.stack([((p.astype(np.float32) * np.float32(ip.rescale_factor)) - mean) / std for p in patches])
    if np.abs(mine - pixels).max() > 1e-5:
        raise AssertionError(f"{name}: tile reconstruction differs from the processor's pixel_values")
    idx = np.stack([rng.integers(0, s, 256) for s in pixels.shape], axis=1)
    with Image.open(io.BytesIO(data)) as original:
        mode, size = original.mode, original.size
    return {
        "file": f"{IMAGE_DIR}/{name}",
        "mode": mode,
        "width": size[0],
        "height": size[1],
        "rgb512_sha256": sha256(rgb.tobytes()),
        "best_resolution_hw": list(best),
        "grid_resized_hw": list(resized_hw),
        "grid_resized_sha256": sha256(hwc_bytes(resized)),
        "tiles": int(pixels.shape[0]),
        "tile_sha256": [sha256(hwc_bytes(p)) for p in patches],
        "pixels_mean_per_tile_channel": pixels.astype(np.float64).mean(axis=(2, 3)).tolist(),
        "pixel_samples": [[int(a), int(b), int(c), int(d), float(pixels[a, b, c, d])] for a, b, c, d in idx],
    }


def build_cases(images: dict[str, bytes]) -> list[dict]:
    img = list(images.values())
    hard = [{"name": f"candidate_image_{n}", "image_file": n, "query": False} for n in images]
    texts = [
        {"name": "candidate_text_caption", "text": "a red circle on a white background", "query": False},
        {"name": "candidate_text_unicode", "text": "Café crème — naïve 数字 🙂", "query": False},
        {"name": "candidate_text_spaces", "text": "  two  spaces\tand a tab ", "query": False},
        {"name": "candidate_composed", "image_file": "photo.jpg", "text": "a photo at dusk", "query": False},
        {"name": "query_image_no_instruction", "image_file": "photo.jpg", "query": True},
        {"name": "query_image_instruction", "image_file": "tall.png", "query": True,
         "instruction": "Find a picture like this one: "},
        {"name": "query_text_no_instruction", "text": "a dog in the snow", "query": True},
        {"name": "query_text_instruction", "text": "a dog in the snow", "query": True,
         "instruction": TEXT_INSTRUCTION},
        {"name": "query_composed_instruction", "image_file": "wide_gradient.png", "text": "make it dark, at night",
         "query": True, "instruction": COMPOSED_INSTRUCTION},
        {"name": "query_composed_custom_instruction", "image_file": "panorama.png", "text": "add a red sun",
         "query": True, "instruction": "Change the image as asked: "},
        # no instruction on a composed query: serving uses the card's composed-retrieval instruction
        {"name": "query_composed_default_instruction", "image_file": "small_odd.png", "text": "make it blue",
         "query": True, "instruction": None, "reference_instruction": COMPOSED_INSTRUCTION},
    ]
    del img
    return hard + texts


def collapse(ids: list[int], image_id: int) -> tuple[list[int], int]:
    out, count = [], 0
    for t in ids:
        if t == image_id:
            count += 1
            if count > 1:
                continue
        out.append(t)
    return out, count


def tokenizer_strings() -> list[str]:
    base = [c["text"] if isinstance(c, dict) else c for c in clip_tokenizer_cases()]
    templated = []
    for i, s in enumerate(base[:60]):
        templated.append(prompt(s, i % 2 == 0, True, COMPOSED_INSTRUCTION if i % 3 else None))
        templated.append(prompt(s, i % 2 == 1, False, None))
    fixed = [prompt(None, True, False, None), prompt(None, True, True, None),
             prompt(None, True, True, COMPOSED_INSTRUCTION), prompt("x", False, True, TEXT_INSTRUCTION),
             "<image>", " <image> ", "<image><image>", "[INST]", "[/INST]", "<s>", "</s>", "<unk>", "<pad>",
             "text </s> more", "<s>[INST] hi [/INST]"]
    return fixed + templated + base


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--bundle", type=Path, required=True)
    ap.add_argument("--models", type=Path, default=Path(__file__).resolve().parent.parent / "models")
    args = ap.parse_args()

    from export_mllm import OnnxPipeline
    from make_tiny_llava import TINY_INITIALIZER_RANGE, load_reference, make_tiny_checkpoint
    import transformers

    with tempfile.TemporaryDirectory() as tmp:
        ckpt = make_tiny_checkpoint(Path(tmp) / "checkpoint", args.seed)
        model, processor = load_reference(ckpt)
        image_id = model.config.image_token_id
        images = {n: (args.models / IMAGE_DIR / n).read_bytes() for n in HARD_IMAGES}
        rng = np.random.default_rng(args.seed)
        image_entries = [image_entry(n, images[n], processor, rng) for n in HARD_IMAGES]
        cases = build_cases(images)
        items = []
        for c in cases:
            item = {"query": c["query"], "text": c.get("text"),
                    "instruction": c.get("reference_instruction", c.get("instruction"))}
            if "image_file" in c:
                item["image"] = images[c["image_file"]]
            items.append(item)
            vec, inputs = embed_one(model, processor, item)
            ids, count = collapse(inputs["input_ids"][0].tolist(), image_id)
            c["prompt"] = prompt(item["text"], "image" in item, item["query"], item["instruction"])
            c["input_ids"] = ids
            c["image_tokens"] = count
            c["embedding"] = [float(x) for x in vec]
            if "image_file" in c:
                next(e for e in image_entries if e["file"].endswith("/" + c["image_file"]))["image_tokens"] = count
        got = OnnxPipeline(args.bundle, model, processor).embed_items(items)
        want = np.array([c["embedding"] for c in cases])
        cos = (got * want).sum(1)
        print(f"bundle vs reference: min cosine {cos.min():.7f} over {len(cases)} cases in one padded batch")
        if cos.min() < 0.9999:
            raise SystemExit("the bundle does not match the reference: re-export it with the same seed")
        # the reference's own padded (left-padded) batch, to show [:, -1] of a batch equals the singles
        img_items = [i for i in items if "image" in i][:4]
        txt_items = [i for i in items if "image" not in i][:4]
        ref_batch_cos = min(
            float(((embed_batch(model, processor, group)) * np.array(
                [embed_one(model, processor, i)[0] for i in group])).sum(1).min())
            for group in (img_items, txt_items))

        strings = tokenizer_strings()
        tok_cases = [{"text": s, "ids": processor.tokenizer(s)["input_ids"]} for s in strings]

    ref = {
        "format_version": 1,
        "model_id": json.loads((args.bundle / "manifest.json").read_text())["model_id"],
        "computed_with": {"torch": torch.__version__, "transformers": transformers.__version__,
                          "seed": args.seed, "initializer_range": TINY_INITIALIZER_RANGE},
        "notes": ("embeddings: LlavaNextModel last_hidden_state[:, -1] of a batch of one, L2-normalized (float64). "
                  "images: PIL open, resize((512,512)) on the original mode, convert('RGB'), LlavaNextImageProcessorPil. "
                  "input_ids: the run of image tokens collapsed to one id; image_tokens is its length."),
        "reference_padded_batch_min_cosine": ref_batch_cos,
        "bundle_batch_min_cosine": float(cos.min()),
        "images": image_entries,
        "cases": cases,
    }
    out = args.bundle / "reference"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reference.json").write_text(json.dumps(ref, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "tokenizer_cases.json").write_text(json.dumps(tok_cases, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(image_entries)} images, {len(cases)} cases, {len(tok_cases)} tokenizer strings; "
          f"reference padded batch vs singles min cosine {ref_batch_cos:.7f}")


if __name__ == "__main__":
    main()
