"""`make lab`: JupyterLab starts rooted at notebooks/, the template gets the project's kernel, the .py pair opens.

Runs the Makefile's own recipe (without a browser, on a free port) and talks to the server the way
JupyterLab's front end does: open the template, start its session, ask the kernel where it lives.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow
VENV = ROOT / ".venv"
TOKEN = uuid.uuid4().hex


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, path: str, method: str = "GET", body: dict[str, Any] | None = None) -> Any:
    req = Request(f"{base}{path}", method=method, data=json.dumps(body).encode() if body else None,
                  headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


@pytest.fixture(scope="module")
def lab() -> Iterator[str]:
    if not (VENV / "bin" / "jupyter").is_file() or not shutil.which("make"):
        pytest.skip("needs the project's .venv (make setup) and make")
    port = _free_port()
    args = f"--no-browser --ServerApp.port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token={TOKEN}"
    # -o: use the venv as it is (make setup already ran; never reinstall from inside a test)
    proc = subprocess.Popen(["make", "-s", "-o", ".venv/.installed-stamp", "lab", f"LAB_ARGS={args}"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                _api(base, "/api/status")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"make lab exited: {proc.stderr.read()[-2000:] if proc.stderr else ''}")
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        yield base
    finally:
        _stop(proc)


def _descendants(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    direct = [int(p) for p in children.read_text().split()] if children.exists() else []
    return [d for c in direct for d in (c, *_descendants(c))]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _stop(proc: subprocess.Popen[str]) -> None:
    """Stop the server this test started: the jupyter-lab process first, so that the shell and make
    above it reap it and exit in turn; the whole group only if that hangs."""
    servers = [pid for pid in _descendants(proc.pid) if b"jupyter-lab" in _cmdline(pid)]
    for pid in servers:
        os.kill(pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the process group this test started (make and jupyter)
        proc.wait()


def _run_in_kernel(base: str, kernel_id: str, code: str) -> str:
    import websocket  # websocket-client: a dependency of jupyter_server

    ws = websocket.create_connection(f"{base.replace('http', 'ws')}/api/kernels/{kernel_id}/channels",
                                     header=[f"Authorization: token {TOKEN}"], timeout=60)
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test", "session": uuid.uuid4().hex,
                   "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": False, "allow_stdin": False},
    }))
    out = []
    try:
        while True:
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                raise AssertionError(f"kernel error: {msg['content']['evalue']}")
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)
    finally:
        ws.close()


def test_template_opens_with_the_projects_kernel(lab: str) -> None:
    model = _api(lab, "/api/contents/annual_report.ipynb?content=1")
    kernel_name = model["content"]["metadata"]["kernelspec"]["name"]
    assert kernel_name in _api(lab, "/api/kernelspecs")["kernelspecs"]
    session = _api(lab, "/api/sessions", "POST", {"path": "annual_report.ipynb", "type": "notebook",
                                                   "name": "annual_report.ipynb", "kernel": {"name": kernel_name}})
    try:
        out = _run_in_kernel(lab, session["kernel"]["id"],
                             "import os, sys, report_kit\nprint(sys.prefix)\nprint(report_kit.__file__)\n"
                             "print(os.getcwd())")
        prefix, package, cwd = out.split()
        assert Path(prefix).resolve() == VENV.resolve()  # the project's venv, not a user-wide Python
        assert Path(package).resolve().is_relative_to(ROOT / "src")  # the editable install of this tree
        assert Path(cwd).resolve() == (ROOT / "notebooks").resolve()  # so ../params/… in the template resolves
    finally:
        _api(lab, f"/api/sessions/{session['id']}", "DELETE")


def test_paired_script_opens_as_the_same_notebook(lab: str) -> None:
    py = _api(lab, "/api/contents/annual_report.py?type=notebook&content=1")
    ipynb = _api(lab, "/api/contents/annual_report.ipynb?content=1")
    assert py["type"] == "notebook"
    assert [c["source"] for c in py["content"]["cells"]] == [c["source"] for c in ipynb["content"]["cells"]]

