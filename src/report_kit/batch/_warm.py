"""Fast mode (``report-kit build --reuse-kernel N``): one warm kernel per worker, reset between agencies.

Starting a kernel and importing pandas and report_kit into it is most of what one agency costs. Here each
worker process (each thread, under Dask) keeps one kernel: started beside the template, with the template's
imports done and a snapshot of the interpreter state taken, before its first agency. Before every agency a
hidden reset, run silently, puts the kernel back to that snapshot:

- the user namespace, the In/Out history and the execution counter (``shell.reset``, what ``%reset -f``
  calls, with a new history session so the cells count 1, 2, 3 … as in a fresh kernel);
- os.environ, the working directory, umask, sys.path, sys.meta_path and sys.path_hooks, the recursion limit;
- sys.modules: every module imported since the snapshot is forgotten (and unbound from its parent package),
  except extension modules, which no interpreter can unload;
- builtins, warnings filters, the decimal context, the root logger, IPython event callbacks, pandas options,
  numpy error and print settings, matplotlib rcParams (when loaded).

State the reset cannot reach stays: module-level data that a cell mutates inside an already imported module,
threads or files a cell leaves open. The template does none of this; a template that must not share even
that runs without ``--reuse-kernel``. The kernel is recycled (shut down, its process group killed, a fresh
one started) after N agencies and after any agency that fails or times out, and shut down when the worker
exits, so no kernel outlives its worker.

The notebook itself is executed by papermill exactly as ``pipeline.execute`` does (same parameters, same
translator, same metadata), through a papermill engine that hands nbclient this kernel instead of starting
one; ``pipeline.finish`` then writes the outputs, so both paths produce the same files.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import os
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report_kit import kernels, pipeline
from report_kit import params as params_io
from report_kit.errors import PipelineError

ENGINE = "report_kit_warm"
DEFAULT_RECYCLE = 20
START_TIMEOUT = 60.0  # papermill's default start_timeout
RESET_TIMEOUT = 60.0
SNAPSHOT_MODULE = "_report_kit_snapshot"  # lives in sys.modules, out of reach of a namespace reset
# imported lazily by report_kit.notebook while the template runs; importing them up front is the warm part
WARM_IMPORTS = ("IPython.display", "pandas", "report_kit.checks", "report_kit.narrative", "report_kit.notebook",
                "report_kit.render")

# Runs inside the kernel as the body of module SNAPSHOT_MODULE: take() once after the warm-up, restore()
# before every agency. Kept free of user-namespace names so that a reset cannot break it.
_SNAPSHOT_SOURCE = r'''
import builtins, decimal, importlib, importlib.machinery, logging, os, sys, warnings

saved = {}


def _shell():
    from IPython import get_ipython

    return get_ipython()


def take():
    shell = _shell()
    umask = os.umask(0)
    os.umask(umask)
    saved.update(
        environ=dict(os.environ), cwd=os.getcwd(), umask=umask, path=list(sys.path), meta_path=list(sys.meta_path),
        path_hooks=list(sys.path_hooks), recursion=sys.getrecursionlimit(), modules=set(sys.modules),
        builtins=dict(vars(builtins)), filters=list(warnings.filters), decimal=decimal.getcontext().copy(),
        root_level=logging.root.level, root_handlers=list(logging.root.handlers),
        logging_disable=logging.root.manager.disable,
        events={name: list(callbacks) for name, callbacks in shell.events.callbacks.items()},
    )
    if "pandas" in sys.modules:
        from pandas._config import config as pd_config

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            saved.update(pd_options={key: pd_config.get_option(key) for key in pd_config._registered_options
                                     if key not in pd_config._deprecated_options})
    np = sys.modules.get("numpy")
    if np is not None:
        saved.update(np_err=np.geterr(), np_print=np.get_printoptions())
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        saved.update(mpl_rc=dict(mpl.rcParams))


def _unloadable(module):
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None) or getattr(module, "__file__", None) or ""
    return origin in ("built-in", "frozen") or origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def restore():
    shell = _shell()
    shell.reset(new_session=True)
    for name, callbacks in saved["events"].items():
        shell.events.callbacks[name][:] = callbacks
    for name in [n for n in sys.modules if n not in saved["modules"]]:
        module = sys.modules[name]
        if _unloadable(module):
            continue
        del sys.modules[name]
        parent, _, child = name.rpartition(".")
        if parent and getattr(sys.modules.get(parent), child, None) is module:
            delattr(sys.modules[parent], child)
    os.environ.clear()
    os.environ.update(saved["environ"])
    os.chdir(saved["cwd"])
    os.umask(saved["umask"])
    sys.path[:] = saved["path"]
    sys.meta_path[:] = saved["meta_path"]
    sys.path_hooks[:] = saved["path_hooks"]
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()
    sys.setrecursionlimit(saved["recursion"])
    current = vars(builtins)
    for name in set(current) - set(saved["builtins"]):
        delattr(builtins, name)
    for name, value in saved["builtins"].items():
        if current.get(name, saved) is not value:
            setattr(builtins, name, value)
    warnings.filters[:] = saved["filters"]
    warnings._filters_mutated()  # warnings already shown once are shown again, as in a fresh kernel
    decimal.setcontext(saved["decimal"].copy())
    logging.root.setLevel(saved["root_level"])
    logging.root.handlers[:] = saved["root_handlers"]
    logging.disable(saved["logging_disable"])
    if "pd_options" in saved:
        # only what changed: pd.reset_option("all") would validate plotting.backend, which needs matplotlib
        from pandas._config import config as pd_config

        for key, value in saved["pd_options"].items():
            if pd_config.get_option(key) is not value and pd_config.get_option(key) != value:
                pd_config.set_option(key, value)
    if "np_err" in saved:
        np = sys.modules["numpy"]
        np.seterr(**saved["np_err"])
        np.set_printoptions(**saved["np_print"])
    if "mpl_rc" in saved:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["matplotlib"].rcParams.update(saved["mpl_rc"])
'''

_INSTALL = f"""
import sys as _rk_sys, types as _rk_types
_rk_snapshot = _rk_types.ModuleType({SNAPSHOT_MODULE!r})
exec({_SNAPSHOT_SOURCE!r}, _rk_snapshot.__dict__)
_rk_sys.modules[{SNAPSHOT_MODULE!r}] = _rk_snapshot
_rk_snapshot.take()
"""
_RESET = f"__import__('sys').modules[{SNAPSHOT_MODULE!r}].restore()"


def _template_imports(nb: Any) -> list[str]:
    """Modules the template's code cells import at top level (``from a import b`` also tries ``a.b``)."""
    names: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: nothing to learn from this cell
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names += [node.module, *(f"{node.module}.{a.name}" for a in node.names if a.name != "*")]
    return names


