#!/usr/bin/env python3
"""Export BGE-VL-MLLM-S1/S2 (LLaVA-NeXT + Mistral-7B) to the ONNX bundle encoder-worker's MLLM encoder loads.

Called by ``export_bgevl.py`` for LLaVA-NeXT checkpoints and ``--tiny-mllm``; see
``bgevl_mllm_reference.py`` for what the model computes. The bundle is split where batching and
memory want it split:

  vision.onnx     pixel_values f32 [tiles,3,336,336] -> image_features f32 [tiles,576,hidden]
                  (CLIP tower, hidden state of vision_feature_layer, CLS dropped, 2-layer projector).
                  Every tile of every image of a batch goes through one call.
  embed.onnx      input_ids i64 [1,n] -> inputs_embeds f32 [1,n,hidden]: only the prompt's text
                  tokens (~30 per item) are looked up, not the ~2,900 image placeholders.
  decoder.onnx    inputs_embeds f32 [batch,seq,hidden], last_index i64 [batch] -> embedding f32
                  [batch,hidden]: the Mistral decoder, final RMSNorm, and the state of each row's
                  last real token (not L2-normalized; Java normalizes).
  image_newline.f32  the model's image_newline vector, little-endian float32 [hidden].
  tokenizer.json  the checkpoint's fast tokenizer (Mistral SentencePiece BPE + <image>).
  manifest.json   architecture "bge-vl-mllm", dims, anyres constants, prompt templates, default
                  instruction, sha256 of every file.

Packing is done in Java, not in a graph: it is pure index work (base view first, then the tile
grid row by row with unpadding and one image_newline per row), and doing it while copying the
features into the decoder's input buffer costs nothing, while a graph would need the grid shape
as data and one call per image.

Batching: rows are padded on the right and the decoder is causal, so a real token never attends
to a pad (pads come after it) and no attention mask is needed; positions are 0..n-1 as in a
batch of one. The graph gathers each row's last real token (``last_index``), which is what the
reference's ``[:, -1, :]`` of an unpadded input is.

fp16 (``--fp16``): the model is cast to half before tracing, so weights and math are fp16 (RMSNorm
upcasts as Mistral's code does) with fp32 inputs and outputs. ``--external-data`` (on by default
for fp16) stores weights beside each graph in ``<graph>.data``: the real 7 B decoder is ~14.5 GB
in fp16, over protobuf's 2 GB limit.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bgevl_mllm_reference import COMPOSED_INSTRUCTION, RESIZE_TO, load_image, prompt, test_like_images  # noqa: E402
from export_bgevl import sha256_of  # noqa: E402

ARCHITECTURE = "bge-vl-mllm"
PIL_RESAMPLE_NAMES = {0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming"}


class VisionFeatures(torch.nn.Module):
    """pixel_values -> projected patch features of the configured layer, CLS dropped."""

    def __init__(self, model, half: bool) -> None:
        super().__init__()
        cfg = model.config
        self.tower = model.model.vision_tower
        self.projector = model.model.multi_modal_projector
        self.layer = cfg.vision_feature_layer
        self.drop_cls = cfg.vision_feature_select_strategy == "default"
        self.half_ = half
        if not isinstance(self.layer, int):
            raise ValueError(f"vision_feature_layer {self.layer}: only a single layer is supported")

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = pixel_values.half() if self.half_ else pixel_values
        states = self.tower(x, output_hidden_states=True).hidden_states[self.layer]
        if self.drop_cls:
            states = states[:, 1:]
        return self.projector(states).float()


class TokenEmbeddings(torch.nn.Module):
    def __init__(self, model) -> None:
        super().__init__()
        self.embed = model.model.language_model.embed_tokens

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.embed(input_ids).float()


class DecoderLastState(torch.nn.Module):
    """Mistral decoder + final norm; the normed state of each row's last real token."""

    def __init__(self, model, half: bool) -> None:
        super().__init__()
        self.lm = model.model.language_model
        self.half_ = half

    def forward(self, inputs_embeds: torch.Tensor, last_index: torch.Tensor) -> torch.Tensor:
        x = inputs_embeds.half() if self.half_ else inputs_embeds
        # an all-ones mask (built from the input's shape, so it stays dynamic): right padding plus the
        # causal mask already keeps pads out of every real token's view, and an explicit mask keeps
        # transformers off its packed-sequence detection (aten::diff, which ONNX lacks)
        mask = torch.ones(x.shape[:2], dtype=torch.long, device=x.device)
        hidden = self.lm(inputs_embeds=x, attention_mask=mask, use_cache=False).last_hidden_state
        rows = torch.arange(hidden.shape[0], device=hidden.device)
        return hidden[rows, last_index].float()


