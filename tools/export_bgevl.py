#!/usr/bin/env python3
"""Export a BGE-VL (CLIP) checkpoint to the ONNX bundle that encoder-worker loads.

Why this shape: BGE-VL composes an image and a text query as L2norm(raw text projection +
raw image projection), so the graphs must output the *unnormalized* projections and Java
normalizes (see shared DESIGN.md, "BGE-VL-CLIP math"). The bundle folder holds:

  vision.onnx      pixel_values f32 [batch,3,H,W] -> image_embeds f32 [batch,dim]
  text.onnx        input_ids, attention_mask i64 [batch,seq] -> text_embeds f32 [batch,dim]
  tokenizer.json   HF fast tokenizer (Rust tokenizers / DJL HuggingFaceTokenizer), no truncation
                   or padding baked in: Java truncates to manifest text.max_tokens itself
  manifest.json    the contract ModelBundle reads; every value comes from the checkpoint's
                   config, tokenizer and preprocessor config
  vision.fp16.onnx only with --fp16-vision (fp16 weights, fp32 inputs/outputs)

The text graph is always fp32: EOS pooling takes an argmax over the token ids.

After export, ONNX Runtime is run against PyTorch on sample inputs; the max abs difference is
printed, written into the manifest, and the script exits non-zero above --tolerance.

Examples:
  # committed test bundle (random tiny weights, seeded; no network)
  tools/.venv/bin/python tools/export_bgevl.py --tiny --seed 20261127 --out models/tiny-bgevl
  # real model (downloads from the hub once; trust_remote_code is not needed)
  tools/.venv/bin/python tools/export_bgevl.py --model BAAI/BGE-VL-base --out models/bge-vl-base
  # the MLLM models (LLaVA-NeXT + Mistral-7B, see export_mllm.py); fp16 with external data
  tools/.venv/bin/python tools/export_bgevl.py --model BAAI/BGE-VL-MLLM-S1 --fp16 --out models/bge-vl-mllm-s1
  # committed tiny MLLM bundle
  tools/.venv/bin/python tools/export_bgevl.py --tiny-mllm --seed 20261202 --out models/tiny-bgevl-mllm

Reproducibility: the tiny export with the same seed gives byte-identical ONNX files
(checked on torch 2.15 / transformers 5.24 / onnx 1.23 on CPU: same sha256 over two runs).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clip_tokenizer import SAMPLE_TEXTS, make_tokenizer_json_portable  # noqa: E402
from make_tiny_model import TINY_INITIALIZER_FACTOR, make_tiny_checkpoint, test_like_images  # noqa: E402

PIL_RESAMPLE_NAMES = {0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming"}
FUSION_RULE = "l2norm(text+image)"


class VisionProjection(torch.nn.Module):
    """pixel_values -> raw visual projection of the pooled CLS state (no normalization).

    Why not ``CLIPModel.get_image_features``: in transformers 5.x it returns a
    ``BaseModelOutputWithPooling`` whose ``pooler_output`` holds the projection, not a tensor.
    Calling the two submodules directly is the same math on every version.
    """

    def __init__(self, model) -> None:
        super().__init__()
        self.vision_model = model.vision_model
        self.visual_projection = model.visual_projection

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        pooled = self.vision_model(pixel_values=pixel_values).pooler_output
        return self.visual_projection(pooled)


class TextProjection(torch.nn.Module):
    """input_ids, attention_mask -> raw text projection of the EOS-token state."""

    def __init__(self, model) -> None:
        super().__init__()
        self.text_model = model.text_model
        self.text_projection = model.text_projection

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        pooled = self.text_model(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.text_projection(pooled)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_checkpoint(source: str, revision: str | None):
    """Load model (eager attention: plain ops that trace cleanly), tokenizer, image processor."""
    from transformers import CLIPImageProcessorPil, CLIPModel, CLIPTokenizer

    model = CLIPModel.from_pretrained(source, revision=revision, dtype=torch.float32, attn_implementation="eager")
    tokenizer = CLIPTokenizer.from_pretrained(source, revision=revision)
    # The PIL backend reads the same preprocessor_config.json as the torchvision one and is the
    # implementation the reference fixtures use (see make_reference.py).
    processor = CLIPImageProcessorPil.from_pretrained(source, revision=revision)
    return model.eval(), tokenizer, processor


def export_vision(model, out: Path, image_size: int, opset: int) -> None:
    dummy = torch.zeros(2, 3, image_size, image_size)
    torch.onnx.export(
        VisionProjection(model), (dummy,), str(out), input_names=["pixel_values"], output_names=["image_embeds"],
        dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}},
        opset_version=opset, do_constant_folding=True, dynamo=False,
    )


def export_text(model, tokenizer, out: Path, opset: int) -> None:
    enc = tokenizer(["a photo of a cat", "two dogs"], padding=True, return_tensors="pt")
    args = (enc["input_ids"].long(), enc["attention_mask"].long())
    torch.onnx.export(
        TextProjection(model), args, str(out), input_names=["input_ids", "attention_mask"],
        output_names=["text_embeds"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                      "text_embeds": {0: "batch"}},
        opset_version=opset, do_constant_folding=True, dynamo=False,
    )


def export_vision_fp16(fp32_path: Path, out: Path) -> None:
    """fp16 weights and math, fp32 inputs/outputs so Java feeds the same float arrays."""
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16

    model16 = convert_float_to_float16(onnx.load(str(fp32_path)), keep_io_types=True)
    onnx.save(model16, str(out))


def fuse_graph(path: Path, num_heads: int, hidden_size: int) -> dict:
    """Rewrites ``path`` with ONNX Runtime's transformer fusions for CLIP (Attention, SkipLayerNormalization,
    BiasGelu/QuickGelu); the export check that follows holds the fused graph to the same tolerance.

    Why offline: at session creation ORT's own optimizer already folds LayerNorm and QuickGelu but leaves
    attention as MatMul/Softmax/MatMul; the fused Attention kernel is only reached through this pass."""
    from onnxruntime.transformers.optimizer import optimize_model

    fused = optimize_model(str(path), model_type="clip", num_heads=num_heads, hidden_size=hidden_size, opt_level=0)
    stats = {k: v for k, v in fused.get_fused_operator_statistics().items() if v}
    fused.save_model_to_file(str(path))
    return stats


def sample_pixels(processor, image_size: int) -> torch.Tensor:
    """A few real preprocessed images plus seeded noise, so the check covers typical ranges."""
    real = processor(images=test_like_images()[::5], return_tensors="pt")["pixel_values"].float()
    noise = torch.randn(2, 3, image_size, image_size, generator=torch.Generator().manual_seed(0))
    return torch.cat([real, noise])


def vision_vs_torch(model, onnx_path: Path, pixels: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """The graph's and fp32 PyTorch's raw image embeddings of pixels, as float64."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(["image_embeds"], {"pixel_values": pixels.numpy()})[0]
    with torch.no_grad():
        want = VisionProjection(model)(pixels).numpy()
    return got.astype(np.float64), want.astype(np.float64)


