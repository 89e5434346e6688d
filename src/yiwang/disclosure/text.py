"""Chinese words for the Q&A, proposal grouping and complaint routing: jieba in search mode, with repeats.

jieba's dictionary ships inside the package, so nothing is downloaded; the segmenter is the one the catalogue's
search initialises once per process.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from yiwang.catalog.search import _segmenter, tokenize

__all__ = ["STOPWORDS", "cosine", "terms", "word_set"]

#: Function words and the question words of a citizen's sentence (怎么, 吗 …): they tell no passage apart.
STOPWORDS = frozenset(
    {
        "的", "了", "和", "与", "及", "或", "等", "在", "是", "为",
        "对", "由", "向", "将", "其", "之", "于", "以", "并",
        "或者", "以及", "有关", "我", "要", "想", "怎么", "如何", "吗",
        "呢", "吧", "啊", "什么", "哪些", "哪里", "可以", "能", "能否",
        "是否", "请问", "一下", "需要", "这个", "那个", "我们", "你们",
        "他们", "有", "没有", "个", "多少", "怎样", "什么样", "办",
        "办理", "申请", "申领", "怎么办", "要办", "咨询", "问", "想问", "应该", "还",
        "就", "都", "也", "被", "把", "从", "到", "上", "下", "中",
        "里",
    }
)  # fmt: skip


def terms(text: str) -> list[str]:
    """The words of ``text`` in order, repeats kept (for term frequencies), without stop words or punctuation."""
    if not text:
        return []
    out = []
    for word in _segmenter().cut_for_search(text):
        word = word.strip().lower()
        if word and word.isalnum() and word not in STOPWORDS:
            out.append(word)
    return out


def word_set(text: str) -> frozenset[str]:
    return frozenset(w for w in tokenize(text) if w not in STOPWORDS)


def cosine(a: Iterable[str], b: Iterable[str]) -> float:
    """Cosine similarity of two bags of words (0 when either is empty)."""
    ca, cb = Counter(a), Counter(b)
    if not ca or not cb:
        return 0.0
    dot = sum(n * cb[w] for w, n in ca.items() if w in cb)
    return dot / math.sqrt(sum(n * n for n in ca.values()) * sum(n * n for n in cb.values()))
