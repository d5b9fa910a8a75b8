"""The dry run of a decision table's draft (DMN), which no application replay reaches: the tables
`certification_requirements` and `fee_reduction_candidates` are evaluated outside any process.

Two findings, both without changing data:
- every combination of the inputs the two tables name (the literal values of their cells, and for
  a number the values on both sides of it), with the outputs of the deployed table and of the
  draft: the combinations whose outputs change, and those the draft cannot evaluate;
- for `certification_requirements`, the physicians who have credits (the most recent first): how
  many are eligible to apply now with the deployed table and with the draft, per system. Counts
  only — designers are not an association and see no member's data.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from membership import certifications
from membership.models import CreditEntry

from . import decisions, validation
from .deploy import latest

#: at most this many combinations are tried (the tables here need a few dozen)
MAX_CASES = 400
#: physicians whose eligibility is compared (the most recent credits first)
ELIGIBILITY_SAMPLE = 200


@dataclass
class Case:
    inputs: dict
    before: object = None
    after: object = None
    #: the draft could not evaluate it: the error, cut short
    error: str = ""
    #: the deployed table could not evaluate it (a broken table deployed with a tick)
    before_error: str = ""
    #: a UNIQUE draft: the rows of the rules that all match these inputs (two or more: an overlap)
    overlap: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.error or self.before_error) or self.before != self.after


@dataclass
class Impact:
    system: str
    checked: int = 0
    eligible_before: int = 0
    eligible_after: int = 0
    gained: int = 0
    lost: int = 0


@dataclass
class DecisionCheck:
    #: input labels by variable, in the table's order
    inputs: list[tuple[str, str]]
    cases: list[Case]
    impact: list[Impact] = field(default_factory=list)
    #: the draft could not be read at all (then nothing else was tried)
    broken: str = ""

    @property
    def changed(self) -> list[Case]:
        return [c for c in self.cases if c.changed]

    @property
    def failing(self) -> list[Case]:
        return [c for c in self.cases if c.error]

    @property
    def overlapping(self) -> list[Case]:
        """Cases two rules of a UNIQUE table match (the first one wins, silently)."""
        return [c for c in self.cases if len(c.overlap) > 1]


def check(session: Session, key: str, xml: str, impact: bool = True) -> DecisionCheck:
    """Compare the draft `xml` of decision `key` with its deployed version (if any); `impact`
    False skips the eligibility count (what a deploy's own check does not need)."""
    current = latest(session, key)
    before_xml = current.xml if current is not None and current.filename.endswith(".dmn") else None
    inputs = _inputs(xml)
    try:
        after = decisions.evaluator_of(xml, key)
    except Exception as exc:  # a draft that cannot be parsed is a finding, not a crash
        return DecisionCheck(inputs=[(v, label) for v, label, _t in inputs], cases=[], broken=_short(exc))
    before = decisions.evaluator_of(before_xml, key) if before_xml else None
    rows = decisions.overlaps_of(xml, key)
    values = _values(inputs, [xml] + ([before_xml] if before_xml else []))
    cases = []
    for combination in itertools.islice(itertools.product(*values.values()), MAX_CASES):
        case = Case(dict(zip(values, combination, strict=True)))
        try:
            case.before = _plain(before(case.inputs)) if before else None
        except Exception as exc:
            case.before_error = _short(exc)
        try:
            case.after = _plain(after(case.inputs))
            case.overlap = rows(case.inputs) if rows is not None else []
        except Exception as exc:
            case.error = _short(exc)
        cases.append(case)
    result = DecisionCheck(inputs=[(v, label) for v, label, _t in inputs], cases=cases)
    if impact and key == decisions.REQUIREMENTS and before is not None and not result.failing \
            and not any(c.before_error for c in cases):
        result.impact = _eligibility(session, decisions.requirements_by(before), decisions.requirements_by(after))
    return result


def _eligibility(session: Session, before, after) -> list[Impact]:
    """Per certified system: of the physicians with credits in it (the ELIGIBILITY_SAMPLE most
    recent), how many may apply now with each table, and how many would gain or lose that."""
    out = []
    for system in certifications.CERTIFIED:
        impact = Impact(system)
        latest_credit = sa.func.max(CreditEntry.earned_on)
        physicians = session.scalars(sa.select(CreditEntry.physician_id).where(CreditEntry.system == system)
                                     .group_by(CreditEntry.physician_id)
                                     .order_by(latest_credit.desc(), CreditEntry.physician_id.desc())
                                     .limit(ELIGIBILITY_SAMPLE))
        for physician_id in physicians:
            was = certifications.eligibility(session, physician_id, system, before)["eligible"]
            will = certifications.eligibility(session, physician_id, system, after)["eligible"]
            impact.checked += 1
            impact.eligible_before += was
            impact.eligible_after += will
            impact.gained += will and not was
            impact.lost += was and not will
        out.append(impact)
    return out


def _inputs(xml: str) -> list[tuple[str, str, str]]:
    """(variable, label, typeRef) of the table's inputs, in order."""
    try:
        root = validation.parse(xml)
    except etree.XMLSyntaxError:
        return []
    out = []
    for node in root.iter("{*}input"):
        expression = node.find("{*}inputExpression")
        text = expression.findtext("{*}text") if expression is not None else None
        if text:
            out.append((text.strip(), node.get("label") or text.strip(), expression.get("typeRef") or ""))
    return out


def _values(inputs: list[tuple[str, str, str]], xmls: list[str]) -> dict[str, list]:
    """The values to try for each input: what the cells of every table name in its column."""
    found: dict[str, set] = {variable: set() for variable, _l, _t in inputs}
    for xml in xmls:
        root = validation.parse(xml)
        table = root.find(".//{*}decisionTable")
        if table is None:
            continue
        variables = [(node.find("{*}inputExpression").findtext("{*}text") or "").strip()
                     for node in table.findall("{*}input") if node.find("{*}inputExpression") is not None]
        for rule in table.findall("{*}rule"):
            for variable, entry in zip(variables, rule.findall("{*}inputEntry"), strict=False):
                if variable in found:
                    found[variable] |= _cell_values(entry.findtext("{*}text") or "")
    out = {}
    for variable, _label, type_ref in inputs:
        values = found[variable] or {0 if type_ref in ("number", "integer", "long", "double") else ""}
        out[variable] = sorted(values, key=lambda v: (isinstance(v, str), v))
    return out


def _cell_values(text: str) -> set:
    """Strings a cell names ("a", or "a", "b"), and numbers with their neighbours (>= 80 → 79, 80,
    81), so that both sides of every boundary are tried."""
    text = text.strip()
    if not text or text == "-":
        return set()
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = None
    literals = value if isinstance(value, tuple) else (value,)
    out: set = {v for v in literals if isinstance(v, str)}
    for token in _numbers(text):
        out |= {token - 1, token, token + 1}
    return out


def _numbers(text: str) -> list:
    """The numbers written in a cell (outside its string literals)."""
    out = []
    expression = text.replace("?", "_").replace("..", ",")  # FEEL ranges [1..5] read as a pair
    if expression[:1] in "<>=!":  # a unary test such as ">= 80"
        expression = "_ " + expression
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            out.append(node.value)
    return out


def _plain(value):
    """Outputs as compared and shown: decimals as numbers, lists of lists kept."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _short(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]
