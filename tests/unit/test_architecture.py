"""House rules checked by reading the source: layering and Flask-free feature packages."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
# Feature packages in the order of the chain; a package may import only from those before it.
CHAIN = ["audit", "accounts", "catalog", "people", "demand", "training", "assessment", "certification", "verification", "placement", "reporting"]
LOW_MODULES = {"app.database", "app.errors", "app.filestore", "app.idnumbers", "app.regions", "app.pii", "app.spreadsheets"}
FLASK_GLOBALS = {"request", "session", "g", "flash", "current_app", "current_user"}


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def feature_files():
    for package in CHAIN:
        folder = APP / package
        if folder.is_dir():
            for path in sorted(folder.rglob("*.py")):
                yield package, path


def test_there_are_feature_files_to_check():
    assert len(list(feature_files())) >= 5


def test_feature_packages_never_import_flask_or_request_globals():
    offenders = []
    for _package, path in feature_files():
        for module, names in imports_of(path):
            top = module.split(".")[0]
            if top in {"flask", "flask_login", "flask_wtf", "flask_babel", "werkzeug"}:
                offenders.append(f"{path.relative_to(APP)} imports {module}")
            if FLASK_GLOBALS.intersection(names) and top.startswith("flask"):
                offenders.append(f"{path.relative_to(APP)} imports a request global from {module}")
            if module.startswith("app.web") or module.startswith("app.api") or module == "app.extensions":
                offenders.append(f"{path.relative_to(APP)} imports the edge module {module}")
    assert offenders == []


def test_feature_packages_import_only_earlier_stages():
    offenders = []
    for package, path in feature_files():
        allowed = set(CHAIN[: CHAIN.index(package) + 1])
        for module, _names in imports_of(path):
            parts = module.split(".")
            if parts[0] != "app" or module in LOW_MODULES or len(parts) < 2:
                continue
            if parts[1] in CHAIN and parts[1] not in allowed:
                offenders.append(f"{path.relative_to(APP)} imports later stage {module}")
    assert offenders == []


def test_the_checker_would_catch_a_violation(tmp_path):
    bad = tmp_path / "services.py"
    bad.write_text("from flask import request\nfrom app.certification.models import X\n")
    names = [module for module, _ in imports_of(bad)]
    assert names == ["flask", "app.certification.models"]


def test_no_utils_grab_bags():
    assert not [p for p in APP.rglob("utils.py")]
    assert not [p for p in APP.rglob("helpers.py")]
