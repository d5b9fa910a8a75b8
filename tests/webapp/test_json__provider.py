"""The API's JSON writer (orjson) answers what Flask's standard provider would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import uuid

from flask.json.provider import DefaultJSONProvider


@dataclasses.dataclass
class Point:
    x: int
    label: str


def test_same_answers_as_flasks_standard_provider(app):
    sample = {"名前": "日医 太郎", "when": dt.datetime(2026, 11, 30, 1, 5), "day": dt.date(2026, 11, 30),
              "id": uuid.UUID(int=7), "amount": decimal.Decimal("1.5"), "point": Point(1, "Ａ"), 3: [None, True]}
    standard = DefaultJSONProvider(app)
    standard.sort_keys = False  # (mixed key types cannot be sorted)
    with app.app_context():
        ours = app.json.dumps(sample)
        assert json.loads(ours) == json.loads(standard.dumps(sample))
        assert "日医 太郎" in ours  # UTF-8, not \\u escapes
        response = app.json.response([{"b": 1, "a": 2}])
        assert response.mimetype == "application/json"
        assert response.get_data(as_text=True) == '[{"b":1,"a":2}]'  # keys in the order built
