"""Chinese search of published service items (事项检索).

Text is cut into words by jieba in search mode (``食品经营许可`` → 食品 / 经营 / 许可); the words are stored space
separated in the table ``catalog_search`` in three weighted columns: the item's name, its keywords (群众俗称, e.g.
开饭店) and a body of conditions, life events, result and department. The table is built per database:

- SQLite: an FTS5 virtual table (``rowid`` = item id), ranked with ``bm25``;
- PostgreSQL: a plain table with a generated ``tsvector('simple')`` column under a GIN index, ranked with
  ``ts_rank``; plus the raw name under a pg_trgm GIN index: when no word matches (a typo, a word jieba cuts
  differently), the names within trigram similarity of the query are returned instead.

Only published items are in the table: :mod:`yiwang.catalog.services` calls :func:`index_items` when an item is
published and :func:`remove_items` when it is unpublished. A query's words are OR-ed, so that "开饭店" still finds
an item whose keywords say 开饭店 while its name says 食品经营许可; ranking puts items that match more words, in
heavier columns, first. Filters are applied in the same SQL statement.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from yiwang.accounts.models import Department, Division
from yiwang.catalog.models import Audience, ItemStatus, ServiceItem

__all__ = ["index_items", "rebuild_index", "remove_items", "search_items", "tokenize"]

SEARCH_TABLE = "catalog_search"
#: Column weights: name, keywords, body (bm25 multiplies a column's score; PostgreSQL uses the labels A, B, C).
_WEIGHTS = (10.0, 6.0, 1.0)
#: Words too common to tell items apart (虚词). A single character otherwise counts: 开 in 开饭店 / 开公司.
_STOPWORDS = frozenset(
    {"的", "了", "和", "与", "及", "或", "等", "在", "是", "为", "对", "由", "向", "将", "其", "之", "于", "以", "并",
     "或者", "以及", "有关", "办理", "申请", "我", "要", "想", "怎么", "如何"}
)  # fmt: skip
_MAX_QUERY_WORDS = 16

_jieba_lock = threading.Lock()
_jieba: Any = None


def _segmenter() -> Any:
    """jieba, initialised once per process on first use (its dictionary ships inside the package: no download)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def tokenize(text: str) -> list[str]:
    """The distinct search words of ``text`` in order (jieba search mode), lower-cased, without 虚词 or punctuation.

    Only words made of letters and digits are kept, so a word can be put into an FTS5 or tsquery expression as it is.
    """
    if not text:
        return []
    seen: dict[str, None] = {}
    for word in _segmenter().cut_for_search(text):
        word = word.strip().lower()
        if word and word.isalnum() and word not in _STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


# --- indexing -----------------------------------------------------------------------------------------------------


def _document(item: ServiceItem) -> tuple[str, str, str]:
    department: Department = item.department
    body_parts = [
        item.conditions,
        " ".join(item.life_event_labels),
        item.result_name,
        department.name,
        department.short_name,
        item.division.name,
    ]
    return (
        " ".join(tokenize(item.name)),
        " ".join(tokenize(item.keywords)),
        " ".join(tokenize(" ".join(body_parts))),
    )


def _row(item: ServiceItem) -> tuple[Any, ...]:
    """One row of the search table: id, words of the three columns, then the filter columns and the raw name."""
    return (
        item.pk,
        *_document(item),
        item.department_id,
        item.division_id,
        item.audience,
        item.life_events_key,
        item.name,
    )


_COLUMNS = "name, keywords, body, department_id, division_id, audience, life_events_key"


