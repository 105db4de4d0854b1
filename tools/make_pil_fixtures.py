"""Write the PIL bicubic resize fixtures that PilBicubicResamplerTest compares Java against.

PIL's resize is the reference's resampler (CLIPImageProcessor resizes with it), so the Java port
must reproduce its bytes exactly. Deterministic: fixed seed, fixed sizes.

    tools/.venv/bin/python tools/make_pil_fixtures.py --out encoder-worker/src/test/resources/pil
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

SIZES = [(224, 141), (29, 18), (97, 224), (50, 61), (97, 30), (300, 300)]


def source_image() -> Image.Image:
    """A 97x61 image: a red gradient (smooth) with random green/blue (aliasing-prone)."""
    rng = np.random.default_rng(7)
    src = rng.integers(0, 256, size=(61, 97, 3), dtype=np.uint8)
    _, xx = np.mgrid[0:61, 0:97]
    src[..., 0] = (xx * 255 // 96).astype(np.uint8)
    return Image.fromarray(src, "RGB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="fixture folder")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    image = source_image()
    image.save(args.out / "source-97x61.png")
    for w, h in SIZES:
        resized = image.resize((w, h), resample=Image.BICUBIC)
        (args.out / f"resized-{w}x{h}.rgb").write_bytes(np.asarray(resized, dtype=np.uint8).tobytes())


if __name__ == "__main__":
    main()
