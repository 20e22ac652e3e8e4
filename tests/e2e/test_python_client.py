"""End-to-end tests of `upkeep apiserver` driven by the official Python kubernetes client
(Debian's python3-kubernetes), configured only from the kubeconfig the server writes.

Covers: paginated lists (limit/continue/remainingItemCount), watches from a
resourceVersion (event order, bookmarks, 410 Expired after compaction), typed Secret CRUD,
and a CRD plus custom objects with schema validation (422).
"""
import base64
import functools
import itertools
import threading
import time
import unittest
import uuid

try:
    import kubernetes
    from kubernetes import client, config, watch
    from kubernetes.client.exceptions import ApiException
except ImportError as e:  # fail loudly: a skip here would hide the whole suite
    raise ImportError("python3-kubernetes (apt) is not importable by %s: %s; run this module "
                      "with the interpreter that has it, e.g. /usr/bin/python3" % (
                          __import__("sys").executable, e)) from e

from harness import ApiServer

WATCH_TIMEOUT = 3  # seconds; every watch here is bounded (<= 10 s)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def make_api_client(server):
    cfg = client.Configuration()
    config.load_kube_config(config_file=server.kubeconfig, client_configuration=cfg)
    return client.ApiClient(configuration=cfg)


def close_api_client(api):
    api.close()
    api.rest_client.pool_manager.clear()  # close pooled keep-alive sockets too