def index_items(items: Iterable[ServiceItem]) -> int:
    """Put (or refresh) these items in the search table; call inside the transaction that publishes them."""
    rows = [_row(item) for item in items]
    if not rows:
        return 0
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.executemany(f"DELETE FROM {SEARCH_TABLE} WHERE rowid = %s", [(row[0],) for row in rows])  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {SEARCH_TABLE} (rowid, {_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                [row[:-1] for row in rows],
            )
        elif vendor == "postgresql":
            cursor.executemany(
                f"INSERT INTO {SEARCH_TABLE} (item_id, {_COLUMNS}, title) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (item_id) DO UPDATE SET "
                "name = EXCLUDED.name, keywords = EXCLUDED.keywords, body = EXCLUDED.body, "
                "department_id = EXCLUDED.department_id, division_id = EXCLUDED.division_id, "
                "audience = EXCLUDED.audience, life_events_key = EXCLUDED.life_events_key, title = EXCLUDED.title",
                rows,
            )
    return len(rows)


def remove_items(item_ids: Sequence[int]) -> None:
    """Take these items out of the search table (when unpublished or deleted)."""
    if not item_ids or connection.vendor not in {"sqlite", "postgresql"}:
        return
    key = "rowid" if connection.vendor == "sqlite" else "item_id"
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {SEARCH_TABLE} WHERE {key} = %s", [(pk,) for pk in item_ids])  # noqa: S608


def rebuild_index(*, batch_size: int = 1000) -> int:
    """Empty the search table and index every published item again (after a department is renamed, say)."""
    if connection.vendor not in {"sqlite", "postgresql"}:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SEARCH_TABLE}")  # noqa: S608
    published = (
        ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related("department", "division").order_by("pk")
    )
    count = 0
    batch: list[ServiceItem] = []
    for item in published.iterator(chunk_size=batch_size):
        batch.append(item)
        if len(batch) >= batch_size:
            count += index_items(batch)
            batch = []
    return count + index_items(batch)


# --- searching ----------------------------------------------------------------------------------------------------


def _division_codes(division: Division | str) -> list[str]:
    """The division and every division above it: an item of 杭州市 serves a resident of 西湖区 too."""
    node = division if isinstance(division, Division) else Division.objects.filter(code=division).first()
    if node is None:
        return [str(division)]
    codes = []
    while node is not None:
        codes.append(node.code)
        node = node.parent
    return codes


def _filters(
    prefix: str,
    department: Department | str | None,
    division: Division | str | None,
    audience: str | None,
    life_event: str | None,
) -> tuple[list[str], list[Any]] | None:
    """SQL conditions on the columns of ``prefix`` (the search table, or the items table) and their parameters.

    ``None`` when a filter names a department that does not exist: nothing can match.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if department:
        department_id = department.pk if isinstance(department, Department) else _department_id(department)
        if department_id is None:
            return None
        clauses.append(f"{prefix}.department_id = %s")
        params.append(department_id)
    if division:
        codes = _division_codes(division)
        clauses.append(f"{prefix}.division_id IN ({', '.join(['%s'] * len(codes))})")
        params.extend(codes)
    if audience:
        clauses.append(f"{prefix}.audience IN (%s, %s)")
        params.extend([audience, Audience.BOTH.value])
    if life_event:
        clauses.append(f"{prefix}.life_events_key LIKE %s")
        params.append(f"%|{life_event}|%")
    return clauses, params


def _department_id(code: str) -> int | None:
    return Department.objects.filter(code=code).values_list("pk", flat=True).first()


def _ranked_ids(words: list[str], filters: tuple[list[str], list[Any]], limit: int, *, every: bool) -> list[int]:
    """Items matching the words (all of them, or any with ``every=False``), best rank first: an index lookup."""
    clauses, params = filters
    where = "".join(f" AND {clause}" for clause in clauses)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = (" AND " if every else " OR ").join(f'"{word}"' for word in words)
            cursor.execute(
                f"SELECT s.rowid FROM {SEARCH_TABLE} s WHERE {SEARCH_TABLE} MATCH %s{where} "  # noqa: S608
                f"ORDER BY bm25({SEARCH_TABLE}, %s, %s, %s), s.rowid LIMIT %s",
                [match, *params, *_WEIGHTS, limit],
            )
        else:
            cursor.execute(
                f"SELECT s.item_id FROM {SEARCH_TABLE} s, to_tsquery('simple', %s) q "  # noqa: S608
                f"WHERE s.document @@ q{where} ORDER BY ts_rank(s.document, q) DESC, s.item_id LIMIT %s",
                [(" & " if every else " | ").join(words), *params, limit],
            )
        return [row[0] for row in cursor.fetchall()]


def _any_match(words: list[str]) -> bool:
    """Whether any published item has any of the words, whatever the filters (an index probe)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = " OR ".join(f'"{word}"' for word in words)
            cursor.execute(f"SELECT 1 FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH %s LIMIT 1", [match])  # noqa: S608
        else:
            cursor.execute(
                f"SELECT 1 FROM {SEARCH_TABLE} WHERE document @@ to_tsquery('simple', %s) LIMIT 1",  # noqa: S608
                [" | ".join(words)],
            )
        return cursor.fetchone() is not None


