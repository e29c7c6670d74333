"""House rules checked by reading the source: the chain of feature packages, Flask-free features, low modules.

Every import form is resolved to the module it names: `import a.b`, `from a import b` (b a module or a name),
`from a.b import c`, relative imports, and imports inside functions or `if TYPE_CHECKING:` blocks. A failure
names the importing file, the line and the target.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
# Feature packages in the order of the chain (docs/architecture.md); a package imports only from those before it.
# Packages still to come are listed too: an absent one is simply skipped.
CHAIN = [
    "audit", "accounts", "catalog", "people", "demand", "training", "assessment", "competitions",
    "certification", "verification", "placement", "labour", "studios", "reporting",
]
# Low modules: every feature may use them; they import no feature and no edge.
LOW_MODULES = [
    "app.idnumbers", "app.filestore", "app.spreadsheets", "app.errors", "app.database", "app.translation",
    "app.pii", "app.regions", "app.sms",
]
# The edges and the wiring: features call none of them. `app` itself is `create_app`.
EDGES = ["app.web", "app.api", "app.cli", "app.tasks", "app.demo", "app.worker", "app.wsgi", "app.extensions"]
FLASK_PACKAGES = {"flask", "flask_login", "flask_wtf", "flask_babel", "flask_limiter", "flask_migrate",
                  "flask_sqlalchemy", "werkzeug", "wtforms"}

# Known exceptions, each with the reason; an entry that no longer matches an import fails the test, so the list
# can only shrink. (file relative to the repository, target module)
ALLOWED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    """One resolved import: the importing file, its line and the module it names."""

    path: Path
    line: int
    target: str

    @property
    def file(self) -> str:
        return self.path.relative_to(ROOT).as_posix() if self.path.is_relative_to(ROOT) else str(self.path)

    def __str__(self) -> str:
        return f"{self.file}:{self.line} imports {self.target}"


def module_name(path: Path, root: Path = ROOT) -> str:
    """The dotted module name of a source file (a package's __init__.py is the package)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str, root: Path = ROOT) -> bool:
    """Whether a dotted name is a module or package of this repository."""
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path, root: Path = ROOT) -> list[Import]:
    """Every module the file imports, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = module_name(path, root)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(Import(path, node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                # `from app import web` and `from app.cli import demo` name modules; `from a.b import c` a name.
                candidate = f"{base}.{alias.name}"
                target = candidate if alias.name != "*" and is_module(candidate, root) else base
                found.append(Import(path, node.lineno, target))
    return found


def within(target: str, modules: list[str] | str) -> bool:
    """Whether the target is one of the modules (or packages) or inside one."""
    names = [modules] if isinstance(modules, str) else modules
    return any(target == name or target.startswith(name + ".") for name in names)


def files_of(module: str) -> list[Path]:
    """The source files of a module or package (none when it does not exist yet)."""
    base = ROOT.joinpath(*module.split("."))
    if base.is_dir():
        return sorted(base.rglob("*.py"))
    return [base.with_suffix(".py")] if base.with_suffix(".py").is_file() else []


def feature_imports() -> list[tuple[str, Import]]:
    return [(package, imp) for package in CHAIN for path in files_of(f"app.{package}") for imp in imports_of(path)]


def without_allowed(offenders: list[Import]) -> list[str]:
    return sorted({str(imp) for imp in offenders if (imp.file, imp.target) not in ALLOWED})


def test_there_are_feature_and_low_files_to_check():
    present = [package for package in CHAIN if files_of(f"app.{package}")]
    assert len(present) >= 10
    assert all(files_of(module) for module in LOW_MODULES)
    assert files_of("app.demo")


def test_feature_packages_never_import_flask():
    offenders = [imp for _, imp in feature_imports() if imp.target.split(".")[0] in FLASK_PACKAGES]
    assert without_allowed(offenders) == []


def test_feature_packages_never_import_an_edge():
    offenders = [imp for _, imp in feature_imports() if imp.target == "app" or within(imp.target, EDGES)]
    assert without_allowed(offenders) == []


def test_feature_packages_import_only_earlier_stages():
    offenders = []
    for package, imp in feature_imports():
        allowed = CHAIN[: CHAIN.index(package) + 1]
        later = [f"app.{p}" for p in CHAIN if p not in allowed]
        if within(imp.target, later):
            offenders.append(imp)
    assert without_allowed(offenders) == []


def test_low_modules_import_no_feature_and_no_edge():
    upward = [f"app.{p}" for p in CHAIN] + EDGES + ["app.ops", "app.models"]
    offenders = [
        imp
        for module in LOW_MODULES
        for path in files_of(module)
        for imp in imports_of(path)
        if imp.target == "app" or within(imp.target, upward)
    ]
    assert without_allowed(offenders) == []


def test_demo_data_uses_the_services_but_no_edge():
    # The demo loader is called by the CLI and by tests; it goes through the same services as everyone else
    # (it may read the app's configuration, so Flask itself is not refused here).
    edges = [edge for edge in EDGES if edge != "app.demo"]
    offenders = [
        imp
        for path in files_of("app.demo")
        for imp in imports_of(path)
        if imp.target == "app" or within(imp.target, edges)
    ]
    assert without_allowed(offenders) == []


def test_every_allow_list_entry_still_matches_an_import():
    every = {(imp.file, imp.target) for path in APP.rglob("*.py") for imp in imports_of(path)}
    assert ALLOWED <= every


def test_no_utils_grab_bags():
    assert not [p for p in APP.rglob("utils.py")]
    assert not [p for p in APP.rglob("helpers.py")]


# --- the checker itself -------------------------------------------------------------------------------------


@pytest.fixture
def fake_repo(tmp_path):
    for module in ("app/__init__.py", "app/web/__init__.py", "app/cli.py", "app/tasks.py",
                   "app/demo/__init__.py", "app/placement/__init__.py", "app/placement/models.py",
                   "app/training/__init__.py", "app/training/models.py"):
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text("")
    return tmp_path


def test_the_checker_resolves_every_import_form(fake_repo):
    source = fake_repo / "app/training/services.py"
    source.write_text(
        "import app.tasks\n"
        "from app import web\n"
        "from app.cli import demo_command\n"
        "from app.placement.models import Placement\n"
        "from ..placement import models\n"
        "from . import models as own\n"
        "from .models import TrainingClass\n"
        "import flask\n"
        "\n"
        "def later():\n"
        "    from app.demo import load_demo\n"
        "    from app import create_app\n"
    )
    found = [(imp.line, imp.target) for imp in imports_of(source, fake_repo)]
    assert found == [
        (1, "app.tasks"),
        (2, "app.web"),
        (3, "app.cli"),
        (4, "app.placement.models"),
        (5, "app.placement.models"),
        (6, "app.training.models"),
        (7, "app.training.models"),
        (8, "flask"),
        (11, "app.demo"),
        (12, "app"),
    ]


def test_the_checker_reports_file_line_and_target(fake_repo):
    source = fake_repo / "app/training/services.py"
    source.write_text("\n\nfrom app import web\n")
    (imp,) = imports_of(source, fake_repo)
    assert str(imp).endswith("app/training/services.py:3 imports app.web")
    assert within(imp.target, EDGES) and not within("app.webhooks", "app.web")


def test_readme_and_docs_link_only_inside_the_repository():
    # A clone has only this repository: every relative link in README and docs/ must resolve inside it.
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for line_no, line in enumerate(text.splitlines(), start=1):
            for target in re.findall(r"\]\(([^)\s]+)\)", line):
                if re.match(r"[a-z]+:", target) or target.startswith("#"):
                    continue
                path = (page.parent / target.split("#")[0]).resolve()
                if not path.is_relative_to(ROOT) or not path.exists():
                    broken.append(f"{page.relative_to(ROOT)}:{line_no} links to {target}")
            if page.name == "README.md" and "../" in line:
                broken.append(f"README.md:{line_no} points outside the repository")
    assert broken == []
