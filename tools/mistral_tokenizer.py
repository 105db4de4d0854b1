#!/usr/bin/env python3
"""Rebuild the real Mistral-7B tokenizer (32k SentencePiece BPE) as a tokenizer.json, offline.

Why: the committed tiny LLaVA-NeXT bundle must tokenize exactly as BGE-VL-MLLM does, and the
build machines cannot reach the model hub. PyPI's ``mistral-common`` wheel ships Mistral's
original SentencePiece model (``mistral_common/data/tokenizer.model.v1``, sha256 below: the
``tokenizer.model`` of Mistral-7B v0.1/v0.2, which llava-hf/llava-v1.6-mistral-7b-hf inherits).
We fetch that wheel with pip (no install), extract the file, and convert it with transformers'
``SentencePieceExtractor`` into the "legacy" Llama/Mistral fast-tokenizer layout that the hub's
Mistral-7B-Instruct tokenizer.json uses:

  normalizer   Prepend("\u2581") + Replace(" ", "\u2581")    (no pre-tokenizer)
  model        BPE, byte_fallback, fuse_unk, unk "<unk>"
  post         "<s> $A"                                          (BOS, no EOS)
  added        <unk>=0 <s>=1 </s>=2 (special), and llava-hf's <image>=32000, <pad>=32001 (special)

It is a faithful rebuild, not a byte copy of the hub's file (which we cannot download here): the
self-check compares ids with SentencePiece itself on sample strings.

  tools/.venv/bin/python tools/mistral_tokenizer.py --out /tmp/tok   # writes /tmp/tok/tokenizer.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "mistral-common==1.13.1"
MEMBER = "mistral_common/data/tokenizer.model.v1"
SPM_SHA256 = "dadfd56d766715c61d2ef780a525ab43b8e6da4de6865bda3d95fdef5e134055"
IMAGE_TOKEN = "<image>"
IMAGE_TOKEN_ID = 32000
PAD_TOKEN = "<pad>"
PAD_TOKEN_ID = 32001

SPM_CHECK_TEXTS = [
    "Hello world", "a red circle on a white background", "naïve café",
    "数字 123 and émoji 🙂", "[INST] what is this? [/INST]", "tab\tand\nnewline", "",
]


def fetch_sentencepiece_model(work: Path) -> Path:
    """Downloads the mistral-common wheel (no deps, no install) and extracts Mistral's SPM file."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                    "--disable-pip-version-check", "-d", str(work), WHEEL], check=True)
    wheel = next(work.glob("mistral_common-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        data = z.read(MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != SPM_SHA256:
        raise SystemExit(f"{MEMBER} has sha256 {digest}, expected {SPM_SHA256}")
    out = work / "tokenizer.model"
    out.write_bytes(data)
    return out


def build_tokenizer(spm_path: Path):
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, processors
    from tokenizers.models import BPE
    from transformers.convert_slow_tokenizer import SentencePieceExtractor

    extracted = SentencePieceExtractor(str(spm_path)).extract(BPE)
    vocab, merges = extracted["vocab"], extracted["merges"]
    if len(vocab) != 32000:
        raise SystemExit(f"expected a 32000-piece vocabulary, got {len(vocab)}")
    tok = Tokenizer(BPE(vocab=vocab, merges=merges, unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    tok.pre_tokenizer = None
    tok.decoder = decoders.Sequence([decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(content=" ", left=1)])
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in ("<unk>", "<s>", "</s>")])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)])
    tok.add_special_tokens([AddedToken(IMAGE_TOKEN, normalized=False, special=True),
                            AddedToken(PAD_TOKEN, normalized=False, special=True)])
    if tok.token_to_id(IMAGE_TOKEN) != IMAGE_TOKEN_ID or tok.token_to_id(PAD_TOKEN) != PAD_TOKEN_ID:
        raise SystemExit("added tokens did not land on llava-hf's ids 32000/32001")
    return tok


def check_against_sentencepiece(tok, spm_path: Path) -> None:
    """Ids must equal SentencePiece's own (plus BOS) on plain strings: the conversion is faithful.

    Runs of spaces are left out on purpose: SentencePiece splits them at word starts, HF's BPE
    merges "▁▁" first, and the hub's fast Mistral tokenizer behaves like ours there (what
    BGE-VL-MLLM runs is the fast tokenizer, so that is the behaviour to match).
    """
    try:
        import sentencepiece as spm
    except ImportError:
        print("sentencepiece not installed: skipping the SentencePiece cross-check")
        return
    sp = spm.SentencePieceProcessor(model_file=str(spm_path))
    for text in SPM_CHECK_TEXTS:
        ours = tok.encode(text).ids
        theirs = [1] + sp.encode(text)
        if ours != theirs:
            raise SystemExit(f"tokenizer differs from SentencePiece on {text!r}: {ours} vs {theirs}")
    print(f"tokenizer ids equal SentencePiece's on {len(SPM_CHECK_TEXTS)} strings")


def write_tokenizer(out_dir: Path, spm_path: Path | None = None) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spm_file = spm_path or fetch_sentencepiece_model(Path(tmp))
        tok = build_tokenizer(spm_file)
        check_against_sentencepiece(tok, spm_file)
        target = out_dir / "tokenizer.json"
        # compact (the bundle is committed); the same input gives the same bytes run to run
        tok.save(str(target), pretty=False)
    return target


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="folder to write tokenizer.json into")
    ap.add_argument("--spm", type=Path, help="use this tokenizer.model instead of fetching mistral-common")
    args = ap.parse_args()
    print(write_tokenizer(args.out, args.spm))


if __name__ == "__main__":
    main()
