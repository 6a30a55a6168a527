"""Search documents derived from the validated rows: what each record is found by."""

from collections.abc import Iterable
from typing import Any

from api.search import document_tokens

Row = dict[str, Any]


def _document(report_id: str, kind: str, record_id: str, title_zh: str, title_en: str, texts: Iterable[str | None]) -> Row:
    body_parts = [text for text in texts if text]
    body = "\n".join(body_parts)
    return {
        "id": f"{kind}:{record_id}",
        "report_id": report_id,
        "kind": kind,
        "record_id": record_id,
        "title_zh": title_zh,
        "title_en": title_en,
        "body": body,
        "tokens": document_tokens([title_zh, title_en, body]),
    }


def search_document_rows(report_id: str, text: str, tables: dict[str, list[Row]]) -> list[Row]:
    indicator_names = {row["id"]: (row["name_zh"], row["name_en"]) for row in tables["indicators"]}
    parents = {row["parent_id"] for row in tables["sections"] if row["parent_id"]}
    mentions: dict[str, list[str]] = {}
    for mention in tables["project_mentions"]:
        mentions.setdefault(mention["project_id"], []).append(mention["quote"])
    documents: list[Row] = []
    for row in tables["sections"]:
        own_text = None if row["id"] in parents else text[row["char_start"] : row["char_end"]]
        documents.append(_document(report_id, "sections", row["id"], row["heading_zh"], row["heading_en"], [own_text]))
    for row in tables["indicators"]:
        documents.append(_document(report_id, "indicators", row["id"], row["name_zh"], row["name_en"], [row["description_en"]]))
    for row in tables["observations"]:
        name_zh, name_en = indicator_names[row["indicator_id"]]
        title_zh = f"{name_zh} {row['period']} {row['value_text']}{row['unit'] or ''}"
        title_en = f"{name_en} {row['period']}"
        documents.append(_document(report_id, "observations", row["id"], title_zh, title_en, [row["quote"]]))
    for row in tables["projects"]:
        documents.append(_document(report_id, "projects", row["id"], row["name_zh"], row["name_en"], [row["quote"], *mentions.get(row["id"], [])]))
    for row in tables["livelihood_items"]:
        documents.append(_document(report_id, "livelihood_items", row["id"], row["description_zh"], row["description_en"], [row["quote"]]))
    for row in tables["five_year_goals"]:
        documents.append(_document(report_id, "five_year_goals", row["id"], row["description_zh"], row["description_en"], [row["quote"]]))
    return documents
