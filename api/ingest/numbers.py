"""Finding numbers in Chinese prose: Arabic tokens and Chinese numerals that count."""

import re
from dataclasses import dataclass
from decimal import Decimal

ARABIC_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CHINESE_DIGITS = "零一二两三四五六七八九十百千万亿"
_MEASURE_WORDS = (
    "个|家|项|条|座|所|名|人|位|次|户|头|台|只|件|年|天|月|倍|亩|批|大|类|方面|届|期|级|轮|星|处|种|支|张|套|成|色|线|"
    "网|区|镇|村|链|化|进|联|率|百|千|万|亿"
)
CHINESE_NUMBER = re.compile(rf"(?<![{_CHINESE_DIGITS}])[{_CHINESE_DIGITS}]+(?=(?:{_MEASURE_WORDS}))")

_DIGIT_VALUES = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "首": 1}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}


@dataclass(frozen=True)
class NumberToken:
    text: str
    start: int
    end: int


def canonical_decimal(value: Decimal) -> str:
    """The way a report writes a number: no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def parse_chinese_numeral(text: str) -> int | None:
    """``两`` -> 2, ``十二`` -> 12, ``一百`` -> 100, ``首`` -> 1; None if not a numeral."""
    if not text or any(char not in _DIGIT_VALUES and char not in _SMALL_UNITS and char not in _LARGE_UNITS for char in text):
        return None
    total, section, digit = 0, 0, None
    for char in text:
        if char in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[char] if digit is None else digit * 10 + _DIGIT_VALUES[char]
        elif char in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        else:
            total += (section + (digit or 0)) * _LARGE_UNITS[char]
            section, digit = 0, None
    return total + section + (digit or 0)


def arabic_tokens(text: str, offset: int = 0) -> list[NumberToken]:
    return [NumberToken(m.group(), m.start() + offset, m.end() + offset) for m in ARABIC_NUMBER.finditer(text)]


def chinese_tokens(text: str, offset: int = 0) -> list[NumberToken]:
    return [NumberToken(m.group(), m.start() + offset, m.end() + offset) for m in CHINESE_NUMBER.finditer(text)]


def number_tokens(text: str, offset: int = 0) -> list[NumberToken]:
    """Every Arabic number and every counting Chinese numeral, in text order."""
    return sorted(arabic_tokens(text, offset) + chinese_tokens(text, offset), key=lambda token: token.start)
