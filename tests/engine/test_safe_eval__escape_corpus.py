"""Known Python sandbox escapes and resource bombs, fed to the condition evaluator.

Each one must be refused (UnsafeExpression at parse or evaluation) or be harmless: finish at
once with an ordinary error or a small value, touching nothing outside its data.
"""

from __future__ import annotations

import time

import pytest

from engine.safe_eval import UnsafeExpression, evaluate, parse

DATA = {"part": {"association": "0101", "layer": 3}, "items": [1, 2, 3], "s": "abc", "n": 10**6}

REFUSED_AT_PARSE = [
    # attribute walks to object and its subclasses
    "().__class__.__base__.__subclasses__()",
    "[].__class__.__mro__[1].__subclasses__()",
    "part.__class__.__init__.__globals__",
    "s.__class__",
    "(1).real",
    "True.__class__.__bases__",
    # imports and builtins
    "__import__('os').system('id')",
    "__builtins__",
    "__builtins__['eval']('1')",
    "eval('1')",
    "exec('import os')",
    "compile('1', '', 'eval')",
    "open('/etc/passwd')",
    "getattr(part, '__class__')",
    "vars()",
    "globals()",
    "locals()",
    "type(part)",
    "breakpoint()",
    "input()",
    "_private",
    # format-string tricks
    "'{0.__class__.__base__}'.format(part)",
    "'{x.__init__.__globals__}'.format_map(part)",
    "f'{part.__class__}'",
    "f'{s!r:>99999999}'",
    # comprehensions, lambdas, generators, walrus, star tricks
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "(lambda: 0).__code__",
    "{x: 1 for x in items}",
    "(x for x in items)",
    "(y := 1)",
    "max(*items)",
    "max(**part)",
    "sorted(items, key=len)",
    # huge exponents and deep nesting
    "2 ** 10 ** 10",
    "9 ** 9 ** 9",
    "pow(2, 100000000)",
    "-" * 200 + "1",
    "x" * 3000,
]

REFUSED_OR_HARMLESS_AT_RUN = [
    "'a' * 10 ** 9",
    "s * n",
    "[0] * n",
    "[[0] * 10000] * 10000",
    "sum([[0] * 10000] * 10000, [])",
    "sum(items, [])",
    "'%999999999s' % s",
    "'%(association)s' % part",
    "str(9999999999 * 9999999999 * 9999999999)",
    "int('9' * 5000)",
    "round(1.5, 999999999)",
    "part['__class__']",
    "items[10 ** 6]",
    "s + s * 5000",
    "len(str(items * 3333))",
    "(" * 60 + "1" + ")" * 60,
    "[[[0] * 100] * 100] * 100",
]


@pytest.mark.parametrize("expression", REFUSED_AT_PARSE)
def test_escapes_are_refused_before_anything_runs(expression):
    with pytest.raises(UnsafeExpression):
        parse(expression)


@pytest.mark.parametrize("expression", REFUSED_OR_HARMLESS_AT_RUN)
def test_bombs_are_refused_or_harmless(expression):
    before = {k: (v.copy() if isinstance(v, dict | list) else v) for k, v in DATA.items()}
    started = time.perf_counter()
    try:
        result = evaluate(expression, dict(DATA))
    except (UnsafeExpression, ValueError, TypeError, KeyError, IndexError, OverflowError):
        result = None
    assert time.perf_counter() - started < 1.0  # a guard, not a benchmark: a bomb would take minutes
    assert len(str(result)) <= 100_000
    assert DATA == before