def _similar_ids(query: str, filters: tuple[list[str], list[Any]], limit: int) -> list[int]:
    """PostgreSQL: names within trigram similarity of the query (pg_trgm index), when no word matched (a typo)."""
    clauses, params = filters
    where = "".join(f" AND {clause}" for clause in clauses)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.item_id FROM {SEARCH_TABLE} s WHERE s.title %% %s{where} "  # noqa: S608
            "ORDER BY similarity(s.title, %s) DESC, s.item_id LIMIT %s",
            [query, *params, query, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _listed_ids(filters: tuple[list[str], list[Any]], limit: int, *, name_like: str = "") -> list[int]:
    """Published items by code; with ``name_like``, only those whose name contains it (the last-resort match)."""
    clauses, params = filters
    where = "".join(f" AND {clause}" for clause in clauses)
    if name_like:
        where += " AND i.name LIKE %s"
        params = [*params, f"%{name_like}%"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i.id FROM catalog_serviceitem i WHERE i.status = %s{where} ORDER BY i.item_code LIMIT %s",  # noqa: S608
            [ItemStatus.PUBLISHED.value, *params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _printable(text: str | None) -> str:
    """The text without control characters (PostgreSQL refuses NUL in a string; none belongs in a search)."""
    return "".join(ch for ch in (text or "") if ch.isprintable() or ch.isspace())


def _word_search(words: list[str], filters: tuple[list[str], list[Any]], limit: int) -> list[int]:
    """Items with all the words first (selective, cheap), then, to fill up, items with some of them."""
    ids = _ranked_ids(words, filters, limit, every=True)
    if len(words) > 1 and len(ids) < limit:
        seen = set(ids)
        ids += [pk for pk in _ranked_ids(words, filters, limit + len(ids), every=False) if pk not in seen]
    return ids[:limit]


def search_items(
    query: str,
    *,
    department: Department | str | None = None,
    division: Division | str | None = None,
    audience: str | None = None,
    life_event: str | None = None,
    limit: int = 20,
) -> list[ServiceItem]:
    """Published items matching ``query``, best first, restricted by the filters.

    ``department`` is a department or its code; ``division`` a division or its code, and an item matches when it is
    implemented in that division or one above it (the items a resident there can use); ``audience`` is
    ``person`` or ``enterprise`` (items for both match either); ``life_event`` a :class:`LifeEvent` code. An empty
    query lists the matching items by code. Items with all the query's words come first, then items with some; when
    no item has any of the words, names similar to the query (PostgreSQL, pg_trgm) or containing it are returned.
    """
    limit = max(1, min(int(limit), 200))
    query = " ".join(_printable(query).split())[:100]
    department = _printable(department) if isinstance(department, str) else department
    division = _printable(division) if isinstance(division, str) else division
    audience, life_event = _printable(audience), _printable(life_event)
    words = tokenize(query)[:_MAX_QUERY_WORDS]
    indexed = connection.vendor in {"sqlite", "postgresql"}
    search_filters = _filters("s", department, division, audience, life_event)
    item_filters = _filters("i", department, division, audience, life_event)
    if search_filters is None or item_filters is None:
        return []
    if not query:
        ids = _listed_ids(item_filters, limit)
    elif words and indexed:
        ids = _word_search(words, search_filters, limit)
        if not ids and not _any_match(words):  # a typo, not filters that exclude everything
            ids = _similar_ids(query, search_filters, limit) if connection.vendor == "postgresql" else []
            ids = ids or _listed_ids(item_filters, limit, name_like=query)
    else:
        ids = _listed_ids(item_filters, limit, name_like=query)
    found = ServiceItem.objects.select_related("department", "division", "result_certificate_type").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
