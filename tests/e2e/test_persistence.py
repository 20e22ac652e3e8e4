"""Durability of `upkeep apiserver --data-dir`: objects acknowledged before a SIGKILL are all
there after a restart on the same data dir, unchanged; resourceVersions keep increasing; the
data dir is exclusively locked; with --tls the CA and bearer token survive restarts.
"""
import base64
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from harness import KUBECTL, ApiServer

GROUP = "persist.upkeep.example.com"
N_CONFIGMAPS = 150
N_CUSTOM = 50


def crd_body(plural="gizmos", kind="Gizmo"):
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "%s.%s" % (plural, GROUP)},
        "spec": {
            "group": GROUP, "scope": "Namespaced",
            "names": {"plural": plural, "singular": kind.lower(), "kind": kind,
                      "listKind": kind + "List"},
            "versions": [{"name": "v1", "served": True, "storage": True, "schema": {
                "openAPIV3Schema": {"type": "object", "properties": {"spec": {
                    "type": "object", "required": ["n"],
                    "properties": {"n": {"type": "integer"}, "note": {"type": "string"}}}}}}}],
        },
    }


def wait_served(server, path, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        status, body = server.request("GET", path)
        if status == 200 or time.monotonic() > deadline:
            return status, body
        time.sleep(0.05)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kubeconfig_field(path, key):
    with open(path) as f:
        for line in f:
            if line.strip().startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return None


class PersistenceTest(unittest.TestCase):

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="upkeep-e2e-data-")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.cleanup()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def start(self, **kwargs):
        s = ApiServer(data_dir=self.data_dir, **kwargs)
        self.servers.append(s)
        return s.start()

    def ok(self, resp, *codes):
        status, body = resp
        self.assertIn(status, codes or (200, 201), body)
        return body

    def test_objects_survive_sigkill_and_restart(self):
        a = self.start()
        rvs = []  # every resourceVersion the first server acknowledged

        crd = self.ok(a.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                crd_body()), 201)
        rvs.append(int(crd["metadata"]["resourceVersion"]))
        cr_path = "/apis/%s/v1/namespaces/default/gizmos" % GROUP
        self.ok(wait_served(a, cr_path))
        ns = self.ok(a.request("POST", "/api/v1/namespaces", {"metadata": {"name": "persist"}}), 201)
        rvs.append(int(ns["metadata"]["resourceVersion"]))

        expected = {}  # path -> acknowledged object
        for i in range(N_CONFIGMAPS):
            nsname = "persist" if i % 2 else "default"
            body = {"metadata": {"name": "cm-%03d" % i, "labels": {"i": str(i)}},
                    "data": {"index": str(i), "text": "value \u00e9 %d\n" % i * (i % 4 + 1)}}
            obj = self.ok(a.request("POST", "/api/v1/namespaces/%s/configmaps" % nsname, body), 201)
            expected["/api/v1/namespaces/%s/configmaps/cm-%03d" % (nsname, i)] = obj
            rvs.append(int(obj["metadata"]["resourceVersion"]))
        for i in range(N_CUSTOM):
            body = {"apiVersion": GROUP + "/v1", "kind": "Gizmo", "metadata": {"name": "g-%03d" % i},
                    "spec": {"n": i, "note": "gizmo %d" % i}}
            obj = self.ok(a.request("POST", cr_path, body), 201)
            expected["%s/g-%03d" % (cr_path, i)] = obj
            rvs.append(int(obj["metadata"]["resourceVersion"]))
        self.assertEqual(len(expected), N_CONFIGMAPS + N_CUSTOM)
        self.assertEqual(len(set(rvs)), len(rvs), "resourceVersions must be unique")

        # some updates and deletes: the restarted server must show their outcome, too
        deleted = []
        for i, path in enumerate(sorted(expected)[:20]):
            if i % 2:
                obj = self.ok(a.request("PATCH", path, {"metadata": {"labels": {"updated": "yes"}}},
                                        headers={"Content-Type": "application/merge-patch+json"}))
                self.assertEqual(obj["metadata"]["uid"], expected[path]["metadata"]["uid"])
                expected[path] = obj
                rvs.append(int(obj["metadata"]["resourceVersion"]))
            else:
                self.ok(a.request("DELETE", path), 200)
                deleted.append(path)
                del expected[path]
        status, lst = a.request("GET", "/api/v1/configmaps")
        rvs.append(int(lst["metadata"]["resourceVersion"]))
        self.assertEqual(max(rvs), int(lst["metadata"]["resourceVersion"]))

        a.kill()  # SIGKILL: nothing gets a chance to flush
        self.assertEqual(a.proc.returncode, -9)

        b = self.start()
        self.assertNotEqual(b.url, a.url)
        crd2 = self.ok(b.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
                                 "gizmos.%s" % GROUP))
        self.assertEqual(crd2["metadata"]["uid"], crd["metadata"]["uid"])
        self.ok(wait_served(b, cr_path))

        for path, before in sorted(expected.items()):
            after = self.ok(b.request("GET", path))
            for key in ("uid", "resourceVersion", "creationTimestamp", "labels", "name", "namespace"):
                self.assertEqual(after["metadata"].get(key), before["metadata"].get(key), (path, key))
            self.assertEqual(after.get("data"), before.get("data"), path)
            self.assertEqual(after.get("spec"), before.get("spec"), path)
            self.assertEqual(after, before, path)
        for path in deleted:
            self.assertEqual(b.request("GET", path)[0], 404, path)

        status, cms = b.request("GET", "/api/v1/configmaps?labelSelector=i")
        self.assertEqual(status, 200)
        want_cms = sorted(p for p in expected if "/configmaps/" in p)
        got_cms = sorted("/api/v1/namespaces/%s/configmaps/%s" % (o["metadata"]["namespace"],
                                                                  o["metadata"]["name"])
                         for o in cms["items"])
        self.assertEqual(got_cms, want_cms)
        status, crs = b.request("GET", cr_path)
        self.assertEqual(status, 200)
        self.assertEqual(len(crs["items"]), len([p for p in expected if "/gizmos/" in p]))

        # the custom resource is validated again after restart
        status, body = b.request("POST", cr_path, {"apiVersion": GROUP + "/v1", "kind": "Gizmo",
                                                   "metadata": {"name": "bad"}, "spec": {"n": "x"}})
        self.assertEqual(status, 422, body)

        # a new write continues the resourceVersion sequence
        new = self.ok(b.request("POST", "/api/v1/namespaces/default/configmaps",
                                {"metadata": {"name": "after-restart"}}), 201)
        self.assertGreater(int(new["metadata"]["resourceVersion"]), max(rvs))
        new_cr = self.ok(b.request("POST", cr_path, {"apiVersion": GROUP + "/v1", "kind": "Gizmo",
                                                     "metadata": {"name": "g-new"}, "spec": {"n": 1}}),
                         201)
        self.assertGreater(int(new_cr["metadata"]["resourceVersion"]),
                           int(new["metadata"]["resourceVersion"]))
        # re-creating a deleted name gives a new uid
        recreated = self.ok(b.request("POST", deleted[0].rsplit("/", 1)[0],
                                      {"metadata": {"name": deleted[0].rsplit("/", 1)[1]}}), 201)
        self.assertGreater(int(recreated["metadata"]["resourceVersion"]), max(rvs))

    def test_watch_resumes_across_restart(self):
        a = self.start()
        self.ok(a.request("POST", "/api/v1/namespaces/default/configmaps", {"metadata": {"name": "w0"}}))
        rv = a.request("GET", "/api/v1/namespaces/default/configmaps")[1]["metadata"]["resourceVersion"]
        a.kill()
        b = self.start()
        created = self.ok(b.request("POST", "/api/v1/namespaces/default/configmaps",
                                    {"metadata": {"name": "w1"}}), 201)
        # watching from the last rv the old server gave out either resumes (only w1 is new)
        # or says 410 Expired; it must never replay w0 or miss w1
        url = b.url + "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=2&resourceVersion=" + rv
        with urllib.request.urlopen(url, timeout=10) as resp:
            events = [json.loads(line) for line in resp.read().splitlines() if line.strip()]
        self.assertTrue(events, "watch returned nothing")
        if events[0]["type"] == "ERROR":
            self.assertEqual(events[0]["object"]["code"], 410, events)
        else:
            self.assertEqual([(e["type"], e["object"]["metadata"]["name"]) for e in events],
                             [("ADDED", "w1")])
            self.assertEqual(events[0]["object"]["metadata"]["uid"], created["metadata"]["uid"])

    def test_second_server_on_same_data_dir_refuses_to_start(self):
        a = self.start()
        self.ok(a.request("POST", "/api/v1/namespaces/default/configmaps", {"metadata": {"name": "x"}}))
        b = ApiServer(data_dir=self.data_dir)
        self.servers.append(b)
        started = time.monotonic()
        with self.assertRaises(RuntimeError) as ctx:
            b.start()
        self.assertLess(time.monotonic() - started, 10)
        self.assertIsNotNone(b.proc.poll())
        self.assertNotEqual(b.proc.returncode, 0)
        self.assertFalse(os.path.exists(b.kubeconfig))
        log = b.read_log()
        self.assertIn(self.data_dir, log)
        self.assertIn("in use", log)
        self.assertIn(str(ctx.exception).split(": ", 1)[1].strip(), log)
        # the first server is unaffected
        self.assertIsNone(a.proc.poll())
        self.ok(a.request("GET", "/api/v1/namespaces/default/configmaps/x"))
        # once the holder dies (even by SIGKILL) the lock is released
        a.kill()
        c = self.start()
        self.ok(c.request("GET", "/api/v1/namespaces/default/configmaps/x"))