def max_diff_vision(model, onnx_path: Path, pixels: torch.Tensor) -> float:
    got, want = vision_vs_torch(model, onnx_path, pixels)
    return float(np.abs(got - want).max())


def min_cosine(got: np.ndarray, want: np.ndarray) -> float:
    """Lowest cosine between two sets of embeddings, row by row: what a lower-precision graph costs
    in the unit the retrieval sees."""
    cos = (got * want).sum(axis=1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(want, axis=1))
    return float(cos.min())


def max_diff_text(model, tokenizer, onnx_path: Path, max_tokens: int) -> float:
    """Batched (padded) and single-text runs, including a text longer than max_tokens."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    texts = SAMPLE_TEXTS + [" ".join(["long"] * 120)]
    batches = [texts] + [[t] for t in texts[:3]]
    worst = 0.0
    for batch in batches:
        enc = tokenizer(batch, padding=True, truncation=True, max_length=max_tokens, return_tensors="np")
        ids, mask = enc["input_ids"].astype(np.int64), enc["attention_mask"].astype(np.int64)
        got = sess.run(["text_embeds"], {"input_ids": ids, "attention_mask": mask})[0]
        with torch.no_grad():
            want = TextProjection(model)(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
        worst = max(worst, float(np.abs(got.astype(np.float64) - want).max()))
    return worst


def is_lower_case(tokenizer) -> bool:
    return tokenizer("A Photo")["input_ids"] == tokenizer("a photo")["input_ids"]


def build_manifest(model, tokenizer, processor, *, model_id: str, source: str, revision: str, opset: int) -> dict:
    """Everything Java needs, read from the checkpoint rather than assumed."""
    vcfg, tcfg = model.config.vision_config, model.config.text_config
    crop = processor.crop_size
    crop_size = crop["height"] if isinstance(crop, dict) else crop.height
    if (crop["width"] if isinstance(crop, dict) else crop.width) != crop_size or crop_size != vcfg.image_size:
        raise ValueError(f"crop {crop} does not match the model's square image_size {vcfg.image_size}")
    size = processor.size
    shortest = size["shortest_edge"] if isinstance(size, dict) else size.shortest_edge
    dim = model.config.projection_dim
    if model.visual_projection.out_features != dim or model.text_projection.out_features != dim:
        raise ValueError("vision and text projections disagree on the embedding dimension")
    return {
        "format_version": 1,
        "model_id": model_id,
        "source": source,
        "revision": revision,
        "architecture": "bge-vl-clip",
        "embedding_dim": dim,
        "fusion": FUSION_RULE,
        "opset": opset,
        "image": {
            "size": vcfg.image_size,
            "resize_shortest_edge": shortest,
            "crop_size": crop_size,
            "resample": PIL_RESAMPLE_NAMES[int(processor.resample)],
            "rescale_factor": float(processor.rescale_factor),
            "mean": [float(x) for x in processor.image_mean],
            "std": [float(x) for x in processor.image_std],
        },
        "text": {
            "max_tokens": int(min(tokenizer.model_max_length, tcfg.max_position_embeddings)),
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
            "lower_case": is_lower_case(tokenizer),
        },
    }


def write_tokenizer_json(tokenizer, out_dir: Path) -> Path:
    """Save the tokenizer's tokenizer.json into the bundle, portable and check Rust agrees."""
    from tokenizers import Tokenizer

    with tempfile.TemporaryDirectory() as tmp:
        tokenizer.save_pretrained(tmp)
        target = out_dir / "tokenizer.json"
        shutil.copyfile(Path(tmp) / "tokenizer.json", target)
    make_tokenizer_json_portable(target)
    rust = Tokenizer.from_file(str(target))
    for text in SAMPLE_TEXTS:
        if rust.encode(text).ids != tokenizer(text)["input_ids"]:
            raise AssertionError(f"tokenizer.json disagrees with the checkpoint's tokenizer on {text!r}")
    return target


