"""Full-text search that works in Chinese, English and mixed terms (5G, PM2.5).

Text is cut into tokens the same way for documents and queries: every CJK character and
every pair of neighbouring CJK characters (so 教育, 高铁, 医保 are whole tokens), and
lower-cased Latin words and numbers (railway, 5g, pm2.5). Each token is then written as
``w`` + the hex of its UTF-8 bytes, so both engines index plain ASCII words and need no
language support of their own: SQLite's FTS5 and PostgreSQL's tsvector see the same
tokens and answer the same queries. Hex keeps prefixes, so ``hospital`` finds
``hospitals`` as a prefix query.
"""

import html
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"[{_CJK}]+|[A-Za-z0-9]+(?:\.[0-9]+)?")
WORD_PATTERN = rf"[{_CJK}A-Za-z0-9]"  # what a query must contain to have a token to search for
_IS_CJK = re.compile(rf"[{_CJK}]")
SNIPPET_RADIUS = 40


def encode(token: str) -> str:
    return "w" + token.encode("utf-8").hex()


def _cjk_tokens(run: str) -> Iterator[str]:
    yield from run
    for index in range(len(run) - 1):
        yield run[index : index + 2]


def raw_tokens(text: str) -> Iterator[str]:
    for piece in _PIECES.findall(text):
        if _IS_CJK.match(piece):
            yield from _cjk_tokens(piece)
        else:
            yield piece.lower()


def document_tokens(texts: Iterable[str | None]) -> str:
    """The space-separated encoded tokens of a document (order and repeats kept for ranking)."""
    return " ".join(encode(token) for text in texts if text for token in raw_tokens(text))


@dataclass(frozen=True)
class QueryTerm:
    token: str
    prefix: bool
    text: str = ""  # what the token encodes (a CJK gram, or a lower-cased Latin word)


def query_terms(query: str) -> list[QueryTerm]:
    """The tokens a document must all hold to match ``query``.

    A CJK run of two or more characters needs its bigrams (a single character needs
    itself); a Latin word or number matches as a prefix.
    """
    terms: dict[str, QueryTerm] = {}
    for piece in _PIECES.findall(query):
        if _IS_CJK.match(piece):
            grams = [piece] if len(piece) == 1 else [piece[i : i + 2] for i in range(len(piece) - 1)]
            for gram in grams:
                terms.setdefault(gram, QueryTerm(encode(gram), prefix=False, text=gram))
        else:
            word = piece.lower()
            terms.setdefault(word, QueryTerm(encode(word), prefix=True, text=word))
    return list(terms.values())


def fts5_query(terms: list[QueryTerm]) -> str:
    return " AND ".join(f'"{term.token}"' + ("*" if term.prefix else "") for term in terms)


def tsquery(terms: list[QueryTerm]) -> str:
    return " & ".join(f"'{term.token}'" + (":*" if term.prefix else "") for term in terms)


def snippet(text: str, query: str) -> str:
    """A passage of ``text`` around the first place a query word occurs, the words marked
    with <mark> (the rest HTML-escaped)."""
    words = sorted({piece for piece in _PIECES.findall(query)}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE) if words else None
    match = pattern.search(text) if pattern else None
    if match is None:
        passage = text[: 2 * SNIPPET_RADIUS]
        return html.escape(passage) + ("…" if len(text) > len(passage) else "")
    start = max(0, match.start() - SNIPPET_RADIUS)
    end = min(len(text), match.end() + SNIPPET_RADIUS)
    passage = text[start:end]
    assert pattern is not None
    marked = pattern.sub(lambda m: "\0" + m.group() + "\1", passage)
    escaped = html.escape(marked).replace("\0", "<mark>").replace("\1", "</mark>")
    return ("…" if start else "") + escaped + ("…" if end < len(text) else "")


TITLE_WEIGHT = 3.0


def relevance(title: str, tokens: str, terms: list[QueryTerm]) -> float:
    """How well a document matches: term frequency, title hits weighted up, longer documents
    weighted down (a small, engine-independent cousin of BM25)."""
    document = tokens.split(" ")
    score = 0.0
    for term in terms:
        hits = _hits(document, term)
        frequency = hits / (hits + 1.2)
        score += frequency + (TITLE_WEIGHT if _in_title(title, term) else 0.0)
    return round(score / (1 + math.log1p(len(document)) / 4), 6)


def _hits(document: list[str], term: QueryTerm) -> int:
    if not term.prefix:
        return document.count(term.token)
    return sum(1 for token in document if token.startswith(term.token))


def _in_title(title: str, term: QueryTerm) -> bool:
    """Whether a token of ``title`` is the term (or, for a prefix term, starts with it).

    Read from the text instead of its tokens: a CJK unigram or bigram is a token of the title
    exactly when it occurs in it (two neighbouring CJK characters are in one run), and hex
    encoding keeps prefixes, so a Latin word is compared with the title's lower-cased words."""
    if not term.prefix:
        return term.text in title
    return any(piece.lower().startswith(term.text) for piece in _PIECES.findall(title) if not _IS_CJK.match(piece))
