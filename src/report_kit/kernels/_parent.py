"""The fork parent: a process that has imported everything a kernel needs and forks one kernel per agency.

Started by a build worker (or by ``report-kit run``) through :mod:`report_kit.kernels._fork`, it lives as
long as that process: it sees end-of-file on its socket when the worker goes, however it went, and then
kills its children and leaves. It imports ipykernel, IPython, pandas and report_kit, and nothing here
starts a thread, an event loop, a zmq context or IPython's history: a forked child only inherits the
forking thread, so any other thread's locks would stay locked in it forever. The thread count is checked
before every fork and a fork is refused if it is not 1. BLAS thread pools are pinned to one thread by the
environment the worker starts this process with (they start with numpy's import).

Each child makes itself a session leader (as a spawned kernel is), arms its parent-death signal and CPU
limit, takes the environment, working directory and argv the kernel manager asked for, and runs a normal
``IPKernelApp`` on the sockets of its connection file, exactly as ``python -m ipykernel_launcher`` would.
It never returns into this loop.

Protocol (one JSON object per SOCK_SEQPACKET message; this process answers every request in order):
``{"op": "fork", "argv": [...], "env": {...}, "cwd": "...", "cpu": N}`` → ``{"pid": P}`` with a pidfd of the
child attached (SCM_RIGHTS), or ``{"error": "..."}``; ``{"op": "status", "pid": P}`` → ``{"status": S}``
(None while the child runs; once it has exited it is reaped and S is its exit code, negative for a
signal, as ``Popen.returncode``). The first message this process sends is ``{"ready": pid}`` once the
imports are done, or ``{"error": "..."}``.

Only the standard library is imported at module level: this file runs before the imports it exists for.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import json
import os
import signal
import socket
import sys
import traceback
from collections.abc import Iterator, Sequence
from typing import Any

from report_kit.i18n import _  # standard library only (gettext), for the errors sent back
from report_kit.kernels import _limits  # standard library only

MAX_MESSAGE = 1 << 20  # an environment of a few hundred variables fits many times over
# numpy's BLAS starts its thread pool at import: one thread, so that there is nothing to lose at fork
BLAS_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}
# what ipykernel imports to start and serve a kernel (debugger, history, completer, …), which every kernel
# pays; pandas, report_kit and the template's imports come on top
BASE_IMPORTS = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
                "IPython.display", "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.logger",
                "IPython.core.oinspect", "IPython.extensions.storemagic", "sqlite3", "tornado.gen",
                "tornado.locks", "tornado.queues", "tornado.platform.asyncio")


def os_threads() -> int:
    """Threads of this process as the operating system counts them (C threads too, e.g. BLAS pools)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # no /proc: the interpreter's own count is the best there is
        import threading

        return threading.active_count()


def _import(names: Sequence[str]) -> list[str]:
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # fails again, visibly, in the notebook's own cell
            failed.append(name)
    return failed


class _KernelShell:
    """What a module imported by a notebook cell finds as ``get_ipython()``: a shell with a kernel. pandas,
    for one, asks at import whether it runs in a Jupyter kernel (display.max_columns: 20, not 0)."""

    kernel = True


@contextlib.contextmanager
def _as_in_a_kernel_cell() -> Iterator[None]:
    """Imports as a notebook cell does them: ``get_ipython`` defined, output streams that are not a terminal.
    What they print goes to this process's stderr (in a spawned kernel it would be the cell's output)."""
    import builtins
    import io

    streams = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured = io.StringIO()
    builtins.get_ipython = _KernelShell  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
        sys.stdout, sys.stderr = streams
        sys.stderr.write(captured.getvalue())


def preload(modules: Sequence[str]) -> list[str]:
    """ipykernel's own imports as ipykernel_launcher makes them, then ``modules`` and report_kit's caches as
    a notebook cell would; the names of the modules that could not be imported."""
    from report_kit.kernels import _warmup

    failed = _import(BASE_IMPORTS)
    with _as_in_a_kernel_cell():
        failed += _import(list(dict.fromkeys(modules)))
        _warmup.warm()
    return failed