def _warm_code(modules: Sequence[str]) -> str:
    # an import that fails here fails again, visibly, in the agency's own cell
    return f"""
import importlib as _rk_importlib
for _rk_name in {list(dict.fromkeys(modules))!r}:
    try:
        _rk_importlib.import_module(_rk_name)
    except Exception:
        pass
if "pandas" in __import__("sys").modules:  # pandas' text and HTML table display code, loaded on first use
    get_ipython().display_formatter.format(__import__("pandas").DataFrame({{"a": [1]}}))
"""


@dataclass(eq=False)  # hashed by identity: kept in a set
class WarmKernel:
    km: Any  # jupyter_client AsyncKernelManager
    kc: Any  # its AsyncKernelClient, shared by the hidden commands and nbclient
    connection_file: Path  # in this process's kernel folder, beside its IPC sockets
    key: tuple[str, str]  # kernel name, working directory
    runs: int = 0

    @property
    def pid(self) -> int | None:
        process = getattr(self.km.provisioner, "process", None)
        return getattr(process, "pid", None)


_local = threading.local()
_alive: set[WarmKernel] = set()  # every kernel of this process, for the shutdown at exit
_alive_lock = threading.Lock()


def _run_sync(coro: Any, *args: Any, **kwargs: Any) -> Any:
    from jupyter_core.utils import run_sync

    return run_sync(coro)(*args, **kwargs)


def _hidden(kernel: WarmKernel, code: str, timeout: float, what: str) -> None:
    """Run ``code`` silently (no output, no history, no execution count); raise if it failed."""
    try:
        reply = _run_sync(kernel.kc.execute_interactive, code, silent=True, store_history=False, allow_stdin=False,
                          timeout=timeout, output_hook=lambda msg: None)
    except (TimeoutError, RuntimeError, OSError) as exc:
        raise PipelineError(f"the reused kernel did not answer its {what} ({type(exc).__name__}: {exc})") from None
    content = reply["content"]
    if content.get("status") != "ok":
        raise PipelineError(f"the reused kernel's {what} failed: {content.get('ename')}: {content.get('evalue')}")


def _start(kernel_name: str, cwd: Path, modules: Sequence[str]) -> WarmKernel:
    # a spawned kernel (it serves many agencies, so forking buys little), with no CPU limit: it is recycled
    km = kernels.manager_class("spawn")(kernel_name=kernel_name)
    kernel = WarmKernel(km, None, Path(km.connection_file), (kernel_name, str(cwd)))
    try:
        # nbclient passes the same in-memory history file: parallel kernels never lock a shared sqlite file
        _run_sync(km.start_kernel, cwd=str(cwd), extra_arguments=["--HistoryManager.hist_file=:memory:"])
        with _alive_lock:
            _alive.add(kernel)
        kernel.kc = km.client()
        kernel.kc.start_channels()
        _run_sync(kernel.kc.wait_for_ready, timeout=START_TIMEOUT)
        kernel.kc.allow_stdin = False
        _hidden(kernel, _warm_code(modules) + _INSTALL, START_TIMEOUT, "warm-up")
    except BaseException as exc:
        _stop(kernel)
        if isinstance(exc, PipelineError):
            raise
        raise PipelineError(f"could not start a kernel ({kernel_name}) for reuse: {type(exc).__name__}: {exc}"
                            ) from None
    return kernel


