"""A restricted evaluator for BPMN expressions (gateway conditions, parameters, properties).

SpiffWorkflow evaluates expressions with Python's `eval` and full builtins. Process definitions
are edited in the browser, so an expression is untrusted input: it is parsed to an AST and only a
whitelist of node types is evaluated, by this module's own tree walker. There is no attribute
access at all (which closes every `().__class__.__subclasses__()` escape), no comprehensions,
lambdas or imports, and calls only to a few named pure functions.
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Mapping
from typing import Any

MAX_EXPRESSION_LENGTH = 2000
MAX_SEQUENCE = 10_000
MAX_DEPTH = 40


class UnsafeExpression(ValueError):
    """The expression uses something outside the whitelist, or could not be parsed. `reason` (with
    `params`) names why for a message in the reader's language (membership.messages "expr.<reason>");
    the text is the English one, for logs."""

    def __init__(self, text: str, reason: str = "other", **params):
        super().__init__(text)
        self.reason = reason
        self.params = params


_BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_CMPOPS = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_UNARY = {ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos}


def _sum(items, start=0):
    """sum() of numbers only: sum(lists, []) would concatenate without the size guard."""
    if not isinstance(start, int | float):
        raise UnsafeExpression("sum() adds numbers only")
    total = start
    for item in items:
        if not isinstance(item, int | float):
            raise UnsafeExpression("sum() adds numbers only")
        total += item
    return total


FUNCTIONS = {
    "len": len, "min": min, "max": max, "sum": _sum, "abs": abs, "any": any, "all": all,
    "str": str, "int": int, "float": float, "bool": bool, "round": round, "sorted": sorted,
}
CONSTANTS = {"True": True, "False": False, "None": None}


def parse(expression: str) -> ast.Expression:
    """Parse and check an expression without evaluating it. Raises UnsafeExpression."""
    if not isinstance(expression, str):
        raise UnsafeExpression("expression must be text")
    return _parse(expression)


@functools.lru_cache(maxsize=2048)
def _parse(expression: str) -> ast.Expression:
    # Cached: a process evaluates the same few expressions at every step. The tree is never
    # mutated by the evaluator, so sharing it is safe.
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise UnsafeExpression("expression too long", "too_long", max=MAX_EXPRESSION_LENGTH)
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise UnsafeExpression(f"syntax error: {exc.msg}", "syntax", detail=exc.msg) from None
    for node in ast.walk(tree):
        _check_node(node)
    if _depth(tree) > MAX_DEPTH:
        raise UnsafeExpression("expression nested too deeply", "too_deep")
    return tree


def _weight(value, limit: int = MAX_SEQUENCE + 1) -> int:
    """How many items and characters a value holds, nested lists counted in full (a list of one
    shared big list is cheap in memory but not when printed), counting up to `limit` only."""
    total, todo = 0, [value]
    while todo and total < limit:
        item = todo.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, list | tuple | set):
            total += len(item)
            todo.extend(x for x in item if isinstance(x, list | tuple | set | dict | str | bytes))
        elif isinstance(item, dict):
            total += len(item)
            todo.extend(item.values())
        else:
            total += 1
    return total


def _depth(tree: ast.AST) -> int:
    deepest, todo = 0, [(tree, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        todo.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


_ALLOWED = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Subscript, ast.Slice, ast.Compare, ast.BoolOp,
    ast.And, ast.Or, ast.UnaryOp, ast.BinOp, ast.IfExp, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Call,
    *_BINOPS, *_CMPOPS, *_UNARY,
)


def _check_node(node: ast.AST) -> None:
    if not isinstance(node, _ALLOWED):
        raise UnsafeExpression(f"not allowed in an expression: {type(node).__name__}", "construct",
                               construct=type(node).__name__)
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        raise UnsafeExpression(f"name not allowed: {node.id}", "private_name", name=node.id)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise UnsafeExpression("only these functions may be called: " + ", ".join(sorted(FUNCTIONS)), "function",
                                   functions=", ".join(sorted(FUNCTIONS)))
        if node.keywords:
            raise UnsafeExpression("keyword arguments are not allowed", "keywords")


def evaluate(expression: str, context: Mapping[str, Any]) -> Any:
    """Evaluate `expression` against `context` (task data). Raises UnsafeExpression, NameError,
    and the ordinary errors of the operations it performs (KeyError, TypeError, …)."""
    return _Evaluator(context).visit(parse(expression).body)


class _Evaluator:
    def __init__(self, context: Mapping[str, Any]):
        self.context = context

    def visit(self, node: ast.AST) -> Any:
        return getattr(self, "visit_" + type(node).__name__)(node)

    def visit_Constant(self, node):
        return node.value

    def visit_Name(self, node):
        if node.id in self.context:
            return self.context[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise NameError(f"name '{node.id}' is not defined")

    def visit_Subscript(self, node):
        container = self.visit(node.value)
        return container[self.visit(node.slice)]

    def visit_Slice(self, node):
        return slice(*(self.visit(x) if x is not None else None for x in (node.lower, node.upper, node.step)))

    def visit_Compare(self, node):
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            if not _CMPOPS[type(op)](left, right):
                return False
            left = right
        return True

    def visit_BoolOp(self, node):
        is_and = isinstance(node.op, ast.And)
        result = None
        for value in node.values:
            result = self.visit(value)
            if bool(result) != is_and:
                return result
        return result

    def visit_UnaryOp(self, node):
        return _UNARY[type(node.op)](self.visit(node.operand))

    def visit_BinOp(self, node):
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Mod) and isinstance(left, str | bytes):
            # "%999999999s" % x builds a huge string; "%(k)s" reads what it likes: no printf formatting
            raise UnsafeExpression("string formatting is not allowed")
        if isinstance(node.op, ast.Mult):
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) and _weight(seq) * n > MAX_SEQUENCE:
                    raise UnsafeExpression("result too large")
        elif isinstance(node.op, ast.Add) and isinstance(left, str | list | tuple) \
                and _weight(left) + _weight(right) > MAX_SEQUENCE:
            raise UnsafeExpression("result too large")
        return _BINOPS[type(node.op)](left, right)

    def visit_IfExp(self, node):
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_List(self, node):
        return [self.visit(e) for e in node.elts]

    def visit_Tuple(self, node):
        return tuple(self.visit(e) for e in node.elts)

    def visit_Set(self, node):
        return {self.visit(e) for e in node.elts}

    def visit_Dict(self, node):
        if any(k is None for k in node.keys):
            raise UnsafeExpression("dict unpacking is not allowed")
        return {self.visit(k): self.visit(v) for k, v in zip(node.keys, node.values, strict=True)}

    def visit_Call(self, node):
        return FUNCTIONS[node.func.id](*(self.visit(a) for a in node.args))
