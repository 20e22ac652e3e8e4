"""End-to-end: how upkeep is installed. `kubectl kustomize deploy/` and `deploy/namespaced/`
render, every object applies to a real `upkeep apiserver` and reads back as written, RBAC is
least privilege, the controller runs locked down, and the Deployment's own command line
starts the real controller. The Helm chart is checked statically (Helm is not packaged in
Debian): values against values.schema.json, every `.Values` path, the kinds, the CRD copies
and the RBAC rules against deploy/. The Dockerfile's runtime packages cover what the binary
links."""
import copy
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import yaml

from harness import KUBECTL, UPKEEP_BIN, ServerTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
DEPLOY = os.path.join(SOURCE, "deploy")
CRDS = os.path.join(SOURCE, "crds")
CHART = os.path.join(SOURCE, "helm", "upkeep")

CRD_FILES = ["upkeep.dev_backuppolicies.yaml", "upkeep.dev_certrenewals.yaml",
             "upkeep.dev_healthgates.yaml", "upkeep.dev_secretrotations.yaml",
             "upkeep.dev_logrotations.yaml"]
CRD_NAMES = {f[len("upkeep.dev_"):-len(".yaml")] + ".upkeep.dev" for f in CRD_FILES}
UPKEEP_RESOURCES = ["backuppolicies", "certrenewals", "healthgates", "secretrotations",
                    "logrotations"]
IMAGE = "ghcr.io/upkeep-dev/upkeep:0.1.0"

# What upkeep's controller may do, (apiGroup, resource) -> verbs: the whole of its
# least-privilege grant. A rule added to deploy/clusterrole.yaml fails here until it is
# justified and added to this table too.
CONTROLLER_GRANT = {
    **{("upkeep.dev", r): {"get", "list", "watch", "update", "patch"}
       for r in UPKEEP_RESOURCES},
    **{("upkeep.dev", r + "/status"): {"get", "update", "patch"} for r in UPKEEP_RESOURCES},
    **{("upkeep.dev", r + "/finalizers"): {"update"} for r in UPKEEP_RESOURCES},
    ("", "secrets"): {"get", "list", "watch", "create", "update", "patch", "delete"},
    ("", "services"): {"get", "create", "delete"},
    ("", "persistentvolumeclaims"): {"get"},
    ("", "pods"): {"get", "list", "watch"},
    ("", "events"): {"create", "patch"},
    ("events.k8s.io", "events"): {"create", "patch"},
    ("apps", "deployments"): {"get", "list", "watch", "patch", "update"},
    ("apps", "statefulsets"): {"get", "list", "watch", "patch", "update"},
    ("apps", "daemonsets"): {"get", "list", "watch", "patch", "update"},
    ("apps", "controllerrevisions"): {"get", "list", "watch", "create", "update", "delete"},
    ("batch", "jobs"): {"get", "list", "watch", "create", "delete"},
    ("networking.k8s.io", "ingresses"): {"get", "create", "update", "delete"},
    ("discovery.k8s.io", "endpointslices"): {"get", "create", "delete"},
}
# Leader election, in upkeep-system only.
LEADER_ELECTION_GRANT = {
    ("coordination.k8s.io", "leases"): {"get", "create", "update"},
    ("", "events"): {"create", "patch"},
    ("events.k8s.io", "events"): {"create", "patch"},
}


def read(path):
    with open(path) as f:
        return f.read()


def load_yaml(path):
    with open(path) as f:
        return yaml.safe_load(f)


def grant_of(rules):
    """The (apiGroup, resource) -> verbs a list of RBAC rules allows, ignoring resourceNames."""
    grant = {}
    for rule in rules:
        for group in rule.get("apiGroups", []):
            for resource in rule.get("resources", []):
                grant.setdefault((group, resource), set()).update(rule.get("verbs", []))
    return grant


def assert_no_wildcards(test, rules):
    for rule in rules:
        for field in ("apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"):
            for value in rule.get(field, []):
                test.assertNotIn("*", value, "%s has a wildcard in %s" % (rule, field))


def assert_subset(test, expected, actual, path="$"):
    """Everything written is read back (the server may add defaults and metadata)."""
    if isinstance(expected, dict):
        test.assertIsInstance(actual, dict, path)
        for key, value in expected.items():
            test.assertIn(key, actual, "%s.%s is missing after the round trip" % (path, key))
            assert_subset(test, value, actual[key], "%s.%s" % (path, key))
    elif isinstance(expected, list):
        test.assertIsInstance(actual, list, path)
        test.assertEqual(len(expected), len(actual), "%s has another length" % path)
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_subset(test, e, a, "%s[%d]" % (path, i))
    else:
        test.assertEqual(expected, actual, path)


def controller_container(deployment):
    containers = deployment["spec"]["template"]["spec"]["containers"]
    return next(c for c in containers if c["name"] == "upkeep")


