#!/usr/bin/env python3
"""Write the decoding parity fixtures: lossy WebP, ICC-tagged JPEG and truncated files.

Why: the Java decoders must give the pixels the reference gets, and that reference is PIL
(libwebp, libjpeg-turbo, zlib) followed by transformers' convert_to_rgb. Two places used to
differ: lossy WebP (a Java VP8 decoder without libwebp's fancy chroma upsampling) and JPEGs
with a non-sRGB ICC profile (ImageIO colour-manages, PIL ignores the profile). And a truncated
file must be refused exactly when PIL refuses it. Output, in ``<bundle>/reference/decoding/``:

  <name>.webp|.jpg|.png|.gif  the images, made here from a fixed seed
  <name>.rgb                  PIL's pixels after convert_to_rgb (alpha onto white), 8-bit RGB,
                              row-major: the Java decoder must equal these byte for byte
  decoding.json               per image: size, mode, sha256 of the .rgb, image_raw and
                              image_embedding of the tiny bundle (CLIPImageProcessorPil +
                              PyTorch CLIPModel); per truncation: file, bytes kept, and whether
                              PIL's open().convert('RGB') accepts it (with the .rgb sha256 if so)

``--probe N --out DIR`` instead writes N random WebPs (qualities, sizes, alpha) and their PIL
pixels to DIR, for a wider pixel-by-pixel check than the committed set
(``DecoderParityCheck`` in the encoder-worker test tree reads such a folder).

  tools/.venv/bin/python tools/make_image_fixtures.py --seed 20261202 --bundle models/tiny-bgevl
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import struct
import sys
import tempfile
from pathlib import Path

import numpy as np

# the truncation points every format is cut at: fractions of the file, then bytes from the end
CUT_FRACTIONS = [0.05, 0.3, 0.6, 0.9, 0.99]
CUT_FROM_END = [1, 2, 3, 12, 20]


def photo(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """Photo-like 8-bit RGB: smooth light, a few soft blobs, fine texture and sensor noise."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w, 3))
    for c in range(3):
        fx, fy, ph = rng.uniform(2, 9), rng.uniform(2, 9), rng.uniform(0, 6.3)
        img[..., c] = 120 + 60 * np.sin(x / w * fx + ph) * np.cos(y / h * fy)
    for _ in range(6):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.05, 0.3) * max(w, h)
        colour = rng.uniform(-90, 90, 3)
        img += colour * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))[..., None]
    img += 18 * np.sin(x * 0.9 + y * 0.4)[..., None] * rng.uniform(0.2, 1, 3)  # texture: stresses chroma
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def alpha_mask(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    a = 255 * (0.5 + 0.5 * np.sin(x / w * rng.uniform(3, 8)) * np.cos(y / h * rng.uniform(2, 6)))
    a[(x // 8 + y // 8) % 5 == 0] = 0  # fully transparent cells, where colour must not leak
    return np.clip(a, 0, 255).astype(np.uint8)


def s15(v: float) -> bytes:
    return struct.pack(">i", int(round(v * 65536)))


def icc_profile(description: str, colorants: list[tuple[float, float, float]], trc: bytes) -> bytes:
    """A minimal ICC v2.1 RGB display profile: D50 colorants (rXYZ, gXYZ, bXYZ) and one tone curve."""
    desc = description.encode("ascii") + b"\0"
    tags = [
        (b"desc", b"desc\0\0\0\0" + struct.pack(">I", len(desc)) + desc + b"\0" * 8 + b"\0" * 3 + b"\0" * 67),
        (b"wtpt", b"XYZ \0\0\0\0" + s15(0.9642) + s15(1.0) + s15(0.8249)),
        (b"cprt", b"text\0\0\0\0" + b"no copyright, test profile\0"),
    ]
    for name, xyz in zip([b"rXYZ", b"gXYZ", b"bXYZ"], colorants):
        tags.append((name, b"XYZ \0\0\0\0" + b"".join(s15(v) for v in xyz)))
    for name in [b"rTRC", b"gTRC", b"bTRC"]:
        tags.append((name, trc))
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for name, body in tags:
        while (offset + len(data)) % 4:
            data += b"\0"
        table += name + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ "
              + struct.pack(">6H", 2026, 12, 2, 0, 0, 0) + b"acsp" + b"APPL" + b"\0" * 4 + b"\0" * 8
              + b"\0" * 8 + b"\0" * 4 + s15(0.9642) + s15(1.0) + s15(0.8249) + b"lcms" + b"\0" * 44)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def gamma_curve(gamma: float) -> bytes:
    return b"curv\0\0\0\0" + struct.pack(">IH", 1, int(round(gamma * 256))) + b"\0\0"


def srgb_curve() -> bytes:
    v = np.linspace(0, 1, 1024)
    lin = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return b"curv\0\0\0\0" + struct.pack(">I", len(v)) + np.round(lin * 65535).astype(">u2").tobytes()


PROFILES = {
    # D50-adapted colorants as in the vendors' profiles
    "display_p3": ("Display P3 (test)", [(0.5151, 0.2412, -0.0011), (0.2919, 0.6922, 0.0419),
                                         (0.1571, 0.0666, 0.7841)], srgb_curve),
    "adobe_rgb": ("Adobe RGB (1998) (test)", [(0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609),
                                              (0.1492, 0.0632, 0.7446)], lambda: gamma_curve(563 / 256)),
    "linear_rgb": ("Linear sRGB (test)", [(0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971),
                                          (0.1431, 0.0606, 0.7141)], lambda: gamma_curve(1.0)),
}


def make_images(folder: Path, seed: int) -> dict[str, bytes]:
    """The committed fixture images; returns name -> bytes (also written to folder)."""
    from PIL import Image, ImageCms

    rng = np.random.default_rng(seed)
    files: dict[str, bytes] = {}

    def save(name: str, img, **kw) -> None:
        buf = io.BytesIO()
        img.save(buf, **kw)
        files[name] = buf.getvalue()

    # lossy WebP: several qualities (q5 sets libwebp's strongest loop filter), odd sizes, with alpha
    for q, (w, h) in [(5, (97, 61)), (30, (161, 97)), (60, (200, 150)), (80, (255, 171)), (95, (123, 211))]:
        save(f"lossy_q{q}_{w}x{h}.webp", Image.fromarray(photo(rng, w, h)), format="WEBP", quality=q, method=4)
    save("lossy_tiny_17x9.webp", Image.fromarray(photo(rng, 17, 9)), format="WEBP", quality=70)
    for q, aq, (w, h) in [(50, 100, (131, 77)), (90, 40, (96, 160))]:
        rgba = np.dstack([photo(rng, w, h), alpha_mask(rng, w, h)])
        save(f"lossy_alpha_q{q}_aq{aq}_{w}x{h}.webp", Image.fromarray(rgba, "RGBA"), format="WEBP", quality=q,
             alpha_quality=aq, method=4)
    save("lossless_alpha_90x70.webp", Image.fromarray(np.dstack([photo(rng, 90, 70), alpha_mask(rng, 90, 70)]),
                                                      "RGBA"), format="WEBP", lossless=True)

    # JPEGs carrying non-sRGB profiles: PIL keeps the profile in info['icc_profile'] and ignores it
    for key, (desc, colorants, trc) in PROFILES.items():
        icc = icc_profile(desc, colorants, trc())
        ImageCms.ImageCmsProfile(io.BytesIO(icc))  # littlecms must accept it, or the test means nothing
        save(f"icc_{key}.jpg", Image.fromarray(photo(rng, 240, 180)), format="JPEG", quality=90, icc_profile=icc)
    save("icc_display_p3_progressive.jpg", Image.fromarray(photo(rng, 181, 133)), format="JPEG", quality=85,
         progressive=True, icc_profile=icc_profile(*PROFILES["display_p3"][:2], srgb_curve()))

    # PNG transparency keys, each converted its own way by convert_to_rgb: a palette's tRNS alphas and a
    # grey key are composited onto white; an RGB key is ignored (mode RGB is passed through untouched)
    pal = Image.fromarray(photo(rng, 67, 41)).quantize(colors=16, dither=Image.Dither.NONE)
    save("png_palette_trns.png", pal, format="PNG", transparency=bytes(range(0, 256, 16)))
    grey = Image.fromarray(photo(rng, 53, 37)).convert("L")
    save("png_grey_trns.png", grey, format="PNG", transparency=int(np.asarray(grey)[5, 5]))
    rgb = Image.fromarray(photo(rng, 45, 29))
    save("png_rgb_trns.png", rgb, format="PNG", transparency=tuple(int(v) for v in np.asarray(rgb)[3, 3]))
    la = np.dstack([photo(rng, 39, 27)[..., 0], alpha_mask(rng, 39, 27)])
    save("png_grey_alpha.png", Image.fromarray(la, "LA"), format="PNG")

    # the truncation sources (complete files); cut copies are described in decoding.json only
    base = Image.fromarray(photo(rng, 211, 157))
    save("trunc_baseline.jpg", base, format="JPEG", quality=88)
    save("trunc_progressive.jpg", base, format="JPEG", quality=88, progressive=True)
    save("trunc_png.png", base, format="PNG")
    save("trunc_gif.gif", base.quantize(colors=64, dither=Image.Dither.NONE), format="GIF", interlace=False)
    save("trunc_gif_interlaced.gif", base.quantize(colors=64, dither=Image.Dither.NONE), format="GIF", interlace=True)
    save("trunc_lossy.webp", base, format="WEBP", quality=75)
    save("trunc_lossless.webp", base, format="WEBP", lossless=True)

    # a baseline JPEG with one scan per colour component: valid and rare (custom scan scripts make
    # them); libjpeg decodes it scan by scan, writing every row once per component
    files["noninterleaved.jpg"] = noninterleaved_jpeg(photo(rng, 96, 72))

    stems = [Path(name).stem for name in files]
    assert len(set(stems)) == len(stems), "every image needs its own stem: its pixels go to <stem>.rgb"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def noninterleaved_jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    """A 3-component baseline JPEG whose Y, Cb and Cr come in three scans of one component each.

    PIL writes only interleaved scans, so each plane is encoded as a greyscale JPEG (same quality,
    so the same quantization table; libjpeg's standard Huffman tables) and the three entropy-coded
    scans are spliced under one SOF0 that declares three components. Sides must be multiples of 8.
    """
    from PIL import Image

    h, w = rgb.shape[:2]
    assert w % 8 == 0 and h % 8 == 0, "one 8x8 block per MCU and no partial blocks keep the splice simple"
    greys = []
    for plane in Image.fromarray(rgb).convert("YCbCr").split():
        buf = io.BytesIO()
        plane.save(buf, format="JPEG", quality=quality, optimize=False)
        greys.append(buf.getvalue())

    def segments(jpeg: bytes):
        i = 2
        while True:
            marker, length = jpeg[i + 1], struct.unpack(">H", jpeg[i + 2:i + 4])[0]
            yield marker, i, i + 2 + length
            if marker == 0xDA:
                return
            i += 2 + length

    out = bytearray(b"\xff\xd8")
    for marker, start, end in segments(greys[0]):
        if marker in (0xE0, 0xDB, 0xC4):  # JFIF, the quantization and Huffman tables
            out += greys[0][start:end]
    out += b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, h, w, 3)
    for component in (1, 2, 3):  # Y, Cb, Cr: 1x1 sampling, quantization table 0
        out += bytes([component, 0x11, 0])
    for component, grey in enumerate(greys, start=1):
        for marker, start, end in segments(grey):
            if marker in (0xDB, 0xC4):
                assert grey[start:end] in greys[0], "the planes must share their tables"
            if marker == 0xDA:
                out += b"\xff\xda" + struct.pack(">HBBBBBB", 8, 1, component, 0x00, 0, 63, 0)
                out += grey[end:-2]  # the entropy-coded data, without EOI
    out += b"\xff\xd9"
    decoded = np.asarray(Image.open(io.BytesIO(bytes(out))).convert("RGB"), dtype=np.int16)
    assert np.abs(decoded - rgb).mean() < 8, "the spliced file must decode to the picture"
    return bytes(out)


def pil_rgb(data: bytes):
    """What the reference feeds the processor: PIL's image after transformers' convert_to_rgb."""
    from PIL import Image
    from transformers.image_transforms import convert_to_rgb

    img = Image.open(io.BytesIO(data))
    img.load()
    return img, convert_to_rgb(img, return_numpy=True)


def truncations(files: dict[str, bytes]) -> list[dict]:
    out = []
    for name, data in files.items():
        if not name.startswith("trunc"):
            continue
        n = len(data)
        cuts = sorted({int(n * f) for f in CUT_FRACTIONS} | {n - k for k in CUT_FROM_END})
        for keep in cuts:
            entry = {"file": name, "keep_bytes": keep, "of_bytes": n}
            try:
                _, rgb = pil_rgb(data[:keep])
                entry["pil"] = "accepted"
                entry["rgb_sha256"] = hashlib.sha256(np.asarray(rgb).tobytes()).hexdigest()
            except Exception as e:  # noqa: BLE001 - PIL signals truncation with several types
                entry["pil"] = "refused"
                entry["pil_error"] = f"{type(e).__name__}: {e}"
            out.append(entry)
    return out


def write_fixtures(checkpoint: Path, bundle: Path, seed: int) -> None:
    import PIL
    import torch
    from PIL import features
    from transformers import CLIPImageProcessorPil, CLIPModel

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from export_bgevl import VisionProjection

    folder = bundle / "reference" / "decoding"
    files = make_images(folder, seed)
    model = CLIPModel.from_pretrained(str(checkpoint), dtype=torch.float32).eval()
    proc = CLIPImageProcessorPil.from_pretrained(str(checkpoint))
    images = []
    for name, data in files.items():
        img, rgb = pil_rgb(data)
        arr = np.asarray(rgb)
        (folder / (Path(name).stem + ".rgb")).write_bytes(arr.tobytes())
        pixels = proc(images=img, return_tensors="pt")["pixel_values"].float()
        with torch.no_grad():
            raw = VisionProjection(model)(pixels)[0].numpy()
        images.append({
            "file": name, "mode": img.mode, "width": img.size[0], "height": img.size[1],
            "icc_profile_bytes": len(img.info.get("icc_profile") or b""),
            "rgb_file": Path(name).stem + ".rgb",
            "rgb_sha256": hashlib.sha256(arr.tobytes()).hexdigest(),
            "image_raw": [float(v) for v in raw],
            "image_embedding": [float(v) for v in raw / np.linalg.norm(raw)],
        })
    doc = {
        "format_version": 1,
        "seed": seed,
        "computed_with": {"pillow": PIL.__version__, "libwebp": features.version("webp"),
                          "libjpeg": features.version("jpg"), "zlib": features.version("zlib"),
                          "transformers": __import__("transformers").__version__, "torch": torch.__version__},
        "notes": [
            "rgb: Image.open(bytes), load(), transformers convert_to_rgb (RGBA composited onto white); 8-bit RGB"
            " row-major; the Java decoder must equal it byte for byte",
            "icc_*: JPEGs with an embedded non-sRGB ICC profile (hand-built v2.1 matrix/TRC); PIL ignores it",
            "truncations: the file cut to keep_bytes; pil says whether Image.open(...).convert('RGB') accepts it",
        ],
        "images": images,
        "truncations": truncations(files),
    }
    (folder / "decoding.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    refused = sum(t["pil"] == "refused" for t in doc["truncations"])
    print(f"wrote {len(images)} images and {len(doc['truncations'])} truncations ({refused} refused by PIL)"
          f" to {folder}")


def write_probe(out: Path, count: int, seed: int) -> None:
    """Random WebPs and PNGs and PIL's pixels for a wide decode check; nothing here is committed."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        w, h = int(rng.integers(1, 400)), int(rng.integers(1, 400))
        img = photo(rng, w, h)
        alpha = rng.random() < 0.3
        pil = Image.fromarray(np.dstack([img, alpha_mask(rng, w, h)]), "RGBA") if alpha else Image.fromarray(img)
        buf = io.BytesIO()
        if i % 2 == 0:
            pil.save(buf, format="WEBP", quality=int(rng.integers(0, 101)), method=int(rng.integers(0, 7)),
                     alpha_quality=int(rng.integers(0, 101)))
            ext = "webp"
        else:  # PNG in every colour type Pillow writes, at a random compression level
            mode = ["RGB", "RGBA", "L", "LA", "P"][int(rng.integers(0, 5))]
            conv = pil.convert(mode) if mode != "P" else pil.convert("RGB").quantize(colors=int(rng.integers(2, 257)))
            conv.save(buf, format="PNG", compress_level=int(rng.integers(0, 10)))
            ext = "png"
        name = f"probe_{i:04d}"
        (out / f"{name}.{ext}").write_bytes(buf.getvalue())
        (out / f"{name}.rgb").write_bytes(np.asarray(pil_rgb(buf.getvalue())[1]).tobytes())
    print(f"wrote {count} WebPs and PNGs and their PIL pixels to {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20261202, help="seed of every generated image")
    parser.add_argument("--tiny-seed", type=int, default=20261127, help="seed the tiny bundle was exported with")
    parser.add_argument("--bundle", type=Path, help="bundle folder; fixtures go to <bundle>/reference/decoding")
    parser.add_argument("--probe", type=int, help="write this many random WebPs to --out instead")
    parser.add_argument("--out", type=Path, help="folder for --probe")
    args = parser.parse_args()
    if args.probe:
        if not args.out:
            parser.error("--probe needs --out")
        write_probe(args.out, args.probe, args.seed)
        return
    if not args.bundle:
        parser.error("--bundle is required (or --probe N --out DIR)")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_tiny_model import make_tiny_checkpoint

    with tempfile.TemporaryDirectory() as tmp:
        write_fixtures(make_tiny_checkpoint(Path(tmp) / "checkpoint", args.tiny_seed), args.bundle, args.seed)


if __name__ == "__main__":
    main()
