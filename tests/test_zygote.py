"""The kernel zygote (qmlib/runner/zygote.py): warm kernels forked from a pre-imported process.

A forked kernel must be indistinguishable, for a notebook, from one started
with ``python -m ipykernel_launcher``; anything the zygote cannot stand in
for falls back to the usual launch; a forked kernel dies with the worker that
asked for it. Tests that start kernels are marked ``slow``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_core.utils import run_sync

from qmlib.runner import engine, zygote

PROBE = """
import json, os, sys
import matplotlib
ip = get_ipython()
print(json.dumps({
    "ppid": os.getppid(), "sid": os.getsid(0), "pid": os.getpid(), "cwd": os.getcwd(),
    "argv0": os.path.basename(sys.argv[0]), "parent_env": os.environ.get("JPY_PARENT_PID"),
    "marker": os.environ.get("QM_ZYGOTE_TEST"),
    "path": sys.path, "backend": matplotlib.rcParams._get("backend"),
    "post_execute": [getattr(c, "__name__", str(c)) for c in ip.events.callbacks["post_execute"]],
    "tokenizer_built": sys.modules["qmlib.insights.voice"]._tokenizer.cache_info().currsize,
    "stdin": os.readlink("/proc/self/fd/0"),
}))
"""


def probe(warm: engine.WarmKernel) -> dict:
    out: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append(json.dumps({"error": msg["content"]["evalue"]}))

    run_sync(warm.kc.execute_interactive)(PROBE, store_history=False, timeout=60, output_hook=hook)
    return json.loads("".join(out))


def gone(pid: int, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                if f.read().split()[2] == "Z":  # a zombie has ended
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def running_zygote() -> Iterator[zygote.Zygote]:
    z = zygote.start_zygote()
    yield z
    z.close()


@pytest.fixture
def use_zygote(running_zygote: zygote.Zygote) -> Iterator[zygote.Zygote]:
    engine.shutdown_all()  # a warm kernel an earlier test left in this thread would be reused
    zygote.set_address(running_zygote.address)
    try:
        yield running_zygote
    finally:
        zygote.set_address(None)
        engine.shutdown_all()


@pytest.mark.slow
def test_a_forked_kernel_is_set_up_like_a_launched_one(
    use_zygote: zygote.Zygote, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QM_ZYGOTE_TEST", "worker env")  # the kernel gets the worker's environment
    forked = probe(engine.acquire_kernel("python3", str(tmp_path)))
    assert forked["ppid"] == use_zygote.process.pid  # forked by the zygote
    assert forked["sid"] == forked["pid"]  # its own session, as jupyter_client's start_new_session
    assert forked["cwd"] == str(tmp_path)
    assert forked["marker"] == "worker env"
    assert forked["parent_env"] == str(os.getpid())
    assert forked["argv0"] == "ipykernel_launcher.py"
    assert forked["stdin"] == os.devnull
    assert forked["tokenizer_built"] == 1  # jieba's dictionary came with the fork

    zygote.set_address(None)  # the same kernel, launched as usual
    engine.discard_kernel()
    launched = probe(engine.acquire_kernel("python3", str(tmp_path)))
    assert launched["ppid"] == os.getpid()
    assert launched["tokenizer_built"] == 0
    same = ("cwd", "marker", "parent_env", "argv0", "path", "backend", "post_execute")
    assert {k: forked[k] for k in same} == {k: launched[k] for k in same}


@pytest.mark.slow
def test_what_the_zygote_cannot_stand_in_for_is_launched_as_usual(
    use_zygote: zygote.Zygote, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = dict(os.environ)
    with pytest.raises(OSError, match="not a -m ipykernel_launcher command line"):
        zygote.fork_kernel([sys.executable, "-c", "pass"], str(tmp_path), env)
    with pytest.raises(OSError, match="MPLBACKEND 'agg' is not the zygote's"):
        zygote.fork_kernel(
            [sys.executable, "-m", "ipykernel_launcher"], str(tmp_path), {**env, "MPLBACKEND": "agg"}
        )
    monkeypatch.setenv("MPLBACKEND", "agg")
    launched = probe(engine.acquire_kernel("python3", str(tmp_path)))
    assert launched["ppid"] == os.getpid()
    assert launched["backend"] == "agg"


@pytest.mark.slow
def test_a_forked_kernel_dies_with_the_worker_that_asked_for_it(use_zygote: zygote.Zygote) -> None:
    code = (
        "import os, sys\n"
        "from qmlib.runner import engine, zygote\n"
        "zygote.set_address(sys.argv[1])\n"
        "warm = engine.acquire_kernel('python3', '.')\n"
        "print(warm.pid, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"  # no clean-up: as a worker killed by the OOM killer
    )
    done = subprocess.run([sys.executable, "-c", code, use_zygote.address], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    kernel = int(done.stdout.split()[-1])
    assert gone(kernel)


@pytest.mark.slow
def test_a_zygote_that_is_gone_means_a_launched_kernel(tmp_path: Path) -> None:
    engine.shutdown_all()
    z = zygote.start_zygote()
    address = z.address
    z.close()
    zygote.set_address(address)
    try:
        launched = probe(engine.acquire_kernel("python3", str(tmp_path)))
        assert launched["ppid"] == os.getpid()
        assert launched["cwd"] == str(tmp_path)
    finally:
        zygote.set_address(None)
        engine.shutdown_all()


def test_forked_kernel_handle_polls_waits_and_kills_a_process() -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        handle = zygote.ForkedKernel(child.pid)
        assert handle.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            handle.wait(timeout=0.1)
        handle.kill()
        assert handle.wait(timeout=5) == -1  # the zygote reaps its kernels: no exit status here
        assert handle.poll() == -1
        handle.kill()  # an ended kernel: nothing to do, no error
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL


def test_without_a_zygote_nothing_is_asked() -> None:
    zygote.set_address(None)
    with pytest.raises(OSError, match="no kernel zygote"):
        zygote.fork_kernel([sys.executable, "-m", "ipykernel_launcher"], ".", dict(os.environ))


@pytest.mark.slow
def test_the_zygote_exits_when_qm_closes_its_stdin() -> None:
    z = zygote.start_zygote()
    assert Path(z.address).is_socket()
    assert oct(Path(z.address).stat().st_mode & 0o777) == "0o600"
    z.close()
    assert z.process.returncode == 0
    assert not z.folder.exists()
