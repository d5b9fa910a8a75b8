"""Associations, facilities, process definitions, OpenAPI."""

from __future__ import annotations

from ..conftest import ROOT


def test_associations_with_categories_and_filters(api):
    client = api("sapporohanako")
    rows = client.get("/api/v1/associations?layer=4&parent=sapporo").get_json()
    assert {a["code"] for a in rows} == {"chuoeast", "chuowest", "kitaku"}
    east = next(a for a in rows if a["code"] == "chuoeast")
    assert east["parent"] == "sapporo" and east["layer"] == 4
    assert [c["code"] for c in east["categories"]] == ["A-1", "A-2", "B-1", "B-2"]
    assert "管理者" in east["categories"][0]["criteria"]
    assert client.get("/api/v1/associations?layer=9").status_code == 422


def test_facilities_partial_match_on_name_kana_or_address(api):
    client = api("sapporohanako")
    assert [f["name"] for f in client.get("/api/v1/facilities?q=上野").get_json()] == ["上野クリニック 札幌医院"]
    by_address = {f["name"] for f in client.get("/api/v1/facilities?q=小樽市").get_json()}
    assert by_address == {"医療法人社団 青柳皮膚科医院"}
    assert client.get("/api/v1/facilities?q=札幌 北四条").get_json()[0]["postal_code"] == "060-0004"
    # typed in another width, or without the name's space: the same facility
    for q in ("ｳｴﾉ", "うえの", "北四条西２", "上野クリニック札幌", "上野クリニック　札幌医院", "キタコート",
              "クリニック 札幌医院"):
        r = client.get(f"/api/v1/facilities?q={q}")
        assert [f["name"] for f in r.get_json()] == ["上野クリニック 札幌医院"], q
        assert r.headers["X-Total-Count"] == "1"
    # a long vowel mark, as typed and stored (it is not a dash to be folded)
    assert any("ABC" in f["name"] for f in client.get("/api/v1/facilities?q=abc").get_json())  # any case, both DBs
    for q in ("ファミリー", "ふぁみりー", "西4−1", "西4ー1", "西4‐1"):  # dashes an IME writes in 4-1
        assert "札幌北区ファミリークリニック" in {f["name"] for f in client.get(f"/api/v1/facilities?q={q}").get_json()}


def test_facilities_say_how_many_match_beyond_the_first_page(api, session):
    from membership import associations
    from membership.models import Facility

    for n in range(associations.FACILITY_LIMIT + 3):
        session.add(Facility(name=f"件数確認医院{n:03d}", kana=f"ケンスウカクニンイイン{n:03d}", address="北海道"))
    session.flush()
    r = api("sapporohanako").get("/api/v1/facilities?q=件数確認医院")
    assert len(r.get_json()) == associations.FACILITY_LIMIT
    assert r.headers["X-Total-Count"] == str(associations.FACILITY_LIMIT + 3)


def test_process_definitions_list_and_versions(api):
    client = api("designer01")
    keys = {d["key"] for d in client.get("/api/v1/process-definitions").get_json()}
    assert {"enrolment", "layer_review"} <= keys
    xml = client.get("/api/v1/process-definitions/layer_review/versions/latest")
    assert xml.status_code == 200 and xml.mimetype == "application/xml" and b"layer_review" in xml.data
    assert client.get("/api/v1/process-definitions/layer_review/versions/999").status_code == 404
    assert api("staff@sapporo").get("/api/v1/process-definitions/layer_review/versions/latest").status_code == 200
    member = api("sapporohanako")  # a process is the offices' business, not the members'
    assert member.get("/api/v1/process-definitions").status_code == 403
    assert member.get("/api/v1/process-definitions/layer_review/versions/latest").status_code == 403