def assert_locked_down_controller(test, deployment):
    """The controller Deployment of README/brief: HA, probes, resources, restricted pod."""
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    c = controller_container(deployment)
    test.assertEqual(spec["replicas"], 2)
    test.assertEqual(c["image"], IMAGE)
    test.assertEqual(c["args"][0], "controller")
    for arg in ("--leader-elect", "--metrics-bind-address=:8080",
                "--health-probe-bind-address=:8081"):
        test.assertIn(arg, c["args"])
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    test.assertEqual(ports, {"metrics": 8080, "health": 8081, "acme-http01": 8089})
    test.assertEqual(c["livenessProbe"]["httpGet"], {"path": "/healthz", "port": "health"})
    test.assertEqual(c["readinessProbe"]["httpGet"], {"path": "/readyz", "port": "health"})
    test.assertEqual(c["resources"], {"requests": {"cpu": "50m", "memory": "64Mi"},
                                      "limits": {"cpu": "500m", "memory": "256Mi"}})
    sc = c["securityContext"]
    test.assertIs(sc["runAsNonRoot"], True)
    test.assertEqual(sc["runAsUser"], 65532)
    test.assertIs(sc["readOnlyRootFilesystem"], True)
    test.assertIs(sc["allowPrivilegeEscalation"], False)
    test.assertEqual(sc["capabilities"], {"drop": ["ALL"]})
    test.assertEqual(sc["seccompProfile"], {"type": "RuntimeDefault"})
    test.assertIs(pod["securityContext"]["runAsNonRoot"], True)
    test.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
    test.assertIs(pod["automountServiceAccountToken"], True)
    test.assertEqual(pod["terminationGracePeriodSeconds"], 10)
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    test.assertEqual(mounts, {"tmp": "/tmp"})
    test.assertEqual([v for v in pod["volumes"] if v["name"] == "tmp"],
                     [{"name": "tmp", "emptyDir": {}}])
    anti = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    test.assertEqual(anti[0]["podAffinityTerm"]["topologyKey"], "kubernetes.io/hostname")
    test.assertEqual(anti[0]["podAffinityTerm"]["labelSelector"]["matchLabels"],
                     spec["selector"]["matchLabels"])
    test.assertNotIn("requiredDuringSchedulingIgnoredDuringExecution",
                     pod["affinity"]["podAntiAffinity"])


def strict_decode_errors(value, type_name, path):
    """What a real API server's strict decoding reports (unknown fields, wrong types), from
    the Python client's models: upkeep's API server stores built-in kinds without a schema,
    so a misspelt field in deploy/ would otherwise be accepted and silently do nothing."""
    import kubernetes.client as models  # Debian's python3-kubernetes
    if value is None or type_name == "object":
        return []
    if type_name.startswith("list["):
        if not isinstance(value, list):
            return ["%s: expected a list" % path]
        return [e for i, v in enumerate(value)
                for e in strict_decode_errors(v, type_name[5:-1], "%s[%d]" % (path, i))]
    if type_name.startswith("dict("):
        if not isinstance(value, dict):
            return ["%s: expected a map" % path]
        inner = type_name[5:-1].split(", ", 1)[1]
        return [e for k, v in value.items()
                for e in strict_decode_errors(v, inner, "%s.%s" % (path, k))]
    scalars = {"str": (str,), "datetime": (str,), "date": (str,), "bool": (bool,),
               "int": (int,), "float": (int, float)}
    if type_name in scalars:
        ok = isinstance(value, scalars[type_name]) and not (
            type_name in ("int", "float") and isinstance(value, bool))
        return [] if ok else ["%s: expected %s, got %r" % (path, type_name, value)]
    model = getattr(models, type_name)
    if not isinstance(value, dict):
        return ["%s: expected an object" % path]
    fields = {json_name: name for name, json_name in model.attribute_map.items()}
    errors = []
    for key, v in value.items():
        if key not in fields:
            errors.append('%s: unknown field "%s"' % (path, key))
        else:
            errors += strict_decode_errors(v, model.openapi_types[fields[key]],
                                           "%s.%s" % (path, key))
    return errors


def assert_strictly_valid(test, objects):
    for o in objects:
        test.assertTrue(o["apiVersion"].endswith("v1"), o["apiVersion"])
        name = "%s/%s" % (o["kind"], o["metadata"]["name"])
        test.assertEqual(strict_decode_errors(o, "V1" + o["kind"], name), [])


def by_kind(objects, kind):
    return [o for o in objects if o["kind"] == kind]


def one(objects, kind, name=None):
    found = [o for o in by_kind(objects, kind) if name is None or o["metadata"]["name"] == name]
    assert len(found) == 1, "expected one %s %s, found %d" % (kind, name or "", len(found))
    return found[0]


