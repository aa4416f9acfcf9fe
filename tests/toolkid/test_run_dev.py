"""`make run` (scripts/run-dev.sh with scripts/supervise.sh) keeps its processes running: one
that stops is started again after a pause, with one line on the console and in its log, and the
others keep running; Ctrl-C still stops everything, including what the processes started.

The script runs for real, in a temporary directory whose ``.venv/bin/celery`` and
``.venv/bin/python`` are tiny stand-ins: the worker exits at once with code 3, beat and the web
server keep running (the web server with a child process of its own)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
RUN_DEV = ROOT / "scripts" / "run-dev.sh"
PAUSE = "0.2"

FAKE_CELERY = """#!/bin/sh
# Called as: celery -A toolkid worker|beat ...
echo $$ >>"$FAKE_DIR/$3.pids"
if [ "$3" = worker ]; then echo "fake worker: exiting"; exit 3; fi
exec sleep 300
"""

FAKE_PYTHON = """#!/bin/sh
# Called as: python manage.py runserver HOST:PORT --noreload
echo $$ >>"$FAKE_DIR/web.pids"
sleep 300 &
echo $! >>"$FAKE_DIR/web-child.pids"
wait
"""

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def wait_until(condition, timeout: float, what: str, output) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout:.0f}s\n{output()}")
        time.sleep(0.05)


@pytest.fixture
def fake_tree(tmp_path: Path) -> Path:
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("celery", FAKE_CELERY), ("python", FAKE_PYTHON)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return tmp_path


def test_make_run_restarts_a_stopped_process_and_ctrl_c_stops_all(fake_tree: Path):
    var = fake_tree / "var"
    console = (fake_tree / "console.txt").open("w")
    env = {**os.environ, "FAKE_DIR": str(fake_tree), "TOOLKID_VAR_DIR": str(var),
           "TOOLKID_RESTART_PAUSE": PAUSE}
    script = subprocess.Popen(
        ["bash", str(RUN_DEV), "127.0.0.1", "8999"], cwd=fake_tree, env=env,
        stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal's foreground job is
    )

    def output() -> str:
        return (fake_tree / "console.txt").read_text()

    try:
        # The worker stops again and again; every time it is started again.
        wait_until(lambda: len(pids(fake_tree / "worker.pids")) >= 3, 20, "third worker start", output)
        assert script.poll() is None, f"make run stopped with the worker\n{output()}"
        [beat] = pids(fake_tree / "beat.pids")
        [web] = pids(fake_tree / "web.pids")
        wait_until(lambda: pids(fake_tree / "web-child.pids"), 5, "web child", output)
        [web_child] = pids(fake_tree / "web-child.pids")
        assert alive(beat) and alive(web) and alive(web_child), "the others keep running"

        line = f"worker gestopt (code 3), opnieuw gestart over {PAUSE} s"
        assert line in output().splitlines()
        worker_log = (var / "log" / "worker.log").read_text().splitlines()
        assert line in worker_log
        assert worker_log.count("fake worker: exiting") >= 2  # the worker's own output, kept
        assert "gestopt" not in (var / "log" / "beat.log").read_text()

        # Ctrl-C: the terminal signals the foreground process group.
        os.killpg(script.pid, signal.SIGINT)
        script.wait(timeout=15)
        everything = [beat, web, web_child, *pids(fake_tree / "worker.pids")]
        wait_until(lambda: not any(alive(pid) for pid in everything), 10, "everything stopped", output)
        # Stopping is not a stop to restart from.
        assert "beat gestopt" not in output() and "webserver gestopt" not in output()
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
            script.wait(timeout=10)
        for pid in pids(fake_tree / "beat.pids") + pids(fake_tree / "web.pids") + pids(
            fake_tree / "web-child.pids"
        ):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        console.close()


def test_supervise_stops_its_command_on_sigterm(tmp_path: Path):
    """The supervisor alone (as run-dev.sh starts it): SIGTERM ends it and the whole process
    group of its command, and no restart line is written for that stop."""
    log = tmp_path / "job.log"
    started = tmp_path / "started"
    command = f"sleep 300 & echo $! >{started}; wait"
    supervisor = subprocess.Popen(
        ["bash", "-c", f'. "{ROOT}/scripts/supervise.sh"; supervise job "{log}" sh -c "$0"', command],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_until(started.exists, 10, "command started", lambda: "")
        wait_until(lambda: started.read_text().strip(), 5, "child pid", lambda: "")
        grandchild = int(started.read_text())
        assert alive(grandchild)
        supervisor.send_signal(signal.SIGTERM)
        out, _ = supervisor.communicate(timeout=10)
        assert supervisor.returncode == 0
        wait_until(lambda: not alive(grandchild), 5, "command's child stopped", lambda: out)
        assert "gestopt" not in out and "gestopt" not in log.read_text()
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait(timeout=10)
