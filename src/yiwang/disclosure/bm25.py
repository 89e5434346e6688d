"""Okapi BM25 over jieba words, in memory, for the grounded Q&A (智能问答).

The per-posting weight ``idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl))`` does not depend on the query, so it is
computed once when the index is built; a query then adds a few numpy arrays (one per query word) into a
score vector and takes the top k with ``argpartition``. Over 10,000 service items and 2,000 policies (about 40,000
passages) a question costs well under a millisecond of arithmetic; see ``benchmarks/bench_disclosure_qa.py``.

Confidence is *coverage*: the share of the question's information (its words' idf; a word the index never saw
counts with the highest idf) that the best passage contains. A question about something the catalogue does not
hold shares few informative words with any passage, whatever its raw BM25 score.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Bm25Index", "Hit", "Passage"]


@dataclass(frozen=True)
class Passage:
    """A citable piece of published text: a guide, a document's article, an interpretation's answer, a policy."""

    kind: str
    ref: str
    title: str
    text: str
    url: str
    words: tuple[str, ...] = field(repr=False, default=())
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    coverage: float
    matched: tuple[str, ...]


class Bm25Index:
    def __init__(self, passages: Sequence[Passage], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.passages = list(passages)
        n = len(self.passages)
        lengths = np.array([max(len(p.words), 1) for p in self.passages], dtype=np.float32)
        avgdl = float(lengths.mean()) if n else 1.0
        postings: dict[str, tuple[list[int], list[int]]] = {}
        self._sets: list[frozenset[str]] = []
        for i, passage in enumerate(self.passages):
            counts = Counter(passage.words)
            self._sets.append(frozenset(counts))
            for word, tf in counts.items():
                ids, tfs = postings.setdefault(word, ([], []))
                ids.append(i)
                tfs.append(tf)
        self.idf: dict[str, float] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for word, (ids, tfs) in postings.items():
            df = len(ids)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            ids_a = np.asarray(ids, dtype=np.int32)
            tf_a = np.asarray(tfs, dtype=np.float32)
            norm = k1 * (1 - b + b * lengths[ids_a] / avgdl)
            self._postings[word] = (ids_a, (idf * tf_a * (k1 + 1) / (tf_a + norm)).astype(np.float32))
            self.idf[word] = idf
        #: the information of a word the index never saw (as rare as a word in one passage)
        self.unseen_idf = math.log(1 + (n - 0.5) / 1.5) if n else 1.0

    def __len__(self) -> int:
        return len(self.passages)

    def expand(self, words: Sequence[str]) -> list[str]:
        """The query's words, each unseen word replaced by the seen words inside it (想开 → 开) when it has any.

        jieba sometimes joins a verb to its neighbour (我想开饭店 → 想开 / 饭店); the pieces then still match.
        """
        out: list[str] = []
        for word in words:
            if word in self.idf or len(word) < 2:
                out.append(word)
                continue
            pieces = [word[i:j] for i in range(len(word)) for j in range(i + 1, len(word) + 1) if word[i:j] in self.idf]
            longest = [p for p in pieces if not any(p != q and p in q for q in pieces)]
            out.extend(longest or [word])
        return list(dict.fromkeys(out))

    def _information(self, word: str) -> float:
        # a single character says less than a word: an unseen one (证, 办) counts half
        seen = self.idf.get(word)
        if seen is not None:
            return seen
        return self.unseen_idf / 2 if len(word) == 1 else self.unseen_idf

    def search(self, words: Sequence[str], *, k: int = 5, kinds: set[str] | None = None) -> list[Hit]:
        """The ``k`` best passages for ``words`` (a question's distinct words), best first, with their coverage."""
        query = self.expand(list(dict.fromkeys(words)))
        if not query or not self.passages:
            return []
        scores = np.zeros(len(self.passages), dtype=np.float32)
        for word in query:
            posting = self._postings.get(word)
            if posting is not None:
                scores[posting[0]] += posting[1]  # a word's passages are distinct: no repeated index
        if kinds is not None:
            allowed = np.array([p.kind in kinds for p in self.passages])
            scores[~allowed] = 0
        wanted = min(k, int(np.count_nonzero(scores)))
        if wanted == 0:
            return []
        top = np.argpartition(-scores, wanted - 1)[:wanted]
        top = top[np.argsort(-scores[top], kind="stable")]
        information = sum(self._information(w) for w in query)
        hits = []
        for i in top.tolist():
            matched = tuple(w for w in query if w in self._sets[i])
            coverage = sum(self.idf[w] for w in matched) / information if information else 0.0
            hits.append(Hit(self.passages[i], float(scores[i]), coverage, matched))
        return hits
