"""`_winner` and `_first_of_tier` answer a clause with a single counting word (the common case)
without their general path: checked here against that general path, as it stood, for every word
list of up to three counting words."""
from itertools import product

import pytest

from auditor.parse import claims


def _winner_general(words, has_doc_noun):
    words = [w for w in words if w.kind not in claims.DOC_WORDS or has_doc_noun]
    if not words:
        return None
    tier = min(claims._TIER[w.kind] for w in words)
    in_tier = [w for w in words if claims._TIER[w.kind] == tier]
    return in_tier[-1] if len({w.kind for w in in_tier}) == 1 else None


def _first_of_tier_general(words, word):
    if word is None:
        return None
    return next((w for w in words if claims.FAMILY[w.kind] == claims.FAMILY[word.kind]), word)


_KINDS = sorted(claims._COUNTING_WORDS)


def _words(kinds):
    return [claims.Tok(kind, kind, 2 * i, 2 * i + 1, 0) for i, kind in enumerate(kinds)]


@pytest.mark.parametrize("size", [1, 2, 3])
def test_winner_and_first_of_tier_equal_their_general_path(size):
    for kinds in product(_KINDS, repeat=size) if size < 3 else product(_KINDS[::3], repeat=size):
        for has_doc_noun in (False, True):
            words = _words(kinds)
            word = claims._winner(words, has_doc_noun)
            assert word is _winner_general(words, has_doc_noun), (kinds, has_doc_noun)
            assert claims._first_of_tier(words, word) is _first_of_tier_general(words, word)
    # the word after the quantity (`_word_after`): no words before it
    for kind in _KINDS:
        after = _words([kind])[0]
        assert claims._first_of_tier([], after) is after
        assert claims._first_of_tier([], None) is None
