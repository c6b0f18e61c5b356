"""Installed, minigrad puts one name on the import path: `minigrad` (the models
inside it, as minigrad.models), and a user's own `models.py` is not shadowed.

Both tests build from a copy of the package's sources in a temporary folder, so
the checkout gets no build/ or *.egg-info, offline: the build backend
(setuptools) must already be installed, and the fresh venv borrows NumPy from
this interpreter's environment. Without setuptools they skip and say so.
"""

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.install

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "minigrad", "models"]


def offline_build_or_skip():
    """Skip, with the reason, when this interpreter cannot build the wheel without the network."""
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("setuptools (the build backend) is not installed, and the build must not download it")
    if int(version.split(".")[0]) < 77:
        pytest.skip(f"pyproject.toml asks for setuptools>=77, this environment has {version}")
    try:
        pip_version = tuple(int(p) for p in importlib.metadata.version("pip").split(".")[:2])
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("pip is not installed in this environment")
    if pip_version < (22, 3):
        pytest.skip(f"pip {pip_version} cannot install into another environment (--python needs pip 22.3)")


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A copy of what the build reads; minigrad/models stays a link to models/, as in the checkout."""
    offline_build_or_skip()
    folder = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, folder / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, folder / name)
    assert (folder / "minigrad" / "models").is_symlink()
    return folder


def pip(*args, python=sys.executable, cwd=None):
    done = subprocess.run([python, "-m", "pip", "--disable-pip-version-check", "--no-input", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def test_the_wheel_holds_only_minigrad_with_its_models_inside(source, tmp_path):
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", str(tmp_path), str(source))
    wheel, = tmp_path.glob("minigrad-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"minigrad"}, f"the wheel installs {sorted(top)}: only minigrad belongs on the import path"
    models = sorted(p.name for p in (ROOT / "models").glob("*.py"))
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("minigrad/models/")
                  and n.endswith(".py")) == models
    assert not any(n.split("/")[1] in ("demos", "benchmarks", "tests") for n in names if n.count("/") >= 1)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), "the wheel should carry the LICENSE"


def test_pip_install_into_a_fresh_venv_and_import_beside_a_users_models_py(source, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
                   check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # NumPy from this environment (which may itself be a venv, out of reach of --system-site-packages),
    # appended to the new venv's path after its own site-packages, so the installed minigrad comes first
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    numpy_home = Path(importlib.util.find_spec("numpy").origin).parents[1]
    Path(site, "outer_numpy.pth").write_text(f"{numpy_home}\n")
    # this interpreter's pip, run against the new venv (--python), builds from the copy with no network
    pip("--python", str(python), "install", "--no-deps", "--no-build-isolation", "--no-index", ".", cwd=source)

    user = tmp_path / "project"
    user.mkdir()
    (user / "models.py").write_text("WHO = 'the user'\n")
    script = ("import minigrad, minigrad.models, models; from minigrad.models import MambaConfig, Mamba;"
              "print(minigrad.__file__); print(minigrad.models.__file__); print(models.WHO);"
              "print(MambaConfig.__module__)")
    done = subprocess.run([str(python), "-c", script], cwd=user, capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert done.returncode == 0, done.stderr
    package, models_file, who, module = done.stdout.split("\n")[:4]
    assert Path(package).is_relative_to(site), f"minigrad came from {package}, not the fresh venv {site}"
    assert Path(models_file).is_relative_to(Path(site, "minigrad", "models"))
    assert who == "the user"                       # `import models` is the user's file, not the library's
    assert module == "minigrad.models.mamba"
    assert sysconfig.get_paths()["purelib"] != site


def test_license_is_mit_and_names_the_authors():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Copyright (c) 2026 the minigrad authors" in text
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text()
