#!/usr/bin/env python3
"""Write PyTorch reference fixtures for the Java parity tests of a model bundle.

Why: Java runs the exported ONNX graphs with its own image preprocessing and tokenizer. To
know that the whole Java path computes BGE-VL, we compare it against the original stack:
transformers' CLIPModel + CLIPImageProcessor (PIL backend) + CLIPTokenizer, in PyTorch,
never ONNX. Output, in ``<bundle>/reference/``:

  <name>.png|.jpg|.webp   small test images, generated deterministically with PIL (one 16-bit
                          RGB PNG is hand-written, PIL cannot write that); IMAGE_NOTES says what
                          PIL/transformers do with each, copied into reference.json as "conversion"
  <name>.pixels.bin       preprocessed pixel_values, raw little-endian float32 [3,224,224]
  reference.json          per image: pixel stats + sha256 of the .bin, image_raw (raw
                          projection), image_embedding (L2-normalized); per text: input_ids
                          (truncated to 77, BOS/EOS included), text_raw, text_embedding; and
                          composed pairs: composed_embedding = L2norm(text_raw + image_raw)
  tokenizer_cases.json    >= 200 texts from tokenizer_cases.py with CLIPTokenizer ids

The images are re-read from disk before preprocessing, so a JPEG's reference is that of the
committed, decoded file. Java decoders may decode JPEG a little differently (IDCT rounding),
so Java should expect slightly larger pixel error on the JPEG than on the PNGs.

For the tiny bundle the PyTorch checkpoint is rebuilt from the seed (same code path as
``export_bgevl.py --tiny``); a final check runs the bundle's ONNX files on the reference
inputs and fails if they do not match, which also proves the seed/weights agree.

  tools/.venv/bin/python tools/make_reference.py --tiny --seed 20261127 --bundle models/tiny-bgevl
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
from export_bgevl import TextProjection, VisionProjection  # noqa: E402
from make_tiny_model import make_tiny_checkpoint  # noqa: E402
from tokenizer_cases import cases as tokenizer_cases  # noqa: E402

MAX_TOKENS = 77

TEXTS = [
    "a photo of a cat",
    "A RED CIRCLE ON A WHITE BACKGROUND",
    "Hello, world! Isn't this... (quite) nice? #42 @home",
    "crème brûlée à la française, naïve café",
    "cafe\u0301 in decomposed form (NFD)",
    "a dog 🐶 playing in the snow ❄️",
    "一只猫坐在桌子上",
    "  multiple   spaces\tand\nnewlines  ",
    "numbers 1234567890 and pi 3.14159",
    "blue square",
    "a very long caption " + " ".join(f"item{i} and another thing" for i in range(40)),
    "",
]

COMPOSED = [
    ("wide_gradient.png", "a photo of a cat"),
    ("rgba_transparent.png", "blue square"),
    ("photo.jpg", "A RED CIRCLE ON A WHITE BACKGROUND"),
    ("palette.png", "a very long caption " + " ".join(f"item{i} and another thing" for i in range(40))),
    ("cmyk.jpg", "blue square"),
    ("lossy.webp", "a photo of a cat"),
]


def png_rgb16(rgb: np.ndarray) -> bytes:
    """A 16-bit-per-channel RGB PNG (colour type 2, depth 16): PIL cannot write one itself."""
    import struct
    import zlib

    h, w, _ = rgb.shape
    rows = []
    for y in range(h):  # filter type 1 (Sub): each byte minus the same byte of the pixel to its left
        line = np.frombuffer(rgb[y].astype(">u2").tobytes(), dtype=np.uint8).astype(np.int16)
        line[6:] -= line[:-6].copy()
        rows.append(b"\x01" + (line % 256).astype(np.uint8).tobytes())
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# What PIL (and so transformers' convert_to_rgb) does with each file; written into reference.json.
IMAGE_NOTES = {
    "wide_gradient.png": "RGB, downscale 320x180 -> 398x224, crop x",
    "tall.png": "RGB, upscale 120x300 -> 224x560, crop y",
    "tiny.png": "RGB, heavy upscale 50x40 -> 280x224",
    "grayscale.png": "mode L: convert('RGB') copies the grey value to R, G and B",
    "palette.png": "mode P without transparency: convert('RGB') looks up the palette",
    "rgba_transparent.png": "RGBA: alpha_composite onto opaque white, then drop alpha",
    "photo.jpg": "RGB JPEG 4:4:4, odd size 257x193 -> 297x224 (int(224*257/193))",
    "gray16.png": "16-bit grey PNG, PIL mode I;16: convert('RGB') CLIPS each sample to 255 (min(v, 255)), it does"
                  " not scale by 1/257, so values >= 255 turn white; this file has 0..~660 so both sides show",
    "rgb16.png": "16-bit RGB PNG (hand-written, PIL cannot write it): PIL opens it as mode RGB keeping the HIGH"
                 " byte of each sample (v >> 8, truncation, not rounding: 0x12ff -> 18)",
    "cmyk.jpg": "CMYK JPEG (Adobe APP14, transform 0) written by PIL: PIL reads CMYK JPEGs as inverted ('CMYK;I',"
                " always, Adobe convention), then convert('RGB') is naive, no ICC: R = 255-K - (C*(255-K)+128)/255"
                " with PIL's MULDIV255 rounding, likewise G from M and B from Y",
    "exif_rotated.jpg": "RGB JPEG 4:2:0, 240x160, EXIF Orientation=6 (rotate 90 CW to display): the reference passes"
                        " the PIL image straight to the processor, which does NOT apply EXIF orientation"
                        " (only transformers' load_image(url/path) calls exif_transpose), so it stays 240x160",
    "lossy.webp": "lossy WebP (VP8, quality 90), 200x150: libwebp decodes to RGB with its fancy chroma upsampling",
    "lossless.webp": "lossless WebP (VP8L) with alpha, 120x90: decoded exactly, mode RGBA, alpha composited onto"
                     " white",
    "gray_alpha.png": "mode LA: convert('RGBA') replicates the grey, then alpha_composite onto white",
    "small_odd.png": "RGB 37x23, both sides below 224 and odd: upscale to int(224*37/23)=360x224, crop x at 68",
    "panorama.png": "RGB 900x120 panorama: resize to 1680x224, crop x at 728 (only the middle 13% survives)",
}


def make_images(folder: Path) -> list[str]:
    """Create the test images (each exercises one preprocessing path); returns file names."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    y, x = np.mgrid[0:180, 0:320]
    wide = np.stack([x * 255 // 319, y * 255 // 179, (x + y) * 255 // 498], -1).astype(np.uint8)
    Image.fromarray(wide, "RGB").save(folder / "wide_gradient.png")  # resize 320x180 -> 398x224, crop x

    tall = Image.new("RGB", (120, 300), (30, 60, 200))  # upscale 120x300 -> 224x560, crop y
    ImageDraw.Draw(tall).ellipse((10, 100, 110, 200), fill=(250, 200, 0))
    tall.save(folder / "tall.png")

    tiny = Image.new("RGB", (50, 40), (0, 128, 0))  # heavy upscale; odd aspect 50x40 -> 280x224
    ImageDraw.Draw(tiny).rectangle((10, 10, 30, 25), fill=(255, 0, 255))
    tiny.save(folder / "tiny.png")

    gy, gx = np.mgrid[0:200, 0:200]
    gray = ((np.sin(gx / 9.0) + np.cos(gy / 13.0) + 2) * 63).astype(np.uint8)
    Image.fromarray(gray, "L").save(folder / "grayscale.png")  # L -> RGB replicates the channel

    pal = Image.new("RGB", (240, 160), (255, 255, 255))
    d = ImageDraw.Draw(pal)
    for i, c in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255), (0, 0, 0)]):
        d.rectangle((i * 60, 0, i * 60 + 59, 159 - i * 30), fill=c)
    pal.quantize(colors=8, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(folder / "palette.png")

    rgba = Image.new("RGBA", (200, 200), (0, 0, 0, 0))  # transparent black background
    d = ImageDraw.Draw(rgba)
    d.rectangle((50, 50, 150, 150), fill=(0, 0, 255, 255))
    d.ellipse((0, 0, 100, 100), fill=(255, 0, 0, 128))  # half-transparent red
    rgba.save(folder / "rgba_transparent.png")

    py, px = np.mgrid[0:193, 0:257]  # odd sizes: 257x193 -> int(224*257/193)=298x224
    photo = np.stack([(px * 255) // 256, 128 + 100 * np.sin(py / 20.0), (py * 255) // 192], -1).astype(np.uint8)
    Image.fromarray(photo, "RGB").save(folder / "photo.jpg", quality=95, subsampling=0)

    # 16-bit grey, 0..~660: below 255 the grey survives, above it PIL clips to white
    gy, gx = np.mgrid[0:150, 0:200]
    g16 = (gx * 600 // 199 + (gy % 30) * 2).astype(np.uint16)
    Image.fromarray(g16).save(folder / "gray16.png")  # fromarray(uint16) is mode I;16

    # 16-bit RGB over the full range; low bytes 0xff/0x80/0x7f so truncation vs rounding shows,
    # constant per channel so the PNG stays small
    ry, rx = np.mgrid[0:120, 0:160]
    rgb16 = np.stack([(rx * 255 // 159) << 8 | 0xFF, (ry * 255 // 119) << 8 | 0x80,
                      ((rx + ry) * 255 // 278) << 8 | 0x7F], -1)
    (folder / "rgb16.png").write_bytes(png_rgb16(rgb16.astype(np.uint16)))

    cy, cx = np.mgrid[0:140, 0:180]
    cmyk = np.stack([cx * 255 // 179, cy * 255 // 139, (cx + cy) * 255 // 318,
                     np.where((cx // 30 + cy // 30) % 2 == 0, 40, 160)], -1).astype(np.uint8)
    Image.fromarray(cmyk, "CMYK").save(folder / "cmyk.jpg", quality=95)

    rot = Image.new("RGB", (240, 160), (240, 240, 230))  # asymmetric, so a rotation would show
    d = ImageDraw.Draw(rot)
    d.rectangle((0, 0, 80, 50), fill=(220, 30, 30))
    d.ellipse((150, 70, 230, 150), fill=(20, 90, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    rot.save(folder / "exif_rotated.jpg", quality=90, exif=exif.tobytes())  # PIL default 4:2:0

    wy, wx = np.mgrid[0:150, 0:200]
    webp = np.stack([wx * 255 // 199, 128 + 90 * np.sin(wy / 11.0 + wx / 17.0), wy * 255 // 149], -1).astype(np.uint8)
    Image.fromarray(webp, "RGB").save(folder / "lossy.webp", quality=90, method=4)

    wl = Image.new("RGBA", (120, 90), (0, 0, 0, 0))
    d = ImageDraw.Draw(wl)
    d.rectangle((10, 10, 70, 60), fill=(0, 160, 80, 255))
    d.ellipse((40, 20, 110, 85), fill=(200, 40, 200, 100))
    wl.save(folder / "lossless.webp", lossless=True, exact=True)

    ly, lx = np.mgrid[0:150, 0:150]
    la = np.stack([lx * 255 // 149, np.clip(ly * 2, 0, 255)], -1).astype(np.uint8)
    Image.fromarray(la, "LA").save(folder / "gray_alpha.png")

    small = Image.new("RGB", (37, 23), (250, 240, 200))
    d = ImageDraw.Draw(small)
    d.rectangle((3, 4, 20, 15), fill=(10, 10, 120))
    d.line((0, 22, 36, 0), fill=(200, 0, 0))
    small.save(folder / "small_odd.png")

    qy, qx = np.mgrid[0:120, 0:900]
    pano = np.stack([qx * 255 // 899, 60 + 60 * np.sin(qx / 25.0) + qy // 2, 255 - qy * 2], -1)
    Image.fromarray(np.clip(pano, 0, 255).astype(np.uint8), "RGB").save(folder / "panorama.png")
    return list(IMAGE_NOTES)


def resized_hw(width: int, height: int, shortest: int) -> list[int]:
    """Size after the shortest-edge resize, as transformers computes it: long = int(s*long/short)."""
    if width <= height:
        return [int(shortest * height / width), shortest]
    return [shortest, int(shortest * width / height)]


def l2norm(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def as_list(v: np.ndarray) -> list[float]:
    return [float(x) for x in np.asarray(v, dtype=np.float32)]


def image_entries(model, folder: Path, names: list[str], shortest: int) -> tuple[list[dict], dict[str, np.ndarray]]:
    """Preprocess with the PIL backend, write .bin files, compute raw/normalized embeddings."""
    from PIL import Image
    from transformers import CLIPImageProcessor, CLIPImageProcessorPil

    pil_proc = CLIPImageProcessorPil.from_pretrained(str(model.name_or_path))
    tv_proc = CLIPImageProcessor.from_pretrained(str(model.name_or_path))
    entries, raws = [], {}
    for name in names:
        with Image.open(folder / name) as img:
            img.load()
            mode, (w, h) = img.mode, img.size
            pixels = pil_proc(images=img, return_tensors="pt")["pixel_values"].float()
            tv_pixels = tv_proc(images=img, return_tensors="pt")["pixel_values"].float()
        arr = pixels[0].numpy().astype("<f4")
        bin_name = Path(name).stem + ".pixels.bin"
        (folder / bin_name).write_bytes(arr.tobytes())
        with torch.no_grad():
            raw = VisionProjection(model)(pixels)[0].numpy()
        raws[name] = raw
        entries.append({
            "file": name,
            "mode": mode,
            "conversion": IMAGE_NOTES[name],
            "width": w,
            "height": h,
            "resized_hw": resized_hw(w, h, shortest),
            "pixels_file": bin_name,
            "pixels_sha256": hashlib.sha256(arr.tobytes()).hexdigest(),
            "pixels_mean_per_channel": [float(c) for c in arr.reshape(3, -1).mean(axis=1)],
            "pixels_max_abs_diff_torchvision_backend": float((pixels - tv_pixels).abs().max()),
            "image_raw": as_list(raw),
            "image_embedding": as_list(l2norm(raw)),
        })
    return entries, raws


def text_entries(model, tokenizer) -> tuple[list[dict], dict[str, np.ndarray]]:
    """Tokenize one text at a time (no padding) and embed it."""
    entries, raws = [], {}
    for text in TEXTS:
        ids = tokenizer(text, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        t = torch.tensor([ids], dtype=torch.long)
        with torch.no_grad():
            raw = TextProjection(model)(t, torch.ones_like(t))[0].numpy()
        raws[text] = raw
        entries.append({"text": text, "input_ids": ids, "truncated": len(tokenizer(text)["input_ids"]) > MAX_TOKENS,
                        "text_raw": as_list(raw), "text_embedding": as_list(l2norm(raw))})
    return entries, raws


def write_tokenizer_cases(tokenizer, folder: Path, seed: int) -> int:
    """Ids of every tokenizer case, as transformers computes them; returns the number of cases."""
    texts = tokenizer_cases(seed)
    doc = {
        "computed_with": {"transformers": __import__("transformers").__version__, "tokenizer": "CLIPTokenizer"},
        "notes": [
            "input_ids: CLIPTokenizer(text, truncation=True, max_length=77), BOS 49406 and EOS 49407 included",
            "transformers 5.x CLIPTokenizer is the tokenizers-backed one: normalizer NFC, \\s+ -> ' ', lowercase;"
            " it does NOT run ftfy.fix_text, html.unescape or whitespace_clean as OpenAI CLIP / open_clip do, so"
            " '&amp;' stays 5 characters and Java needs no extra normalisation to match",
            f"texts: tools/tokenizer_cases.py, hand-picked edge cases then generated ones (seed {seed})",
        ],
        "cases": [{"text": t, "input_ids": tokenizer(t, truncation=True, max_length=MAX_TOKENS)["input_ids"]}
                  for t in texts],
    }
    (folder / "tokenizer_cases.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
    return len(texts)


def check_against_bundle(bundle: Path, folder: Path, ref: dict, tolerance: float) -> tuple[float, float]:
    """Run the bundle's ONNX graphs on the reference inputs; they must match PyTorch."""
    import onnxruntime as ort

    vision = ort.InferenceSession(str(bundle / "vision.onnx"), providers=["CPUExecutionProvider"])
    text = ort.InferenceSession(str(bundle / "text.onnx"), providers=["CPUExecutionProvider"])
    dv = dt = 0.0
    for img in ref["images"]:
        px = np.fromfile(folder / img["pixels_file"], dtype="<f4").reshape(1, 3, 224, 224)
        got = vision.run(None, {"pixel_values": px})[0][0]
        dv = max(dv, float(np.abs(got - np.array(img["image_raw"])).max()))
    for t in ref["texts"]:
        ids = np.array([t["input_ids"]], dtype=np.int64)
        got = text.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]
        dt = max(dt, float(np.abs(got - np.array(t["text_raw"])).max()))
    if max(dv, dt) > tolerance:
        raise SystemExit(f"bundle ONNX does not match the PyTorch reference: vision {dv:.3g}, text {dt:.3g}")
    return dv, dt


def write_reference(checkpoint: Path, bundle: Path, tolerance: float, seed: int) -> None:
    from transformers import CLIPModel, CLIPTokenizer

    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    model = CLIPModel.from_pretrained(str(checkpoint), dtype=torch.float32).eval()
    tokenizer = CLIPTokenizer.from_pretrained(str(checkpoint))
    folder = bundle / "reference"
    names = make_images(folder)
    images, image_raws = image_entries(model, folder, names, manifest["image"]["resize_shortest_edge"])
    texts, text_raws = text_entries(model, tokenizer)
    composed = [{"image": img, "text": txt, "composed_embedding": as_list(l2norm(text_raws[txt] + image_raws[img]))}
                for img, txt in COMPOSED]
    ref = {
        "format_version": 1,
        "model_id": manifest["model_id"],
        "computed_with": {"torch": torch.__version__, "transformers": __import__("transformers").__version__,
                          "image_processor": "CLIPImageProcessorPil (PIL backend)", "tokenizer": "CLIPTokenizer"},
        "notes": [
            "pixels: convert to RGB (RGBA and palette-with-transparency are alpha-composited onto WHITE; L and P"
            " without transparency use PIL convert('RGB')), resize shortest edge to 224 with PIL BICUBIC on uint8"
            " (antialiased, output rounded to uint8), long edge = int(224*long/short) (floor), center crop 224 with"
            " top=(h-224)//2, left=(w-224)//2, then x/255, then (x-mean)/std, CHW float32",
            "pixels_max_abs_diff_torchvision_backend: transformers 5.x default CLIPImageProcessor uses torchvision"
            " resize; this is how far it lands from the PIL-backend reference, a yardstick for Java's tolerance",
            "input_ids: CLIPTokenizer(text, truncation=True, max_length=77), BOS 49406 and EOS 49407 included",
            "*_raw: raw projections (what the ONNX graphs output); *_embedding and composed_embedding: L2-normalized",
            "composed_embedding = l2norm(text_raw + image_raw)",
            "conversion (per image): what PIL/transformers do with that file before the resize; the reference"
            " passes the opened PIL image straight to the processor, so EXIF orientation and ICC profiles are"
            " ignored, CMYK JPEG converts naively, 16-bit grey clips at 255 and 16-bit RGB keeps the high byte",
            "tokenizer_cases.json: ids of >= 200 edge-case texts, same tokenizer call as input_ids",
        ],
        "images": images,
        "texts": texts,
        "composed": composed,
    }
    (folder / "reference.json").write_text(json.dumps(ref, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    n_cases = write_tokenizer_cases(tokenizer, folder, seed)
    dv, dt = check_against_bundle(bundle, folder, ref, tolerance)
    print(f"reference written to {folder} ({len(images)} images, {n_cases} tokenizer cases);"
          f" bundle ONNX vs reference: vision {dv:.3g}, text {dt:.3g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="the checkpoint folder or hub id the bundle was exported from")
    src.add_argument("--tiny", action="store_true", help="rebuild the tiny random checkpoint from --seed")
    parser.add_argument("--seed", type=int, default=20261127,
                        help="seed of the --tiny bundle and of the generated tokenizer cases")
    parser.add_argument("--bundle", type=Path, required=True, help="bundle folder (reads manifest.json, ONNX)")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="max abs ONNX-vs-reference difference")
    args = parser.parse_args()
    if args.tiny:
        with tempfile.TemporaryDirectory() as tmp:
            write_reference(make_tiny_checkpoint(Path(tmp) / "checkpoint", args.seed), args.bundle, args.tolerance,
                            args.seed)
    else:
        write_reference(Path(args.checkpoint), args.bundle, args.tolerance, args.seed)


if __name__ == "__main__":
    main()
