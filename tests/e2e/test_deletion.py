"""End-to-end: deletion semantics — cascading (background, foreground, orphan) through
ownerReferences, and namespace termination — driven through kubectl and raw HTTP."""
import time
import unittest

from harness import ServerTestCase


class DeletionTest(ServerTestCase):

    def create_cm(self, ns, name, owner=None):
        meta = {"name": name}
        if owner:
            meta["ownerReferences"] = [{"apiVersion": "v1", "kind": "ConfigMap",
                                        "name": owner["metadata"]["name"],
                                        "uid": owner["metadata"]["uid"]}]
        status, body = self.server.request("POST", "/api/v1/namespaces/%s/configmaps" % ns,
                                           {"metadata": meta, "data": {"k": "v"}})
        self.assertEqual(status, 201, body)
        return body

    def exists(self, ns, name):
        return self.server.request("GET", "/api/v1/namespaces/%s/configmaps/%s" % (ns, name))[0] == 200

    def wait_until(self, predicate, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()

    def test_background_deletion_removes_dependents(self):
        owner = self.create_cm("default", "bg-owner")
        self.create_cm("default", "bg-child", owner)
        self.kubectl("delete", "configmap", "bg-owner")
        self.assertTrue(self.wait_until(lambda: not self.exists("default", "bg-child")))

    def test_foreground_deletion_waits_for_dependents(self):
        owner = self.create_cm("default", "fg-owner")
        child = self.create_cm("default", "fg-child", owner)
        # A finalizer on the dependent holds the owner in foreground deletion.
        self.server.request("PATCH", "/api/v1/namespaces/default/configmaps/fg-child",
                            {"metadata": {"finalizers": ["example.dev/hold"]}},
                            headers={"Content-Type": "application/merge-patch+json"})
        status, body = self.server.request("DELETE", "/api/v1/namespaces/default/configmaps/fg-owner",
                                           {"propagationPolicy": "Foreground"})
        self.assertEqual(status, 200)
        self.assertIn("foregroundDeletion", body["metadata"]["finalizers"])
        time.sleep(1)
        self.assertTrue(self.exists("default", "fg-owner"))
        self.server.request("PATCH", "/api/v1/namespaces/default/configmaps/fg-child",
                            {"metadata": {"finalizers": None}},
                            headers={"Content-Type": "application/merge-patch+json"})
        self.assertTrue(self.wait_until(lambda: not self.exists("default", "fg-child")))
        self.assertTrue(self.wait_until(lambda: not self.exists("default", "fg-owner")))
        self.assertEqual(child["metadata"]["name"], "fg-child")

    def test_orphan_deletion_keeps_dependents_and_drops_the_reference(self):
        owner = self.create_cm("default", "or-owner")
        self.create_cm("default", "or-child", owner)
        self.kubectl("delete", "configmap", "or-owner", "--cascade=orphan")
        self.assertTrue(self.wait_until(lambda: not self.exists("default", "or-owner")))
        time.sleep(0.5)
        status, child = self.server.request("GET", "/api/v1/namespaces/default/configmaps/or-child")
        self.assertEqual(status, 200)
        self.assertNotIn("ownerReferences", child["metadata"])

    def test_deleting_a_namespace_empties_it_first(self):
        self.kubectl("create", "namespace", "doomed")
        self.create_cm("doomed", "inside")
        self.kubectl("delete", "namespace", "doomed", "--timeout=20s")
        status, _ = self.server.request("GET", "/api/v1/namespaces/doomed")
        self.assertEqual(status, 404)
        self.assertFalse(self.exists("doomed", "inside"))
        proc = self.kubectl("create", "configmap", "late", "-n", "doomed", check=False)
        self.assertNotEqual(proc.returncode, 0)


if __name__ == "__main__":
    unittest.main()
