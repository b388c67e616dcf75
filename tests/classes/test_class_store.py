"""The class registry without a server: codes, tokens, names, limits, expiry, failed joins, experiments."""

import re

import pytest

from app.classes.codes import ALPHABET, normalise, same_secret
from app.classes.experiment import RunResult, config_value, metric_value, points
from app.classes.names import clean_name
from app.classes.ratelimit import FailedJoins
from app.classes.store import ClassFull, MemoryClassStore, TooManyClasses


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_codes_are_six_unambiguous_characters_matched_in_any_case():
    store = MemoryClassStore(50, 100, 60)
    codes = {store.create().code for _ in range(50)}
    assert len(codes) == 50
    assert all(re.fullmatch(f"[{ALPHABET}]{{6}}", c) for c in codes)
    assert not set("01IO") & set(ALPHABET) and len(ALPHABET) == 32
    code = next(iter(codes))
    assert store.get(code.lower()) is store.get(code) is store.get(f" {code} ")
    assert normalise("K7Q2X0") is None and normalise("K7Q2X") is None


def test_tokens_are_secrets_of_at_least_128_bits_compared_whole():
    store = MemoryClassStore(2, 100, 60)
    record = store.create()
    token = record.teacher_token
    assert len(token) * 6 >= 128  # url-safe base64: 6 bits a character
    assert same_secret(token, token) and not same_secret(token[:-1], token) and not same_secret(None, token)
    assert store.role(record.code, token) == ("teacher", None)
    student = store.add_student(record.code, "Mei")
    assert store.role(record.code, student.token) == ("student", student)
    assert store.role(record.code, "x" * 32) is None and store.role(record.code, None) is None
    assert student.token != token and len(student.token) * 6 >= 128


def test_names_are_cleaned_text_and_default_to_distinct_aliases():
    store = MemoryClassStore(2, 100, 60)
    code = store.create().code
    hostile = store.add_student(code, "<img src=x onerror=alert(1)>")
    assert hostile.name == "<img src=x onerror=alert(1)>"  # kept as text: the pages never parse it as HTML
    assert clean_name("  Mei\u0000\u202e  Li\n") == "Mei Li"
    anonymous = [store.add_student(code, None) for _ in range(30)]
    assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+( \d+)?", s.name) and s.name == s.alias for s in anonymous)
    assert len({s.alias for s in anonymous}) == 30
    assert store.add_student(code, "   ").name  # nothing but spaces: the alias


def test_limits_refuse_the_class_too_many_and_the_student_too_many():
    store = MemoryClassStore(2, 3, 60)
    code = store.create().code
    store.create()
    with pytest.raises(TooManyClasses):
        store.create()
    for _ in range(3):
        store.add_student(code, None)
    with pytest.raises(ClassFull):
        store.add_student(code, "late")


def test_a_class_ends_after_idle_seconds_without_a_teacher_socket():
    clock = Clock()
    store = MemoryClassStore(5, 100, idle_s=60, clock=clock)
    code = store.create().code
    store.teacher_arrived(code)
    clock.now += 600  # a teacher is connected: it never idles
    assert store.get(code) is not None and store.expired() == []
    store.teacher_left(code)
    clock.now += 59
    assert store.get(code) is not None
    clock.now += 1
    assert store.expired() == [code] and store.get(code) is None
    never_opened = store.create().code
    clock.now += 60  # made but never opened: idle from its creation
    assert store.get(never_opened) is None


def test_failed_joins_over_the_limit_in_a_minute_are_refused_then_forgiven():
    clock = Clock()
    joins = FailedJoins(20, clock=clock)
    for _ in range(20):
        assert not joins.blocked("10.0.0.7")
        joins.failed("10.0.0.7")
    assert joins.blocked("10.0.0.7") and not joins.blocked("10.0.0.8")
    clock.now += 61
    assert not joins.blocked("10.0.0.7")


def result(config, losses, status="running", step=100, frame=None, lab="training", stride=20):
    return RunResult(lab, config, status, step, losses, frame, stride)


def test_experiment_metrics_read_the_run():
    acc = {"runs": [{"curves": {"test_acc": [0.5, 0.75]}}]}
    r = result({"lr": 0.1, "methods": [{"method": "xavier_normal"}]}, [2.0, 1.0, 0.5, 0.25, 0.2], frame=acc)
    assert config_value(r.config, "lr") == 0.1 and config_value(r.config, "methods[0].method") == "xavier_normal"
    assert config_value(r.config, "missing.x") is None and config_value(r.config, "methods") is None
    assert metric_value(r, "current_loss") == 0.2
    assert metric_value(r, "final_loss") is None  # still running
    assert metric_value(result({}, [1.0, 0.3], status="finished"), "final_loss") == 0.3
    assert metric_value(r, "test_accuracy") == 0.75
    assert metric_value(r, "steps_to_target", 0.5) == 60  # the 3rd point: the loss after step 3 x 20
    assert metric_value(r, "steps_to_target", 0.01) is None
    assert metric_value(result({}, [1.0, float("nan")]), "current_loss") is None


def test_experiment_points_are_anonymous_sorted_and_of_one_lab():
    runs = [result({"lr": 0.3}, [0.9]), result({"lr": 0.01}, [0.4]), result({"lr": 0.1}, [0.2]),
            result({"lr": 0.1}, [0.3], lab="descent"), result({}, [0.1])]
    assert points(runs, "training", "lr", "current_loss") == [
        {"x": 0.01, "y": 0.4, "status": "running"}, {"x": 0.1, "y": 0.2, "status": "running"},
        {"x": 0.3, "y": 0.9, "status": "running"}]