def _stop(kernel: WarmKernel) -> None:
    """Shut the kernel down now and make sure its process group is gone; never raises."""
    with _alive_lock:
        _alive.discard(kernel)
    if getattr(_local, "kernel", None) is kernel:
        _local.kernel = None
    pid = kernel.pid
    with contextlib.suppress(Exception):
        if kernel.kc is not None:
            kernel.kc.stop_channels()
    try:
        if kernel.km.has_kernel:
            _run_sync(kernel.km.shutdown_kernel, now=True)  # SIGKILL to the kernel's process group, then reaped
    except Exception:
        if pid is not None:  # not reaped, so the id is still the kernel's: its own session, started for it
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        kernel.km.cleanup_connection_file()
        kernel.km.cleanup_ipc_files()


def shutdown_all() -> None:
    """Stop every warm kernel of this process (at worker exit; safe to call twice)."""
    with _alive_lock:
        kernels = list(_alive)
    for kernel in kernels:
        _stop(kernel)


def _register_exit() -> None:
    # multiprocessing workers leave through os._exit: atexit handlers do not run there, Finalize ones do
    from multiprocessing import util

    atexit.register(shutdown_all)
    util.Finalize(None, shutdown_all, exitpriority=100)


_register_exit()


def _register_engine() -> None:
    """Papermill engine ENGINE: papermill's own NBClient engine and client, given the warm kernel to run in."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.exceptions import PapermillException
    from papermill.log import logger

    try:
        papermill_engines.get_engine(ENGINE)
        return
    except PapermillException:
        pass

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: float = 60,
                                     execution_timeout: float | None = None, **kwargs: Any) -> Any:
            kernel: WarmKernel = kwargs.pop("warm_kernel")
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(nb_man, km=kernel.km, timeout=execution_timeout,
                                             startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                                             log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                                             **kwargs)
            client.kc = kernel.kc  # nbclient neither starts nor shuts down a kernel or client it was given
            return client.execute()

    papermill_engines.register(ENGINE, WarmEngine)


def _kernel_for(template: Path, kernel_name: str | None) -> WarmKernel:
    """This thread's warm kernel for ``template``, started (and warmed) if there is none or it does not fit."""
    from papermill.iorw import load_notebook_node
    from papermill.utils import nb_kernel_name

    nb = load_notebook_node(str(template))
    name = nb_kernel_name(nb, kernel_name)
    key = (name, str(template.parent.resolve()))
    kernel: WarmKernel | None = getattr(_local, "kernel", None)
    if kernel is not None and (kernel.key != key or not _run_sync(kernel.km.is_alive)):
        _stop(kernel)
        kernel = None
    if kernel is None:
        kernel = _start(name, template.parent.resolve(), [*_template_imports(nb), *WARM_IMPORTS])
        _local.kernel = kernel
    return kernel


def current_kernel() -> WarmKernel | None:
    return getattr(_local, "kernel", None)


def execute(template: Path, parameters: dict[str, Any], kernel_name: str | None = None,
            timeout: float | None = None, recycle_after: int = DEFAULT_RECYCLE) -> Any:
    """``pipeline.execute`` in this thread's warm kernel, reset first; recycles it after a failure or N runs."""
    _register_engine()
    kernel = _kernel_for(template, kernel_name)
    try:
        try:
            _hidden(kernel, _RESET, RESET_TIMEOUT, "reset")
        except PipelineError:  # the previous agency left the kernel unusable: not this agency's fault
            _stop(kernel)
            kernel = _kernel_for(template, kernel_name)
            _hidden(kernel, _RESET, RESET_TIMEOUT, "reset")
        nb = pipeline.execute(template, parameters, kernel_name, timeout, engine_name=ENGINE, warm_kernel=kernel)
    except BaseException:
        _stop(kernel)  # raised, timed out (cell still running) or died: never reuse what it left
        raise
    kernel.runs += 1
    if kernel.runs >= recycle_after:
        _stop(kernel)
    return nb


def run(params_path: str | Path, outputs: str | Path = "outputs", template: Path | None = None,
        kernel_name: str | None = None, timeout: float | None = 600, to: Sequence[str] = (),
        recycle_after: int = DEFAULT_RECYCLE) -> pipeline.RunResult:
    """``pipeline.run`` on the warm kernel: same checks before the kernel, same outputs after it."""
    if recycle_after < 1:
        raise PipelineError(f"--reuse-kernel: recycle after at least 1 agency, got {recycle_after}")
    params_path = Path(params_path)
    ay = params_io.load(params_path)
    target = pipeline.output_dir(Path(outputs), ay)
    parameters = pipeline.parameters_for(params_path, ay)
    nb = execute(template or pipeline.default_template(), parameters, kernel_name, timeout, recycle_after)
    try:
        return pipeline.finish(params_path, ay, target, parameters, nb, to)
    except BaseException:
        if (kernel := current_kernel()) is not None:
            _stop(kernel)  # any failure of the agency recycles, even one after its notebook ran
        raise