class InstallTestCase(ServerTestCase):
    """Renders a kustomization, applies it to the class's API server and reads it back."""

    def render(self, directory):
        out = self.kubectl("kustomize", directory).stdout
        return out, [d for d in yaml.safe_load_all(out) if d]

    def apply_and_read_back(self, manifest, objects, server_side=False):
        apply = ["apply", "--server-side"] if server_side else ["apply"]
        out = self.kubectl(*apply, "-f", "-", input=manifest).stdout
        self.assertEqual(len(out.splitlines()), len(objects), out)
        items = self.read_objects(manifest, objects)
        # The same manifest again changes nothing: an install is idempotent.
        self.kubectl(*apply, "-f", "-", input=manifest)
        again = self.read_objects(manifest, objects)
        self.assertEqual([(o["kind"], o["metadata"]["name"], o["metadata"]["resourceVersion"])
                          for o in items],
                         [(o["kind"], o["metadata"]["name"], o["metadata"]["resourceVersion"])
                          for o in again], "a second apply changed objects")
        return items

    def read_objects(self, manifest, objects):
        back = json.loads(self.kubectl("get", "-f", "-", "-o", "json", input=manifest).stdout)
        items = back["items"] if back.get("kind") == "List" else [back]
        self.assertEqual(len(items), len(objects))
        for written, read_back in zip(objects, items):
            self.assertEqual((written["kind"], written["metadata"]["name"]),
                             (read_back["kind"], read_back["metadata"]["name"]))
            assert_subset(self, written, read_back, "%s/%s" % (written["kind"],
                                                                 written["metadata"]["name"]))
        return items

    def assert_service_account_wiring(self, objects, binding_kind, role_kind):
        sa = one(objects, "ServiceAccount")
        deployment = one(objects, "Deployment")
        self.assertEqual(deployment["spec"]["template"]["spec"]["serviceAccountName"],
                         sa["metadata"]["name"])
        self.assertEqual(sa["metadata"]["namespace"], "upkeep-system")
        subject = {"kind": "ServiceAccount", "name": sa["metadata"]["name"],
                   "namespace": sa["metadata"]["namespace"]}
        for binding in by_kind(objects, binding_kind) + by_kind(objects, "RoleBinding"):
            self.assertEqual(binding["subjects"], [subject])
        binding = [b for b in by_kind(objects, binding_kind)
                   if b["roleRef"]["kind"] == role_kind][0]
        role = one(objects, role_kind, binding["roleRef"]["name"])
        self.assertEqual(role["metadata"].get("namespace"), binding["metadata"].get("namespace"))
        return role

    def assert_leader_election_role(self, objects):
        role = one(objects, "Role", "upkeep-leader-election")
        self.assertEqual(role["metadata"]["namespace"], "upkeep-system")
        assert_no_wildcards(self, role["rules"])
        self.assertEqual(grant_of(role["rules"]), LEADER_ELECTION_GRANT)
        # get and update only on upkeep's own Lease (create cannot be limited by name).
        for rule in role["rules"]:
            if "leases" in rule["resources"] and set(rule["verbs"]) & {"get", "update"}:
                self.assertEqual(rule.get("resourceNames"), ["upkeep-controller-leader"])
        binding = one(objects, "RoleBinding", "upkeep-leader-election")
        self.assertEqual(binding["roleRef"]["name"], "upkeep-leader-election")
        self.assertEqual(binding["metadata"]["namespace"], "upkeep-system")

    def assert_metrics_service(self, objects):
        service = one(objects, "Service")
        deployment = one(objects, "Deployment")
        self.assertEqual(service["metadata"]["namespace"], "upkeep-system")
        self.assertEqual([(p["name"], p["port"]) for p in service["spec"]["ports"]],
                         [("metrics", 8080)])
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        for key, value in service["spec"]["selector"].items():
            self.assertEqual(pod_labels.get(key), value)

    def run_controller_with_args_of(self, deployment, lease_namespace="upkeep-system"):
        """Starts the real controller with the Deployment's args (ports on loopback, the
        kubeconfig and the Lease namespace the pod's service account would give) and waits
        until it holds the Lease; then SIGTERM must release it and exit 0."""
        args = []
        for arg in controller_container(deployment)["args"]:
            if arg.startswith(("--metrics-bind-address=", "--health-probe-bind-address=")):
                arg = arg.split("=")[0] + "=127.0.0.1:0"
            args.append(arg)
        self.assertEqual(args[0], "controller")
        log_path = os.path.join(self.server.tmp, "controller-%d.log" % time.time_ns())
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([UPKEEP_BIN] + args + [
                "--kubeconfig", self.server.kubeconfig,
                "--leader-election-namespace", lease_namespace], stdout=log, stderr=log)
        try:
            deadline = time.time() + 30
            holder = ""
            while time.time() < deadline and proc.poll() is None:
                lease = self.kubectl("get", "lease", "upkeep-controller-leader", "-n",
                                     lease_namespace, "-o", "json", "--ignore-not-found")
                if lease.stdout.strip():
                    holder = json.loads(lease.stdout)["spec"].get("holderIdentity", "")
                    if holder:
                        break
                time.sleep(0.2)
            self.assertIsNone(proc.poll(), "the controller exited:\n" + read(log_path))
            self.assertTrue(holder, "no replica took the Lease:\n" + read(log_path))
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=20), 0, read(log_path))
            # Released, so the other replica takes over at once.
            lease = self.kubectl_json("get", "lease", "upkeep-controller-leader", "-n",
                                      lease_namespace)
            self.assertEqual(lease["spec"].get("holderIdentity", ""), "")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=20)
        return read(log_path)