class _Parent:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.children: set[int] = set()  # forked and not yet reaped
        self.pid = os.getpid()

    def send(self, reply: dict[str, Any], fds: list[int] = ()) -> None:  # type: ignore[assignment]
        socket.send_fds(self.sock, [json.dumps(reply).encode()], list(fds))

    def serve(self) -> None:
        while True:
            try:
                data, fds, _flags, _address = socket.recv_fds(self.sock, MAX_MESSAGE, 4)
            except InterruptedError:
                continue
            except OSError:  # the worker is gone
                return
            for fd in fds:
                os.close(fd)
            if not data:  # end of file: the worker is gone
                return
            request = json.loads(data)
            op = request.get("op")
            if op == "fork":
                reply, passed = self.fork(request)
                try:
                    self.send(reply, passed)
                finally:
                    for fd in passed:
                        os.close(fd)
            elif op == "status":
                self.send({"status": self.status(int(request["pid"]))})
            else:
                self.send({"error": _("unknown request {op}").format(op=repr(op))})

    def status(self, pid: int) -> int | None:
        if pid not in self.children:  # reaped at an earlier request, or never ours: nothing to tell
            return -signal.SIGKILL
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            self.children.discard(pid)
            return -signal.SIGKILL
        if done == 0:
            return None
        self.children.discard(pid)
        return os.waitstatus_to_exitcode(status)

    def fork(self, request: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
        threads = os_threads()
        if threads != 1:
            return {"error": _("the kernel parent runs {n} threads, so forking it is unsafe").format(n=threads)}, []
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(ready_r)
            _child(request, ready_w, self.pid, self.sock)
        os.close(ready_w)
        self.children.add(pid)
        with os.fdopen(ready_r, "rb") as ready:
            armed = ready.read(1)  # the child is a session leader with its death signal armed
        if not armed:
            self.children.discard(pid)
            _pid, status = os.waitpid(pid, 0)
            status = os.waitstatus_to_exitcode(status)
            return {"error": _("the forked kernel ended while starting (status {status})").format(status=status)}, []
        return {"pid": pid}, [os.pidfd_open(pid)]

    def stop_children(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)  # the kernel and whatever it started in its session
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        self.children.clear()


def _child(request: dict[str, Any], ready_w: int, parent: int, sock: socket.socket) -> None:
    """In the forked child: become a kernel process like a spawned one, run the kernel, exit."""
    code = 1
    try:
        os.setsid()
        _limits.name_process(_limits.KERNEL_NAME)
        _limits.arm(request.get("cpu"))
        if os.getppid() != parent:  # the parent died before the death signal was armed
            os._exit(1)
        sock.close()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # what a fresh interpreter has
        os.write(ready_w, b"+")
        os.close(ready_w)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        launcher = importlib.util.find_spec("ipykernel_launcher")
        sys.argv = [launcher.origin if launcher and launcher.origin else "ipykernel_launcher", *request["argv"]]
        if "numpy.random" in sys.modules:  # seeded at import, in the parent: every child would draw the same
            sys.modules["numpy.random"].seed()
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()  # what a normal interpreter exit runs (os._exit below would not)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def main(argv: list[str] | None = None) -> None:
    """``python -c 'from report_kit.kernels._parent import main; main()' FD MODULES_JSON``."""
    args = sys.argv[1:] if argv is None else argv
    sock = socket.socket(fileno=int(args[0]))
    _limits.name_process(_limits.PARENT_NAME)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the worker; its end-of-file stops this
    gc.disable()  # no collection while importing: fewer holes in pages the children will share
    preload(json.loads(args[1]))
    gc.collect()
    gc.freeze()  # the children's collections never touch (and so never copy) the parent's objects
    gc.enable()
    parent = _Parent(sock)
    threads = os_threads()
    try:
        if threads != 1:
            parent.send({"error": _("the kernel parent runs {n} threads after its imports; cannot fork").format(
                n=threads)})
            return
        parent.send({"ready": os.getpid()})
        parent.serve()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the worker died (killed, or its build stopped) while this parent started: nothing left to serve
    finally:
        parent.stop_children()
        sock.close()
