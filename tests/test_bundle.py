"""tools/bundle.py: the offline bundle installs with no network into a fresh venv and builds the seed report."""

from __future__ import annotations

import importlib.util
import os
import platform
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from report_kit import params
from report_kit.importers import import_document

from .conftest import ROOT, SEED_PARAMS

_spec = importlib.util.spec_from_file_location("rk_bundle_tool", ROOT / "tools" / "bundle.py")
assert _spec and _spec.loader
bundle = importlib.util.module_from_spec(_spec)
sys.modules["rk_bundle_tool"] = bundle  # dataclasses look their module up by name
_spec.loader.exec_module(bundle)

PROXIES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "no_proxy", "NO_PROXY")


def test_platform_tags_accept_every_older_manylinux() -> None:
    # pip matches --platform tags exactly: the list must hold every tag a glibc 2.28 machine runs
    arm = bundle.platform_tags("aarch64", "2.28")
    assert arm[0] == "manylinux_2_28_aarch64" and arm[-1] == "manylinux2014_aarch64"
    assert "manylinux_2_17_aarch64" in arm and not any("manylinux1" in t or "2_16" in t for t in arm)
    x86 = bundle.platform_tags("x86_64", "2.28")
    assert {"manylinux_2_28_x86_64", "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
            "manylinux_2_5_x86_64"} <= set(x86)
    assert not any("2_29" in t for t in x86)
    with pytest.raises(bundle.BundleError):
        bundle.platform_tags("riscv64", "2.28")


def test_a_dependency_without_a_wheel_stops_the_bundle_by_name(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # a local wheel that needs a package no index holds: pip, run for real, cannot find its wheel
    probe = tmp_path / "rk_gap_probe-1.0-py3-none-any.whl"
    with zipfile.ZipFile(probe, "w") as zf:
        zf.writestr("rk_gap_probe/__init__.py", "")
        zf.writestr("rk_gap_probe-1.0.dist-info/METADATA",
                    "Metadata-Version: 2.1\nName: rk-gap-probe\nVersion: 1.0\nRequires-Dist: rk-gap-missing\n")
        zf.writestr("rk_gap_probe-1.0.dist-info/WHEEL",
                    "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr("rk_gap_probe-1.0.dist-info/RECORD", "")
    for var in [v for v in os.environ if v.startswith("PIP_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # offline: the local folder is the whole index
    wheels, work = tmp_path / "wheels", tmp_path / "work"
    wheels.mkdir()
    with pytest.raises(bundle.BundleError) as err:
        bundle.resolve(bundle.Target("aarch64", "3.12"), str(probe), "2.28", wheels, [tmp_path], work,
                       tmp_path / "log")
    assert str(err.value).startswith("aarch64 cp312: no wheel of rk-gap-missing for Linux aarch64 / Python 3.12")
    assert "--find-links" in str(err.value)
    assert list(wheels.iterdir()) == []


def _offline() -> tuple[list[str], dict[str, str]]:
    """A command prefix and environment with no network: a new network namespace where the system allows
    one (only loopback, and that down), and in any case no index and proxies that lead nowhere."""
    env = {k: v for k, v in os.environ.items() if k not in PROXIES and not k.startswith("PIP_")}
    env.update(PIP_NO_INDEX="1", http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(sys.prefix))
    for prefix in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=30).returncode == 0:
                return prefix, env
        except (OSError, subprocess.TimeoutExpired):
            continue
    if os.environ.get("CI"):
        pytest.fail("no network namespace (unshare --net) to prove the install needs no network")
    return [], env


@pytest.mark.slow
def test_bundle_installs_offline_and_builds_the_seed_report(tmp_path: Path) -> None:
    host = bundle.host_target()
    if host.arch not in bundle.ARCHES:
        pytest.skip(f"bundles are made for Linux {', '.join(bundle.ARCHES)}, not {host.arch}")
    # made with the index (the package registry) reachable, as on the office's internet-side machine
    tool = ROOT / "tools" / "bundle.py"
    made = subprocess.run([sys.executable, str(tool), "--here", "--out", str(tmp_path / "dist")],
                          capture_output=True, text=True, timeout=1200)
    assert made.returncode == 0, made.stdout + made.stderr
    version = bundle.project_version()
    archive = tmp_path / "dist" / f"report-kit-bundle-{version}.tar.gz"
    manifest = (tmp_path / "dist" / f"report-kit-bundle-{version}" / "BUNDLE.txt").read_text("utf-8")
    assert f"target: {host.arch} {host.tag} " in manifest

    # carried across: only the .tar.gz, unpacked somewhere else
    inside = tmp_path / "inside"
    with tarfile.open(archive) as tar:
        tar.extractall(inside, filter="data")
    root = inside / f"report-kit-bundle-{version}"
    wheels = sorted(p.name for p in (root / "wheels").iterdir())
    assert any(w.startswith("report_kit-") for w in wheels) and any(w.startswith("pandas-") for w in wheels)
    assert (root / "params" / "2019" / SEED_PARAMS.name).is_file()
    assert (root / "notebooks" / "annual_report.ipynb").is_file()

    prefix, env = _offline()
    env["PYTHON"] = sys._base_executable  # the interpreter behind this venv: a plain Python, as in an office
    installed = subprocess.run([*prefix, str(root / "install.sh")], capture_output=True, text=True, env=env,
                               timeout=1200)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert f"report-kit installed in {root / '.venv'}: {version}" in installed.stdout
    venv_bin = root / ".venv" / "bin"
    assert (root / ".venv" / "share" / "jupyter" / "kernels" / "python3" / "kernel.json").is_file()

    # the seed report, built by the installed command in the bundle folder (its notebooks/ and params/)
    ran = subprocess.run([*prefix, str(venv_bin / "report-kit"), "run", "params/2019/" + SEED_PARAMS.name,
                          "--outputs", str(tmp_path / "outputs")], capture_output=True, text=True, env=env,
                         cwd=root, timeout=600)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    html = tmp_path / "outputs" / "2019" / "zhuzhou-county-kgxj" / "report.html"
    seed = params.load(SEED_PARAMS)
    assert seed.agency in html.read_text("utf-8")
    back = import_document(html)  # the figures as published, read back by their official labels
    assert back.ay.tables == seed.tables
    assert any(v for rows in seed.tables.values() for cols in rows.values() for v in cols.values())


def test_install_refuses_a_python_the_bundle_has_no_wheels_for(tmp_path: Path) -> None:
    root = tmp_path / "b"
    root.mkdir()
    (root / "BUNDLE.txt").write_text("report-kit 0.1.0 offline bundle\nglibc: 2.28\n\n"
                                     "target: riscv64 cp399 1 wheels 0.1 MB\n", "utf-8")
    (root / "install.sh").write_bytes((ROOT / "tools" / "install.sh").read_bytes())
    (root / "install.sh").chmod(0o755)
    env = {**os.environ, "PYTHON": sys._base_executable}
    done = subprocess.run([str(root / "install.sh")], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"error: this bundle has no wheels for {platform.machine()} Python "
                                   f"{sys.version_info.major}.{sys.version_info.minor}; it holds: riscv64 Python 3.99")
    assert not (root / ".venv").exists()
