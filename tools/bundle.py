"""Offline install bundle: report-kit's wheel and every dependency's wheel for the stated platforms.

    .venv/bin/python tools/bundle.py                     # = make bundle: Linux x86_64 + aarch64, Python 3.11-3.13
    .venv/bin/python tools/bundle.py --here --no-tar     # this machine's platform and Python only (tests)

Writes ``dist/report-kit-bundle-<version>/`` (wheels/, notebooks/, params/, install.sh, BUNDLE.txt,
SHA256SUMS) and ``dist/report-kit-bundle-<version>.tar.gz``. Wheels come from the package index pip is
configured for (a mirror works), resolved per target with ``pip download --only-binary=:all:``. A
dependency without a wheel for a target stops the bundle with its name and the target, unless a folder
of wheels built for it (``pip wheel`` on such a machine) is given with ``--find-links``: nothing is left
out silently. (Today every dependency publishes wheels for all the default targets.)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent

ARCHES = ("x86_64", "aarch64")
PYTHONS = ("3.11", "3.12", "3.13")
# glibc 2.28: the floor of manylinux_2_28, and the glibc of the domestic desktop systems offices run
# (and of Debian 10, RHEL/openEuler 8); older systems need a bundle made with --glibc 2.17.
GLIBC = "2.28"
# the oldest manylinux tag each architecture has wheels for (aarch64 started with manylinux2014 = 2.17)
OLDEST_GLIBC_MINOR = {"x86_64": 5, "aarch64": 17}
LEGACY_ALIASES = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
# copied into the bundle beside the wheels: the template (also inside the wheel), the bundled params, the README
PAYLOAD = ("notebooks/annual_report.ipynb", "notebooks/annual_report.py", "notebooks/jupytext.toml", "params",
           "README.md")
NO_MATCH = re.compile(r"No matching distribution found for ([^\s]+)")


class BundleError(Exception):
    """The bundle cannot be made as asked; the message says which target and package, and what to do."""


@dataclass(frozen=True)
class Target:
    arch: str
    python: str  # "3.11"

    @property
    def tag(self) -> str:
        return "cp" + self.python.replace(".", "")

    def __str__(self) -> str:
        return f"{self.arch} {self.tag}"


@dataclass
class Resolved:
    target: Target
    wheels: list[str] = field(default_factory=list)  # file names in wheels/


def platform_tags(arch: str, glibc: str) -> list[str]:
    """Every manylinux tag a machine with this glibc accepts, newest first.

    pip's ``--platform`` matches exactly the tags given (it does not widen manylinux_2_28 to older
    glibc), so a wheel tagged manylinux2014 would otherwise not be found for a 2.28 target.
    """
    major, minor = (int(p) for p in glibc.split("."))
    if major != 2:
        raise BundleError(f"--glibc {glibc}: expected 2.N")
    oldest = OLDEST_GLIBC_MINOR.get(arch)
    if oldest is None:
        raise BundleError(f"--arch {arch}: this script bundles for {', '.join(ARCHES)}")
    tags = []
    for m in range(minor, oldest - 1, -1):
        tags.append(f"manylinux_2_{m}_{arch}")
        if m in LEGACY_ALIASES and not (arch == "aarch64" and m < 17):
            tags.append(f"{LEGACY_ALIASES[m]}_{arch}")
    return tags


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def _pip(*args: str, log: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}\n")
    return proc


def build_project_wheel(dest: Path, log: Path) -> Path:
    proc = _pip("wheel", "--no-deps", "--quiet", "-w", str(dest), str(ROOT), log=log)
    found = sorted(dest.glob("report_kit-*.whl"))
    if proc.returncode or len(found) != 1:
        raise BundleError(f"building report-kit's wheel failed (see {log})")
    return found[0]


def resolve(target: Target, requirement: str, glibc: str, wheels: Path, find_links: list[Path], work: Path,
            log: Path) -> Resolved:
    """Download the wheels ``requirement`` needs on ``target`` into ``wheels`` (shared between targets)."""
    dest = work / f"{target.arch}-{target.tag}"
    args = ["download", "--only-binary=:all:", "--implementation", "cp", "--python-version", target.python,
            "-d", str(dest), "--progress-bar", "off"]
    for tag in platform_tags(target.arch, glibc):
        args += ["--platform", tag]
    for folder in find_links:
        args += ["--find-links", str(folder)]
    proc = _pip(*args, requirement, log=log)
    if proc.returncode:
        missing = NO_MATCH.search(proc.stderr)
        if missing is None:
            raise BundleError(f"{target}: pip download failed (see {log}): {_last_line(proc.stderr)}")
        raise BundleError(
            f"{target}: no wheel of {missing.group(1)} for Linux {target.arch} / Python {target.python} "
            f"(glibc {glibc}) on the index; build one on such a machine (pip wheel --no-deps -w DIR ...) and "
            "pass --find-links DIR, or leave this target out (--arch/--python)")
    resolved = Resolved(target)
    for whl in sorted(dest.glob("*.whl")):
        if not (wheels / whl.name).exists():  # pure-Python wheels are shared by every target
            shutil.copy2(whl, wheels / whl.name)
        resolved.wheels.append(whl.name)
    return resolved


def verify(target: Target, requirement: str, glibc: str, wheels: Path, log: Path) -> None:
    """The bundle's wheels alone satisfy the install on ``target``, as install.sh will ask pip: no index,
    no pip configuration (a dry run: pip resolves for the target without installing)."""
    args = ["--isolated", "install", "--dry-run", "--ignore-installed", "--no-index", "--find-links", str(wheels),
            "--only-binary=:all:", "--implementation", "cp", "--python-version", target.python,
            "--target", str(wheels.parent / ".dry-run")]
    for tag in platform_tags(target.arch, glibc):
        args += ["--platform", tag]
    proc = _pip(*args, requirement, log=log, env={**os.environ, "PIP_CONFIG_FILE": os.devnull})
    if proc.returncode:
        raise BundleError(f"{target}: the bundle's wheels do not install on their own (see {log}): "
                          f"{_last_line(proc.stderr)}")


def _last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def manifest(version: str, glibc: str, resolved: list[Resolved], wheels: Path, commit: str) -> str:
    lines = [f"report-kit {version} offline bundle",
             f"made: {time.strftime('%Y-%m-%d')} from {commit}",
             f"glibc: {glibc}",
             "",
             "# one line per target: architecture, CPython tag, wheels, their size"]
    for r in resolved:
        size = _size([wheels / w for w in r.wheels])
        lines.append(f"target: {r.target} {len(r.wheels)} wheels {_mb(size)}")
    for r in resolved:
        lines += ["", f"[{r.target}]"]
        lines += r.wheels
    return "\n".join(lines) + "\n"


def _commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, check=True).stdout.strip()
        return f"commit {out}"
    except (OSError, subprocess.CalledProcessError):
        return "a source tree without git"


def _sha256sums(root: Path) -> str:
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(root).as_posix()}")
    return "\n".join(lines) + "\n"


def _tar(folder: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    with tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=folder.name)
    os.replace(tmp, target)


def make_bundle(out: Path, targets: list[Target], glibc: str, extras: list[str], find_links: list[Path],
                tar: bool = True, echo=print) -> Path:
    version = project_version()
    name = f"report-kit-bundle-{version}"
    out.mkdir(parents=True, exist_ok=True)
    final = out / name
    stage = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out))
    stage.chmod(0o755)  # mkdtemp's 0700 would travel in the tar and lock other users out of a shared install
    work = Path(tempfile.mkdtemp(prefix="rk-bundle-"))
    log = out / f"{name}.log"
    log.write_text("", "utf-8")
    try:
        wheels = stage / "wheels"
        wheels.mkdir()
        echo("building report-kit's wheel")
        own = build_project_wheel(wheels, log)
        requirement = str(own) + (f"[{','.join(extras)}]" if extras else "")
        resolved = []
        for t in targets:
            echo(f"resolving wheels for Linux {t.arch}, Python {t.python}")
            resolved.append(resolve(t, requirement, glibc, wheels, find_links, work, log))
        for t in targets:
            echo(f"checking that the wheels alone install on Linux {t.arch}, Python {t.python}")
            verify(t, "report-kit" + (f"[{','.join(extras)}]" if extras else ""), glibc, wheels, log)
        for rel in PAYLOAD:
            src, dst = ROOT / rel, stage / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
            else:
                shutil.copy2(src, dst)
        shutil.copy2(HERE / "install.sh", stage / "install.sh")
        (stage / "install.sh").chmod(0o755)
        (stage / "BUNDLE.txt").write_text(manifest(version, glibc, resolved, wheels, _commit()), "utf-8")
        (stage / "SHA256SUMS").write_text(_sha256sums(stage), "utf-8")
        # replace a previous bundle only now that this one is complete
        old = out / f".{name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            final.rename(old)
        stage.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        for r in resolved:
            echo(f"  {r.target}: {len(r.wheels)} wheels, {_mb(_size([final / 'wheels' / w for w in r.wheels]))}")
        echo(f"{final}: {_mb(_size([p for p in final.rglob('*') if p.is_file()]))}")
        if tar:
            archive = out / f"{name}.tar.gz"
            _tar(final, archive)
            echo(f"{archive}: {_mb(archive.stat().st_size)}")
        return final
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def host_target() -> Target:
    return Target(platform.machine(), f"{sys.version_info.major}.{sys.version_info.minor}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "dist", help="folder for the bundle (default: dist)")
    p.add_argument("--arch", nargs="+", default=list(ARCHES), choices=ARCHES, help="Linux architectures")
    p.add_argument("--python", nargs="+", default=list(PYTHONS), help="Python minor versions, e.g. 3.11 3.12")
    p.add_argument("--here", action="store_true", help="only this machine's architecture and Python")
    p.add_argument("--glibc", default=GLIBC, help=f"oldest glibc the bundle must run on (default {GLIBC})")
    p.add_argument("--extras", nargs="*", default=[], help="optional dependency groups to include, e.g. dask")
    p.add_argument("--find-links", type=Path, action="append", default=[],
                   help="a folder of extra wheels (e.g. built on an aarch64 machine) to use where the index has none")
    p.add_argument("--no-tar", action="store_true", help="skip the .tar.gz")
    args = p.parse_args(argv)
    if args.here:
        targets = [host_target()]
    else:
        bad = [v for v in args.python if not re.fullmatch(r"3\.(1[1-9]|[2-9]\d)", v)]
        if bad:
            p.error(f"--python {' '.join(bad)}: report-kit needs Python 3.11 or newer")
        targets = [Target(a, v) for a in args.arch for v in args.python]
    try:
        make_bundle(args.out, targets, args.glibc, args.extras, args.find_links, tar=not args.no_tar)
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