def _export(module, args, path: Path, inputs, outputs, axes, opset: int, external: bool) -> list[Path]:
    """Traces ``module`` into ``path``; with ``external`` the weights go to ``<name>.data``."""
    import onnx

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / path.name
        torch.onnx.export(module, args, str(raw), input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=opset, do_constant_folding=True, dynamo=False)
        if not external:
            shutil.copyfile(raw, path)
            return [path]
        model = onnx.load(str(raw), load_external_data=True)
        data = path.with_name(path.name + ".data")
        for stale in (path, data):
            stale.unlink(missing_ok=True)
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data.name, size_threshold=0)
        return [path, data]


def export_graphs(model, out: Path, opset: int, half: bool, external: bool) -> dict[str, list[Path]]:
    cfg = model.config
    size = cfg.vision_config.image_size
    hidden = cfg.text_config.hidden_size
    with torch.no_grad():
        files = {
            "vision": _export(VisionFeatures(model, half), (torch.zeros(2, 3, size, size),), out / "vision.onnx",
                              ["pixel_values"], ["image_features"],
                              {"pixel_values": {0: "tiles"}, "image_features": {0: "tiles"}}, opset, external),
            "embed": _export(TokenEmbeddings(model), (torch.tensor([[1, 733, 16289]]),), out / "embed.onnx",
                             ["input_ids"], ["inputs_embeds"],
                             {"input_ids": {0: "batch", 1: "seq"}, "inputs_embeds": {0: "batch", 1: "seq"}},
                             opset, external),
            "decoder": _export(DecoderLastState(model, half), (torch.randn(2, 7, hidden), torch.tensor([6, 3])),
                               out / "decoder.onnx", ["inputs_embeds", "last_index"], ["embedding"],
                               {"inputs_embeds": {0: "batch", 1: "seq"}, "last_index": {0: "batch"},
                                "embedding": {0: "batch"}}, opset, external),
        }
    return files


