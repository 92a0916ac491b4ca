#!/bin/sh
# report-kit offline install: creates a virtual environment from the wheels beside this script, without
# any network, registers the Jupyter kernel the template runs on, and checks the install.
#
#   ./install.sh              -> .venv in this folder
#   ./install.sh /opt/rk/venv -> that folder
#   PYTHON=python3.12 ./install.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
venv=${1:-"$here/.venv"}
python=${PYTHON:-python3}

fail() { echo "error: $*" >&2; exit 2; }

command -v "$python" >/dev/null 2>&1 ||
  fail "$python not found; install Python 3.11 or newer, or name it: PYTHON=/path/to/python3.11 $0"

# Python version, this machine's architecture and glibc against what the bundle holds (BUNDLE.txt)
"$python" - "$here/BUNDLE.txt" <<'EOF' || exit 2
import platform, re, sys
manifest = open(sys.argv[1], encoding="utf-8").read()
version = "%d.%d" % sys.version_info[:2]
if sys.version_info < (3, 11):
    sys.exit(f"error: {sys.executable} is Python {version}; report-kit needs 3.11 or newer (set PYTHON=...)")
tag, arch = "cp%d%d" % sys.version_info[:2], platform.machine()
targets = re.findall(r"^target: (\S+) (\S+) ", manifest, re.M)
if (arch, tag) not in targets:
    held = ", ".join(f"{a} Python {t[2]}.{t[3:]}" for a, t in targets)
    sys.exit(f"error: this bundle has no wheels for {arch} Python {version}; it holds: {held}")
need = re.search(r"^glibc: (\S+)", manifest, re.M).group(1)
lib, have = platform.libc_ver()
if lib != "glibc" or tuple(map(int, have.split(".")[:2])) < tuple(map(int, need.split("."))):
    sys.exit(f"error: this bundle needs glibc {need} or newer; this system has {lib or 'no glibc'} {have}")
EOF

# files damaged on the way in (a truncated copy from a USB stick) fail here, not halfway through pip
if command -v sha256sum >/dev/null 2>&1; then
  (cd "$here" && sha256sum --quiet --strict -c SHA256SUMS) ||
    fail "files of the bundle differ from SHA256SUMS; copy the .tar.gz again"
fi

"$python" -m venv "$venv" ||
  fail "could not create $venv; on Debian/Ubuntu/Kylin/UOS install the python3-venv package"
# --isolated and no config file: neither a pip.conf nor PIP_* variables can send pip to an index
PIP_CONFIG_FILE=/dev/null "$venv/bin/python" -m pip --isolated install --quiet --no-index \
  --find-links "$here/wheels" report-kit ||
  fail "pip could not install from $here/wheels (see above)"
"$venv/bin/python" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (report-kit)" >/dev/null

# the compiled dependencies load, and the command runs
"$venv/bin/python" -c "import lxml.etree, pandas, pydantic_core, yaml, zmq, psutil, tornado" ||
  fail "a compiled dependency does not load on this system (see above)"
"$venv/bin/report-kit" rules >/dev/null || fail "report-kit rules failed after the install (see above)"
echo "report-kit installed in $venv: $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("report-kit"))')"
echo "try: $venv/bin/report-kit run $here/params/2019/zhuzhou-county-kgxj.yaml --outputs outputs"
