"""This process's fork parent (see ``_parent``), and the kernels it forks, as the kernel manager sees them.

A forked kernel is the fork parent's child, not ours, so it is watched through a pidfd that the parent
opens right after the fork and passes over the socket: readable the moment that very process exits, and
usable for signals without any risk of hitting a recycled pid. Its exit status comes from the parent,
which reaps it. A kernel whose parent died died with it (its parent-death signal), with SIGKILL.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from report_kit.errors import PipelineError
from report_kit.i18n import _
from report_kit.kernels._parent import BLAS_ENV, MAX_MESSAGE

START_TIMEOUT = 60.0  # the parent's imports on a busy machine; papermill's own kernel start timeout
REPLY_TIMEOUT = 10.0  # any later answer: the parent only forks and reaps
_BOOT = "import sys; del sys.path[0]; from report_kit.kernels._parent import main; main()"
_PACKAGE = Path(__file__).resolve().parent.parent  # report_kit


@cache
def available() -> bool:
    """Forked kernels need Linux ≥ 5.3 (pidfd_open), fork and SOCK_SEQPACKET with fd passing."""
    if not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:  # ENOSYS: an older kernel
        return False
    return hasattr(socket, "send_fds") and hasattr(signal, "pidfd_send_signal")


def source_stamp() -> tuple[tuple[str, int, int], ...]:
    """report_kit's files as they are now (modules, forms, phrases, templates): a parent that imported an
    older state forks no more kernels, so a change is picked up at the next agency, as with spawned kernels."""
    stamp = []
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            with contextlib.suppress(OSError):
                st = os.stat(os.path.join(folder, name))
                stamp.append((os.path.join(folder, name), st.st_mtime_ns, st.st_size))
    return tuple(sorted(stamp))


def _readable(fd: int, timeout: float | None) -> bool:
    return bool(select.select([fd], [], [], timeout)[0])


class ForkParent:
    """The client end of one fork parent process."""

    def __init__(self, python: Sequence[str], modules: Sequence[str], env: dict[str, str]) -> None:
        self.python = tuple(python)  # interpreter and its options, as the kernelspec starts kernels
        # the kernels' environment: some modules read it at import (ipykernel: JPY_PARENT_PID), in the parent
        self.env = dict(env)
        self.stamp = source_stamp()  # before the parent imports anything: a change after this shows
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [*self.python, "-c", _BOOT, str(theirs.fileno()), json.dumps(list(modules))],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env={**env, **BLAS_ENV})
        except OSError as exc:
            ours.close()
            raise PipelineError(_("could not start the kernel fork parent ({error}); try --kernel-start spawn").format(
                error=exc)) from None
        finally:
            theirs.close()
        self.sock = ours
        self.owner = os.getpid()
        self._lock = threading.Lock()
        self._ready = False

    def usable(self, python: Sequence[str], env: dict[str, str]) -> bool:
        return (self.owner == os.getpid() and tuple(python) == self.python and env == self.env
                and self.process.poll() is None and self.sock.fileno() >= 0 and source_stamp() == self.stamp)

    def _receive(self, timeout: float) -> tuple[dict[str, Any], list[int]]:
        if not _readable(self.sock.fileno(), timeout):
            raise PipelineError(_("the kernel fork parent (pid {pid}) did not answer within {seconds:.0f} s").format(
                pid=self.process.pid, seconds=timeout))
        data, fds, _flags, _address = socket.recv_fds(self.sock, MAX_MESSAGE, 1)
        if not data:
            raise PipelineError(_("the kernel fork parent (pid {pid}) ended unexpectedly").format(pid=self.process.pid))
        return json.loads(data), fds

    def _request(self, message: dict[str, Any], timeout: float) -> tuple[dict[str, Any], list[int]]:
        with self._lock:
            try:
                if not self._ready:
                    hello, _fds = self._receive(START_TIMEOUT)
                    if "error" in hello:
                        raise PipelineError(_("the kernel fork parent cannot fork: {error}; try --kernel-start "
                                              "spawn").format(error=hello["error"]))
                    self._ready = True
                self.sock.send(json.dumps(message).encode())
                return self._receive(timeout)
            except OSError as exc:  # EPIPE, ECONNRESET: the parent is gone
                raise PipelineError(_("the kernel fork parent (pid {pid}) is gone: {error}").format(
                    pid=self.process.pid, error=exc)) from None

    def fork(self, argv: Sequence[str], env: dict[str, str], cwd: str, cpu_seconds: int | None) -> ForkedProcess:
        reply, fds = self._request({"op": "fork", "argv": list(argv), "env": env, "cwd": cwd, "cpu": cpu_seconds},
                                   START_TIMEOUT)
        if "error" in reply or not fds:
            for fd in fds:
                os.close(fd)
            raise PipelineError(_("could not fork a kernel: {error}").format(
                error=reply.get("error") or _("no pidfd received")))
        return ForkedProcess(self, int(reply["pid"]), fds[0])

    def status(self, pid: int) -> int | None:
        """The exit code of a child that has exited (reaping it), None while it runs."""
        try:
            reply, _fds = self._request({"op": "status", "pid": pid}, REPLY_TIMEOUT)
        except PipelineError:  # the parent is gone, and its children with it (their parent-death signal)
            return -signal.SIGKILL
        return reply.get("status")

    def close(self) -> None:
        """End of file for the parent: it kills its children and exits. Waits for it briefly."""
        with contextlib.suppress(OSError):
            self.sock.close()
        if self.owner != os.getpid():
            return
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ForkedProcess:
    """A forked kernel, with the part of ``subprocess.Popen``'s interface that jupyter_client uses."""

    stdin = stdout = stderr = None

    def __init__(self, parent: ForkParent, pid: int, pidfd: int) -> None:
        self.parent = parent
        self.pid = pid
        self.pidfd = pidfd  # readable once the process has exited
        self.returncode: int | None = None

    def _collect(self) -> None:
        code = self.parent.status(self.pid)
        for _attempt in range(100):  # exited (pidfd) a moment before the parent can reap it
            if code is not None:
                break
            select.select([], [], [], 0.01)
            code = self.parent.status(self.pid)
        self.returncode = -signal.SIGKILL if code is None else code
        self._close_fd()

    def poll(self) -> int | None:
        if self.returncode is None and _readable(self.pidfd, 0):
            self._collect()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not _readable(self.pidfd, timeout):
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            self._collect()
        assert self.returncode is not None
        return self.returncode

    async def exited(self) -> None:
        """Wait, without polling, until the process has exited."""
        if self.returncode is not None or _readable(self.pidfd, 0):
            return
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        loop.add_reader(self.pidfd, lambda: done.done() or done.set_result(None))
        try:
            await done
        finally:
            loop.remove_reader(self.pidfd)

    def send_signal(self, sig: int) -> None:
        if self.returncode is None and self.pidfd >= 0:
            signal.pidfd_send_signal(self.pidfd, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _close_fd(self) -> None:
        if self.pidfd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.pidfd)
            self.pidfd = -1

    def __del__(self) -> None:
        self._close_fd()


_lock = threading.Lock()
_parent: ForkParent | None = None


def parent(python: Sequence[str], modules: Sequence[str], env: dict[str, str]) -> ForkParent:
    """This process's fork parent for ``python`` and the kernels' ``env``: started on first use, replaced
    once it died, was made for another interpreter or environment, or report_kit's files changed since it
    imported them."""
    global _parent
    with _lock:
        if _parent is None or not _parent.usable(python, env):
            if _parent is not None:
                _parent.close()
            _parent = ForkParent(python, modules, env)
        return _parent


def stop() -> None:
    """Stop this process's fork parent (and so its kernels); the next fork starts a new one."""
    global _parent
    with _lock:
        if _parent is not None:
            _parent.close()
            _parent = None


def _stop_at_exit() -> None:
    # multiprocessing workers leave through os._exit: atexit handlers do not run there, Finalize ones do
    from multiprocessing import util

    atexit.register(stop)
    util.Finalize(None, stop, exitpriority=60)


_stop_at_exit()
