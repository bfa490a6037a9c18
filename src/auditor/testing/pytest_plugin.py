"""pytest plugin (entry point `pytest11`): every `*.cases.toml` file is a set of rule cases."""
from __future__ import annotations

import pytest

from . import Case, coverage_problems, load_cases


def pytest_collect_file(parent, file_path):
    if file_path.name.endswith(".cases.toml"):
        return RuleCasesFile.from_parent(parent, path=file_path)
    return None


class RuleCasesFile(pytest.File):
    def collect(self):
        for case in load_cases(self.path):
            yield RuleCaseItem.from_parent(self, name=case.name, case=case)
        yield RuleCoverageItem.from_parent(self, name="每条规则都有报告问题和通过的用例")


class _ProblemsItem(pytest.Item):
    """An item whose check returns Chinese problems; they are the failure report."""

    def problems(self) -> list[str]:
        raise NotImplementedError

    def runtest(self):
        problems = self.problems()
        if problems:
            raise RuleCaseFailed(problems)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, RuleCaseFailed):
            return "\n".join(excinfo.value.problems)
        return super().repr_failure(excinfo)


class RuleCoverageItem(_ProblemsItem):
    """Fails when a rule of the pack these cases test has no firing or no silent case.

    The pack is the one named by `[defaults] pack`, else every non-national pack whose rules the
    cases of this folder name; cases of all `*.cases.toml` files in the folder count."""

    def problems(self) -> list[str]:
        return coverage_problems(self.path)

    def reportinfo(self):
        return self.path, None, "规则用例覆盖"


class RuleCaseItem(_ProblemsItem):
    def __init__(self, *, case: Case, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def problems(self) -> list[str]:
        return self.case.run()

    def reportinfo(self):
        return self.path, None, f"规则用例：{self.name}"


class RuleCaseFailed(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