def lowercase_bools(func):
    """Wrap a generated list function so boolean query parameters are sent as `true`.

    python3-kubernetes 22.x serialises Python booleans in the query string as `True`.
    The real kube-apiserver accepts that (anything but 0/f/false is true); see
    ClientWatchTest.test_stock_watch_stream_sends_watch_True for the stock behaviour.
    functools.wraps keeps __doc__, from which Watch.stream derives the return type, so the
    client's own watch decoding, bookmark and 410 handling are still what is exercised.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for key in ("watch", "allow_watch_bookmarks"):
            if kwargs.get(key) is True:
                kwargs[key] = "true"
        return func(*args, **kwargs)
    return wrapper


class ClientTestBase(unittest.TestCase):
    server_args = {}

    @classmethod
    def setUpClass(cls):
        cls.server = ApiServer(**cls.server_args).start()
        cls.api_client = make_api_client(cls.server)
        cls.v1 = client.CoreV1Api(cls.api_client)

    @classmethod
    def tearDownClass(cls):
        close_api_client(cls.api_client)
        cls.server.cleanup()

    def new_namespace(self, prefix="e2e"):
        name = unique(prefix)
        ns = self.v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
        self.assertEqual(ns.metadata.name, name)
        return name

    def cm(self, name, data=None, labels=None):
        return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels=labels),
                                  data=data or {})


class PaginationTest(ClientTestBase):

    def test_list_with_limit_and_continue_returns_each_item_once(self):
        ns = self.new_namespace("page")
        created = {}
        for i in range(25):
            obj = self.v1.create_namespaced_config_map(ns, self.cm("cm-%02d" % i, {"i": str(i)}))
            created[obj.metadata.name] = obj.metadata.uid
        self.assertEqual(len(created), 25)

        seen, pages, remaining = [], [], []
        token, page_rv = None, None
        for _ in range(10):  # bounded: 3 pages expected
            kwargs = {"limit": 10}
            if token:
                kwargs["_continue"] = token
            page = self.v1.list_namespaced_config_map(ns, **kwargs)
            pages.append(len(page.items))
            remaining.append(page.metadata.remaining_item_count)
            seen.extend((o.metadata.name, o.metadata.uid) for o in page.items)
            # all pages of one paginated list are served from the same snapshot
            if page_rv is None:
                page_rv = page.metadata.resource_version
            self.assertEqual(page.metadata.resource_version, page_rv)
            token = page.metadata._continue
            if not token:
                break
        else:
            self.fail("pagination did not terminate after 10 pages")

        self.assertEqual(pages, [10, 10, 5])
        self.assertEqual(len(seen), 25, "duplicates or gaps: %r" % seen)
        self.assertEqual(dict(seen), created)
        self.assertEqual([n for n, _ in seen], sorted(created))
        self.assertEqual(remaining[:2], [15, 5])
        self.assertIn(remaining[2], (None, 0))

    def test_continue_is_a_consistent_snapshot(self):
        ns = self.new_namespace("snap")
        for i in range(6):
            self.v1.create_namespaced_config_map(ns, self.cm("s-%d" % i))
        first = self.v1.list_namespaced_config_map(ns, limit=3)
        self.assertEqual(first.metadata.remaining_item_count, 3)
        # changes after the first page must not show up in later pages of the same list
        self.v1.create_namespaced_config_map(ns, self.cm("s-9"))
        self.v1.delete_namespaced_config_map("s-4", ns)
        rest = self.v1.list_namespaced_config_map(ns, limit=10, _continue=first.metadata._continue)
        names = [o.metadata.name for o in first.items + rest.items]
        self.assertEqual(names, ["s-%d" % i for i in range(6)])
        self.assertFalse(rest.metadata._continue)


class ClientWatchTest(ClientTestBase):

    def changes_after_rv(self, ns):
        """Make one object before a list, then 4 changes; returns (rv, expected events)."""
        self.v1.create_namespaced_config_map(ns, self.cm("a", {"v": "1"}))
        rv = self.v1.list_namespaced_config_map(ns).metadata.resource_version
        expected = []
        b = self.v1.create_namespaced_config_map(ns, self.cm("b", {"v": "1"}))
        expected.append(("ADDED", "b", b.metadata.resource_version))
        a = self.v1.patch_namespaced_config_map("a", ns, {"data": {"v": "2"}})
        expected.append(("MODIFIED", "a", a.metadata.resource_version))
        self.v1.delete_namespaced_config_map("b", ns)
        self.v1.delete_namespaced_config_map("a", ns)
        return rv, expected

    def collect(self, func, ns, rv, count, **kwargs):
        w = watch.Watch()
        events = []
        for ev in w.stream(func, ns, resource_version=rv, timeout_seconds=WATCH_TIMEOUT, **kwargs):
            events.append(ev)
            if len([e for e in events if e["type"] != "BOOKMARK"]) >= count:
                w.stop()
        return w, events

    def test_stock_watch_stream_sends_watch_True(self):
        ns = self.new_namespace("stock")
        rv, expected = self.changes_after_rv(ns)
        _, events = self.collect(self.v1.list_namespaced_config_map, ns, rv, 4)
        self.assertEqual([e["type"] for e in events], ["ADDED", "MODIFIED", "DELETED", "DELETED"])

    def test_watch_from_resource_version_sees_exactly_later_changes_in_order(self):
        ns = self.new_namespace("watch")
        rv, expected = self.changes_after_rv(ns)
        start = time.monotonic()
        w, events = self.collect(lowercase_bools(self.v1.list_namespaced_config_map), ns, rv, 4)
        self.assertLess(time.monotonic() - start, WATCH_TIMEOUT + 2)
        got = [(e["type"], e["object"].metadata.name) for e in events if e["type"] != "BOOKMARK"]
        self.assertEqual(got, [("ADDED", "b"), ("MODIFIED", "a"), ("DELETED", "b"), ("DELETED", "a")])
        for e in events:
            if e["type"] != "BOOKMARK":
                self.assertIsInstance(e["object"], client.V1ConfigMap)
        # the first two events carry exactly the resourceVersions the writes returned
        self.assertEqual([(e["type"], e["object"].metadata.name, e["object"].metadata.resource_version)
                          for e in events[:2]], expected)
        rvs = [int(e["object"].metadata.resource_version) for e in events]
        self.assertEqual(rvs, sorted(set(rvs)), "resourceVersions not strictly increasing")
        self.assertGreater(rvs[0], int(rv))
        self.assertEqual(events[1]["object"].data, {"v": "2"})
        self.assertEqual(w.resource_version, str(rvs[-1]))

    def test_watch_from_current_rv_is_quiet_then_sees_new_write(self):
        ns = self.new_namespace("quiet")
        rv = self.v1.list_namespaced_config_map(ns).metadata.resource_version
        other = self.new_namespace("other")

        def writer():
            time.sleep(0.5)
            api = make_api_client(self.server)
            try:
                v1 = client.CoreV1Api(api)
                v1.create_namespaced_config_map(other, self.cm("noise"))
                v1.create_namespaced_config_map(ns, self.cm("late", {"k": "v"}))
            finally:
                close_api_client(api)
        t = threading.Thread(target=writer)
        t.start()
        try:
            _, events = self.collect(lowercase_bools(self.v1.list_namespaced_config_map), ns, rv, 1)
        finally:
            t.join(10)
        got = [(e["type"], e["object"].metadata.name) for e in events if e["type"] != "BOOKMARK"]
        self.assertEqual(got, [("ADDED", "late")])
        self.assertEqual(events[-1]["object"].metadata.namespace, ns)

    def test_watch_from_compacted_rv_raises_410_expired(self):
        ns = self.new_namespace("gone")
        old_rv = self.v1.list_namespaced_config_map(ns).metadata.resource_version
        self.v1.create_namespaced_config_map(ns, self.cm("x"))
        status, body = self.server.request("POST", "/upkeep/compact")
        self.assertEqual(status, 200, body)
        with self.assertRaises(ApiException) as ctx:
            for _ in watch.Watch().stream(lowercase_bools(self.v1.list_namespaced_config_map), ns,
                                          resource_version=old_rv, timeout_seconds=WATCH_TIMEOUT):
                pass
        # With timeout_seconds the 22.x client does not retry: the ERROR event
        # {"code":410,"reason":"Expired"} is turned into ApiException(status=410).
        self.assertEqual(ctx.exception.status, 410)
        self.assertIn("Expired", str(ctx.exception.reason))
        # a fresh list gives an rv from which watching works again
        rv = self.v1.list_namespaced_config_map(ns).metadata.resource_version
        self.v1.create_namespaced_config_map(ns, self.cm("y"))
        _, events = self.collect(lowercase_bools(self.v1.list_namespaced_config_map), ns, rv, 1)
        self.assertEqual([(e["type"], e["object"].metadata.name) for e in events], [("ADDED", "y")])

    def test_list_with_compacted_rv_still_lists(self):
        # a plain list with an old resourceVersion (no resourceVersionMatch) means "at least
        # as new as": real apiservers serve it rather than answer 410
        ns = self.new_namespace("oldlist")
        old_rv = self.v1.list_namespaced_config_map(ns).metadata.resource_version
        self.v1.create_namespaced_config_map(ns, self.cm("z"))
        self.server.request("POST", "/upkeep/compact")
        lst = self.v1.list_namespaced_config_map(ns, resource_version=old_rv)
        self.assertEqual([o.metadata.name for o in lst.items], ["z"])


class BookmarkTest(ClientTestBase):
    server_args = {"extra_args": ["--bookmark-interval-ms", "200"]}

    def test_bookmarks_arrive_and_advance(self):
        ns = self.new_namespace("bm")
        other = self.new_namespace("bm-other")
        rv = self.v1.list_namespaced_config_map(ns).metadata.resource_version
        stop = threading.Event()
        written = []

        def writer():  # writes elsewhere advance the global resourceVersion
            api = make_api_client(self.server)
            try:
                v1 = client.CoreV1Api(api)
                for i in itertools.count():
                    if stop.wait(0.25) or i >= 20:
                        break
                    o = v1.create_namespaced_config_map(other, self.cm("n-%d" % i))
                    written.append(int(o.metadata.resource_version))
            finally:
                close_api_client(api)
        t = threading.Thread(target=writer)
        t.start()
        w = watch.Watch()
        events = []
        try:
            for ev in w.stream(lowercase_bools(self.v1.list_namespaced_config_map), ns,
                               resource_version=rv, allow_watch_bookmarks=True,
                               timeout_seconds=WATCH_TIMEOUT):
                events.append(ev)
                if len(events) >= 5:
                    w.stop()
        finally:
            stop.set()
            t.join(10)
        self.assertTrue(events, "no events at all within %ss" % WATCH_TIMEOUT)
        self.assertEqual({e["type"] for e in events}, {"BOOKMARK"}, events)
        # 22.x yields bookmarks as raw dicts and does not track their resourceVersion
        bm_rvs = [int(e["raw_object"]["metadata"]["resourceVersion"]) for e in events]
        self.assertGreaterEqual(len(bm_rvs), 3, bm_rvs)
        self.assertEqual(bm_rvs, sorted(bm_rvs))
        self.assertGreaterEqual(bm_rvs[0], int(rv))
        self.assertGreater(bm_rvs[-1], int(rv), "bookmarks never advanced: %r" % bm_rvs)
        self.assertLessEqual(bm_rvs[-1], max(written))
        for e in events:
            self.assertEqual(e["raw_object"]["kind"], "ConfigMap")

    def test_no_bookmarks_unless_asked(self):
        ns = self.new_namespace("nobm")
        rv = self.v1.list_namespaced_config_map(ns).metadata.resource_version
        events = list(watch.Watch().stream(lowercase_bools(self.v1.list_namespaced_config_map), ns,
                                           resource_version=rv, timeout_seconds=1))
        self.assertEqual(events, [])


class SecretTest(ClientTestBase):

    def test_secret_crud(self):
        ns = self.new_namespace("sec")
        name = unique("s")
        raw = base64.b64encode(b"\x00\x01binary").decode()
        created = self.v1.create_namespaced_secret(ns, client.V1Secret(
            metadata=client.V1ObjectMeta(name=name, labels={"app": "e2e"}),
            type="Opaque", data={"blob": raw}))
        self.assertEqual(created.metadata.name, name)
        self.assertTrue(created.metadata.uid)
        self.assertEqual(created.data, {"blob": raw})
        self.assertEqual(created.type, "Opaque")

        got = self.v1.read_namespaced_secret(name, ns)
        self.assertEqual(got.metadata.uid, created.metadata.uid)
        self.assertEqual(base64.b64decode(got.data["blob"]), b"\x00\x01binary")

        got.data["user"] = base64.b64encode(b"admin").decode()
        replaced = self.v1.replace_namespaced_secret(name, ns, got)
        self.assertGreater(int(replaced.metadata.resource_version), int(created.metadata.resource_version))
        self.assertEqual(sorted(replaced.data), ["blob", "user"])

        # replace with a stale resourceVersion is a conflict
        stale = self.v1.read_namespaced_secret(name, ns)
        stale.metadata.resource_version = created.metadata.resource_version
        with self.assertRaises(ApiException) as ctx:
            self.v1.replace_namespaced_secret(name, ns, stale)
        self.assertEqual(ctx.exception.status, 409)

        patched = self.v1.patch_namespaced_secret(name, ns, {"metadata": {"labels": {"tier": "x"}}})
        self.assertEqual(patched.metadata.labels, {"app": "e2e", "tier": "x"})

        listed = self.v1.list_namespaced_secret(ns, label_selector="app=e2e,tier=x")
        self.assertEqual([s.metadata.name for s in listed.items], [name])
        self.assertEqual(self.v1.list_namespaced_secret(ns, label_selector="app=other").items, [])

        with self.assertRaises(ApiException) as ctx:
            self.v1.create_namespaced_secret(ns, client.V1Secret(metadata=client.V1ObjectMeta(name=name)))
        self.assertEqual(ctx.exception.status, 409)

        self.v1.delete_namespaced_secret(name, ns)
        with self.assertRaises(ApiException) as ctx:
            self.v1.read_namespaced_secret(name, ns)
        self.assertEqual(ctx.exception.status, 404)

    def test_secret_string_data_is_merged_into_data(self):
        ns = self.new_namespace("sdata")
        created = self.v1.create_namespaced_secret(ns, client.V1Secret(
            metadata=client.V1ObjectMeta(name="sd"), type="Opaque",
            string_data={"password": "s3cr3t"}))
        self.assertEqual(created.data, {"password": base64.b64encode(b"s3cr3t").decode()})
        self.assertFalse(created.string_data)
        got = self.v1.read_namespaced_secret("sd", ns)
        self.assertEqual(got.data, created.data)

    def test_secret_type_defaults_to_opaque(self):
        ns = self.new_namespace("stype")
        created = self.v1.create_namespaced_secret(ns, client.V1Secret(
            metadata=client.V1ObjectMeta(name="t"), data={"k": "dg=="}))
        self.assertEqual(created.type, "Opaque")
        self.assertEqual(self.v1.read_namespaced_secret("t", ns).type, "Opaque")


class CustomResourceTest(ClientTestBase):
    GROUP = "e2e.upkeep.example.com"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ext = client.ApiextensionsV1Api(cls.api_client)
        cls.custom = client.CustomObjectsApi(cls.api_client)

    def create_crd(self, plural, kind):
        crd = client.V1CustomResourceDefinition(
            api_version="apiextensions.k8s.io/v1", kind="CustomResourceDefinition",
            metadata=client.V1ObjectMeta(name="%s.%s" % (plural, self.GROUP)),
            spec=client.V1CustomResourceDefinitionSpec(
                group=self.GROUP, scope="Namespaced",
                names=client.V1CustomResourceDefinitionNames(
                    plural=plural, singular=kind.lower(), kind=kind, list_kind=kind + "List"),
                versions=[client.V1CustomResourceDefinitionVersion(
                    name="v1", served=True, storage=True,
                    schema=client.V1CustomResourceValidation(
                        open_apiv3_schema=client.V1JSONSchemaProps(
                            type="object",
                            properties={"spec": client.V1JSONSchemaProps(
                                type="object", required=["size"],
                                properties={
                                    "size": client.V1JSONSchemaProps(type="integer", minimum=1),
                                    "color": client.V1JSONSchemaProps(type="string",
                                                                      enum=["red", "blue"]),
                                })})))]))
        created = self.ext.create_custom_resource_definition(crd)
        self.assertEqual(created.spec.names.plural, plural)
        # wait (bounded) until the new resource is served
        deadline = time.monotonic() + 10
        while True:
            try:
                self.custom.list_namespaced_custom_object(self.GROUP, "v1", "default", plural)
                return created
            except ApiException as e:
                if e.status != 404 or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def body(self, kind, name, spec):
        return {"apiVersion": self.GROUP + "/v1", "kind": kind,
                "metadata": {"name": name}, "spec": spec}

    def test_crd_and_custom_object_crud(self):
        plural, kind = "widgets", "Widget"
        crd = self.create_crd(plural, kind)
        got = self.ext.read_custom_resource_definition(crd.metadata.name)
        self.assertEqual(got.metadata.uid, crd.metadata.uid)
        self.assertIn(crd.metadata.name, [c.metadata.name for c in
                                          self.ext.list_custom_resource_definition().items])

        ns = self.new_namespace("cr")
        obj = self.custom.create_namespaced_custom_object(
            self.GROUP, "v1", ns, plural, self.body(kind, "w1", {"size": 3, "color": "red"}))
        self.assertEqual(obj["kind"], kind)
        self.assertEqual(obj["metadata"]["namespace"], ns)
        self.assertTrue(obj["metadata"]["uid"])
        self.assertEqual(obj["spec"], {"size": 3, "color": "red"})

        got = self.custom.get_namespaced_custom_object(self.GROUP, "v1", ns, plural, "w1")
        self.assertEqual(got["metadata"]["uid"], obj["metadata"]["uid"])

        patched = self.custom.patch_namespaced_custom_object(
            self.GROUP, "v1", ns, plural, "w1", {"spec": {"size": 5}})
        self.assertEqual(patched["spec"], {"size": 5, "color": "red"})
        self.assertGreater(int(patched["metadata"]["resourceVersion"]),
                           int(obj["metadata"]["resourceVersion"]))

        patched["spec"]["color"] = "blue"
        replaced = self.custom.replace_namespaced_custom_object(
            self.GROUP, "v1", ns, plural, "w1", patched)
        self.assertEqual(replaced["spec"], {"size": 5, "color": "blue"})

        self.custom.create_namespaced_custom_object(
            self.GROUP, "v1", ns, plural, self.body(kind, "w2", {"size": 1}))
        lst = self.custom.list_namespaced_custom_object(self.GROUP, "v1", ns, plural)
        self.assertEqual(lst["kind"], kind + "List")
        self.assertEqual(sorted(i["metadata"]["name"] for i in lst["items"]), ["w1", "w2"])

        self.custom.delete_namespaced_custom_object(self.GROUP, "v1", ns, plural, "w2")
        with self.assertRaises(ApiException) as ctx:
            self.custom.get_namespaced_custom_object(self.GROUP, "v1", ns, plural, "w2")
        self.assertEqual(ctx.exception.status, 404)

    def test_invalid_custom_object_is_rejected_with_422_naming_the_field(self):
        plural, kind = "gadgets", "Gadget"
        self.create_crd(plural, kind)
        ns = self.new_namespace("inv")
        cases = [
            ({"size": "big"}, "spec.size"),
            ({"size": 0}, "spec.size"),
            ({"size": 2, "color": "green"}, "spec.color"),
            ({"color": "red"}, "spec.size"),  # required
        ]
        for i, (spec, field) in enumerate(cases):
            with self.subTest(spec=spec):
                with self.assertRaises(ApiException) as ctx:
                    self.custom.create_namespaced_custom_object(
                        self.GROUP, "v1", ns, plural, self.body(kind, "bad-%d" % i, spec))
                self.assertEqual(ctx.exception.status, 422, ctx.exception.body)
                self.assertIn(field, ctx.exception.body)
                self.assertIn("Invalid", ctx.exception.body)
        lst = self.custom.list_namespaced_custom_object(self.GROUP, "v1", ns, plural)
        self.assertEqual(lst["items"], [])
        # an update to an invalid state is rejected too, and the object is unchanged
        ok = self.custom.create_namespaced_custom_object(
            self.GROUP, "v1", ns, plural, self.body(kind, "good", {"size": 2}))
        with self.assertRaises(ApiException) as ctx:
            self.custom.patch_namespaced_custom_object(
                self.GROUP, "v1", ns, plural, "good", {"spec": {"size": "x"}})
        self.assertEqual(ctx.exception.status, 422)
        self.assertIn("spec.size", ctx.exception.body)
        again = self.custom.get_namespaced_custom_object(self.GROUP, "v1", ns, plural, "good")
        self.assertEqual(again["metadata"]["resourceVersion"], ok["metadata"]["resourceVersion"])

    def test_unknown_resource_is_404(self):
        with self.assertRaises(ApiException) as ctx:
            self.custom.list_namespaced_custom_object(self.GROUP, "v1", "default", "nothings")
        self.assertEqual(ctx.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