def test_designers_deploy_new_versions_and_bad_bpmn_is_422(api):
    xml = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")
    designer = api("designer01")
    before = max(d["version"] for d in designer.get("/api/v1/process-definitions").get_json()
                 if d["key"] == "layer_review")
    r = designer.post("/api/v1/process-definitions/layer_review/versions?note=" + "x" * 501,
                      data=xml.replace("事務局の審査", "事務局審査"), content_type="application/xml")
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"note"}
    r = designer.post("/api/v1/process-definitions/layer_review/versions?note=rename the review",
                      data=xml.replace("事務局の審査", "事務局審査"), content_type="application/xml")
    assert r.status_code == 201 and r.get_json()["key"] == "layer_review"
    assert r.get_json()["version"] == before + 1 and r.get_json()["note"] == "rename the review"
    assert r.headers["Location"] == f"/api/v1/process-definitions/layer_review/versions/{before + 1}"
    listed = [d for d in designer.get("/api/v1/process-definitions").get_json() if d["key"] == "layer_review"]
    assert [d["version"] for d in listed] == [before + 1]  # the latest of each, as documented
    again = designer.post("/api/v1/process-definitions/layer_review/versions",
                          data=xml.replace("事務局の審査", "事務局審査"), content_type="application/xml")
    assert again.status_code == 200 and again.get_json()["version"] == before + 1  # nothing new deployed
    crlf = designer.post("/api/v1/process-definitions/layer_review/versions",
                         data=xml.replace("事務局の審査", "事務局審査").replace("\n", "\r\n"),
                         content_type="application/xml")
    assert crlf.status_code == 200 and crlf.get_json()["version"] == before + 1  # line endings do not count
    laid_out = xml.replace("事務局の審査", "事務局審査").replace(">\n", ">\n\n  ").replace('" ', '"  ')
    relaid = designer.post("/api/v1/process-definitions/layer_review/versions", data=laid_out,
                           content_type="application/xml")
    assert relaid.status_code == 200 and relaid.get_json()["version"] == before + 1  # nor indentation
    dmn = designer.get("/api/v1/process-definitions/certification_requirements/versions/latest").get_data(as_text=True)
    over = designer.post("/api/v1/process-definitions/certification_requirements/versions",
                         data=xml.replace('id="layer_review"', 'id="certification_requirements"'),
                         content_type="application/xml")  # a process under a decision table's key
    assert over.status_code == 422 and "DMN" in over.get_json()["error"]["fields"]["bpmn"]
    assert designer.get("/api/v1/process-definitions/certification_requirements/versions/latest").get_data(
        as_text=True) == dmn
    listed = designer.get("/api/v1/process-definitions/layer_review/versions").get_json()
    assert listed[0]["version"] == before + 1 and listed[0]["note"] == "rename the review"
    latest = designer.get("/api/v1/process-definitions/layer_review/versions/latest")
    assert "事務局審査" in latest.get_data(as_text=True)
    bad = designer.post("/api/v1/process-definitions/layer_review/versions",
                        data=xml.replace('id="application.open_part"', 'id="shell.run"'),
                        content_type="application/xml")
    assert bad.status_code == 422 and "shell.run" in bad.get_json()["error"]["fields"]["bpmn"]
    unreadable = designer.post("/api/v1/process-definitions/layer_review/versions", content_type="application/xml",
                               data=xml.replace("事務局の審査", "窓口の審査").encode("cp932"))
    assert unreadable.status_code == 422 and unreadable.get_json()["error"]["problems"][0]["code"] == "encoding"
    sjis = xml.replace('encoding="UTF-8"', 'encoding="Shift_JIS"').replace("事務局の審査", "窓口の審査")
    r = designer.post("/api/v1/process-definitions/layer_review/versions", data=sjis.encode("cp932"),
                      content_type="application/xml")
    assert r.status_code == 201 and r.get_json()["version"] == before + 2
    latest = designer.get("/api/v1/process-definitions/layer_review/versions/latest").get_data(as_text=True)
    assert "窓口の審査" in latest and 'encoding="UTF-8"' in latest
    # If-Match: the version an edit was made on (the ETag of what was read): another deploy since is a 409
    read = designer.get("/api/v1/process-definitions/layer_review/versions/latest")
    base = int(read.headers["ETag"].strip('"'))
    edited = read.get_data(as_text=True).replace("窓口の審査", "受付の審査")
    mine = designer.post("/api/v1/process-definitions/layer_review/versions", data=edited,
                         content_type="application/xml", headers={"If-Match": f'"{base}"'})
    assert mine.status_code == 201 and mine.get_json()["version"] == base + 1
    stale = designer.post("/api/v1/process-definitions/layer_review/versions", data=edited.replace("受付", "別の"),
                          content_type="application/xml", headers={"If-Match": f'"{base}"'})
    assert stale.status_code == 409 and "受付の審査" not in stale.get_json()["error"]["message"]
    assert f"{base + 1}版" in stale.get_json()["error"]["message"]  # names the version deployed meanwhile
    assert designer.get("/api/v1/process-definitions/layer_review/versions/latest").headers["ETag"] == f'"{base + 1}"'
    member = api("sapporohanako")
    assert member.post("/api/v1/process-definitions/layer_review/versions", data=xml,
                       content_type="application/xml").status_code == 403