class TlsPersistenceTest(unittest.TestCase):

    def setUp(self):
        if KUBECTL is None:
            self.skipTest("kubectl is not installed")
        self.data_dir = tempfile.mkdtemp(prefix="upkeep-e2e-tls-")
        self.servers = []
        self.saved = tempfile.mkdtemp(prefix="upkeep-e2e-kc-")

    def tearDown(self):
        for s in self.servers:
            s.cleanup()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        shutil.rmtree(self.saved, ignore_errors=True)

    def start(self, port):
        s = ApiServer(data_dir=self.data_dir, tls=True, extra_args=["--listen", "127.0.0.1:%d" % port])
        self.servers.append(s)
        return s.start()

    def kubectl(self, kubeconfig, *args):
        env = dict(os.environ, KUBECONFIG=kubeconfig)
        return subprocess.run([KUBECTL] + list(args), capture_output=True, text=True, env=env,
                              timeout=30)

    def https(self, url, ca_pem, token=None, method="GET", body=None):
        ctx = ssl.create_default_context(cadata=ca_pem)
        req = urllib.request.Request(url, method=method, data=body)
        if token is not None:
            req.add_header("Authorization", "Bearer " + token)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=10) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def test_tls_kubeconfig_token_and_ca_survive_restart(self):
        port = free_port()
        a = self.start(port)
        self.assertTrue(a.url.startswith("https://127.0.0.1:%d" % port), a.url)
        ca_b64 = kubeconfig_field(a.kubeconfig, "certificate-authority-data")
        token = kubeconfig_field(a.kubeconfig, "token")
        self.assertTrue(ca_b64, "kubeconfig lacks certificate-authority-data")
        self.assertTrue(token, "kubeconfig lacks a token")
        ca_pem = base64.b64decode(ca_b64).decode()
        self.assertIn("BEGIN CERTIFICATE", ca_pem)
        self.assertFalse(kubeconfig_field(a.kubeconfig, "insecure-skip-tls-verify"))
        saved_kc = os.path.join(self.saved, "kubeconfig")
        shutil.copy(a.kubeconfig, saved_kc)

        proc = self.kubectl(saved_kc, "get", "ns", "-o", "name")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("namespace/default", proc.stdout.split())

        # verified TLS; no token, a wrong token, the right token
        self.assertEqual(self.https(a.url + "/api/v1/namespaces", ca_pem)[0], 401)
        status, body = self.https(a.url + "/api/v1/namespaces/default/configmaps", ca_pem, "wrong")
        self.assertEqual(status, 401)
        self.assertEqual(body.get("kind"), "Status")
        status, _ = self.https(a.url + "/api/v1/namespaces/default/configmaps", ca_pem, token,
                               "POST", json.dumps({"metadata": {"name": "tls-cm"},
                                                   "data": {"k": "v"}}).encode())
        self.assertEqual(status, 201)
        # the server does not speak plain HTTP on its TLS port
        with self.assertRaises(Exception):
            urllib.request.urlopen("http://127.0.0.1:%d/api" % port, timeout=5).read()
        # kubectl with a token that is not the server's is refused
        bad_kc = os.path.join(self.saved, "bad-kubeconfig")
        with open(saved_kc) as f, open(bad_kc, "w") as g:
            g.write(f.read().replace(token, "x" * len(token)))
        proc = self.kubectl(bad_kc, "get", "ns")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Unauthorized", proc.stderr)

        a.kill()
        b = self.start(port)
        self.assertEqual(kubeconfig_field(b.kubeconfig, "certificate-authority-data"), ca_b64)
        self.assertEqual(kubeconfig_field(b.kubeconfig, "token"), token)
        # the kubeconfig written by the first run still works against the second
        proc = self.kubectl(saved_kc, "get", "configmap", "tls-cm", "-o", "jsonpath={.data.k}")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, "v")
        self.assertEqual(self.https(b.url + "/api/v1/namespaces", ca_pem)[0], 401)


if __name__ == "__main__":
    unittest.main()
