"""GradLab's own static files under a URL naming the content of the tree (issue 14 item 13): a reload
reads a page's modules from the browser's cache instead of revalidating each; an edit gives new URLs."""

import base64
import hashlib
import json
import re

from app.web import static_files
from app.web.static_files import IMMUTABLE, static_version


def test_a_lab_page_links_its_own_files_under_the_current_version(client):
    html = client.get("/labs/losses").text
    own = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(own) > 20  # styles, favicon, the early socket, every module
    prefix = f"/static/v/{static_version()}/"
    assert all(url.startswith(prefix) for url in own), [u for u in own if not u.startswith(prefix)]
    for url in own:
        response = client.get(url)
        assert response.status_code == 200 and response.headers["cache-control"] == IMMUTABLE
        assert response.content == client.get(url.replace(prefix, "/static/")).content


def test_plain_and_other_versions_urls_are_revalidated(client):
    plain = client.get("/static/js/socket.js")
    assert plain.status_code == 200 and plain.headers["cache-control"] == "no-cache"
    older = client.get("/static/v/0123456789abcdef/js/socket.js")  # it may have changed since
    assert older.content == plain.content and older.headers["cache-control"] == "no-cache"
    again = client.get(f"/static/v/{static_version()}/js/socket.js", headers={"if-none-match": plain.headers["etag"]})
    assert again.status_code == 304
    assert client.get(f"/static/v/{static_version()}/js/nothing.js").status_code == 404


def test_the_import_map_sends_plain_module_urls_to_the_version_and_the_csp_allows_exactly_it(client):
    response = client.get("/labs/optimizers")
    maps = re.findall(r'<script type="importmap">(.*?)</script>', response.text, re.S)
    assert len(maps) == 1
    prefix = f"/static/v/{static_version()}/"
    assert json.loads(maps[0]) == {"imports": {"/static/": prefix, prefix: prefix}}
    digest = base64.b64encode(hashlib.sha256(maps[0].encode()).digest()).decode()
    csp = response.headers["content-security-policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in csp and "unsafe-inline" not in csp


def test_an_edit_makes_a_new_version(tmp_path, monkeypatch):
    (tmp_path / "js").mkdir()
    module = tmp_path / "js" / "a.js"
    module.write_text("export const a = 1;\n")
    monkeypatch.setattr(static_files, "STATIC", tmp_path)
    monkeypatch.setattr(static_files, "_checked", {"at": -static_files.RECHECK_S, "signature": None})
    first = static_version()
    assert re.fullmatch(r"[0-9a-f]{16}", first) and static_version() == first
    module.write_text("export const a = 2;\n")
    static_files._checked["at"] = -static_files.RECHECK_S  # as after RECHECK_S
    second = static_version()
    assert second != first
    module.write_text("export const a = 1;\n")  # the same content again: the same version, whatever the time
    static_files._checked["at"] = -static_files.RECHECK_S
    assert static_version() == first