class OnnxPipeline:
    """The bundle run from Python the way Java runs it: the export's self-check."""

    def __init__(self, out: Path, model, processor) -> None:
        import onnxruntime as ort

        so = ort.SessionOptions()
        self.vision = ort.InferenceSession(str(out / "vision.onnx"), so, providers=["CPUExecutionProvider"])
        self.embed = ort.InferenceSession(str(out / "embed.onnx"), so, providers=["CPUExecutionProvider"])
        self.decoder = ort.InferenceSession(str(out / "decoder.onnx"), so, providers=["CPUExecutionProvider"])
        self.newline = np.fromfile(out / "image_newline.f32", dtype="<f4")
        self.cfg = model.config
        self.processor = processor

    def pack(self, feats: np.ndarray, image_size: tuple[int, int]) -> np.ndarray:
        """LlavaNextModel.pack_image_features for one image: base view, then unpadded grid rows + newline."""
        from transformers.models.llava_next.modeling_llava_next import get_anyres_image_grid_shape, unpad_image

        side = self.cfg.vision_config.image_size // self.cfg.vision_config.patch_size
        gh, gw = get_anyres_image_grid_shape(image_size, self.cfg.image_grid_pinpoints, self.cfg.vision_config.image_size)
        grid = torch.from_numpy(feats[1:]).view(gh, gw, side, side, -1).permute(4, 0, 2, 1, 3)
        grid = unpad_image(grid.flatten(1, 2).flatten(2, 3), list(image_size))
        nl = torch.from_numpy(self.newline)[:, None, None].expand(*grid.shape[:-1], 1)
        grid = torch.cat((grid, nl), dim=-1).flatten(1, 2).transpose(0, 1)
        return np.concatenate([feats[0], grid.numpy()])

    def embed_items(self, items: list[dict]) -> np.ndarray:
        rows = []
        for item in items:
            inputs = self.processor(text=[prompt(item.get("text"), item.get("image") is not None, item["query"],
                                                 item.get("instruction"))],
                                    images=[load_image(item["image"])] if item.get("image") is not None else None,
                                    return_tensors="np")
            ids = inputs["input_ids"][0].astype(np.int64)
            emb = self.embed.run(None, {"input_ids": ids[None]})[0][0]
            if item.get("image") is not None:
                pix = inputs["pixel_values"][0].astype(np.float32)
                feats = self.vision.run(None, {"pixel_values": pix})[0]
                packed = self.pack(feats, tuple(int(x) for x in inputs["image_sizes"][0]))
                emb[ids == self.cfg.image_token_id] = packed
            rows.append(emb)
        seq = max(r.shape[0] for r in rows)
        batch = np.zeros((len(rows), seq, rows[0].shape[1]), dtype=np.float32)
        for i, r in enumerate(rows):
            batch[i, :r.shape[0]] = r
        last = np.array([r.shape[0] - 1 for r in rows], dtype=np.int64)
        out = self.decoder.run(None, {"inputs_embeds": batch, "last_index": last})[0].astype(np.float64)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def check_items() -> list[dict]:
    images = test_like_images(3)
    return [
        {"image": images[0], "query": False},
        {"text": "a red circle on white", "query": False},
        {"image": images[1], "text": "make it blue", "query": True, "instruction": COMPOSED_INSTRUCTION},
        {"text": "a dog in the snow", "query": True, "instruction": "Find an image that matches the caption: "},
        {"image": images[2], "query": True},
    ]


def self_check(out: Path, model, processor) -> float:
    """Lowest cosine between the ONNX pipeline (one padded batch) and PyTorch items one by one."""
    from bgevl_mllm_reference import embed_one

    items = check_items()
    want = np.stack([embed_one(model, processor, i)[0] for i in items])
    got = OnnxPipeline(out, model, processor).embed_items(items)
    return float((want * got).sum(1).min())


def write_tokenizer(processor, out: Path) -> Path:
    from tokenizers import Tokenizer

    with tempfile.TemporaryDirectory() as tmp:
        processor.tokenizer.save_pretrained(tmp)
        tok = Tokenizer.from_file(str(Path(tmp) / "tokenizer.json"))
    target = out / "tokenizer.json"
    tok.save(str(target), pretty=False)
    sample = prompt("a red circle", True, True, COMPOSED_INSTRUCTION)
    if Tokenizer.from_file(str(target)).encode(sample).ids != processor.tokenizer(sample)["input_ids"]:
        raise AssertionError("tokenizer.json disagrees with the checkpoint's tokenizer on the prompt template")
    return target


def build_manifest(model, processor, *, model_id: str, source: str, revision: str, opset: int, half: bool) -> dict:
    cfg, ip, tok = model.config, processor.image_processor, processor.tokenizer
    crop = ip.crop_size["height"] if isinstance(ip.crop_size, dict) else ip.crop_size.height
    size = ip.size
    shortest = size["shortest_edge"] if isinstance(size, dict) else size.shortest_edge
    if crop != cfg.vision_config.image_size or shortest != crop:
        raise ValueError(f"tile size {crop}/{shortest} does not match the vision tower's {cfg.vision_config.image_size}")
    image_token = processor.image_token
    return {
        "format_version": 1,
        "model_id": model_id,
        "source": source,
        "revision": revision,
        "architecture": ARCHITECTURE,
        "embedding_dim": cfg.text_config.hidden_size,
        "fusion": "last-token",
        "opset": opset,
        "image": {
            "size": crop, "resize_shortest_edge": shortest, "crop_size": crop,
            "resample": PIL_RESAMPLE_NAMES[int(ip.resample)], "rescale_factor": float(ip.rescale_factor),
            "mean": [float(x) for x in ip.image_mean], "std": [float(x) for x in ip.image_std],
        },
        "text": {"max_tokens": int(cfg.text_config.max_position_embeddings), "bos_token_id": tok.bos_token_id,
                 "eos_token_id": tok.eos_token_id, "pad_token_id": tok.pad_token_id, "lower_case": False},
        "mllm": {
            "pre_resize": list(RESIZE_TO),
            "tile_size": crop,
            "patch_size": cfg.vision_config.patch_size,
            "grid_pinpoints": [list(p) for p in cfg.image_grid_pinpoints],
            "vision_feature_layer": cfg.vision_feature_layer,
            "vision_feature_select_strategy": cfg.vision_feature_select_strategy,
            "image_token": image_token,
            "image_token_id": int(cfg.image_token_id),
            "hidden_size": cfg.text_config.hidden_size,
            "precision": "fp16" if half else "fp32",
            "default_instruction": COMPOSED_INSTRUCTION,
            "templates": {
                "query": "[INST] \n <instruct> {instruction} <query> ",
                "query_without_instruction": "[INST] \n <instruct>  <query>",
                "candidate": "[INST] ",
                "text": " {text} \n",
                "image": " <image>",
                "end": " [/INST]",
            },
        },
    }