def export_bundle(source: str, out_dir: Path, *, model_id: str, revision: str | None, source_label: str,
                  revision_label: str, opset: int, tolerance: float, fp16_vision: bool, fuse: bool = False) -> dict:
    """Export everything into ``out_dir``; returns the manifest (also written to disk)."""
    model, tokenizer, processor = load_checkpoint(source, revision)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = build_manifest(model, tokenizer, processor, model_id=model_id, source=source_label,
                              revision=revision_label, opset=opset)
    vision, text = out_dir / "vision.onnx", out_dir / "text.onnx"
    export_vision(model, vision, manifest["image"]["size"], opset)
    export_text(model, tokenizer, text, opset)
    tok = write_tokenizer_json(tokenizer, out_dir)
    fusions = None
    if fuse:
        vc, tc = model.config.vision_config, model.config.text_config
        fusions = {"vision": fuse_graph(vision, vc.num_attention_heads, vc.hidden_size),
                   "text": fuse_graph(text, tc.num_attention_heads, tc.hidden_size)}
        print(f"fused transformer ops: {fusions}")

    pixels = sample_pixels(processor, manifest["image"]["size"])
    diff_v = max_diff_vision(model, vision, pixels)
    diff_t = max_diff_text(model, tokenizer, text, manifest["text"]["max_tokens"])
    print(f"export check: max |onnx - torch| vision {diff_v:.3g}, text {diff_t:.3g} (tolerance {tolerance:g})")
    manifest["files"] = {
        "vision": {"path": vision.name, "input": "pixel_values", "output": "image_embeds", "precision": "fp32",
                   "sha256": sha256_of(vision)},
        "text": {"path": text.name, "input_ids": "input_ids", "attention_mask": "attention_mask",
                 "output": "text_embeds", "precision": "fp32", "sha256": sha256_of(text)},
        "tokenizer": {"path": tok.name, "sha256": sha256_of(tok)},
    }
    manifest["export_check"] = {"max_abs_diff_vision": diff_v, "max_abs_diff_text": diff_t, "tolerance": tolerance}
    if fusions is not None:
        manifest["export_check"]["fused_operators"] = fusions
    if fp16_vision:
        fp16 = out_dir / "vision.fp16.onnx"
        export_vision_fp16(vision, fp16)
        got16, want = vision_vs_torch(model, fp16, pixels)
        diff16 = float(np.abs(got16 - want).max())
        cos16 = min_cosine(got16, want)
        print(f"export check: vision fp16 max |onnx - torch| {diff16:.3g}, lowest cosine to fp32 PyTorch "
              f"{cos16:.7f}, 1 - cosine {1 - cos16:.1e} (informational, not gated)")
        manifest["files"]["vision_fp16"] = {"path": fp16.name, "input": "pixel_values", "output": "image_embeds",
                                            "precision": "fp16", "sha256": sha256_of(fp16)}
        manifest["export_check"]["max_abs_diff_vision_fp16"] = diff16
        manifest["export_check"]["min_cosine_vision_fp16"] = cos16
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    if max(diff_v, diff_t) > tolerance:
        raise SystemExit(f"export check failed: diff above tolerance {tolerance:g}")
    return manifest


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="local checkpoint folder or hub id (e.g. BAAI/BGE-VL-base)")
    src.add_argument("--tiny", action="store_true", help="build a seeded random tiny checkpoint and export it")
    src.add_argument("--tiny-mllm", action="store_true",
                     help="build the seeded random tiny LLaVA-NeXT (BGE-VL-MLLM shape) and export it")
    parser.add_argument("--seed", type=int, default=20261127, help="seed for --tiny")
    parser.add_argument("--revision", default=None, help="hub revision (branch, tag or commit) for --model")
    parser.add_argument("--model-id", default=None, help="manifest model_id (default: derived from the source)")
    parser.add_argument("--out", type=Path, required=True, help="bundle folder to write")
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset (>= 17)")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="max abs ONNX-vs-PyTorch difference")
    parser.add_argument("--fp16-vision", action="store_true", help="also write vision.fp16.onnx")
    parser.add_argument("--fuse", action="store_true",
                        help="apply ONNX Runtime's CLIP transformer fusions (Attention, SkipLayerNorm) to both graphs;"
                             " the export check then runs on the fused graphs")
    parser.add_argument("--fp16", action="store_true",
                        help="MLLM only: fp16 weights and math in every graph (fp32 inputs/outputs)")
    parser.add_argument("--external-data", action=argparse.BooleanOptionalAction, default=None,
                        help="MLLM only: weights in <graph>.data beside each graph (default: on with --fp16)")
    parser.add_argument("--min-cosine", type=float, default=0.9999,
                        help="MLLM only: lowest cosine ONNX vs PyTorch the export check accepts (fp16: 0.999)")
    args = parser.parse_args()
    if args.fuse and args.fp16_vision:
        parser.error("--fuse and --fp16-vision are not combined: the fp16 conversion is checked on unfused graphs only")
    if args.opset < 17:
        parser.error(f"--opset must be >= 17, got {args.opset}")
    return args


