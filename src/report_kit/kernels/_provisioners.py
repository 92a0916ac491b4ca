"""How a kernel process is started, through jupyter_client's provisioner API (one class per way).

- ``SpawnProvisioner``: jupyter_client's ``LocalProvisioner`` (a new interpreter per kernel, the only way on
  Windows and macOS), with the kernel's limits armed before it runs anything, and its exit awaited on a
  pidfd instead of a 0.1 s polling loop.
- ``ForkProvisioner``: the kernel is forked from this process's fork parent, which has imported everything
  already; it is the parent's child, not ours, and is watched through the pidfd the parent hands over. A
  kernelspec that does not start this interpreter's ipykernel is spawned instead: only that can be forked.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Sequence
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from report_kit import platform
from report_kit.kernels import _fork, _limits

LAUNCHERS = ("ipykernel_launcher", "ipykernel")
_last = threading.local()  # how this thread's last kernel ended, for the message of an agency whose kernel died


def last_exit() -> int | None:
    """The exit code of the last kernel this thread saw end on its own (not shut down by us), if any."""
    return getattr(_last, "code", None)


class SpawnProvisioner(LocalProvisioner):  # type: ignore[misc]
    cpu_seconds: int | None = None  # set by the kernel manager (report_kit.kernels.manager_for)
    preload: tuple[str, ...] = ()
    _pidfd: int = -1

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        _last.code = None
        if os.name == "posix":
            # runs in the new process between fork and exec; the ctypes function was resolved beforehand
            kwargs["preexec_fn"] = functools.partial(_limits.arm, self.cpu_seconds, platform.has_os_limits())
        info = await super().launch_kernel(cmd, **kwargs)
        if _fork.available() and platform.has_pidfd() and self.process is not None:
            self._pidfd = os.pidfd_open(self.process.pid)  # our own unreaped child: the id cannot be reused
        return info

    _stopping = False  # we killed it: its end says nothing about the notebook

    async def poll(self) -> int | None:
        code = await super().poll()
        if code is not None and self.process is not None and not self._stopping:
            _last.code = code  # it ended by itself (or by its limits), not by us
        return code

    async def kill(self, restart: bool = False) -> None:
        self._stopping = True
        await super().kill(restart=restart)

    async def terminate(self, restart: bool = False) -> None:
        self._stopping = True
        await super().terminate(restart=restart)

    async def exited(self) -> None:
        """Wait until the kernel process has exited (without a polling loop where a pidfd exists)."""
        import asyncio

        process = self.process
        if process is None:
            return
        if isinstance(process, _fork.ForkedProcess):
            await process.exited()
            return
        if self._pidfd < 0:
            while process.poll() is None:
                await asyncio.sleep(0.05)
            return
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        loop.add_reader(self._pidfd, lambda: done.done() or done.set_result(None))
        try:
            await done
        finally:
            loop.remove_reader(self._pidfd)

    async def wait(self) -> int | None:
        if self.process is not None:
            await self.exited()
        try:
            return await super().wait()
        finally:
            self._close_pidfd()

    async def cleanup(self, restart: bool = False) -> None:
        self._close_pidfd()
        await super().cleanup(restart=restart)

    def _close_pidfd(self) -> None:
        if self._pidfd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._pidfd)
            self._pidfd = -1


def ipykernel_command(cmd: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """``[python, *options, -m, ipykernel_launcher, *args]`` of this interpreter → (python + options, args)."""
    if len(cmd) < 3 or os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None
    for i in range(1, len(cmd) - 1):
        if cmd[i] == "-m":
            if cmd[i + 1] in LAUNCHERS and all(opt.startswith("-") for opt in cmd[1:i]):
                return list(cmd[:i]), list(cmd[i + 2:])
            return None
    return None


class ForkProvisioner(SpawnProvisioner):
    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        parts = ipykernel_command(cmd)
        if parts is None:
            return await super().launch_kernel(cmd, **kwargs)
        python, args = parts
        _last.code = None
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # what jupyter_client's launcher sets for a spawned kernel
        cwd = str(kwargs.get("cwd") or os.getcwd())
        self.process = _fork.parent(python, self.preload, env).fork(args, env, cwd, self.cpu_seconds)
        self.pid = self.pgid = self.process.pid  # the child made itself a session (and group) leader
        self.cwd = cwd
        return self.connection_info
