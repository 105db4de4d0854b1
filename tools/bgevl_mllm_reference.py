"""What BGE-VL-MLLM-S1/S2 compute, re-implemented on transformers' LlavaNextForConditionalGeneration.

BAAI ships the model as remote code (``LLaVANextForEmbedding`` in the hub repositories
BAAI/BGE-VL-MLLM-S1 and -S2, ``modeling_llava_next.py``; usage in FlagOpen/FlagEmbedding
research/BGE_VL/README.md). It subclasses LlavaNextForConditionalGeneration and:

- ``prepare_text_input``: the prompt templates below, spacing exact;
- ``data_process``: ``Image.open(path).resize((512, 512)).convert("RGB")`` then LlavaNextProcessor
  with ``padding=True``;
- ``forward`` patches MistralForCausalLM.forward to return the base model's hidden states
  (after the final RMSNorm, no LM head); the caller takes ``[:, -1, :]`` and L2-normalizes.

Here the same numbers come from ``model.model(...).last_hidden_state`` (LlavaNextModel runs the
vision tower, projector, anyres packing and the Mistral model with its final norm), one item
per call so no padding is involved; ``embed_batch`` runs a left-padded batch the way the
reference's processor pads (LlamaTokenizer pads on the left) to show batching does not move it.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import torch

COMPOSED_INSTRUCTION = ("Retrieve the target image that best meets the combined criteria by using both the "
                        "provided image and the image retrieval instructions: ")
RESIZE_TO = (512, 512)


def prompt(text: str | None, has_image: bool, query: bool, instruction: str | None) -> str:
    """BGE-VL-MLLM's prepare_text_input, byte for byte."""
    if query:
        s = "[INST] \n <instruct>  <query>" if instruction is None else f"[INST] \n <instruct> {instruction} <query> "
    else:
        s = "[INST] "
    if text is not None:
        s = f"{s} {text} \n"
    if has_image:
        s = f"{s} <image>"
    return f"{s} [/INST]"


def load_image(data: bytes):
    """PIL open, resize to 512x512 on the original mode (PIL's default filter), then RGB."""
    from PIL import Image

    return Image.open(io.BytesIO(data)).resize(RESIZE_TO).convert("RGB")


def processor_inputs(processor, items: list[dict], padding: bool = True):
    texts = [prompt(i.get("text"), i.get("image") is not None, i["query"], i.get("instruction")) for i in items]
    images = [load_image(i["image"]) for i in items if i.get("image") is not None]
    if images:
        return processor(images=images, text=texts, return_tensors="pt", padding=padding)
    return processor(text=texts, return_tensors="pt", padding=padding)


@torch.no_grad()
def embed_one(model, processor, item: dict) -> tuple[np.ndarray, dict]:
    """Normalized embedding of one item (batch of one: no padding) and the processor's inputs."""
    inputs = processor_inputs(processor, [item])
    hidden = model.model(**inputs).last_hidden_state
    vec = torch.nn.functional.normalize(hidden[:, -1, :].double(), dim=-1)[0]
    return vec.numpy(), inputs


@torch.no_grad()
def embed_batch(model, processor, items: list[dict]) -> np.ndarray:
    """The reference's own padded batch: all items share one kind (all with or all without image)."""
    inputs = processor_inputs(processor, items)
    hidden = model.model(**inputs).last_hidden_state
    return torch.nn.functional.normalize(hidden[:, -1, :].double(), dim=-1).numpy()


def test_like_images(count: int = 12) -> list[bytes]:
    """PNG bytes of solid colours and shapes, like the end-to-end test's images."""
    from PIL import Image, ImageDraw

    palette = [(255, 0, 0), (0, 160, 0), (0, 0, 255), (255, 255, 0), (255, 255, 255), (0, 0, 0),
               (128, 0, 128), (255, 128, 0), (0, 200, 200), (128, 128, 128)]
    out = []
    for i in range(count):
        size = (64 + (i * 37) % 237, 64 + (i * 53) % 237)
        img = Image.new("RGB", size, palette[i % len(palette)])
        draw = ImageDraw.Draw(img)
        w, h = size
        fg = palette[(i * 3 + 1) % len(palette)]
        [draw.ellipse, draw.rectangle][i % 2]((w // 5, h // 5, 4 * w // 5, 4 * h // 5), fill=fg)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        out.append(buf.getvalue())
    return out


def discrimination_report(checkpoint: Path) -> dict:
    """Max cosine between different candidates, and whether image queries find their own image."""
    from make_tiny_llava import load_reference

    model, processor = load_reference(checkpoint)
    images = test_like_images(8)
    cands = np.stack([embed_one(model, processor, {"image": b, "query": False})[0] for b in images])
    queries = np.stack([embed_one(model, processor, {"image": b, "query": True})[0] for b in images])
    sim = cands @ cands.T
    np.fill_diagonal(sim, -1)
    q = queries @ cands.T
    texts = ["a red circle", "a blue square", "make it dark", "a dog in the snow"]
    tv = np.stack([embed_one(model, processor, {"text": t, "query": False})[0] for t in texts])
    ts = tv @ tv.T
    np.fill_diagonal(ts, -1)
    return {
        "max_cos_between_candidate_images": float(sim.max()),
        "image_query_top1_is_own_image": int((q.argmax(1) == np.arange(len(images))).sum()),
        "of": len(images),
        "min_query_own_cos": float(np.diag(q).min()),
        "max_cos_between_texts": float(ts.max()),
    }