def is_llava_next(source: str, revision: str | None) -> bool:
    """BGE-VL-MLLM checkpoints are LLaVA-NeXT; everything else here is CLIP."""
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(source, revision=revision).model_type == "llava_next"


def export_mllm(args: argparse.Namespace, source: str, *, model_id: str, source_label: str, revision_label: str,
                revision: str | None) -> None:
    from export_mllm import export_mllm_bundle

    external = args.fp16 if args.external_data is None else args.external_data
    min_cos = args.min_cosine if not args.fp16 or args.min_cosine != 0.9999 else 0.999
    export_mllm_bundle(source, args.out, model_id=model_id, revision=revision, source_label=source_label,
                       revision_label=revision_label, opset=args.opset, min_cosine=min_cos, half=args.fp16,
                       external=external)


def main() -> None:
    args = parse_args()
    if args.tiny_mllm:
        # aliased: a plain import of make_tiny_checkpoint here would make that name local to all
        # of main() and break the --tiny branch below (UnboundLocalError)
        from make_tiny_llava import TINY_INITIALIZER_RANGE
        from make_tiny_llava import make_tiny_checkpoint as make_tiny_llava_checkpoint

        with tempfile.TemporaryDirectory() as tmp:
            ckpt = make_tiny_llava_checkpoint(Path(tmp) / "checkpoint", args.seed)
            export_mllm(args, str(ckpt), model_id=args.model_id or "bge-vl-mllm-tiny-random",
                        source_label=f"tiny-random-llava-next(seed={args.seed}, "
                                     f"initializer_range={TINY_INITIALIZER_RANGE})",
                        revision_label=f"seed-{args.seed}", revision=None)
    elif args.model and is_llava_next(args.model, args.revision):
        model_id = args.model_id or Path(args.model.rstrip("/")).name.lower()
        export_mllm(args, args.model, model_id=model_id, source_label=args.model,
                    revision_label=args.revision or "main", revision=args.revision)
    elif args.tiny:
        with tempfile.TemporaryDirectory() as tmp:
            ckpt = make_tiny_checkpoint(Path(tmp) / "checkpoint", args.seed)
            export_bundle(str(ckpt), args.out, model_id=args.model_id or "bge-vl-tiny-random",
                          revision=None, revision_label=f"seed-{args.seed}", opset=args.opset, tolerance=args.tolerance, fp16_vision=args.fp16_vision,
                          fuse=args.fuse, source_label=f"tiny-random(seed={args.seed}, initializer_factor={TINY_INITIALIZER_FACTOR})")
    else:
        model_id = args.model_id or Path(args.model.rstrip("/")).name.lower()
        export_bundle(args.model, args.out, model_id=model_id, revision=args.revision, source_label=args.model,
                      revision_label=args.revision or "main",
                      opset=args.opset, tolerance=args.tolerance, fp16_vision=args.fp16_vision, fuse=args.fuse)
    print(f"bundle written to {args.out}")


if __name__ == "__main__":
    main()
