"""Built-in data sets, the IDX reader and the CSV upload parser."""

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from app.labs.common.datasets import GENERATORS
from app.labs.errors import FieldError
from app.labs.training import load_fashion_mnist, make_dataset, parse_csv, read_idx


@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "spiral", "moons"])
def test_2d_sets_are_seeded_balanced_and_split(name: str) -> None:
    data = make_dataset(name, samples=200, noise=0.0, test_fraction=0.25, seed=3)
    assert data.task == "classification" and data.classes == ("0", "1") and data.input_dim == 2
    assert len(data.x_train) == 150 and len(data.x_test) == 50
    both = torch.cat([data.y_train, data.y_test])
    if name != "xor":  # xor labels follow the quadrant of a uniform point
        assert int(both.sum()) == 100  # half of each class
    assert float(torch.cat([data.x_train, data.x_test]).abs().max()) < 2.0  # scaled near [-1, 1]
    again = make_dataset(name, samples=200, noise=0.0, test_fraction=0.25, seed=3)
    assert torch.equal(data.x_train, again.x_train)
    other = make_dataset(name, samples=200, noise=0.0, test_fraction=0.25, seed=4)
    assert not torch.equal(data.x_train, other.x_train)


def test_without_noise_playground_labels_follow_the_rule() -> None:
    x, y = GENERATORS["circle"](100, 0.0, np.random.RandomState(0))
    np.testing.assert_array_equal(y, (np.linalg.norm(x * 5, axis=1) < 2.5).astype(np.int64))
    x, y = GENERATORS["xor"](100, 0.0, np.random.RandomState(0))
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(np.int64))
    _, noisy = GENERATORS["xor"](400, 0.5, np.random.RandomState(0))
    x, _ = GENERATORS["xor"](400, 0.0, np.random.RandomState(0))
    assert (noisy != (x[:, 0] * x[:, 1] >= 0)).any()  # noise flips labels near the axes


def test_digits_are_scikit_learns_8x8_images() -> None:
    data = make_dataset("digits", test_fraction=0.2)
    assert data.input_dim == 64 and data.image_shape == (8, 8) and len(data.classes) == 10
    assert len(data.x_train) + len(data.x_test) == 1797
    assert 0.0 <= float(data.x_train.min()) and float(data.x_train.max()) <= 1.0


def test_curve_is_regression() -> None:
    data = make_dataset("curve", samples=50, noise=0.0)
    assert data.task == "regression" and data.outputs == 1 and data.y_train.shape == (25, 1)
    torch.testing.assert_close(data.y_train, torch.sin(torch.pi * data.x_train), atol=1e-6, rtol=0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"name": "mnist"}, "dataset"), ({"name": "moons", "noise": 2.0}, "noise"),
     ({"name": "moons", "test_fraction": 1.0}, "test_fraction"), ({"name": "moons", "samples": 2}, "samples")],
)  # fmt: skip
def test_bad_dataset_values_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(FieldError) as err:
        make_dataset(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def test_idx_reads_what_was_written_plain_and_gzipped() -> None:
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(read_idx(idx_bytes(images)), images)
    np.testing.assert_array_equal(read_idx(gzip.compress(idx_bytes(images))), images)
    ints = np.array([-5, 70000, 3], dtype=np.int32)
    np.testing.assert_array_equal(read_idx(idx_bytes(ints, 0x0C)), ints)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "bad magic"),
        (b"\x08\x03\x00\x00" + bytes(20), "bad magic"),
        (b"\x00\x00\x07\x01" + bytes(20), "bad magic"),  # unknown type code
        (b"\x00\x00\x08\x03\x00\x00", "truncated IDX header"),
        (idx_bytes(np.zeros((2, 3, 4), np.uint8))[:-1], "truncated"),
        (idx_bytes(np.zeros((2, 3, 4), np.uint8)) + b"\x00", "longer than its header says"),
        (b"\x1f\x8b" + bytes(10), "not a readable gzip file"),
    ],
)
def test_idx_rejects_bad_files_clearly(raw: bytes, message: str) -> None:
    with pytest.raises(FieldError) as err:
        read_idx(raw, "train-images-idx3-ubyte", field="dataset")
    assert err.value.field == "dataset"
    assert message in err.value.message and "train-images-idx3-ubyte" in err.value.message


