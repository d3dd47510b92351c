"""The CLI's errors: one hierarchy, and the problems that end a run become exit 2."""

from __future__ import annotations

import click
import pytest

from app.cli import errors
from app.cli.errors import BackendProblem, CommandError, ServiceProblem, UsageProblem, fatal_problems


def test_every_backend_problem_shares_one_base_named_in_the_docstring() -> None:
    problems = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == errors.__name__
    ]
    assert errors.__doc__ is not None
    for cls in problems:
        assert cls.__name__ in errors.__doc__
        assert issubclass(cls, BackendProblem) or issubclass(cls, click.ClickException)


@pytest.mark.parametrize(
    ("problem", "raised"),
    [
        pytest.param(UsageProblem("unknown profile 'x'"), click.UsageError, id="usage"),
        pytest.param(ServiceProblem("connection refused"), CommandError, id="service"),
    ],
)
def test_fatal_problems_exit_2(problem: BackendProblem, raised: type[click.ClickException]) -> None:
    with pytest.raises(raised) as caught, fatal_problems():
        raise problem
    assert caught.value.exit_code == 2 and str(problem) in caught.value.format_message()