def test_openapi_document_is_generated_from_the_code(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["info"]["title"] == "MAMIS API"
    for path in ("/api/v1/auth/token", "/api/v1/applications", "/api/v1/tasks/{task_id}/complete",
                 "/api/v1/members/me", "/api/v1/process-definitions"):
        assert path in spec["paths"], path
    assert "ApplicationCreate" in spec["components"]["schemas"]
    # API.md's value lists, as the document states them
    schemas = spec["components"]["schemas"]
    part = schemas["Part"]["properties"]
    assert part["action"]["enum"] == ["join", "leave", "certify"]
    assert part["status"]["enum"] == ["pending", "in_review", "approved", "rejected", "cancelled"]
    assert schemas["Application"]["properties"]["status"]["enum"] == [
        "draft", "submitted", "in_review", "returned", "approved", "rejected", "cancelled", "completed"]
    assert "fields" in schemas["ErrorDetail"]["required"]


def test_production_needs_a_secret_and_sets_secure_cookies(monkeypatch):
    import pytest

    from webapp import create_app

    monkeypatch.delenv("MAMIS_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app({"ENV_NAME": "production", "BASE_URL": "https://mamis.example.jp"})
    monkeypatch.delenv("MAMIS_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="MAMIS_BASE_URL"):  # mailed links would point at 127.0.0.1
        create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 32})
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 32, "BASE_URL": "https://mamis.example.jp"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert create_app({"SECRET_KEY": "x"}).config["SESSION_COOKIE_SECURE"] is False


def test_production_serves_only_its_own_host_so_mailed_links_cannot_be_pointed_elsewhere(tmp_path):
    """A password-reset link is built from the request's host: a forged Host header must not be
    served (it would put an attacker's host in the mail)."""
    from webapp import create_app

    # no beat thread: it would tick on an empty database after the test ("no such table")
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 32, "BASE_URL": "https://mamis.example.jp",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "EMBEDDED_BEAT": False})
    assert app.config["TRUSTED_HOSTS"] == ["mamis.example.jp"]
    client = app.test_client()
    assert client.get("/about/joint-use", headers={"Host": "evil.example"}).status_code == 400
    served = client.get("/about/joint-use", headers={"Host": "mamis.example.jp"})
    assert served.status_code == 200 and served.headers["Strict-Transport-Security"] == "max-age=31536000"
    listed = create_app({"ENV_NAME": "production", "SECRET_KEY": "s" * 32, "TRUSTED_HOSTS": "a.example, b.example",
                         "BASE_URL": "https://a.example",
                         "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "EMBEDDED_BEAT": False})
    assert listed.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]
    assert create_app({"SECRET_KEY": "x"}).config.get("TRUSTED_HOSTS") is None  # development: any host


def test_security_headers(app):
    r = app.test_client().get("/login")
    assert "Strict-Transport-Security" not in r.headers  # plain HTTP in development
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff"
