"""Word segmentation with jieba, every restricted term in its dictionary.

Used only around candidate hits (a clause at a time), never over the whole corpus. The
tokenizer is private to this module so that adding terms does not change jieba's global one.
"""

from collections.abc import Iterable
from functools import lru_cache
import logging

import jieba

jieba.setLogLevel(logging.WARNING)


class Segmenter:
    """A jieba tokenizer that knows the terms; returns token boundaries of a text."""

    def __init__(self, words: Iterable[str]):
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        for word in sorted(set(words)):
            self.tokenizer.add_word(word)
        self.boundaries = lru_cache(maxsize=200_000)(self._boundaries)
        self.compound_cuts = lru_cache(maxsize=4_096)(self._compound_cuts)

    def tokens(self, text: str) -> list[str]:
        """The words of ``text`` (dictionary only, no HMM guessing of unknown words)."""
        return list(self.tokenizer.cut(text, HMM=False))

    def _boundaries(self, text: str) -> frozenset[int]:
        """Offsets in ``text`` where a word starts or ends (0 and len(text) included)."""
        cuts = {0}
        position = 0
        for token in self.tokenizer.cut(text, HMM=False):
            position += len(token)
            cuts.add(position)
        return frozenset(cuts)

    def _compound_cuts(self, word: str) -> frozenset[int]:
        """Where ``word`` splits into two dictionary words of two or more characters (投资|管理)."""
        known = self.tokenizer.FREQ
        return frozenset(
            k for k in range(2, len(word) - 1) if known.get(word[:k], 0) > 0 and known.get(word[k:], 0) > 0
        )

    def known(self, word: str, minimum: int = 1) -> bool:
        """Whether ``word`` is in jieba's dictionary (terms included), at least ``minimum`` times."""
        return self.tokenizer.FREQ.get(word, 0) >= minimum

    def is_whole(self, text: str, start: int, end: int) -> bool:
        """Whether [start, end) begins and ends on word boundaries of ``text``."""
        cuts = self.boundaries(text)
        return start in cuts and end in cuts

    def straddles(self, text: str, start: int, end: int) -> bool:
        """Whether a word of ``text`` crosses into [start, end) from outside without covering it.

        资金融通 is 资金/融通: 金融 at [1, 3) shares 金 with 资金 and 融 with 融通, so it straddles.
        A longer word that covers the whole span (金融业 over 金融) does not straddle, and neither
        does a cut where the term itself is two words (项目投资/管理 over 投资管理 = 投资|管理).
        """
        cuts = sorted(self.boundaries(text))
        compound = self.compound_cuts(text[start:end])
        inside = [c for c in cuts if start < c < end and c - start not in compound]
        if not inside:
            return False
        left = max(c for c in cuts if c <= start)
        right = min(c for c in cuts if c >= end)
        return left < start or right > end
