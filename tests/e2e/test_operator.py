"""End-to-end: the operator commands. `upkeep controller` against an API server (leader
election through a Lease, probes and metrics, SIGTERM), and `upkeep dev` (the embedded API
server and the operator in one process, manifests applied, usable with kubectl)."""
import base64
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from harness import KUBECTL, UPKEEP_BIN, ServerTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))


def wait_for(predicate, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


class LogReader:
    """JSON log lines of a process, read from the file it writes."""

    def __init__(self, path):
        self.path = path

    def lines(self):
        out = []
        with open(self.path, errors="replace") as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass
        return out

    def port_of(self, msg):
        for line in self.lines():
            if line.get("msg") == msg and line.get("port"):
                return line["port"]
        return None


def http_get(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class ControllerCommandTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The operator needs its CRDs, as in a cluster (installed by deploy/ or the chart).
        if KUBECTL:
            env = dict(os.environ, KUBECONFIG=cls.server.kubeconfig)
            subprocess.run([KUBECTL, "apply", "-k", os.path.join(SOURCE, "crds")], check=True,
                           env=env, capture_output=True, timeout=60)

    def start_controller(self, *extra):
        tmp = tempfile.mkdtemp(prefix="upkeep-controller-")
        log_path = os.path.join(tmp, "controller.log")
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(
                [UPKEEP_BIN, "controller", "--kubeconfig", self.server.kubeconfig,
                 "--metrics-bind-address", "127.0.0.1:0",
                 "--health-probe-bind-address", "127.0.0.1:0",
                 "--leader-elect", "--leader-election-namespace", "default"] + list(extra),
                stdout=log, stderr=log)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        return proc, LogReader(log_path)

    def lease_holder(self):
        proc = self.kubectl("get", "lease", "upkeep-controller-leader", "-n", "default",
                            "-o", "json", check=False)
        if proc.returncode != 0:
            return None
        return json.loads(proc.stdout)["spec"].get("holderIdentity") or ""

    def test_help_names_the_flags(self):
        out = subprocess.run([UPKEEP_BIN, "controller", "--help"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        for flag in ("--kubeconfig", "--namespace", "--leader-elect", "--metrics-bind-address",
                     "--health-probe-bind-address", "--log-level", "--kube-api-qps",
                     "--kube-api-burst"):
            self.assertIn(flag, out.stdout)

    def test_kube_api_rate_flags_are_checked(self):
        for flag, value in (("--kube-api-qps", "-1"), ("--kube-api-qps", "fast"),
                            ("--kube-api-burst", "0"), ("--kube-api-burst", "2.5")):
            out = subprocess.run([UPKEEP_BIN, "controller", flag, value], capture_output=True,
                                 text=True, timeout=30)
            self.assertEqual(out.returncode, 2, (flag, value, out.stderr))
            self.assertIn(flag, out.stderr)
            self.assertIn(value, out.stderr)

    def test_a_missing_kubeconfig_is_a_clear_error(self):
        out = subprocess.run([UPKEEP_BIN, "controller", "--kubeconfig", "/nonexistent/kubeconfig"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 1)
        self.assertIn("/nonexistent/kubeconfig", out.stderr)

    def test_leads_serves_probes_and_metrics_and_stops_cleanly_on_sigterm(self):
        proc, log = self.start_controller()
        probe = wait_for(lambda: log.port_of("Starting health probe server"))
        metrics = wait_for(lambda: log.port_of("Serving metrics server"))
        self.assertTrue(probe and metrics, log.lines())
        self.assertTrue(wait_for(lambda: http_get(probe, "/readyz")[0] == 200))
        self.assertEqual(http_get(probe, "/healthz")[0], 200)
        holder = wait_for(self.lease_holder)
        self.assertTrue(holder, "no replica took the Lease")
        status, text = http_get(metrics, "/metrics")
        self.assertEqual(status, 200)
        self.assertRegex(text, r'leader_election_master_status\{name="upkeep-controller-leader"\} 1')
        # The Lease's own requests (no reconciler is built in yet).
        self.assertRegex(text, r'rest_client_requests_total\{code="\d+",host="127\.0\.0\.1:\d+",'
                               r'method="(GET|POST|PUT)"\} [1-9]')
        for line in log.lines():
            self.assertIn("level", line)
            self.assertIn("ts", line)
        started = time.time()
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=10), 0)
        self.assertLess(time.time() - started, 10)
        self.assertEqual(self.lease_holder(), "", "the Lease was not released")


class DevCommandTest(unittest.TestCase):

    def test_runs_the_api_server_and_operator_with_manifests_applied(self):
        if KUBECTL is None:
            self.skipTest("kubectl is not installed")
        tmp = tempfile.mkdtemp(prefix="upkeep-dev-e2e-")
        kubeconfig = os.path.join(tmp, "kubeconfig")
        out_path = os.path.join(tmp, "dev.log")
        with open(out_path, "ab") as out:
            proc = subprocess.Popen(
                [UPKEEP_BIN, "dev", "--listen", "127.0.0.1:0", "--kubeconfig-out", kubeconfig,
                 "--metrics-bind-address", "127.0.0.1:0",
                 "--health-probe-bind-address", "127.0.0.1:0",
                 "--apply", os.path.join(SOURCE, "crds") + "," +
                 os.path.join(SOURCE, "examples", "dev")],
                stdout=out, stderr=out)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))

        def printed():
            with open(out_path, errors="replace") as f:
                return "export KUBECONFIG=" + kubeconfig in f.read()
        self.assertTrue(wait_for(printed, 30), "upkeep dev printed no kubectl line")
        env = dict(os.environ, KUBECONFIG=kubeconfig)
        got = subprocess.run([KUBECTL, "get", "widgets", "-A", "-o", "json"], capture_output=True,
                             text=True, env=env, timeout=60)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertGreaterEqual(len(json.loads(got.stdout)["items"]), 1)
        # Every upkeep kind has a dev example, found by the `upkeep` category.
        got = subprocess.run([KUBECTL, "get", "upkeep", "-A", "-o", "json"], capture_output=True,
                             text=True, env=env, timeout=60)
        self.assertEqual(got.returncode, 0, got.stderr)
        kinds = {item["kind"] for item in json.loads(got.stdout)["items"]}
        self.assertEqual(kinds, {"BackupPolicy", "CertRenewal", "HealthGate", "SecretRotation",
                                 "LogRotation"})

        # The dev CertRenewal (selfSigned) is issued into its kubernetes.io/tls Secret.
        def certificate_ready():
            got = subprocess.run([KUBECTL, "get", "certrenewals", "-A", "-o", "json"],
                                 capture_output=True, text=True, env=env, timeout=60)
            items = json.loads(got.stdout)["items"] if got.returncode == 0 else []
            return items and all(
                any(c["type"] == "Ready" and c["status"] == "True"
                    for c in i.get("status", {}).get("conditions", [])) for i in items)
        self.assertTrue(wait_for(certificate_ready, 30), "the dev certificate was not issued")
        secret = json.loads(subprocess.run(
            [KUBECTL, "get", "secret", "upkeep-dev-tls", "-o", "json"], capture_output=True,
            text=True, env=env, timeout=60).stdout)
        self.assertEqual(secret["type"], "kubernetes.io/tls")
        self.assertEqual(sorted(secret["data"]), ["ca.crt", "tls.crt", "tls.key"])

        # `upkeep certs export` turns it into the files a host's nginx is configured with.
        live = os.path.join(tmp, "live", "upkeep-dev")
        exported = subprocess.run(
            [UPKEEP_BIN, "certs", "export", "default/upkeep-dev", "--dir", live,
             "--kubeconfig", kubeconfig], capture_output=True, text=True, timeout=60)
        self.assertEqual(exported.returncode, 0, exported.stderr)
        self.assertEqual(sorted(os.listdir(live)),
                         ["ca.pem", "cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"])
        self.assertEqual(os.stat(os.path.join(live, "privkey.pem")).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.join(live, "cert.pem")).st_mode & 0o777, 0o644)
        for name, key in (("fullchain.pem", "tls.crt"), ("privkey.pem", "tls.key"),
                          ("ca.pem", "ca.crt")):
            with open(os.path.join(live, name), "rb") as f:
                self.assertEqual(f.read(), base64.b64decode(secret["data"][key]), name)
        with open(os.path.join(live, "chain.pem")) as f:
            self.assertEqual(f.read(), "")  # self-signed: no intermediates
        serial = subprocess.run(["openssl", "x509", "-noout", "-serial", "-in",
                                 os.path.join(live, "cert.pem")],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(serial.returncode, 0, serial.stderr)
        serial = serial.stdout.strip().split("=", 1)[1].lower()
        self.assertIn("serial " + serial + ", notAfter ", exported.stdout)
        self.assertEqual(len(exported.stdout.splitlines()), 1, exported.stdout)
        # chain.pem is empty, so there is nothing to pass as -untrusted.
        verified = subprocess.run(
            ["openssl", "verify", "-CAfile", os.path.join(live, "ca.pem"),
             os.path.join(live, "cert.pem")], capture_output=True, text=True, timeout=60)
        self.assertEqual(verified.returncode, 0, verified.stdout + verified.stderr)
        missing = subprocess.run(
            [UPKEEP_BIN, "certs", "export", "default/no-such-cert", "--dir", live,
             "--kubeconfig", kubeconfig], capture_output=True, text=True, timeout=60)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("CertRenewal default/no-such-cert not found", missing.stderr)
        self.assertEqual(len(os.listdir(live)), 5)

        log = LogReader(out_path)
        probe = wait_for(lambda: log.port_of("Starting health probe server"))
        self.assertTrue(probe)
        self.assertTrue(wait_for(lambda: http_get(probe, "/readyz")[0] == 200))
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=10), 0)


if __name__ == "__main__":
    unittest.main()
