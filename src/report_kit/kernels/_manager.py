"""The one kernel manager report-kit uses: jupyter_client's async manager, on Unix-domain sockets in this
process's kernel folder (Linux), with the provisioner of the chosen start method.

Unix sockets: concurrent kernels of a batch never race for TCP ports and nothing listens on the network.
The connection file (it holds the kernel's signing key) lives in the same folder, so a killed worker's
files go with the sweep. Async, like nbclient's default, so a killed kernel cannot block it.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from report_kit import platform
from report_kit.kernels._home import home
from report_kit.kernels._provisioners import ForkProvisioner, SpawnProvisioner

PROVISIONERS: dict[str, type[SpawnProvisioner]] = {"fork": ForkProvisioner, "spawn": SpawnProvisioner}


@cache
def manager_class(start: str, cpu_seconds: int | None = None, preload: tuple[str, ...] = ()) -> type:
    """A kernel manager class starting kernels by ``start`` ("fork" or "spawn") with a CPU budget."""
    provisioner = PROVISIONERS[start]
    ipc = platform.has_unix_kernel_sockets()  # else TCP on loopback (jupyter_client's default)

    class KernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if ipc:
                name = f"k-{uuid.uuid4().hex[:12]}"
                self.transport = "ipc"
                self.ip = str(home() / name)  # socket files are this path + -<n>, removed at shutdown
                self.connection_file = str(home() / f"{name}.json")

        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            # a kernelspec that names its own provisioner keeps it (jupyter_client's factory picks it)
            if self.provisioner is None and not self.kernel_spec.metadata.get("kernel_provisioner"):
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                made = provisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
                made.cpu_seconds, made.preload = cpu_seconds, preload
                self.provisioner = made
            return await super()._async_pre_start_kernel(**kw)

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            if isinstance(self.provisioner, SpawnProvisioner) and self.provisioner.has_process:
                await self.provisioner.exited()  # no 0.1 s polling loop after each kill
                return
            await super()._async_wait(pollinterval)

    KernelManager.__name__ = KernelManager.__qualname__ = f"{start.capitalize()}KernelManager"
    return KernelManager
