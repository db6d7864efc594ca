"""Starting and stopping a cloudfront-local process on a free port."""

import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from pytest_cloudfront_local.control import Control

BINARY_NAME = "cloudfront-local"
_LISTENING = "cloudfront-local listening on "


class EmulatorStartError(Exception):
    """The emulator could not be started; the message says why (and has its stderr tail)."""


def find_binary(explicit=None, start=None):
    """The emulator binary: `explicit`, else $CFL_BINARY, else build/cloudfront-local in `start`
    (default: the working directory) or a folder above it, else cloudfront-local on the PATH."""
    if explicit:
        return Path(explicit)
    if os.environ.get("CFL_BINARY"):
        return Path(os.environ["CFL_BINARY"])
    folder = Path(start or os.getcwd()).resolve()
    for candidate in (folder, *folder.parents):
        built = candidate / "build" / BINARY_NAME
        if built.is_file():
            return built
    on_path = shutil.which(BINARY_NAME)
    if on_path:
        return Path(on_path)
    raise EmulatorStartError(
        f"cannot find the {BINARY_NAME} binary: build it (./build.sh in a clone of CloudFront "
        "Local), then set CFL_BINARY=/path/to/cloudfront-local or put it on the PATH")


class Emulator(Control):
    """A running cloudfront-local started with `--port 0` (a free port) and `flags`; it is also
    a Control for its own control plane. Stop it with stop() (SIGTERM, returns the exit code)."""

    def __init__(self, *flags, binary=None, startup_timeout=15.0):
        self.binary = find_binary(binary)
        if not self.binary.is_file():
            raise EmulatorStartError(f"emulator binary {self.binary} does not exist: build it first "
                                     "(./build.sh) or set CFL_BINARY")
        self.flags = [str(flag) for flag in flags]
        port = [] if "--port" in self.flags else ["--port", "0"]
        self.args = [str(self.binary), *port, *self.flags]
        self._stderr_file = tempfile.NamedTemporaryFile(prefix="cfl-stderr-", suffix=".log", delete=False)
        self.stderr_path = Path(self._stderr_file.name)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._stderr_file)
        self.returncode = None
        self.stdout_rest = []
        self.first_line = self._read_first_line(startup_timeout)
        if not self.first_line.startswith(_LISTENING):
            self.kill()
            raise EmulatorStartError(f"first stdout line of {self.args} is {self.first_line!r}, expected "
                                     f"'{_LISTENING}http://HOST:PORT'")
        url = self.first_line[len(_LISTENING):].strip()
        host_port = url.split("://", 1)[-1]
        self.host, _, port_text = host_port.rpartition(":")
        self.port = int(port_text)
        super().__init__(url)
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()
        self._wait_healthy(startup_timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def _fail(self, why):
        self.kill()
        raise EmulatorStartError(f"{why}; stderr tail:\n{self.stderr_text()[-2000:]}")

    def _read_first_line(self, timeout):
        deadline = time.monotonic() + timeout
        buf = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self._fail(f"{self.args}: no first stdout line within {timeout}s (got {buf!r})")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1)  # byte by byte: leave the rest for the drain thread
            if not chunk:
                rc = self.proc.wait(5)
                self._fail(f"{self.args} exited with {rc} before printing its URL (stdout {buf!r})")
            buf += chunk
        return buf.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")

    def _drain_stdout(self):
        for line in self.proc.stdout:
            self.stdout_rest.append(line.decode("utf-8", "replace"))

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_emulator/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
                    last = f"HTTP {answer.status}"
            except urllib.error.HTTPError:
                return  # it answers (--no-control-api says 404): it is serving
            except OSError as error:  # not accepting yet
                last = repr(error)
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self._fail(f"{self.url}/_emulator/health never answered 200 ({last})")

    def stderr_text(self):
        try:
            return self.stderr_path.read_text("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=None):
        """Sends `sig`, waits for the exit and returns the exit code (idempotent); a process
        still running after `timeout` seconds ($CFL_STOP_TIMEOUT, 10) is killed and the answer
        is a string saying so."""
        if timeout is None:
            timeout = float(os.environ.get("CFL_STOP_TIMEOUT", "10"))
        if self.returncode is None:
            if self.proc.poll() is None:
                self.proc.send_signal(sig)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
                    self.returncode = f"did not exit within {timeout}s of {sig.name}"
                    return self.returncode
            self.returncode = self.proc.returncode
            self._drain.join(2)
        return self.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        if self.returncode is None:
            self.returncode = self.proc.returncode
