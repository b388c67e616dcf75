"""The README tells a teacher what the code expects (issue 14 items 11 and 12): the Fashion-MNIST
variable and the exact files its folder must hold, and the PyTorch CPU build the scripts install."""

import re
from pathlib import Path

from app.labs.training.idx import FILES
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_the_readme_names_the_fashion_mnist_setting_and_every_file_it_reads():
    assert "fashion_mnist_dir" in Settings.model_fields
    assert "GRADLAB_FASHION_MNIST_DIR=" in README
    for stem in FILES.values():
        assert f"`{stem}`" in README, stem


def test_the_readme_the_scripts_and_the_docker_image_take_the_same_cpu_build_of_torch():
    pin = re.search(r'"(torch==[^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)  # type: ignore[union-attr]
    index = "https://download.pytorch.org/whl/cpu"
    assert f"pip install --index-url {index} {pin}" in README
    assert f"TORCH_INDEX_URL-{index}" in (ROOT / "scripts" / "python_env.sh").read_text()
    assert f"--index-url {index} {pin}" in (ROOT / "Dockerfile").read_text()
    assert "PYTHON=/path/to/python3.11" in README
