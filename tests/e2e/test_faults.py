"""End-to-end: the API server's test-only fault injection, which the controller runtime's
tests use to prove informers and clients against a misbehaving server."""
import http.client
import json
import unittest
import urllib.parse
import urllib.request

from harness import ServerTestCase


class FaultInjectionTest(ServerTestCase):

    def tearDown(self):
        self.server.request("DELETE", "/upkeep/faults")

    def raw(self, method, path):
        url = urllib.parse.urlparse(self.server.url)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        conn.request(method, path)
        return conn, conn.getresponse()

    def test_too_many_requests_carries_retry_after_and_spares_other_verbs(self):
        self.server.set_faults(errorRate=1.0, errorCode=429, retryAfterSeconds=3, verbs="list")
        conn, resp = self.raw("GET", "/api/v1/namespaces/default/configmaps")
        body = json.loads(resp.read())
        conn.close()
        self.assertEqual(resp.status, 429)
        self.assertEqual(resp.getheader("Retry-After"), "3")
        self.assertEqual(body["reason"], "TooManyRequests")
        status, ns = self.server.request("GET", "/api/v1/namespaces/default")
        self.assertEqual(status, 200)
        self.assertEqual(ns["metadata"]["name"], "default")

    def test_server_errors_are_kubernetes_statuses(self):
        for code, reason in ((500, "InternalError"), (503, "ServiceUnavailable")):
            self.server.set_faults(errorRate=1.0, errorCode=code)
            status, body = self.server.request("GET", "/api/v1/namespaces")
            self.assertEqual(status, code)
            self.assertEqual(body["kind"], "Status")
            self.assertEqual(body["reason"], reason)
        self.server.request("DELETE", "/upkeep/faults")
        status, _ = self.server.request("GET", "/api/v1/namespaces")
        self.assertEqual(status, 200)

    def test_a_share_of_requests_fails(self):
        self.server.set_faults(errorRate=0.5, errorCode=500)
        codes = [self.server.request("GET", "/api/v1/namespaces")[0] for _ in range(40)]
        self.assertIn(500, codes)
        self.assertIn(200, codes)

    def test_expired_watch_gets_a_410_error_event(self):
        self.server.set_faults(expireNextWatches=1)
        conn, resp = self.raw("GET", "/api/v1/namespaces/default/configmaps?watch=true")
        event = json.loads(resp.readline())
        conn.close()
        self.assertEqual(event["type"], "ERROR")
        self.assertEqual(event["object"]["code"], 410)
        self.assertEqual(event["object"]["reason"], "Expired")
        # Only the next watch was affected.
        conn, resp = self.raw("GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1")
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.read(), b"")  # no events; ends at its timeout
        conn.close()

    def test_dropped_watches_end_their_streams(self):
        conn, resp = self.raw("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0")
        status, dropped = self.server.request("POST", "/upkeep/drop-watches", {})
        self.assertEqual(status, 200)
        self.assertGreaterEqual(dropped["dropped"], 1)
        self.assertEqual(resp.read(), b"")  # the stream ends instead of hanging
        conn.close()


if __name__ == "__main__":
    unittest.main()
