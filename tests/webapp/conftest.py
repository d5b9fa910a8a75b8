from __future__ import annotations

import pytest

from ..helpers import enrolment_body


class ApiClient:
    """A test client that logs in through POST /api/v1/auth/token and sends the bearer token."""

    def __init__(self, client, login_id: str | None):
        self.client = client
        self.headers = {}
        if login_id:
            r = client.post("/api/v1/auth/token", json={"login_id": login_id, "password": "Mamis#2024"})
            assert r.status_code == 200, r.get_json()
            self.headers = {"Authorization": f"Bearer {r.get_json()['token']}"}

    def get(self, url, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self.headers, **kw)


@pytest.fixture
def api(app, session):
    client = app.test_client()
    return lambda login_id=None: ApiClient(client, login_id)


@pytest.fixture
def enrolled(api, session):
    """A fresh member who has filed a four-layer enrolment through the API: (client, application)."""
    from ..conftest import new_member

    member = new_member(session)
    client = api(member.login_id)
    r = client.post("/api/v1/applications", json=enrolment_body())
    assert r.status_code == 201, r.get_json()
    return client, r.get_json()
