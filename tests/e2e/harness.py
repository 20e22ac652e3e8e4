"""Test harness: starts a real `upkeep apiserver` on 127.0.0.1 with an ephemeral port and
runs real clients (kubectl, the Python kubernetes client) against it.

The server binary comes from $UPKEEP_BIN (set by CTest). Every process a test starts is
ended by PID when the test ends, pass or fail.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

UPKEEP_BIN = os.environ.get("UPKEEP_BIN", "build/cmd/upkeep/upkeep")
KUBECTL = shutil.which("kubectl")


class ApiServer:
    """One `upkeep apiserver` process with its own temp dir and kubeconfig."""

    def __init__(self, data_dir=None, tls=False, extra_args=()):
        self.tmp = tempfile.mkdtemp(prefix="upkeep-e2e-")
        self.kubeconfig = os.path.join(self.tmp, "kubeconfig")
        self.data_dir = data_dir
        self.tls = tls
        self.extra_args = list(extra_args)
        self.proc = None
        self.url = None
        self.log = None

    def start(self, timeout=20):
        if os.path.exists(self.kubeconfig):
            os.remove(self.kubeconfig)
        args = [UPKEEP_BIN, "apiserver", "--listen", "127.0.0.1:0",
                "--kubeconfig-out", self.kubeconfig] + self.extra_args
        if self.data_dir:
            args += ["--data-dir", self.data_dir]
        if self.tls:
            args += ["--tls"]
        self.log = open(os.path.join(self.tmp, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("apiserver exited: " + self.read_log())
            if os.path.exists(self.kubeconfig):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("apiserver did not write its kubeconfig in time")
        with open(self.kubeconfig) as f:
            for line in f:
                if line.strip().startswith("server:"):
                    self.url = line.split("server:", 1)[1].strip()
        return self

    def read_log(self):
        try:
            with open(os.path.join(self.tmp, "server.log")) as f:
                return f.read()
        except OSError:
            return ""

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=20)

    def stop(self):
        self.kill(signal.SIGTERM)
        if self.log:
            self.log.close()
            self.log = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # Plain HTTP helpers for admin endpoints and raw API checks (loopback only).
    def request(self, method, path, body=None, headers=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        if data is not None and "Content-Type" not in (headers or {}):
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def set_faults(self, **plan):
        return self.request("PUT", "/upkeep/faults", plan)


class ServerTestCase(unittest.TestCase):
    """A test case with a fresh API server per test class."""

    server_args = {}

    @classmethod
    def setUpClass(cls):
        cls.server = ApiServer(**cls.server_args).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def kubectl(self, *args, input=None, check=True, timeout=60):
        if KUBECTL is None:
            self.skipTest("kubectl is not installed")
        env = dict(os.environ, KUBECONFIG=self.server.kubeconfig)
        proc = subprocess.run([KUBECTL] + list(args), input=input, capture_output=True,
                              text=True, env=env, timeout=timeout)
        if check and proc.returncode != 0:
            self.fail("kubectl %s failed (%d):\n%s\n%s" % (" ".join(args), proc.returncode,
                                                          proc.stdout, proc.stderr))
        return proc

    def kubectl_json(self, *args):
        return json.loads(self.kubectl(*args, "-o", "json").stdout)
