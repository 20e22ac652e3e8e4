"""End-to-end: the upkeep API (crds/) as an admin meets it, with the real kubectl against
`upkeep apiserver`: CRDs apply and are established, every example applies and reads back,
`kubectl explain` teaches the fields, invalid manifests are rejected naming the wrong field,
and `kubectl get` shows the printer columns, by short name and by the `upkeep` category."""
import glob
import json
import os
import re
import subprocess
import time
import unittest

import yaml

from harness import KUBECTL, ServerTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CRD_FILES = sorted(glob.glob(os.path.join(ROOT, "crds", "upkeep.dev_*.yaml")))
INVALID = sorted(glob.glob(os.path.join(HERE, "testdata", "invalid", "*", "*.yaml")))
SHORT_NAMES = ["bp", "cr", "hg", "sr", "lr"]


def load_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def crds():
    return [load_all(p)[0] for p in CRD_FILES]


def is_subset(want, got):
    """True when every field of `want` is in `got` with the same value (defaults may add)."""
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and is_subset(v, got[k])
                                             for k, v in want.items())
    if isinstance(want, list):
        return (isinstance(got, list) and len(want) == len(got)
                and all(is_subset(w, g) for w, g in zip(want, got)))
    return want == got


def table(text):
    """kubectl's table output as dicts; columns are cut at the header's positions, since
    names and values may contain single spaces ("LAST RUN")."""
    lines = text.splitlines()
    starts = [m.start() for m in re.finditer(r"\S+(?: \S+)*", lines[0])]
    bounds = list(zip(starts, starts[1:] + [None]))
    names = [lines[0][a:b].strip() for a, b in bounds]
    return [dict(zip(names, (line[a:b].strip() for a, b in bounds))) for line in lines[1:]]


class ApiTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not KUBECTL:
            return
        env = dict(os.environ, KUBECONFIG=cls.server.kubeconfig)
        for path in CRD_FILES:
            subprocess.run([KUBECTL, "apply", "-f", path], check=True, env=env,
                           capture_output=True, timeout=60)
        for name in [c["metadata"]["name"] for c in crds()]:
            subprocess.run([KUBECTL, "wait", "--for=condition=Established", "--timeout=30s",
                            "crd/" + name], check=True, env=env, capture_output=True, timeout=60)
        subprocess.run([KUBECTL, "create", "namespace", "app"], check=True, env=env,
                       capture_output=True, timeout=60)

    def apply_examples(self, folder, namespace):
        applied = []
        for path in sorted(glob.glob(os.path.join(ROOT, "examples", folder, "*.yaml"))):
            # One file at a time, in order: a file's CRD is established before the next file.
            self.kubectl("apply", "-n", namespace, "-f", path)
            for doc in load_all(path):
                applied.append(doc)
                if doc["kind"] == "CustomResourceDefinition":
                    self.kubectl("wait", "--for=condition=Established", "--timeout=30s",
                                 "crd/" + doc["metadata"]["name"])
        return applied

    def test_the_five_crds_are_established_with_short_names_and_category(self):
        self.assertEqual(len(CRD_FILES), 5)
        out = self.kubectl("api-resources", "--api-group=upkeep.dev", "-o", "wide").stdout
        for kind, short in zip(["BackupPolicy", "CertRenewal", "HealthGate", "SecretRotation",
                                "LogRotation"], SHORT_NAMES):
            line = next((l for l in out.splitlines() if kind in l.split()), "")
            self.assertIn(short, line.split(), out)
            self.assertIn("upkeep", line, out)

    def test_every_example_applies_and_reads_back(self):
        for folder, namespace in (("dev", "default"), ("production", "app")):
            applied = self.apply_examples(folder, namespace)
            kinds = {d["kind"] for d in applied}
            for kind in ("BackupPolicy", "CertRenewal", "HealthGate", "SecretRotation",
                         "LogRotation"):
                self.assertIn(kind, kinds, "examples/%s has no %s" % (folder, kind))
            for doc in applied:
                if doc["apiVersion"] != "upkeep.dev/v1alpha1":
                    continue
                got = self.kubectl_json("get", "-n", namespace,
                                        doc["kind"].lower() + ".upkeep.dev",
                                        doc["metadata"]["name"])
                self.assertTrue(is_subset(doc["spec"], got["spec"]),
                                "%s/%s read back differently:\n%s\n%s" % (
                                    folder, doc["metadata"]["name"], doc["spec"], got["spec"]))

    def test_explain_shows_the_field_descriptions(self):
        for crd in crds():
            kind = crd["spec"]["names"]["singular"]
            spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
            out = self.kubectl("explain", kind + ".spec").stdout
            for field, schema in spec["properties"].items():
                self.assertIn(field, out, kind)
                # kubectl wraps text; compare the first few words of each description.
                words = " ".join(schema["description"].split()[:4])
                self.assertIn(words, " ".join(out.split()), "%s.spec.%s" % (kind, field))

    def test_invalid_manifests_are_rejected_naming_the_field(self):
        self.assertGreaterEqual(len({os.path.basename(os.path.dirname(p)) for p in INVALID}), 5,
                                "every kind needs invalid manifests")
        for path in INVALID:
            with open(path) as f:
                first = f.readline()
            self.assertTrue(first.startswith("# expect:"), path)
            expect = first.split(":", 1)[1].strip()
            proc = self.kubectl("apply", "-n", "app", "-f", path, check=False)
            name = os.path.relpath(path, HERE)
            self.assertNotEqual(proc.returncode, 0, "%s was accepted" % name)
            self.assertIn(expect, proc.stderr, name)

    def test_get_shows_printer_columns_by_short_name_and_category(self):
        self.apply_examples("production", "app")
        for crd in crds():
            short = crd["spec"]["names"]["shortNames"][0]
            columns = crd["spec"]["versions"][0]["additionalPrinterColumns"]
            header = table(self.kubectl("get", short, "-n", "app").stdout)[0].keys()
            wide = table(self.kubectl("get", short, "-n", "app", "-o", "wide").stdout)[0].keys()
            for column in columns:
                name = column["name"].upper()
                self.assertIn(name, wide, short)
                if column.get("priority", 0) == 0:
                    self.assertIn(name, header, short)
                else:
                    self.assertNotIn(name, header, short)
        together = self.kubectl("get", ",".join(SHORT_NAMES), "-n", "app").stdout
        by_category = self.kubectl("get", "upkeep", "-n", "app").stdout
        for crd in crds():
            # Several kinds in one table: kubectl prefixes names with kind.group.
            kind_prefix = crd["spec"]["names"]["kind"].lower() + ".upkeep.dev/"
            self.assertIn(kind_prefix, together)
            self.assertIn(kind_prefix, by_category)

    def test_ready_column_shows_the_condition_written_to_status(self):
        self.apply_examples("production", "app")
        obj = self.kubectl_json("get", "lr", "nginx-logs", "-n", "app")
        obj["status"] = {"observedGeneration": obj["metadata"]["generation"],
                         "conditions": [{"type": "Ready", "status": "True",
                                         "reason": "Rotated", "message": "ok",
                                         "lastTransitionTime": "2026-11-30T10:00:00Z"}],
                         "filesRotated": 2, "bytesReclaimed": 1048576}
        self.kubectl("replace", "--subresource=status", "-f", "-", input=json.dumps(obj))
        row = table(self.kubectl("get", "lr", "nginx-logs", "-n", "app").stdout)[0]
        self.assertEqual(row["READY"], "True")
        self.assertEqual(row["ROTATED"], "2")


if __name__ == "__main__":
    unittest.main()