class ClusterInstallTest(InstallTestCase):
    """deploy/: the CRDs, RBAC for every namespace and the controller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manifest, cls.objects = None, None

    def setUp(self):
        if KUBECTL is None:
            self.skipTest("kubectl is not installed")
        if ClusterInstallTest.objects is None:
            manifest, objects = self.render(DEPLOY)
            ClusterInstallTest.manifest, ClusterInstallTest.objects = manifest, objects
            ClusterInstallTest.installed = self.apply_and_read_back(manifest, objects)

    def test_renders_the_crds_namespace_rbac_and_controller(self):
        kinds = sorted((o["kind"], o["metadata"]["name"]) for o in self.objects)
        expected = sorted([("CustomResourceDefinition", n) for n in CRD_NAMES] + [
            ("Namespace", "upkeep-system"), ("ServiceAccount", "upkeep-controller"),
            ("ClusterRole", "upkeep-controller"), ("ClusterRoleBinding", "upkeep-controller"),
            ("Role", "upkeep-leader-election"), ("RoleBinding", "upkeep-leader-election"),
            ("Deployment", "upkeep-controller"), ("Service", "upkeep-controller-metrics")])
        self.assertEqual(kinds, expected)
        for o in self.objects:
            if o["kind"] not in ("CustomResourceDefinition", "Namespace", "ClusterRole",
                                 "ClusterRoleBinding"):
                self.assertEqual(o["metadata"]["namespace"], "upkeep-system", o["kind"])

    def test_manifests_decode_strictly(self):
        assert_strictly_valid(self, self.objects)

    def test_crds_are_established_and_served(self):
        for name in CRD_NAMES:
            crd = self.kubectl_json("get", "crd", name)
            conditions = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
            self.assertEqual(conditions.get("Established"), "True", name)
        out = self.kubectl("api-resources", "--api-group=upkeep.dev", "-o", "name").stdout
        self.assertEqual(sorted(out.split()), sorted(r + ".upkeep.dev" for r in UPKEEP_RESOURCES))
        self.kubectl("get", "upkeep", "--all-namespaces")  # the category covers all five

    def test_crds_fit_client_side_apply(self):
        # A real API server rejects annotations over 256 KiB in total, and client-side apply
        # keeps the whole object in kubectl.kubernetes.io/last-applied-configuration.
        for crd in by_kind(self.objects, "CustomResourceDefinition"):
            size = len(json.dumps(crd, separators=(",", ":")))
            self.assertLess(size, 256 * 1024 - 1024, "%s is too large for `kubectl apply` "
                            "without --server-side" % crd["metadata"]["name"])

    def test_cluster_role_is_least_privilege(self):
        role = self.assert_service_account_wiring(self.installed, "ClusterRoleBinding",
                                                  "ClusterRole")
        self.assertEqual(role["metadata"]["name"], "upkeep-controller")
        assert_no_wildcards(self, role["rules"])
        self.assertEqual(grant_of(role["rules"]), CONTROLLER_GRANT)
        self.assertNotIn(("coordination.k8s.io", "leases"), grant_of(role["rules"]))
        self.assertNotIn("aggregationRule", role)

    def test_every_rule_says_which_kind_needs_it(self):
        lines = read(os.path.join(DEPLOY, "clusterrole.yaml")).splitlines()
        for i, line in enumerate(lines):
            if line.lstrip().startswith("- apiGroups:"):
                self.assertTrue(lines[i - 1].lstrip().startswith("#"),
                                "clusterrole.yaml:%d has no comment above it" % (i + 1))

    def test_leader_election_is_a_role_in_upkeep_system(self):
        self.assert_leader_election_role(self.installed)

    def test_controller_is_locked_down(self):
        deployment = one(self.installed, "Deployment")
        assert_locked_down_controller(self, deployment)
        self.assertFalse([a for a in controller_container(deployment)["args"]
                          if a.startswith("--namespace")])
        self.assert_metrics_service(self.installed)

    def test_namespace_enforces_the_restricted_pod_security_standard(self):
        ns = one(self.installed, "Namespace")
        self.assertEqual(ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
                         "restricted")

    def test_deployment_command_line_runs_the_controller(self):
        log = self.run_controller_with_args_of(one(self.installed, "Deployment"))
        self.assertIn("Starting manager", log)


class NamespacedInstallTest(InstallTestCase):
    """deploy/namespaced/: a Role in the watched namespace, the CRDs installed apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.objects = None

    def setUp(self):
        if KUBECTL is None:
            self.skipTest("kubectl is not installed")
        if NamespacedInstallTest.objects is None:
            manifest, objects = self.render(os.path.join(DEPLOY, "namespaced"))
            watched = one(objects, "RoleBinding", "upkeep-controller")["metadata"]["namespace"]
            # What a cluster admin does first: the CRDs, and the namespace to watch.
            self.kubectl("apply", "-k", CRDS)
            self.kubectl("create", "namespace", watched)
            NamespacedInstallTest.watched = watched
            NamespacedInstallTest.objects = objects
            # Server-side apply here (what the README recommends), client-side in the
            # cluster-wide test.
            NamespacedInstallTest.installed = self.apply_and_read_back(manifest, objects,
                                                                       server_side=True)

    def test_renders_no_cluster_scoped_objects_but_the_namespace(self):
        for kind in ("ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"):
            self.assertEqual(by_kind(self.objects, kind), [], kind)
        kinds = sorted((o["kind"], o["metadata"]["name"], o["metadata"].get("namespace"))
                       for o in self.objects)
        self.assertEqual(kinds, sorted([
            ("Namespace", "upkeep-system", None),
            ("ServiceAccount", "upkeep-controller", "upkeep-system"),
            ("Role", "upkeep-controller", self.watched),
            ("RoleBinding", "upkeep-controller", self.watched),
            ("Role", "upkeep-leader-election", "upkeep-system"),
            ("RoleBinding", "upkeep-leader-election", "upkeep-system"),
            ("Deployment", "upkeep-controller", "upkeep-system"),
            ("Service", "upkeep-controller-metrics", "upkeep-system")]))

    def test_manifests_decode_strictly(self):
        assert_strictly_valid(self, self.objects)

    def test_role_in_the_watched_namespace_has_the_cluster_roles_rules(self):
        role = self.assert_service_account_wiring(self.installed, "RoleBinding", "Role")
        self.assertEqual(role["metadata"]["namespace"], self.watched)
        self.assertNotEqual(self.watched, "upkeep-system")
        assert_no_wildcards(self, role["rules"])
        cluster_rules = load_yaml(os.path.join(DEPLOY, "clusterrole.yaml"))["rules"]
        self.assertEqual(role["rules"], cluster_rules)
        self.assertEqual(grant_of(role["rules"]), CONTROLLER_GRANT)

    def test_leader_election_stays_in_upkeep_system(self):
        self.assert_leader_election_role(self.installed)

    def test_controller_watches_only_that_namespace(self):
        deployment = one(self.installed, "Deployment")
        assert_locked_down_controller(self, deployment)
        args = controller_container(deployment)["args"]
        self.assertIn("--namespace=" + self.watched, args)
        # Otherwise the same command line as the cluster-wide install.
        base = load_yaml(os.path.join(DEPLOY, "base", "deployment.yaml"))
        self.assertEqual([a for a in args if not a.startswith("--namespace=")],
                         controller_container(base)["args"])
        self.assert_metrics_service(self.installed)

    def test_deployment_command_line_runs_the_controller(self):
        log = self.run_controller_with_args_of(one(self.installed, "Deployment"))
        self.assertIn("Starting manager", log)


