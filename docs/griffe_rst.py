"""Griffe extension for the documentation site: qfridge's docstrings use reST roles inside
numpydoc sections; this turns them into what the Markdown renderer understands.

* ``:math:`x``` → ``$x$`` and ``.. math::`` blocks → ``$$ ... $$`` (pymdownx.arithmatex,
  typeset by MathJax in the browser; the raw LaTeX is shown without it);
* ``:class:`~qfridge.x.Y```, ``:func:``, ``:meth:``, ``:attr:``, ``:data:``, ``:mod:``,
  ``:exc:`` → a cross-reference ``[Y][qfridge.x.Y]`` when the target is a documented
  object of qfridge (absolute, or relative to the object's class, module and package),
  else inline code (also when its module has no page in docs/api/, or it is private or
  undocumented: nothing to link to). A target spelled ``qfridge.…`` that names nothing is
  a **broken reference**: logged as a warning, so ``mkdocs build --strict`` fails on it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import griffe

logger = griffe.get_logger("griffe_rst")

ROLE = re.compile(r":(?:py:)?(class|func|meth|attr|data|mod|exc|obj):`(~?)([^`<]*?)"
                  r"(?:\s*<([^>`]+)>)?`")
MATH = re.compile(r":math:`([^`]*)`")
DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<rest>.*)$")


def _math_blocks(text: str) -> str:
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        m = DIRECTIVE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent = m["indent"]
        body = [m["rest"]] if m["rest"].strip() else []
        i += 1
        while i < len(lines) and (not lines[i].strip()
                                  or len(lines[i]) - len(lines[i].lstrip()) > len(indent)):
            body.append(lines[i].strip())
            i += 1
        while body and not body[-1]:
            body.pop()
        body = [b for b in body if b] if body else []
        out += [f"{indent}$$", *(f"{indent}{b}" for b in body), f"{indent}$$", ""]
    return "\n".join(out)


class RstToMarkdown(griffe.Extension):
    """Convert reST roles and math in every docstring of the loaded package."""

    def __init__(self) -> None:
        self.root = None
        self.lazy: dict[str, str] = {}
        api = Path(__file__).resolve().parent / "api"
        #: modules with a page in the API reference (``::: module`` lines)
        self.pages = set(re.findall(r"^::: ([\w.]+)", "\n".join(
            p.read_text(encoding="utf-8") for p in api.glob("*.md")), flags=re.M))

    def on_package(self, *, pkg, **kwargs) -> None:
        self.root = pkg
        lazy = pkg.members.get("_LAZY")   # qfridge's names imported on first use (PEP 562)
        if lazy is not None and not lazy.is_alias and lazy.value is not None:
            try:
                self.lazy = ast.literal_eval(str(lazy.value))
            except (ValueError, SyntaxError):
                self.lazy = {}
        for obj in _walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = self.convert(obj.docstring.value, obj)

    # -- resolution ---------------------------------------------------------------------
    def _lookup(self, path: str):
        if not path.startswith(self.root.path + ".") and path != self.root.path:
            return None
        obj = self.root
        for part in path.split(".")[1:]:
            try:
                obj = obj.members[part]
            except KeyError:
                return None
            if obj.is_alias:
                try:
                    obj = obj.final_target
                except Exception:  # noqa: BLE001 - an alias griffe cannot resolve
                    return None
        return obj

    def _resolve(self, target: str, obj):
        if target.startswith(self.root.path + "."):
            head, _, rest = target[len(self.root.path) + 1:].partition(".")
            if head in self.lazy and self.root.members.get(head) is None:
                target = f"{self.lazy[head]}.{head}" + (f".{rest}" if rest else "")
            return self._lookup(target)
        scope = obj
        while scope is not None:
            found = self._lookup(f"{scope.path}.{target}")
            if found is not None:
                return found
            scope = scope.parent
        return None

    def _documented(self, found) -> bool:
        if any(part.startswith("_") for part in found.path.split(".")[1:]):
            return False
        module = found if found.is_module else found.module
        if module.path not in self.pages:
            return False
        return found.is_module or found.docstring is not None

    def convert(self, text: str, obj) -> str:
        text = _math_blocks(text)
        text = MATH.sub(lambda m: f"${m[1].strip()}$", text)

        def role(m):
            kind, tilde, label, explicit = m[1], m[2], m[3].strip(), m[4]
            target = (explicit or label).strip().rstrip("()")
            shown = label if explicit else (target.rsplit(".", 1)[-1] if tilde else target)
            if kind in ("func", "meth") and not explicit:
                shown += "()"
            found = self._resolve(target, obj)
            if found is None:
                if target.startswith(self.root.path + "."):
                    logger.warning(f"{obj.relative_filepath}:{obj.lineno}: broken reference "
                                   f"{m[0]} in the docstring of {obj.path}")
                return f"`{shown}`"
            if not self._documented(found):
                return f"`{shown}`"
            return f"[`{shown}`][{found.path}]"

        return ROLE.sub(role, text)


def _walk(obj):
    yield obj
    for member in obj.members.values():
        if member.is_alias:
            continue
        yield from _walk(member)