def export_mllm_bundle(source: str, out: Path, *, model_id: str, revision: str | None, source_label: str,
                       revision_label: str, opset: int, min_cosine: float, half: bool, external: bool) -> dict:
    from transformers import LlavaNextForConditionalGeneration

    dtype = torch.float16 if half else torch.float32
    model = LlavaNextForConditionalGeneration.from_pretrained(source, revision=revision, dtype=dtype,
                                                              attn_implementation="eager").eval()
    processor = _hub_processor(source, revision)
    out.mkdir(parents=True, exist_ok=True)
    manifest = build_manifest(model, processor, model_id=model_id, source=source_label, revision=revision_label,
                              opset=opset, half=half)
    graphs = export_graphs(model, out, opset, half, external)
    newline = out / "image_newline.f32"
    model.model.image_newline.detach().float().numpy().astype("<f4").tofile(newline)
    tok = write_tokenizer(processor, out)

    ref = model if not half else LlavaNextForConditionalGeneration.from_pretrained(
        source, revision=revision, dtype=torch.float32, attn_implementation="eager").eval()
    cos = self_check(out, ref, processor)
    print(f"export check: min cosine ONNX (batched) vs PyTorch (one by one) = {cos:.7f} (required {min_cosine})")

    def graph_entry(paths: list[Path], **names) -> dict:
        entry = {"path": paths[0].name, **names, "precision": manifest["mllm"]["precision"],
                 "sha256": sha256_of(paths[0])}
        if len(paths) > 1:
            entry["external_data"] = {"path": paths[1].name, "sha256": sha256_of(paths[1])}
        return entry

    manifest["files"] = {
        "vision": graph_entry(graphs["vision"], input="pixel_values", output="image_features"),
        "embed": graph_entry(graphs["embed"], input="input_ids", output="inputs_embeds"),
        "decoder": graph_entry(graphs["decoder"], inputs_embeds="inputs_embeds", last_index="last_index",
                               output="embedding"),
        "image_newline": {"path": newline.name, "sha256": sha256_of(newline)},
        "tokenizer": {"path": tok.name, "sha256": sha256_of(tok)},
    }
    manifest["export_check"] = {"min_cosine": cos, "required": min_cosine}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if cos < min_cosine:
        raise SystemExit(f"export check failed: cosine {cos} below {min_cosine}")
    return manifest


def _hub_processor(source: str, revision: str | None):
    """The checkpoint's own processor, with the PIL image backend the reference resizes with."""
    from transformers import AutoTokenizer, LlavaNextImageProcessorPil, LlavaNextProcessor

    base = LlavaNextProcessor.from_pretrained(source, revision=revision)
    return LlavaNextProcessor(
        image_processor=LlavaNextImageProcessorPil.from_pretrained(source, revision=revision),
        tokenizer=AutoTokenizer.from_pretrained(source, revision=revision),
        patch_size=base.patch_size, vision_feature_select_strategy=base.vision_feature_select_strategy,
        num_additional_image_tokens=base.num_additional_image_tokens)