def values_paths(template_text):
    return {tuple(m.group(1).split(".")[1:])
            for m in re.finditer(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", template_text)}


def leaf_paths(values, prefix=()):
    if isinstance(values, dict) and values:
        for key, value in values.items():
            yield from leaf_paths(value, prefix + (key,))
    else:
        yield prefix


def merged(base, override):
    """Helm's coalescing of a values file over values.yaml: maps merge, the rest replaces."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def template_block(text, start, end=None):
    """The template-free YAML from the line `start` to the line `end` (or the file's end)."""
    lines = text.splitlines()
    first = lines.index(start)
    last = lines.index(end, first) if end else len(lines)
    return "\n".join(lines[first:last])


class HelmChartTest(unittest.TestCase):
    """helm/upkeep/, statically: Helm is not packaged in Debian, so nothing renders it here."""

    KNOWN_KINDS = {"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                   "Deployment", "Service", "ServiceMonitor", "PrometheusRule"}

    @classmethod
    def setUpClass(cls):
        import jsonschema  # Debian's python3-jsonschema (scripts/setup.sh installs it)
        cls.jsonschema = jsonschema
        cls.schema = json.loads(read(os.path.join(CHART, "values.schema.json")))
        cls.validator = jsonschema.Draft7Validator(cls.schema)
        cls.values = load_yaml(os.path.join(CHART, "values.yaml"))
        cls.templates = {os.path.basename(p): read(p)
                         for p in glob.glob(os.path.join(CHART, "templates", "*"))}

    def errors(self, values):
        return [e.message for e in self.validator.iter_errors(values)]

    def test_chart_yaml(self):
        chart = load_yaml(os.path.join(CHART, "Chart.yaml"))
        self.assertEqual(chart["apiVersion"], "v2")
        self.assertEqual(chart["name"], "upkeep")
        self.assertEqual(chart["version"], "0.1.0")
        self.assertEqual(chart["appVersion"], "0.1.0")
        # The plain manifests run the image of the same release.
        self.assertEqual(IMAGE.rsplit(":", 1)[1], chart["appVersion"])
        self.assertEqual(IMAGE.rsplit(":", 1)[0], self.values["image"]["repository"])

    def test_schema_is_draft_07_and_closed_at_every_level(self):
        self.assertEqual(self.schema["$schema"], "http://json-schema.org/draft-07/schema#")
        self.jsonschema.Draft7Validator.check_schema(self.schema)

        def walk(node, path):
            if node.get("type") == "object" and "properties" in node:
                self.assertIs(node.get("additionalProperties"), False, path)
                for key, child in node["properties"].items():
                    walk(child, path + "." + key)
            if node.get("type") == "array":
                walk(node["items"], path + "[]")
        walk(self.schema, "values")

    def test_every_values_file_validates(self):
        files = sorted(glob.glob(os.path.join(CHART, "values*.yaml")))
        self.assertEqual([os.path.basename(f) for f in files],
                         ["values-production.yaml", "values-staging.yaml", "values.yaml"])
        for path in files:
            values = load_yaml(path)
            self.assertIsInstance(values, dict, path)
            self.assertEqual(self.errors(values), [], path)
            # What Helm validates: the file coalesced over values.yaml.
            self.assertEqual(self.errors(merged(self.values, values)), [], path)

    def test_environment_examples(self):
        staging = merged(self.values, load_yaml(os.path.join(CHART, "values-staging.yaml")))
        self.assertEqual(staging["replicaCount"], 1)
        self.assertEqual(staging["logLevel"], "debug")
        self.assertFalse(staging["metrics"]["serviceMonitor"]["enabled"])
        production = merged(self.values,
                            load_yaml(os.path.join(CHART, "values-production.yaml")))
        self.assertEqual(production["replicaCount"], 2)
        self.assertTrue(production["leaderElection"]["enabled"])
        self.assertTrue(production["metrics"]["serviceMonitor"]["enabled"])
        self.assertTrue(production["metrics"]["prometheusRule"]["enabled"])
        self.assertRegex(production["image"]["tag"], r"^\d+\.\d+\.\d+$")
        self.assertIn("limits", production["resources"])

    def test_typos_and_wrong_types_are_rejected(self):
        cases = {
            "typo at the top": "replicaCont: 2\n",
            "typo in image": "image:\n  tagg: 0.1.0\n",
            "typo in a threshold": "metrics:\n  prometheusRule:\n    rules:\n"
                                   "      backupMaxAgeHour: 30\n",
            "typo in serviceMonitor": "metrics:\n  serviceMonitor:\n    enabeld: true\n",
            "typo in resources": "resources:\n  limit:\n    cpu: 1\n",
            "replicas as a word": "replicaCount: two\n",
            "boolean as a string": "leaderElection:\n  enabled: \"yes\"\n",
            "unknown log level": "logLevel: verbose\n",
            "interval not a duration": "metrics:\n  serviceMonitor:\n    interval: 30 seconds\n",
            "namespace not a name": "watchNamespace: My_App\n",
            "two replicas without a leader": "replicaCount: 2\nleaderElection:\n"
                                             "  enabled: false\n",
        }
        for name, text in cases.items():
            with self.subTest(name), tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
                f.write(text)
                f.flush()
                override = load_yaml(f.name)
                self.assertNotEqual(self.errors(merged(self.values, override)), [], name)

    def test_every_values_path_in_templates_exists(self):
        used = set()
        for name, text in self.templates.items():
            for path in values_paths(text):
                used.add(path)
                node = self.values
                for key in path:
                    self.assertIsInstance(node, dict, "%s: .Values.%s" % (name, ".".join(path)))
                    self.assertIn(key, node, "%s: .Values.%s is not in values.yaml"
                                  % (name, ".".join(path)))
                    node = node[key]
        self.assertEqual(set(self.values) - {p[0] for p in used}, set(),
                         "top-level values no template uses")
        # Finer: every leaf of values.yaml is read (itself, or a map that holds it).
        unused = [".".join(leaf) for leaf in leaf_paths(self.values)
                  if not any(leaf[:len(p)] == p for p in used)]
        self.assertEqual(unused, [], "values no template reads")

    def test_every_value_is_commented(self):
        lines = read(os.path.join(CHART, "values.yaml")).splitlines()
        parents = []
        for i, line in enumerate(lines):
            m = re.match(r"^( *)([A-Za-z][\w-]*):(.*)$", line)
            if not m:
                continue
            indent, key, rest = len(m.group(1)), m.group(2), m.group(3).strip()
            parents = [p for p in parents if p[0] < indent] + [(indent, key)]
            if rest == "" or parents[0][1] == "resources":
                continue  # a map whose keys are commented, or a resource quantity
            self.assertTrue(lines[i - 1].lstrip().startswith("#"),
                            "values.yaml:%d (%s) has no comment" % (i + 1, key))

    def test_templates_are_partials_notes_or_known_kinds(self):
        rendered_kinds = set()
        for name, text in sorted(self.templates.items()):
            if name.startswith("_") and name.endswith(".tpl") or name == "NOTES.txt":
                continue
            self.assertTrue(name.endswith(".yaml"), name)
            kinds = re.findall(r"^kind: *(\S+) *$", text, re.M)
            self.assertTrue(kinds, "%s names no kind" % name)
            for kind in kinds:
                self.assertIn(kind, self.KNOWN_KINDS, name)
            rendered_kinds.update(kinds)
            self.assertEqual(text.count("{{"), text.count("}}"), name)
        self.assertEqual(rendered_kinds, self.KNOWN_KINDS)

    def test_prometheus_objects_are_optional(self):
        for name, flag in (("servicemonitor.yaml", "serviceMonitor"),
                           ("prometheusrule.yaml", "prometheusRule")):
            lines = self.templates[name].strip().splitlines()
            self.assertEqual(lines[0], "{{- if .Values.metrics.%s.enabled }}" % flag)
            self.assertEqual(lines[-1], "{{- end }}")
            self.assertFalse(self.values["metrics"][flag]["enabled"])

    def test_alerts_use_the_metrics_of_api_md(self):
        text = self.templates["prometheusrule.yaml"]
        alerts = re.findall(r"- alert: (\w+)", text)
        self.assertEqual(sorted(alerts), sorted([
            "UpkeepCertificateExpiringSoon", "UpkeepCertificateNotReady", "UpkeepBackupTooOld",
            "UpkeepBackupFailing", "UpkeepBackupVerificationFailing",
            "UpkeepSecretRotationOverdue", "UpkeepHealthGateRolledBack",
            "UpkeepLogRotationStale"]))
        api_md = os.path.join(os.path.dirname(SOURCE), "shared", "API.md")
        if not os.path.exists(api_md):
            self.skipTest("../shared/API.md is not beside the source tree")
        api = read(api_md)
        # API.md abbreviates siblings: `upkeep_certificate_expiration_…`, `…_ready_status`.
        documented, last = set(), None
        for m in re.finditer(r"`(upkeep_\w+|…_\w+)", api):
            name = m.group(1)
            if name.startswith("…"):
                name = re.match(r"upkeep_[a-z]+", last).group(0) + name[1:]
            documented.add(name)
            last = name
        # API.md names no BackupPolicy metric yet; these follow its upkeep_<kind>_… rule
        # and the backup reconciler must export them under exactly these names.
        undocumented_backup = {"upkeep_backup_last_success_timestamp_seconds",
                               "upkeep_backup_runs_total", "upkeep_backup_verifications_total"}
        for metric in set(re.findall(r"\b(upkeep_\w+)", text)):
            if metric.startswith("upkeep_backup_"):
                self.assertIn(metric, undocumented_backup)
            else:
                self.assertIn(metric, documented, "%s is not a metric of API.md" % metric)

    def test_chart_crds_are_the_crds(self):
        copies = sorted(os.path.basename(p)
                        for p in glob.glob(os.path.join(CHART, "crds", "*.yaml")))
        self.assertEqual(copies, sorted(CRD_FILES),
                         "run scripts/sync-chart-crds.sh to copy crds/ into the chart")
        for name in CRD_FILES:
            with open(os.path.join(CRDS, name), "rb") as a, \
                    open(os.path.join(CHART, "crds", name), "rb") as b:
                self.assertEqual(a.read(), b.read(),
                                 "helm/upkeep/crds/%s differs from crds/%s: run "
                                 "scripts/sync-chart-crds.sh" % (name, name))

    def test_cluster_role_rules_are_deploys(self):
        # The template's rules block is plain YAML (no template code), so it parses as is.
        text = self.templates["clusterrole.yaml"]
        block = template_block(text, "rules:")
        self.assertNotIn("{{", block)
        self.assertEqual(yaml.safe_load(block)["rules"],
                         load_yaml(os.path.join(DEPLOY, "clusterrole.yaml"))["rules"])
        self.assertIn("{{- if .Values.watchNamespace }}\nkind: Role\n{{- else }}\n"
                      "kind: ClusterRole\n{{- end }}", text)

    def test_leader_election_rules_are_deploys(self):
        block = template_block(self.templates["leader-election-role.yaml"], "rules:",
                               "{{- end }}")
        self.assertNotIn("{{", block)
        self.assertEqual(yaml.safe_load(block)["rules"],
                         load_yaml(os.path.join(DEPLOY, "base", "role.yaml"))["rules"])

    def test_deployment_template_keeps_the_security_settings(self):
        text = self.templates["deployment.yaml"]
        for line in ("automountServiceAccountToken: true", "terminationGracePeriodSeconds: 10",
                     "runAsNonRoot: true", "runAsUser: 65532", "readOnlyRootFilesystem: true",
                     "allowPrivilegeEscalation: false", 'drop: ["ALL"]',
                     "type: RuntimeDefault", "containerPort: 8089", "path: /healthz",
                     "path: /readyz", "mountPath: /tmp", "emptyDir: {}",
                     "- --leader-elect", "- --metrics-bind-address=:8080",
                     "- --health-probe-bind-address=:8081",
                     "- --namespace={{ .Values.watchNamespace }}",
                     "- --log-level={{ .Values.logLevel }}",
                     "preferredDuringSchedulingIgnoredDuringExecution",
                     "topologyKey: kubernetes.io/hostname"):
            self.assertIn(line, text)
        # The defaults are the plain manifests' values.
        deployment = load_yaml(os.path.join(DEPLOY, "base", "deployment.yaml"))
        self.assertEqual(self.values["resources"], controller_container(deployment)["resources"])
        self.assertEqual(self.values["replicaCount"], deployment["spec"]["replicas"])
        self.assertIn("--log-level=" + self.values["logLevel"],
                      controller_container(deployment)["args"])


class DockerfileTest(unittest.TestCase):
    """The image (Docker cannot pull here, so it is not built): a non-root runtime with the
    Debian packages the binary links."""

    BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}  # in debian:12-slim
    SANITIZERS = re.compile(r"^lib(asan|ubsan|lsan|tsan)\d*$")

    @classmethod
    def setUpClass(cls):
        cls.text = read(os.path.join(SOURCE, "Dockerfile"))
        stages = re.split(r"^FROM ", cls.text, flags=re.M)[1:]
        cls.build, cls.runtime = stages[0], stages[-1]

    def runtime_packages(self):
        """The packages of the runtime stage's `apt-get install`, up to its `&&`."""
        command = re.search(r"apt-get install(.*?)(&&|$)",
                            self.runtime.replace("\\\n", " "), re.S | re.M).group(1)
        return {w for w in command.split() if not w.startswith("-")}

    def test_stages(self):
        self.assertTrue(self.build.startswith("debian:12 AS build"), self.build[:40])
        self.assertIn("scripts/setup.sh", self.build)
        self.assertTrue(self.runtime.startswith("debian:12-slim"))
        self.assertIn("USER 65532:65532", self.runtime)
        self.assertIn('ENTRYPOINT ["/usr/local/bin/upkeep"]', self.runtime)
        self.assertIn('CMD ["controller"]', self.runtime)
        packages = self.runtime_packages()
        self.assertIn("postgresql-client", packages)
        self.assertIn("ca-certificates", packages)
        self.assertFalse([p for p in packages if p.endswith("-dev")], packages)

    def test_dockerignore_keeps_build_output_out(self):
        ignored = read(os.path.join(SOURCE, ".dockerignore")).split()
        for entry in ("build*", ".git"):
            self.assertIn(entry, ignored)

    def test_runtime_installs_every_library_the_binary_links(self):
        if not os.path.exists(UPKEEP_BIN) or not shutil.which("dpkg"):
            self.skipTest("needs the built binary and dpkg")
        ldd = subprocess.run(["ldd", UPKEEP_BIN], capture_output=True, text=True, check=True)
        libraries = re.findall(r"=> (/\S+)", ldd.stdout)
        # dpkg knows each file under one of /lib and /usr/lib (merged /usr), and under its
        # soname link or its real name: ask for all of them at once.
        candidates = {}
        for path in libraries:
            real = os.path.realpath(path)
            for c in (path, real, "/usr" + path, "/usr" + real, re.sub("^/usr", "", path),
                      re.sub("^/usr", "", real)):
                candidates.setdefault(c, path)
        found = subprocess.run(["dpkg", "-S"] + sorted(candidates), capture_output=True,
                               text=True)
        owner = {}
        for line in found.stdout.splitlines():
            package, _, owned = line.partition(": ")
            if owned in candidates:
                owner[candidates[owned]] = package.split(":")[0]
        self.assertEqual([p for p in libraries if p not in owner], [],
                         "no Debian package owns these")
        needed = {p for p in owner.values() if not self.SANITIZERS.match(p)}
        missing = needed - self.BASE_PACKAGES - self.runtime_packages()
        self.assertEqual(missing, set(), "the runtime stage does not install these")


if __name__ == "__main__":
    unittest.main()
