"""The binder's fast paths build exactly what the plain ways build."""
from __future__ import annotations

import dataclasses

from auditor.model import Cell
from auditor.parse import binder


def test_value_items_are_the_items_the_dataclass_builds():
    """`_Shape.value_items` sets the fields of each item itself: they must be all of Item's
    fields, with the values the dataclass constructor gives them."""
    assert [f.name for f in dataclasses.fields(binder.Item)] == ["value", "raw", "line", "source", "pos", "col"]
    for text in ["规章\t0\t0\t0", "1.属于国家秘密 0 0 0 0 0 0 0", "\t\t—\t1,234万元\t12abc\t1\ufffd", "标签", "",
                 "3 标签 4\t5 6"]:
        sh = binder._Shape(text)
        items = sh.value_items(7)
        want = [binder.Item(val, t, 7, None, pos, col) for t, pos, val, col in sh.values]
        assert items == want
        for it, w in zip(items, want):
            assert type(it) is binder.Item and isinstance(it, Cell)
            assert [getattr(it, f.name) for f in dataclasses.fields(w)] == [getattr(w, f.name) for f in dataclasses.fields(w)]
            assert it.to_dict() == w.to_dict()
        assert sh.value_items(7) is not items  # a new list each time (rows extend theirs)
