"""The repository stands alone and ships nothing secret: what a newcomer clones and what the image copies."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_nothing_in_the_repository_points_outside_it():
    outside = "." + "./shared"  # spelt in two parts so that this file does not match itself
    tracked = subprocess.run(["git", "grep", "-n", "-I", "-F", "-e", outside, "--", "."], cwd=ROOT,
                             capture_output=True, text=True)
    assert tracked.stdout == ""


def test_the_licence_declared_in_pyproject_is_shipped():
    assert 'license = "Apache-2.0"' in (ROOT / "pyproject.toml").read_text()
    assert "Apache License" in (ROOT / "LICENSE").read_text()


def test_the_image_build_context_leaves_out_local_secrets_and_data():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".secret_key", ".env", "db.sqlite3", "var/", ".venv", ".git"} <= ignored


def test_docs_the_readme_links_exist():
    import re

    readme = (ROOT / "README.md").read_text()
    missing = [link for link in re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", readme) if not (ROOT / link).exists()]
    assert missing == []
