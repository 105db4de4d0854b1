#!/usr/bin/env python3
"""Build the real CLIP BPE tokenizer offline, as Hugging Face files.

Why: BGE-VL uses OpenAI CLIP's BPE (vocab 49408, BOS 49406, EOS 49407). The tiny test
model must tokenize exactly like the real one, but our scripts may not touch the network.
The ``open_clip_torch`` wheel ships the original merge list
(``open_clip/bpe_simple_vocab_16e6.txt.gz``), so we rebuild ``vocab.json`` + ``merges.txt``
from it the same way CLIP's ``SimpleTokenizer`` does, load them into transformers'
``CLIPTokenizer`` and save ``tokenizer.json`` (the file the Rust ``tokenizers`` library, and
so DJL's ``HuggingFaceTokenizer``, reads).

In transformers 5.x ``CLIPTokenizerFast`` is only an alias of ``CLIPTokenizer`` (there is no
pure-Python "slow" tokenizer any more), so :func:`verify_tokenizer` checks four independent
paths instead: transformers from vocab/merges, transformers from ``tokenizer.json``, the raw
Rust ``tokenizers.Tokenizer`` on ``tokenizer.json``, and open_clip's pure-Python BPE.

Usage as a script writes the tokenizer files into a folder and runs the check.
"""
from __future__ import annotations

import argparse
import gzip
import json
from functools import lru_cache
from pathlib import Path

# Number of merges CLIP uses: 49152 - 256 - 2, read from line 1 on (line 0 is a header).
_CLIP_MERGE_COUNT = 49152 - 256 - 2
BOS = "<|startoftext|>"
EOS = "<|endoftext|>"
MAX_TOKENS = 77

SAMPLE_TEXTS = [
    "a photo of a cat",
    "A RED Square On A Blue Background!!",
    "Hello, world... it's (really) 42 o'clock; isn't it?",
    "crème brûlée in São Paulo, naïve café",
    "a dog 🐶 playing with a ball ⚽",
    "一只猫坐在桌子上",
    "  lots   of\twhitespace\n here  ",
    "",
]


@lru_cache(maxsize=1)
def bytes_to_unicode() -> dict[int, str]:
    """CLIP/GPT-2 byte-to-printable-char table; the first 256 vocab entries follow its order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def default_bpe_path() -> Path:
    """Locate the BPE merge file shipped inside the open_clip_torch wheel."""
    import open_clip  # imported lazily: only its data file is needed

    return Path(open_clip.__file__).parent / "bpe_simple_vocab_16e6.txt.gz"


def clip_vocab_and_merges(bpe_path: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Rebuild CLIP's vocab exactly as openai/CLIP ``SimpleTokenizer.__init__`` does."""
    lines = gzip.open(bpe_path).read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1 : _CLIP_MERGE_COUNT + 1]]
    byte_chars = list(bytes_to_unicode().values())
    tokens = byte_chars + [c + "</w>" for c in byte_chars]
    tokens += ["".join(m) for m in merges]
    tokens += [BOS, EOS]
    vocab = {tok: i for i, tok in enumerate(tokens)}
    if len(vocab) != 49408 or vocab[BOS] != 49406 or vocab[EOS] != 49407:
        raise ValueError(f"unexpected CLIP vocab: size {len(vocab)}, bos {vocab.get(BOS)}, eos {vocab.get(EOS)}")
    return vocab, merges  # type: ignore[return-value]


def write_vocab_files(out_dir: Path, bpe_path: Path | None = None) -> None:
    """Write HF-style ``vocab.json`` and ``merges.txt`` (with the usual version header)."""
    vocab, merges = clip_vocab_and_merges(bpe_path or default_bpe_path())
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    merge_lines = ["#version: 0.2"] + [f"{a} {b}" for a, b in merges]
    (out_dir / "merges.txt").write_text("\n".join(merge_lines) + "\n", encoding="utf-8")


