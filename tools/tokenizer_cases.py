"""The texts whose CLIPTokenizer ids Java must reproduce (``reference/tokenizer_cases.json``).

Why: 12 reference texts cannot show that Java's tokenizer agrees with transformers on what users
type. These cases are hand-picked edge cases plus combinations drawn with a fixed seed, so the list
(and the committed JSON) is the same on every run. ``make_reference.py`` imports ``cases()``.
"""
from __future__ import annotations

import random
import unicodedata

# Hand-picked: each line is one kind of input that tokenizers get wrong.
HAND_PICKED = [
    "",
    " ",
    "   ",
    "\t",
    "\n",
    " \t\n \r\n ",
    "\u00a0non-breaking\u00a0space",
    "zero\u200bwidth\u200bspace",
    "a photo of a cat",
    "A Photo Of A Cat",
    "A PHOTO OF A CAT",
    "a photo of a cat.",
    "a  photo   of\ta\ncat",
    "  leading and trailing  ",
    "it's",
    "don't stop",
    "I'm here, you're there, we'll see, they've gone, she'd know",
    "IT'S LOUD",
    "rock 'n' roll",
    "the dog's bone and the dogs' bones",
    "ʼcurlyʼ ’quotes’ “double” «guillemets»",
    "Hello, world!",
    "wait... what?!",
    "!!!",
    "???!!!...",
    "-----",
    "a-b_c.d/e\\f|g",
    "(parentheses) [brackets] {braces} <angles>",
    "#hashtag @mention $100 50% 3*4=12 a^b ~tilde `backtick`",
    "semi;colon:colon",
    "1234567890",
    "3.14159 2.71828 -1 +1 1e-5 1,000,000",
    "0.5kg 12cm 100km/h 2024-11-27 12:30:45",
    "room 101 and 9 lives",
    "https://example.com/path?q=a+b&lang=en#frag",
    "www.example.org/images/cat_01.jpg",
    "user@example.com",
    "C:\\Users\\photo.png",
    "&amp;",
    "fish &amp; chips",
    "&lt;b&gt;bold&lt;/b&gt;",
    "&quot;quoted&quot; &#39;single&#39; &#x263A;",
    "&amp;amp; double escaped",
    "<b>bold</b> <i>italic</i>",
    "caf\u00e9",
    "cafe\u0301",
    "na\u00efve r\u00e9sum\u00e9",
    "nai\u0308ve re\u0301sume\u0301",
    "Stra\u00dfe",
    "\u00c5ngstr\u00f6m",
    "\u212bngstr\u00f6m",
    "\ufb01ne \ufb02ow",
    "\uff21\uff22\uff23 fullwidth",
    "\u00bd \u00b2 \u2163",
    "🐶",
    "a dog 🐶 playing in the snow ❄️",
    "👍🏽 thumbs up",
    "👨‍👩‍👧‍👦 family",
    "🏳️‍🌈 flag",
    "🇩🇪🇯🇵 flags",
    "❤️❤️❤️",
    "😀😃😄😁😆😅😂🤣",
    "一只猫坐在桌子上",
    "東京タワーの写真",
    "고양이 사진",
    "一只猫 and a dog",
    "قطة على الطاولة",
    "صورة لقطة سوداء",
    "एक बिल्ली की तस्वीर",
    "नमस्ते दुनिया",
    "Кошка на столе",
    "Γάτα στο τραπέζι",
    "חתול על השולחן",
    "แมวบนโต๊ะ",
    "mIxEd CaSe TeXt",
    "CamelCaseWordsTogether",
    "snake_case_words_together",
    "ALLCAPS",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "supercalifragilisticexpialidocious",
    "a " * 80,
    "tree " * 100,
    "a very long caption " + " ".join(f"item{i} and another thing" for i in range(40)),
    "!" * 200,
    "word. " * 90,
    "🐶" * 90,
    "\x00 control \x07 chars \x1b",
    "\u202eright-to-left override",
    "tab\tseparated\tvalues",
    "line one\nline two\r\nline three",
    "trailing newline\n",
    "x",
    "I",
    "'",
    "''",
    "\"",
    "a\u0000b",
]

WORDS = ["cat", "dog", "red", "photo", "of", "a", "the", "on", "table", "running", "beautiful", "sunset", "over",
         "mountains", "city", "night", "street", "car", "person", "holding", "umbrella", "rain", "bird", "tree",
         "bicycle", "kitchen", "pizza", "slice", "snow", "beach", "wave", "surfer", "blue", "green", "yellow"]
PUNCT = [".", ",", "!", "?", "...", ";", ":", "-", "—", "'s", "'t", "'re", "'ll", "(", ")", "\"", "&", "/", "#", "@"]
NUMBERS = ["0", "7", "42", "1999", "3.5", "100%", "2nd", "10k", "1/2", "007"]
EMOJI = ["😀", "🐱", "🚗", "🌅", "👩‍💻", "👋🏼", "🇫🇷", "✨", "🍕", "❄️"]
SCRIPTS = ["猫", "写真", "ねこ", "사진", "قطة", "बिल्ली", "кот", "γάτα", "café", "über", "niño", "façade"]
SPACES = [" ", "  ", "\t", "\n", " \n ", "\u3000"]


def generated(count: int, seed: int) -> list[str]:
    """Random mixes of words, punctuation, numbers, emoji, other scripts and whitespace."""
    rng = random.Random(seed)
    pools = [WORDS, WORDS, WORDS, PUNCT, NUMBERS, EMOJI, SCRIPTS]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 18)):
            token = rng.choice(rng.choice(pools))
            if rng.random() < 0.2:
                token = token.upper() if rng.random() < 0.5 else token.capitalize()
            parts.append(token)
            parts.append(rng.choice(SPACES) if rng.random() < 0.15 else ("" if rng.random() < 0.2 else " "))
        text = "".join(parts)
        if rng.random() < 0.15:
            text = unicodedata.normalize("NFD", text)
        out.append(text)
    return out


def cases(seed: int = 20261127, count: int = 150) -> list[str]:
    """Hand-picked cases first, then ``count`` generated ones; duplicates dropped, order kept."""
    return list(dict.fromkeys(HAND_PICKED + generated(count, seed)))
