"""Lower layers never import higher ones (docs/architecture.md)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "qfridge"
LAYERS = {"core": 0, "engines": 1, "models": 2, "sweeps": 3, "reproduce": 4, "cli": 4}


def _layer(parts: list[str]) -> int | None:
    return LAYERS.get(parts[0].removesuffix(".py")) if parts else None


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("qfridge."):
                    yield alias.name.split(".")[1:]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                mod = base + (node.module.split(".") if node.module else [])
                names = [mod[1:] + [a.name] if not node.module else mod[1:] for a in node.names]
                yield from names
            elif node.module and node.module.startswith("qfridge."):
                yield node.module.split(".")[1:]


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_upward_imports(path):
    own = _layer(list(path.relative_to(PACKAGE).parts))
    if own is None:
        return
    for target in _imports(path):
        other = _layer(target)
        assert other is None or other <= own, (
            f"{path.relative_to(PACKAGE)} (layer {own}) imports qfridge.{'.'.join(target)} "
            f"(layer {other})")