def build_clip_tokenizer(out_dir: Path, bpe_path: Path | None = None):
    """Create and ``save_pretrained`` a CLIPTokenizer (fast) into ``out_dir``; returns it."""
    from transformers import CLIPTokenizer

    write_vocab_files(out_dir, bpe_path)
    tok = CLIPTokenizer(
        vocab=str(out_dir / "vocab.json"),
        merges=str(out_dir / "merges.txt"),
        model_max_length=MAX_TOKENS,
    )
    if (tok.bos_token_id, tok.eos_token_id, tok.pad_token_id) != (49406, 49407, 49407):
        raise ValueError(f"special ids wrong: {tok.bos_token_id} {tok.eos_token_id} {tok.pad_token_id}")
    tok.save_pretrained(str(out_dir))
    return tok


def make_tokenizer_json_portable(tokenizer_json: Path) -> None:
    """Drop baked-in truncation/padding and write merges in the legacy "a b" string form.

    Why: the Java side sets truncation to 77 itself, and tokenizers < 0.20 (bundled by older
    DJL releases) cannot read the newer ``[["a", "b"], ...]`` merge pairs, while every version
    reads the string form. No CLIP merge token contains a space (byte-level maps it to "Ġ").
    """
    data = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    data["truncation"] = None
    data["padding"] = None
    merges = data["model"]["merges"]
    if merges and isinstance(merges[0], list):
        if any(" " in part for pair in merges for part in pair):
            raise ValueError("a merge token contains a space; cannot use the legacy merge format")
        data["model"]["merges"] = [" ".join(pair) for pair in merges]
    tokenizer_json.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def open_clip_ids(text: str) -> list[int]:
    """Token ids from open_clip's pure-Python CLIP BPE (ftfy + html unescape + lower case)."""
    st = _open_clip_tokenizer()
    return [st.sot_token_id] + st.encode(text) + [st.eot_token_id]


@lru_cache(maxsize=1)
def _open_clip_tokenizer():
    """open_clip names its specials <start_of_text>/<end_of_text>, ids 49406/49407 as in CLIP."""
    from open_clip.tokenizer import SimpleTokenizer

    return SimpleTokenizer()


def verify_tokenizer(folder: Path, texts: list[str] | None = None) -> None:
    """Fail loudly unless every tokenizer path yields the same ids for the sample texts."""
    from tokenizers import Tokenizer
    from transformers import CLIPTokenizer

    texts = SAMPLE_TEXTS if texts is None else texts
    from_vocab = CLIPTokenizer(vocab=str(folder / "vocab.json"), merges=str(folder / "merges.txt"))
    from_json = CLIPTokenizer(tokenizer_file=str(folder / "tokenizer.json"))
    rust = Tokenizer.from_file(str(folder / "tokenizer.json"))
    for text in texts:
        a = from_vocab(text)["input_ids"]
        b = from_json(text)["input_ids"]
        c = rust.encode(text).ids
        d = open_clip_ids(text)
        if not (a == b == c == d):
            raise AssertionError(f"tokenizers disagree on {text!r}:\n vocab {a}\n json  {b}\n rust  {c}\n open_clip {d}")
    long_text = " ".join(["word"] * 200)
    ids = from_json(long_text, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    if len(ids) != MAX_TOKENS or ids[0] != 49406 or ids[-1] != 49407:
        raise AssertionError(f"truncation to {MAX_TOKENS} broken: len {len(ids)} first {ids[0]} last {ids[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder to write vocab.json, merges.txt, tokenizer.json")
    parser.add_argument("--bpe", type=Path, default=None, help="CLIP BPE .txt.gz (default: the one inside open_clip)")
    args = parser.parse_args()
    build_clip_tokenizer(args.out, args.bpe)
    make_tokenizer_json_portable(args.out / "tokenizer.json")
    verify_tokenizer(args.out)
    print(f"CLIP tokenizer written to {args.out} and verified on {len(SAMPLE_TEXTS)} texts")


if __name__ == "__main__":
    main()
