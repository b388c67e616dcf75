"""CSV uploads at a classroom's scale (issue 13 item 6): a huge field is a 422, and the store is fair:
per client, bounded in bytes, kept in the app's state, so one student cannot evict another's file."""

import pytest
from fastapi import HTTPException

from app.labs.errors import FieldError
from app.settings import Settings
from app.web.routes.training_data import UploadStore


def csv_of(n: int, rows: int = 8) -> bytes:
    return b"x1,x2,label\n" + b"".join(b"%d,%d,%d\n" % (i, n, i % 2) for i in range(rows))


def test_a_field_beyond_the_csv_limit_is_a_422_naming_the_file(client):
    # python3 -c "print('x1,x2,label\n1,2,\"'+'a'*200000)" | curl --data-binary @- ... answered 500
    raw = b'x1,x2,label\n1,2,"' + b"a" * 200_000 + b"\n"
    response = client.post("/api/training/upload", content=raw, headers={"Content-Type": "text/csv"})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "file"] and "line 2" in detail["msg"] and "field larger" in detail["msg"]


def test_one_students_uploads_never_evict_a_classmates():
    store = UploadStore(Settings(max_uploads_per_client=4))
    mine = store.put("10.0.0.7", csv_of(0), "classification")
    theirs = [store.put("10.0.0.8", csv_of(n), "classification") for n in range(1, 20)]
    assert store.get(mine).raw == csv_of(0)  # sixteen uploads from anyone used to evict it
    for key in theirs[-4:]:
        store.get(key)
    with pytest.raises(FieldError) as gone:
        store.get(theirs[-5])  # the busy client's own oldest made room
    assert gone.value.field == "upload"


def test_the_store_is_bounded_in_bytes_and_refuses_rather_than_evicts():
    one = len(csv_of(0))
    store = UploadStore(Settings(max_upload_store_bytes=3 * one))
    keys = [store.put(f"10.0.0.{n}", csv_of(n), "classification") for n in range(3)]
    with pytest.raises(HTTPException) as full:
        store.put("10.0.0.9", csv_of(9), "classification")
    assert full.value.status_code == 503 and "Retry-After" in full.value.headers
    assert [store.get(k).raw for k in keys] == [csv_of(n) for n in range(3)]
    assert store.put("10.0.0.9", csv_of(1), "classification") == keys[1]  # the same bytes cost nothing more


def test_unused_uploads_expire_and_free_the_store():
    now = [0.0]
    one = len(csv_of(0))
    store = UploadStore(Settings(max_upload_store_bytes=one, upload_ttl_s=60), clock=lambda: now[0])
    old = store.put("10.0.0.1", csv_of(0), "classification")
    now[0] = 30.0
    store.get(old)  # a run used it: kept
    now[0] = 80.0
    with pytest.raises(HTTPException):
        store.put("10.0.0.2", csv_of(1), "classification")
    now[0] = 91.0
    store.put("10.0.0.2", csv_of(1), "classification")
    with pytest.raises(FieldError):
        store.get(old)


def test_the_store_belongs_to_the_app(client):
    from app.web.routes import training_data

    assert not hasattr(training_data, "UPLOADS")
    key = client.post("/api/training/upload", content=csv_of(3), headers={"Content-Type": "text/csv"}).json()["upload"]
    assert client.app.state.uploads.get(key).raw == csv_of(3)
