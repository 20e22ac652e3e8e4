"""End-to-end: the real kubectl 1.32 against `upkeep apiserver`, as an admin uses it."""
import json
import os
import subprocess
import time
import unittest

from harness import KUBECTL, ServerTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
CRD = os.path.join(HERE, "testdata", "widget-crd.yaml")


def widget(name, size, color=None, extra=""):
    spec = "size: %d" % size + (", color: %s" % color if color else "")
    return ("apiVersion: example.dev/v1\nkind: Widget\nmetadata: {name: %s}\nspec: {%s}\n%s"
            % (name, spec, extra))


class KubectlTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if KUBECTL:
            env = dict(os.environ, KUBECONFIG=cls.server.kubeconfig)
            subprocess.run([KUBECTL, "apply", "-f", CRD], check=True, env=env,
                           capture_output=True, timeout=60)

    def test_crd_is_established_and_discoverable(self):
        crd = self.kubectl_json("get", "crd", "widgets.example.dev")
        conditions = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
        self.assertEqual(conditions.get("Established"), "True")
        out = self.kubectl("api-resources", "--api-group=example.dev").stdout
        self.assertIn("widgets", out)
        self.assertIn("wd", out)

    def test_client_side_apply_twice_with_a_change(self):
        self.kubectl("apply", "-f", "-", input=widget("csa", 2))
        out = self.kubectl("apply", "-f", "-", input=widget("csa", 4)).stdout
        self.assertIn("configured", out)
        obj = self.kubectl_json("get", "widget", "csa")
        self.assertEqual(obj["spec"], {"size": 4, "color": "red"})  # color defaulted
        self.assertEqual(obj["metadata"]["generation"], 2)
        out = self.kubectl("apply", "-f", "-", input=widget("csa", 4)).stdout
        self.assertIn("unchanged", out)

    def test_server_side_apply_twice_with_a_change(self):
        self.kubectl("apply", "--server-side", "-f", "-", input=widget("ssa", 2, "blue"))
        self.kubectl("apply", "--server-side", "-f", "-", input=widget("ssa", 6, "blue"))
        obj = self.kubectl_json("get", "widget", "ssa")
        self.assertEqual(obj["spec"]["size"], 6)
        self.assertEqual(obj["spec"]["color"], "blue")

    def test_server_side_apply_tracks_managers_and_reports_conflicts(self):
        self.kubectl("apply", "--server-side", "-f", "-", input=widget("owned", 2))
        obj = self.kubectl_json("get", "widget", "owned", "--show-managed-fields")
        entries = {(e["manager"], e["operation"]) for e in obj["metadata"]["managedFields"]}
        self.assertIn(("kubectl", "Apply"), entries)
        self.kubectl("patch", "widget", "owned", "--type=merge", "-p", '{"spec":{"size":3}}',
                     "--field-manager=rival")
        proc = self.kubectl("apply", "--server-side", "-f", "-", input=widget("owned", 5),
                            check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('conflict with "rival"', proc.stderr)
        self.assertIn(".spec.size", proc.stderr)
        self.assertEqual(self.kubectl_json("get", "widget", "owned")["spec"]["size"], 3)
        self.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-",
                     input=widget("owned", 5))
        obj = self.kubectl_json("get", "widget", "owned", "--show-managed-fields")
        self.assertEqual(obj["spec"]["size"], 5)
        rival = [e for e in obj["metadata"]["managedFields"] if e["manager"] == "rival"]
        self.assertTrue(all("f:size" not in json.dumps(e.get("fieldsV1", {})) for e in rival))
        # A field dropped from the applied configuration is removed from the object.
        self.kubectl("apply", "--server-side", "-f", "-", input=widget("owned", 5, "blue"))
        self.kubectl("apply", "--server-side", "-f", "-", input=widget("owned", 5))
        self.assertEqual(self.kubectl_json("get", "widget", "owned")["spec"]["color"], "red")

    def test_get_shows_printer_columns_and_yaml(self):
        self.kubectl("apply", "-f", "-", input=widget("cols", 3))
        lines = self.kubectl("get", "wd", "cols").stdout.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "SIZE", "READY", "AGE"])
        self.assertEqual(lines[1].split()[:2], ["cols", "3"])
        out = self.kubectl("get", "widgets", "cols", "-o", "yaml").stdout
        self.assertIn("kind: Widget", out)
        self.assertIn("resourceVersion:", out)
        out = self.kubectl("get", "secrets", "-n", "kube-system").stdout  # built-in table
        self.assertTrue(out == "" or "TYPE" in out)
        ns = self.kubectl("get", "namespaces").stdout.splitlines()
        self.assertEqual(ns[0].split(), ["NAME", "STATUS", "AGE"])
        self.assertIn("kube-system", self.kubectl("get", "ns").stdout)

    def test_explain_teaches_the_schema(self):
        out = self.kubectl("explain", "widget.spec").stdout
        self.assertIn("The widget's desired state.", out)
        self.assertIn("size", out)
        self.assertIn("-required-", out)
        out = self.kubectl("explain", "widget.spec.color").stdout
        self.assertIn("The color.", out)

    def test_invalid_resources_are_rejected_naming_the_field(self):
        proc = self.kubectl("apply", "-f", "-", input=widget("bad", 0, "green"), check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('spec.color: Unsupported value: "green"', proc.stderr)
        self.assertIn("spec.size: Invalid value: 0", proc.stderr)
        proc = self.kubectl("apply", "-f", "-", check=False,
                            input="apiVersion: example.dev/v1\nkind: Widget\nmetadata: {name: nosize}\nspec: {}\n")
        self.assertIn("spec.size: Required value", proc.stderr)
        proc = self.kubectl("apply", "-f", "-", check=False,
                            input=widget("unknown", 1) .replace("size: 1", "size: 1, shape: round"))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('unknown field "spec.shape"', proc.stderr)
        proc = self.kubectl("apply", "-f", "-", check=False, input=widget("Bad_Name", 1))
        self.assertIn("metadata.name: Invalid value", proc.stderr)

    def test_patch_with_each_type(self):
        self.kubectl("apply", "-f", "-", input=widget("patched", 1))
        self.kubectl("patch", "widget", "patched", "--type=merge", "-p", '{"spec":{"size":2}}')
        self.assertEqual(self.kubectl_json("get", "widget", "patched")["spec"]["size"], 2)
        self.kubectl("patch", "widget", "patched", "--type=json",
                     "-p", '[{"op":"replace","path":"/spec/size","value":3}]')
        self.assertEqual(self.kubectl_json("get", "widget", "patched")["spec"]["size"], 3)
        # Strategic merge patch: built-in kinds only, merging containers by name.
        self.kubectl("create", "-f", "-", input=DEPLOYMENT)
        self.kubectl("patch", "deployment", "web", "-p",
                     '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}')
        d = self.kubectl_json("get", "deployment", "web")
        containers = d["spec"]["template"]["spec"]["containers"]
        self.assertEqual([(c["name"], c["image"]) for c in containers],
                         [("app", "nginx:1.27"), ("sidecar", "busybox")])
        proc = self.kubectl("patch", "widget", "patched", "--type=strategic", "-p",
                            '{"spec":{"size":4}}', check=False)
        self.assertNotEqual(proc.returncode, 0)  # as on a real cluster: 415 for custom resources

    def test_label_annotate_and_selectors(self):
        self.kubectl("apply", "-f", "-", input=widget("sel-a", 1))
        self.kubectl("apply", "-f", "-", input=widget("sel-b", 1))
        self.kubectl("label", "widget", "sel-a", "tier=gold")
        self.kubectl("label", "widget", "sel-b", "tier=silver")
        self.kubectl("annotate", "widget", "sel-a", "note=hello")
        names = self.kubectl("get", "wd", "-l", "tier=gold", "-o", "name").stdout.split()
        self.assertEqual(names, ["widget.example.dev/sel-a"])
        names = self.kubectl("get", "wd", "-l", "tier in (gold,silver)", "-o", "name").stdout.split()
        self.assertEqual(sorted(names), ["widget.example.dev/sel-a", "widget.example.dev/sel-b"])
        names = self.kubectl("get", "wd", "-l", "tier,tier!=gold", "-o", "name").stdout.split()
        self.assertEqual(names, ["widget.example.dev/sel-b"])
        names = self.kubectl("get", "wd", "--field-selector", "metadata.name=sel-b",
                             "-o", "name").stdout.split()
        self.assertEqual(names, ["widget.example.dev/sel-b"])
        obj = self.kubectl_json("get", "widget", "sel-a")
        self.assertEqual(obj["metadata"]["annotations"]["note"], "hello")
        self.kubectl("label", "widget", "sel-a", "tier-")
        self.assertNotIn("tier", self.kubectl_json("get", "widget", "sel-a")["metadata"].get("labels", {}))

    def test_delete_waits_for_finalizer(self):
        self.kubectl("apply", "-f", "-", input=widget("held", 1).replace(
            "metadata: {name: held}", "metadata: {name: held, finalizers: [example.dev/hold]}"))
        env = dict(os.environ, KUBECONFIG=self.server.kubeconfig)
        deleting = subprocess.Popen([KUBECTL, "delete", "widget", "held", "--timeout=30s"], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 10
            while time.time() < deadline:
                obj = self.kubectl_json("get", "widget", "held")
                if "deletionTimestamp" in obj["metadata"]:
                    break
                time.sleep(0.1)
            self.assertIn("deletionTimestamp", obj["metadata"])
            self.assertIsNone(deleting.poll(), "delete returned before the finalizer was removed")
            self.kubectl("patch", "widget", "held", "--type=json",
                         "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')
            out, err = deleting.communicate(timeout=30)
            self.assertEqual(deleting.returncode, 0, err)
            self.assertIn('"held" deleted', out)
        finally:
            if deleting.poll() is None:
                deleting.kill()
        proc = self.kubectl("get", "widget", "held", check=False)
        self.assertIn("NotFound", proc.stderr)

    def test_wait_for_condition(self):
        self.kubectl("apply", "-f", "-", input=widget("waited", 1))
        env = dict(os.environ, KUBECONFIG=self.server.kubeconfig)
        waiting = subprocess.Popen([KUBECTL, "wait", "--for=condition=Ready", "widget/waited",
                                    "--timeout=30s"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1)
            self.assertIsNone(waiting.poll())
            self.kubectl("patch", "widget", "waited", "--subresource=status", "--type=merge", "-p",
                         '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}')
            out, err = waiting.communicate(timeout=30)
            self.assertEqual(waiting.returncode, 0, err)
            self.assertIn("condition met", out)
        finally:
            if waiting.poll() is None:
                waiting.kill()
        self.assertIn("True", self.kubectl("get", "widget", "waited").stdout)

    def test_status_subresource_split(self):
        self.kubectl("apply", "-f", "-", input=widget("split", 1))
        # The main endpoint ignores status...
        self.kubectl("patch", "widget", "split", "--type=merge", "-p",
                     '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}')
        self.assertNotIn("status", self.kubectl_json("get", "widget", "split"))
        # ...and /status ignores everything else.
        self.kubectl("patch", "widget", "split", "--subresource=status", "--type=merge", "-p",
                     '{"spec":{"size":9},"status":{"conditions":[{"type":"Ready","status":"False"}]}}')
        obj = self.kubectl_json("get", "widget", "split")
        self.assertEqual(obj["spec"]["size"], 1)
        self.assertEqual(obj["status"]["conditions"][0]["status"], "False")
        self.assertEqual(obj["metadata"]["generation"], 1)

    def test_get_watch_streams_changes(self):
        self.kubectl("apply", "-f", "-", input=widget("watched", 1))
        env = dict(os.environ, KUBECONFIG=self.server.kubeconfig)
        watching = subprocess.Popen([KUBECTL, "get", "widget", "watched", "-w", "-o",
                                     "jsonpath={.spec.size}{\"\\n\"}", "--request-timeout=20s"],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        try:
            time.sleep(1)
            for size in (2, 3):
                self.kubectl("patch", "widget", "watched", "--type=merge",
                             "-p", '{"spec":{"size":%d}}' % size)
            time.sleep(1)
        finally:
            watching.terminate()
            out, _ = watching.communicate(timeout=10)
        self.assertEqual(out.split(), ["1", "2", "3"])

    def test_watch_with_a_selector_sees_objects_enter_and_leave_it(self):
        self.kubectl("apply", "-f", "-", input=widget("mover", 1))
        env = dict(os.environ, KUBECONFIG=self.server.kubeconfig)
        watching = subprocess.Popen([KUBECTL, "get", "widgets", "-l", "lane=fast", "-w",
                                     "--output-watch-events", "-o", "json",
                                     "--request-timeout=20s"],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        try:
            time.sleep(1)
            self.kubectl("label", "widget", "mover", "lane=fast")
            time.sleep(0.5)
            self.kubectl("label", "widget", "mover", "lane=slow", "--overwrite")
            time.sleep(1)
        finally:
            watching.terminate()
            out, _ = watching.communicate(timeout=10)
        events, decoder, pos = [], json.JSONDecoder(), 0
        while out[pos:].strip():
            event, end = decoder.raw_decode(out[pos:].lstrip())
            pos = len(out) - len(out[pos:].lstrip()) + end
            events.append((event["type"], event["object"]["metadata"]["labels"]["lane"]))
        # Entering the selection is ADDED, leaving it is DELETED (with the last state).
        self.assertEqual(events, [("ADDED", "fast"), ("DELETED", "slow")])

    def test_scale_subresource(self):
        self.kubectl("apply", "-f", "-", input=widget("scaled", 1))
        self.kubectl("scale", "widget", "scaled", "--replicas=4")
        self.assertEqual(self.kubectl_json("get", "widget", "scaled")["spec"]["size"], 4)
        status, scale = self.server.request(
            "GET", "/apis/example.dev/v1/namespaces/default/widgets/scaled/scale")
        self.assertEqual((status, scale["kind"], scale["spec"]["replicas"]), (200, "Scale", 4))
        proc = self.kubectl("scale", "widget", "scaled", "--replicas=0", check=False)
        self.assertIn("spec.size", proc.stderr)  # the CRD's minimum still applies
        self.kubectl("create", "-f", "-", input=DEPLOYMENT.replace("name: web", "name: scaled-web"))
        self.kubectl("scale", "deployment", "scaled-web", "--replicas=3")
        self.assertEqual(self.kubectl_json("get", "deployment", "scaled-web")["spec"]["replicas"], 3)

    def test_create_secret_generic(self):
        self.kubectl("create", "secret", "generic", "creds", "--from-literal=password=s3cret")
        secret = self.kubectl_json("get", "secret", "creds")
        self.assertEqual(secret["type"], "Opaque")
        self.assertEqual(secret["data"]["password"], "czNjcmV0")
        lines = self.kubectl("get", "secret", "creds").stdout.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "TYPE", "DATA", "AGE"])
        self.assertEqual(lines[1].split()[:3], ["creds", "Opaque", "1"])

    def test_apply_kustomization(self):
        self.kubectl("apply", "-k", os.path.join(HERE, "testdata", "kustomize"))
        cms = self.kubectl_json("get", "configmaps", "-l", "app.kubernetes.io/part-of=kustomize-test")
        names = sorted(i["metadata"]["name"] for i in cms["items"])
        self.assertEqual(len(names), 2)
        self.assertEqual(names[1], "plain")
        self.assertTrue(names[0].startswith("generated-"))

    def test_chunked_listing(self):
        manifests = "".join(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: chunk-%02d}\ndata: {i: '%d'}\n"
            % (i, i) for i in range(12))
        self.kubectl("apply", "-n", "kube-public", "-f", "-", input=manifests)
        out = self.kubectl("get", "configmaps", "-n", "kube-public", "--chunk-size=5",
                           "-o", "name", "-v=6").stdout.split()
        self.assertEqual(out, ["configmap/chunk-%02d" % i for i in range(12)])
        status, body = self.server.request("GET", "/api/v1/namespaces/kube-public/configmaps?limit=5")
        self.assertEqual(status, 200)
        self.assertEqual(len(body["items"]), 5)
        self.assertEqual(body["metadata"]["remainingItemCount"], 7)
        self.assertIn("continue", body["metadata"])

    def test_dry_run_server_persists_nothing(self):
        out = self.kubectl("apply", "--dry-run=server", "-f", "-", input=widget("dry", 1)).stdout
        self.assertIn("(server dry run)", out)
        proc = self.kubectl("get", "widget", "dry", check=False)
        self.assertIn("NotFound", proc.stderr)
        proc = self.kubectl("apply", "--dry-run=server", "-f", "-", check=False,
                            input=widget("dry", 0))
        self.assertIn("spec.size: Invalid value: 0", proc.stderr)

    def test_conflict_on_stale_resource_version(self):
        self.kubectl("apply", "-f", "-", input=widget("stale", 1))
        obj = self.kubectl_json("get", "widget", "stale")
        self.kubectl("patch", "widget", "stale", "--type=merge", "-p", '{"spec":{"size":2}}')
        obj["spec"]["size"] = 5
        proc = self.kubectl("replace", "-f", "-", input=json.dumps(obj), check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("the object has been modified", proc.stderr)


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: app, image: nginx:1.25}
      - {name: sidecar, image: busybox}
"""

if __name__ == "__main__":
    unittest.main()
