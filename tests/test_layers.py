"""The package's folders are its layers: a module imports only from its own layer or the ones below it."""

import ast
from pathlib import Path

import pytest

import sim

LAYERS = ("core", "data", "model", "store", "experiments", "outputs", "interfaces")
PACKAGE = Path(sim.__file__).parent


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE and p.parent.name in LAYERS)


def _imported_layers(path: Path) -> set[str]:
    """The layers a module imports from, including imports inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.split(".")[1] for name in names if name.startswith("sim.") and name.split(".")[1] in LAYERS}


def test_every_module_sits_in_a_layer() -> None:
    stray = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert stray == [], f"modules outside the layer folders: {stray}"
    assert {p.parent.name for p in _modules()} == set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_imports_only_own_or_lower_layers(path: Path) -> None:
    rank = LAYERS.index(path.parent.name)
    above = sorted(layer for layer in _imported_layers(path) if LAYERS.index(layer) > rank)
    assert above == [], f"{path.parent.name}/{path.name} imports from higher layers: {above}"


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    """The checker itself flags an upward import, so the test above can fail."""
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from sim.interfaces.cli import main\n    from sim.core import months\n")
    assert _imported_layers(module) == {"interfaces", "core"}