def test_fashion_mnist_loads_a_folder_of_idx_files(tmp_path: Path) -> None:
    rng = np.random.RandomState(0)
    for part, n in (("train", 6), ("t10k", 4)):
        (tmp_path / f"{part}-images-idx3-ubyte.gz").write_bytes(
            gzip.compress(idx_bytes(rng.randint(0, 256, (n, 28, 28)).astype(np.uint8)))
        )
        (tmp_path / f"{part}-labels-idx1-ubyte").write_bytes(idx_bytes(np.arange(n, dtype=np.uint8)))
    data = load_fashion_mnist(tmp_path, limit=5)
    assert data.x_train.shape == (5, 784) and data.x_test.shape == (4, 784) and data.image_shape == (28, 28)
    assert data.classes[9] == "Ankle boot" and data.y_train.tolist() == [0, 1, 2, 3, 4]
    assert 0.0 <= float(data.x_train.min()) and float(data.x_train.max()) <= 1.0
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.arange(4, dtype=np.uint8))[:-2])
    with pytest.raises(FieldError, match="t10k-labels-idx1-ubyte: truncated"):
        load_fashion_mnist(tmp_path)
    with pytest.raises(FieldError, match="does not exist"):
        load_fashion_mnist(tmp_path / "missing")
    (tmp_path / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(FieldError, match=r"train-images-idx3-ubyte \(or train-images-idx3-ubyte.gz\) not found"):
        load_fashion_mnist(tmp_path)


def points_csv(rows: int = 20, header: str = "x1,x2,label\n", labels: tuple[str, ...] = ("cat", "dog")) -> bytes:
    lines = [f"{i * 10},{-i},{labels[i % len(labels)]}" for i in range(rows)]
    return (header + "\n".join(lines) + "\n").encode()


def test_csv_classification_with_header_and_text_labels() -> None:
    data = parse_csv(points_csv(), test_fraction=0.25)
    assert data.task == "classification" and data.classes == ("cat", "dog")
    assert len(data.x_train) == 15 and len(data.x_test) == 5
    torch.testing.assert_close(data.x_train.mean(dim=0), torch.zeros(2), atol=1e-5, rtol=0)  # standardised
    assert data.x_shift is not None and data.x_scale is not None
    shown = data.x_train * torch.tensor(data.x_scale) + torch.tensor(data.x_shift)
    assert shown[:, 0].max() <= 190 + 1e-3 and torch.allclose(shown[:, 1], -shown[:, 0] / 10, atol=1e-3)


def test_csv_numeric_labels_sort_numerically_and_semicolons_work() -> None:
    raw = points_csv(header="", labels=("10", "2", "1")).replace(b",", b";")
    assert parse_csv(raw).classes == ("1", "2", "10")


def test_csv_regression_two_columns() -> None:
    raw = "\n".join(f"{i / 10},{3 * i}" for i in range(30)).encode()
    data = parse_csv(raw, test_fraction=0.2, seed=1)
    assert data.task == "regression" and data.y_train.shape == (24, 1) and data.y_scale > 1.0


@pytest.mark.parametrize(
    ("raw", "kwargs", "message"),
    [
        (b"", {}, "empty"),
        (points_csv(), {"max_bytes": 50}, "limit is 50"),
        (b"\xff\xfe" + points_csv(), {}, "not UTF-8"),
        (b"1,2,3,4\n" * 10, {}, "expected 3 columns"),
        (points_csv(rows=3), {}, "at least 6"),
        (points_csv(rows=30), {"max_rows": 20}, "limit is 20"),
        (points_csv() + b"1,2\n", {}, "row 22 has 2 columns"),
        (points_csv().replace(b"30,-3,dog", b"30,abc,dog"), {}, "row 5, column 'x2': 'abc' is not a number"),
        (points_csv().replace(b"30,-3,dog", b"inf,-3,dog"), {}, "not a finite number"),
        (points_csv(labels=("a",)), {}, "1 classes"),
        (points_csv(labels=tuple("abcdefghijk")), {}, "11 classes"),
        (points_csv(), {"task": "regression"}, "row 2 has 3 columns"),
    ],
)
def test_csv_rejects_bad_files_naming_field_and_place(raw: bytes, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(FieldError) as err:
        parse_csv(raw, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == "file"
    assert message in err.value.message


def test_csv_unknown_task_names_task() -> None:
    with pytest.raises(FieldError) as err:
        parse_csv(points_csv(), task="clustering")
    assert err.value.field == "task"
