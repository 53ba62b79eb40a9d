"""Shared fixtures: scenarios written to temporary files."""

from pathlib import Path
from typing import Callable

import pytest

from sim.model import scenario


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write TOML text to tmp_path/<name>.toml and return the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def baseline() -> scenario.Scenario:
    return scenario.load("baseline")
