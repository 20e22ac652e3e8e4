#include "apiserver/protobuf/protobuf_decoding.h"

#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

// --- A tiny protobuf writer, enough to build what client-go sends. ---

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}

// A length-delimited field: strings, bytes, nested messages.
std::string Field(int number, std::string_view bytes) {
  return Varint(static_cast<uint64_t>(number) << 3 | 2) + Varint(bytes.size()) +
         std::string(bytes);
}

std::string VarintField(int number, uint64_t value) {
  return Varint(static_cast<uint64_t>(number) << 3) + Varint(value);
}

std::string MapEntry(int number, std::string_view key, std::string_view value) {
  return Field(number, Field(1, key) + Field(2, value));
}

// ObjectMeta as Go's encoder writes it: every string, generation 0 and an empty (zero)
// creationTimestamp, whether set or not.
std::string GoObjectMeta(std::string_view name, std::string_view ns = "",
                         std::string_view extra = "") {
  return Field(1, name) + Field(2, "") + Field(3, ns) + Field(4, "") + Field(5, "") +
         Field(6, "") + VarintField(7, 0) + Field(8, "") + std::string(extra);
}

// The k8s protobuf envelope: magic, then runtime.Unknown{typeMeta, raw, "", ""}.
std::string Envelope(std::string_view api_version, std::string_view kind, std::string_view raw) {
  return std::string("k8s\0", 4) + Field(1, Field(1, api_version) + Field(2, kind)) +
         Field(2, raw) + Field(3, "") + Field(4, "");
}

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

json Decode(std::string_view body) {
  absl::StatusOr<json> decoded = DecodeKubernetesProtobuf(body);
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  return decoded.ok() ? *decoded : json();
}

TEST(ProtobufDecodingTest, RecognisesTheProtobufMediaTypeWithOrWithoutParameters) {
  EXPECT_TRUE(IsKubernetesProtobuf("application/vnd.kubernetes.protobuf"));
  EXPECT_TRUE(IsKubernetesProtobuf("application/vnd.kubernetes.protobuf; charset=utf-8"));
  EXPECT_TRUE(IsKubernetesProtobuf(" Application/VND.Kubernetes.Protobuf ;stream=watch"));
  EXPECT_FALSE(IsKubernetesProtobuf("application/json"));
  EXPECT_FALSE(IsKubernetesProtobuf("application/vnd.kubernetes.protobuf+json"));
  EXPECT_FALSE(IsKubernetesProtobuf(""));
}

TEST(ProtobufDecodingTest, SecretDataBecomesBase64AndGoZeroFieldsAreLeftOut) {
  // kubectl create secret generic s1 --from-literal=a=b -n default --type=Opaque
  std::string raw = Field(1, GoObjectMeta("s1", "default")) + MapEntry(2, "a", "b") +
                    Field(3, "Opaque");
  EXPECT_EQ(Decode(Envelope("v1", "Secret", raw)), json::parse(R"({
    "apiVersion": "v1", "kind": "Secret",
    "metadata": {"name": "s1", "namespace": "default", "creationTimestamp": null},
    "data": {"a": "Yg=="}, "type": "Opaque"})"));
}

TEST(ProtobufDecodingTest, ConfigMapKeepsStringDataBase64sBinaryDataAndKeepsExplicitFalse) {
  std::string raw = Field(1, GoObjectMeta("c1")) + MapEntry(2, "x", "y") +
                    MapEntry(2, "empty", "") + MapEntry(3, "bin", std::string("\x00\x01\xff", 3)) +
                    VarintField(4, 0);  // immutable is a *bool: false was set, so it stays
  EXPECT_EQ(Decode(Envelope("v1", "ConfigMap", raw)), json::parse(R"({
    "apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "c1", "creationTimestamp": null},
    "data": {"x": "y", "empty": ""}, "binaryData": {"bin": "AAH/"}, "immutable": false})"));
}

TEST(ProtobufDecodingTest, DeploymentDecodesSelectorTemplateContainersPortsEnvAndStrategy) {
  std::string labels = MapEntry(11, "app", "web");
  std::string selector =
      MapEntry(1, "app", "web") +
      Field(2, Field(1, "tier") + Field(2, "In") + Field(3, "front") + Field(3, "edge"));
  std::string port = Field(1, "http") + VarintField(2, 0) + VarintField(3, 8080) +
                     Field(4, "TCP") + Field(5, "");
  std::string env_literal = Field(1, "MODE") + Field(2, "prod");
  std::string env_secret =
      Field(1, "TOKEN") + Field(3, Field(4, Field(1, Field(1, "creds")) + Field(2, "token")));
  std::string container = Field(1, "web") + Field(2, "nginx:1.27") + Field(3, "nginx") +
                          Field(4, "-g") + Field(4, "daemon off;") + Field(5, "") +
                          Field(6, port) + Field(7, env_literal) + Field(7, env_secret) +
                          Field(8, "") + Field(13, "") + Field(14, "") + VarintField(16, 0);
  std::string pod_spec = Field(2, container) + Field(3, "") + Field(6, "");
  std::string template_spec = Field(1, GoObjectMeta("", "", labels)) + Field(2, pod_spec);
  // maxUnavailable: IntOrString{type: Int, intVal: 0}; maxSurge: {type: String, "25%"}.
  std::string strategy =
      Field(1, "RollingUpdate") +
      Field(2, Field(1, VarintField(1, 0) + VarintField(2, 0) + Field(3, "")) +
                   Field(2, VarintField(1, 1) + VarintField(2, 0) + Field(3, "25%")));
  std::string spec = VarintField(1, 0) + Field(2, selector) + Field(3, template_spec) +
                     Field(4, strategy) + VarintField(5, 0) + VarintField(7, 0);
  std::string status = VarintField(1, 0) + VarintField(2, 0);
  std::string raw = Field(1, GoObjectMeta("web", "default", labels)) + Field(2, spec) +
                    Field(3, status);

  EXPECT_EQ(Decode(Envelope("apps/v1", "Deployment", raw)), json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "creationTimestamp": null,
                 "labels": {"app": "web"}},
    "spec": {
      "replicas": 0,
      "selector": {"matchLabels": {"app": "web"},
                   "matchExpressions": [{"key": "tier", "operator": "In",
                                         "values": ["front", "edge"]}]},
      "template": {
        "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
        "spec": {"containers": [{
          "name": "web", "image": "nginx:1.27", "command": ["nginx"],
          "args": ["-g", "daemon off;"],
          "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
          "env": [{"name": "MODE", "value": "prod"},
                  {"name": "TOKEN",
                   "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}}],
          "resources": {}}]}},
      "strategy": {"type": "RollingUpdate",
                   "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}}},
    "status": {}})"));
}

TEST(ProtobufDecodingTest, RoleRulesKeepEveryListIncludingTheCoreGroupsEmptyName) {
  std::string rule1 = Field(1, "get") + Field(1, "list") + Field(2, "") + Field(3, "pods") +
                      Field(4, "p1");
  std::string rule2 = Field(1, "get") + Field(5, "/healthz");
  std::string raw = Field(1, GoObjectMeta("r1", "default")) + Field(2, rule1) + Field(2, rule2);
  EXPECT_EQ(Decode(Envelope("rbac.authorization.k8s.io/v1", "Role", raw)), json::parse(R"({
    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
    "metadata": {"name": "r1", "namespace": "default", "creationTimestamp": null},
    "rules": [{"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"],
               "resourceNames": ["p1"]},
              {"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]})"));
}

TEST(ProtobufDecodingTest, TimesBecomeRfc3339AndLeasePointersKeepTheirZeros) {
  const uint64_t seconds = 1700000000;  // 2023-11-14T22:13:20Z
  std::string created = VarintField(1, seconds) + VarintField(2, 5);
  std::string meta = Field(1, "leader") + Field(3, "kube-system") + Field(8, created);
  std::string acquired = VarintField(1, seconds) + VarintField(2, 123456789);
  std::string spec = Field(1, "") + VarintField(2, 0) + Field(3, acquired) +
                     Field(4, VarintField(1, seconds + 1) + VarintField(2, 0)) +
                     VarintField(5, 3);
  EXPECT_EQ(Decode(Envelope("coordination.k8s.io/v1", "Lease", Field(1, meta) + Field(2, spec))),
            json::parse(R"({
    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
    "metadata": {"name": "leader", "namespace": "kube-system",
                 "creationTimestamp": "2023-11-14T22:13:20Z"},
    "spec": {"holderIdentity": "", "leaseDurationSeconds": 0,
             "acquireTime": "2023-11-14T22:13:20.123456Z",
             "renewTime": "2023-11-14T22:13:21.000000Z", "leaseTransitions": 3}})"));
}

TEST(ProtobufDecodingTest, OwnerReferencesFinalizersAndAnnotationsSurvive) {
  std::string owner = Field(1, "Deployment") + Field(3, "web") + Field(4, "uid-1") +
                      Field(5, "apps/v1") + VarintField(6, 1) + VarintField(7, 0);
  std::string meta = GoObjectMeta("sa1", "default",
                                  MapEntry(12, "note", "hi") + Field(13, owner) +
                                      Field(14, "upkeep.dev/cleanup"));
  std::string raw = Field(1, meta) + Field(2, Field(3, "token-secret")) +
                    Field(3, Field(1, "regcred")) + VarintField(4, 0);
  EXPECT_EQ(Decode(Envelope("v1", "ServiceAccount", raw)), json::parse(R"({
    "apiVersion": "v1", "kind": "ServiceAccount",
    "metadata": {"name": "sa1", "namespace": "default", "creationTimestamp": null,
                 "annotations": {"note": "hi"},
                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                      "name": "web", "uid": "uid-1", "controller": true,
                                      "blockOwnerDeletion": false}],
                 "finalizers": ["upkeep.dev/cleanup"]},
    "secrets": [{"name": "token-secret"}], "imagePullSecrets": [{"name": "regcred"}],
    "automountServiceAccountToken": false})"));
}

TEST(ProtobufDecodingTest, MalformedBodiesAreBadRequest) {
  const std::string secret_meta = Field(1, GoObjectMeta("s1"));
  struct Case {
    const char* name;
    std::string body;
  } cases[] = {
      {"Empty", ""},
      {"BadMagic", "k8x" + std::string(1, '\0') + Field(2, secret_meta)},
      {"TruncatedVarintInEnvelope", std::string("k8s\0", 4) + "\x12\xff"},
      {"TruncatedVarintInObject", Envelope("v1", "Secret", Field(1, "\x38\x80"))},
      {"LengthPastEnd", std::string("k8s\0", 4) + "\x12\x05" + "ab"},
      {"LengthPastEndOfNestedMessage", Envelope("v1", "Secret", "\x0a\x09\x0a\x02s1")},
      {"WrongWireTypeForKnownField", Envelope("v1", "Secret", Field(1, VarintField(1, 7)))},
      {"InvalidUtf8InString", Envelope("v1", "Secret", Field(1, Field(1, "\xff\xfe")))},
      {"GroupWireType", Envelope("v1", "Secret", "\x0b")},
      {"MissingTypeMeta", std::string("k8s\0", 4) + Field(2, secret_meta)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<json> decoded = DecodeKubernetesProtobuf(c.body);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(HttpCode(decoded.status()), 400) << decoded.status();
    EXPECT_EQ(ToStatusObject(decoded.status())["reason"], "BadRequest");
  }
}

TEST(ProtobufDecodingTest, UnknownKindIsUnsupportedMediaTypeNamingProtobuf) {
  absl::StatusOr<json> decoded = DecodeKubernetesProtobuf(
      Envelope("apps/v1", "StatefulSet", Field(1, GoObjectMeta("db"))));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(HttpCode(decoded.status()), 415);
  const std::string message = ToStatusObject(decoded.status())["message"];
  EXPECT_NE(message.find("application/vnd.kubernetes.protobuf"), std::string::npos) << message;
  EXPECT_NE(message.find("StatefulSet"), std::string::npos) << message;
}

TEST(ProtobufDecodingTest, FieldWithDataTheServerCannotDecodeIsRefusedNotDropped) {
  // PodSpec.affinity (18) has no table: dropping it would silently change the pod.
  std::string affinity = Field(1, Field(1, Field(1, Field(1, "zone"))));
  std::string pod = Field(1, GoObjectMeta("p")) +
                    Field(2, Field(2, Field(1, "c") + Field(2, "img")) + Field(18, affinity));
  absl::StatusOr<json> decoded = DecodeKubernetesProtobuf(Envelope("v1", "Pod", pod));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(HttpCode(decoded.status()), 415);
  const std::string message = ToStatusObject(decoded.status())["message"];
  EXPECT_NE(message.find("spec: field 18"), std::string::npos) << message;
}

TEST(ProtobufDecodingTest, ZeroValuedFieldsTheServerDoesNotKnowAreSkipped) {
  // A newer client writes new non-pointer fields even when unset: zero scalars and empty
  // messages must not fail the request.
  std::string pod = Field(1, GoObjectMeta("p")) +
                    Field(2, Field(2, Field(1, "c") + VarintField(90, 0)) + Field(91, "") +
                                 Field(92, VarintField(1, 0) + Field(2, "")));
  EXPECT_EQ(Decode(Envelope("v1", "Pod", pod)), json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "p", "creationTimestamp": null},
    "spec": {"containers": [{"name": "c"}]}})"));
}

TEST(ProtobufDecodingTest, EveryTruncationOfARealBodyIsBadRequestOrDecodes) {
  // kubectl create deployment d1 --image=nginx --port=80 --replicas=2
  const std::string body = FromHex(
      "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b4010a1d0a02643112001a0022002a00"
      "3200380042005a090a03617070120264311284010802120b0a090a03617070120264311a6b0a1b0a0012001a"
      "0022002a003200380042005a090a0361707012026431124c122e0a056e67696e7812056e67696e782a00320a"
      "0a001000185022002a0042006a007200800100880100900100a201001a00320042004a005200580060006800"
      "8201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200");
  for (size_t n = 0; n < body.size(); ++n) {
    absl::StatusOr<json> decoded = DecodeKubernetesProtobuf(std::string_view(body).substr(0, n));
    if (!decoded.ok()) {
      EXPECT_EQ(HttpCode(decoded.status()), 400) << n << ": " << decoded.status();
    }
  }
}

// Bodies captured from real kubectl 1.32 (`kubectl create ...` against a recording server),
// each expected to decode to exactly what `kubectl create ... --dry-run=client -o json` prints
// for the same command: the JSON kubectl would have sent.
TEST(ProtobufDecodingTest, KubectlGeneratorBodiesDecodeToTheJsonKubectlWouldSend) {
  struct Golden {
    const char* name;
    const char* hex;
    const char* json;
  } goldens[] = {
    {"SecretGeneric",
     // kubectl create secret generic s1 --from-literal=a=b
     "6b3873000a0c0a0276311206536563726574121e0a120a02733112001a0022002a0032003800420012060a01"
     "611201621a001a002200",
     R"({"apiVersion":"v1","data":{"a":"Yg=="},"kind":"Secret","metadata":{"creationTimestam)"
     R"(p":null,"name":"s1"}})"},
    {"ConfigMap",
     // kubectl create configmap c1 --from-literal=x=y
     "6b3873000a0f0a0276311209436f6e6669674d6170121c0a120a02633112001a0022002a0032003800420012"
     "060a01781201791a002200",
     R"({"apiVersion":"v1","data":{"x":"y"},"kind":"ConfigMap","metadata":{"creationTimestam)"
     R"(p":null,"name":"c1"}})"},
    {"SecretInNamespace",
     // kubectl create secret generic s2 --from-literal=a=b -n default
     "6b3873000a0c0a027631120653656372657412250a190a02733212001a0764656661756c7422002a00320038"
     "00420012060a01611201621a001a002200",
     R"({"apiVersion":"v1","data":{"a":"Yg=="},"kind":"Secret","metadata":{"creationTimestam)"
     R"(p":null,"name":"s2","namespace":"default"}})"},
    {"Deployment",
     // kubectl create deployment d1 --image=nginx --port=80 --replicas=2
     "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b4010a1d0a02643112001a0022002a00"
     "3200380042005a090a03617070120264311284010802120b0a090a03617070120264311a6b0a1b0a0012001a"
     "0022002a003200380042005a090a0361707012026431124c122e0a056e67696e7812056e67696e782a00320a"
     "0a001000185022002a0042006a007200800100880100900100a201001a00320042004a005200580060006800"
     "8201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200",
     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"creationTimestamp":null,"la)"
     R"(bels":{"app":"d1"},"name":"d1"},"spec":{"replicas":2,"selector":{"matchLabels":{"app)"
     R"(":"d1"}},"strategy":{},"template":{"metadata":{"creationTimestamp":null,"labels":{"a)"
     R"(pp":"d1"}},"spec":{"containers":[{"image":"nginx","name":"nginx","ports":[{"containe)"
     R"(rPort":80}],"resources":{}}]}}},"status":{}})"},
    {"Namespace",
     // kubectl create namespace ns1
     "6b3873000a0f0a02763112094e616d657370616365121b0a130a036e733112001a0022002a00320038004200"
     "12001a020a001a002200",
     R"({"apiVersion":"v1","kind":"Namespace","metadata":{"creationTimestamp":null,"name":"n)"
     R"(s1"},"spec":{},"status":{}})"},
    {"ServiceAccount",
     // kubectl create serviceaccount sa1
     "6b3873000a140a027631120e536572766963654163636f756e7412150a130a0373613112001a0022002a0032"
     "00380042001a002200",
     R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"creationTimestamp":null,"nam)"
     R"(e":"sa1"}})"},
    {"ServiceClusterIP",
     // kubectl create service clusterip svc1 --tcp=80:8080
     "6b3873000a0d0a027631120753657276696365126c0a210a047376633112001a0022002a003200380042005a"
     "0b0a0361707012047376633112430a1b0a0738302d38303830120354435018502207080010903f1a00280012"
     "0b0a036170701204737663311a002209436c757374657249503a00420052005a00600068001a020a001a0022"
     "00",
     R"({"apiVersion":"v1","kind":"Service","metadata":{"creationTimestamp":null,"labels":{")"
     R"(app":"svc1"},"name":"svc1"},"spec":{"ports":[{"name":"80-8080","port":80,"protocol":)"
     R"("TCP","targetPort":8080}],"selector":{"app":"svc1"},"type":"ClusterIP"},"status":{"l)"
     R"(oadBalancer":{}}})"},
    {"Job",
     // kubectl create job j1 --image=busybox -- echo hi
     "6b3873000a0f0a0862617463682f763112034a6f621284010a120a026a3112001a0022002a00320038004200"
     "126432620a100a0012001a0022002a00320038004200124e122b0a026a31120762757379626f781a04656368"
     "6f1a0268692a0042006a007200800100880100900100a201001a054e65766572320042004a00520058006000"
     "68008201008a01009a0100c201001a082000280030003a001a002200",
     R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"creationTimestamp":null,"name":"j)"
     R"(1"},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[)"
     R"({"command":["echo","hi"],"image":"busybox","name":"j1","resources":{}}],"restartPoli)"
     R"(cy":"Never"}}},"status":{}})"},
    {"CronJob",
     // kubectl create cronjob cj1 --image=busybox --schedule='*/5 * * * *' -- date
     "6b3873000a130a0862617463682f7631120743726f6e4a6f6212a7010a130a03636a3112001a0022002a0032"
     "0038004200128d010a0b2a2f35202a202a202a202a1a002a7c0a130a03636a3112001a0022002a0032003800"
     "4200126532630a100a0012001a0022002a00320038004200124f12280a03636a31120762757379626f781a04"
     "646174652a0042006a007200800100880100900100a201001a094f6e4661696c757265320042004a00520058"
     "00600068008201008a01009a0100c201001a001a002200",
     R"({"apiVersion":"batch/v1","kind":"CronJob","metadata":{"creationTimestamp":null,"name)"
     R"(":"cj1"},"spec":{"jobTemplate":{"metadata":{"creationTimestamp":null,"name":"cj1"},")"
     R"(spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"com)"
     R"(mand":["date"],"image":"busybox","name":"cj1","resources":{}}],"restartPolicy":"OnFa)"
     R"(ilure"}}}},"schedule":"*/5 * * * *"},"status":{}})"},
    {"RoleBinding",
     // kubectl create rolebinding rb1 --role=r1 --user=alice --serviceaccount=default:sa1
     "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c654269"
     "6e64696e67128a010a130a0372623112001a0022002a00320038004200122a0a04557365721219726261632e"
     "617574686f72697a6174696f6e2e6b38732e696f1a05616c696365220012200a0e536572766963654163636f"
     "756e7412001a03736131220764656661756c741a250a19726261632e617574686f72697a6174696f6e2e6b38"
     "732e696f1204526f6c651a0272311a002200",
     R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"creat)"
     R"(ionTimestamp":null,"name":"rb1"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io",")"
     R"(kind":"Role","name":"r1"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind")"
     R"(:"User","name":"alice"},{"kind":"ServiceAccount","name":"sa1","namespace":"default"})"
     R"(]})"},
    {"ClusterRoleBinding",
     // kubectl create clusterrolebinding crb1 --clusterrole=cr1 --group=devs
     "6b3873000a320a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311212436c75737465"
     "72526f6c6542696e64696e6712710a140a046372623112001a0022002a00320038004200122a0a0547726f75"
     "701219726261632e617574686f72697a6174696f6e2e6b38732e696f1a046465767322001a2d0a1972626163"
     "2e617574686f72697a6174696f6e2e6b38732e696f120b436c7573746572526f6c651a036372311a002200",
     R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":)"
     R"({"creationTimestamp":null,"name":"crb1"},"roleRef":{"apiGroup":"rbac.authorization.k)"
     R"(8s.io","kind":"ClusterRole","name":"cr1"},"subjects":[{"apiGroup":"rbac.authorizatio)"
     R"(n.k8s.io","kind":"Group","name":"devs"}]})"},
    {"ClusterRole",
     // kubectl create clusterrole cr1 --verb=get --non-resource-url=/healthz
     "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b436c75737465"
     "72526f6c6512260a130a0363723112001a0022002a00320038004200120f0a036765742a082f6865616c7468"
     "7a1a002200",
     R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"creat)"
     R"(ionTimestamp":null,"name":"cr1"},"rules":[{"nonResourceURLs":["/healthz"],"verbs":[")"
     R"(get"]}]})"},
    {"SecretDockerRegistry",
     // kubectl create secret docker-registry reg1 --docker-server=r.io --docker-username=u --docker-password=p
     "6b3873000a0c0a0276311206536563726574128d010a140a047265673112001a0022002a0032003800420012"
     "550a112e646f636b6572636f6e6669676a736f6e12407b226175746873223a7b22722e696f223a7b22757365"
     "726e616d65223a2275222c2270617373776f7264223a2270222c2261757468223a2264547077227d7d7d1a1e"
     "6b756265726e657465732e696f2f646f636b6572636f6e6669676a736f6e1a002200",
     R"({"apiVersion":"v1","data":{".dockerconfigjson":"eyJhdXRocyI6eyJyLmlvIjp7InVzZXJuYW1l)"
     R"(IjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ=="},"kind":"Secret","metadata":{")"
     R"(creationTimestamp":null,"name":"reg1"},"type":"kubernetes.io/dockerconfigjson"})"},
    {"Role",
     // kubectl create role r1 --verb=get,list --resource=pods --resource-name=p1
     "6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c65122d"
     "0a120a02723112001a0022002a0032003800420012170a036765740a046c69737412001a04706f6473220270"
     "311a002200",
     R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"creationTime)"
     R"(stamp":null,"name":"r1"},"rules":[{"apiGroups":[""],"resourceNames":["p1"],"resource)"
     R"(s":["pods"],"verbs":["get","list"]}]})"},
    {"ResourceQuota",
     // kubectl create quota q1 --hard=pods=2
     "6b3873000a130a027631120d5265736f7572636551756f746112250a120a02713112001a0022002a00320038"
     "004200120d0a0b0a04706f647312030a01321a001a002200",
     R"({"apiVersion":"v1","kind":"ResourceQuota","metadata":{"creationTimestamp":null,"name)"
     R"(":"q1"},"spec":{"hard":{"pods":"2"}},"status":{}})"},
    {"PodDisruptionBudgetMinAvailable",
     // kubectl create poddisruptionbudget pdb1 --selector=app=x --min-available=1
     "6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e42756467657412380a140a04"
     "7064623112001a0022002a0032003800420012140a06080010011a00120a0a080a036170701201781a0a0800"
     "18002000280030001a002200",
     R"({"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"creationTimestam)"
     R"(p":null,"name":"pdb1"},"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"x")"
     R"(}}},"status":{"currentHealthy":0,"desiredHealthy":0,"disruptionsAllowed":0,"expected)"
     R"(Pods":0}})"},
    {"PriorityClass",
     // kubectl create priorityclass pc1 --value=10
     "6b3873000a250a147363686564756c696e672e6b38732e696f2f7631120d5072696f72697479436c61737312"
     "310a130a0370633112001a0022002a00320038004200100a180022002a14507265656d70744c6f7765725072"
     "696f726974791a002200",
     R"({"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"creationTim)"
     R"(estamp":null,"name":"pc1"},"preemptionPolicy":"PreemptLowerPriority","value":10})"},
    {"PodDisruptionBudgetMaxUnavailable",
     // kubectl create poddisruptionbudget pdb2 --selector=app=x --max-unavailable=50%
     "6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e427564676574123b0a140a04"
     "7064623212001a0022002a003200380042001217120a0a080a036170701201781a09080110001a033530251a"
     "0a080018002000280030001a002200",
     R"({"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"creationTimestam)"
     R"(p":null,"name":"pdb2"},"spec":{"maxUnavailable":"50%","selector":{"matchLabels":{"ap)"
     R"(p":"x"}}},"status":{"currentHealthy":0,"desiredHealthy":0,"disruptionsAllowed":0,"ex)"
     R"(pectedPods":0}})"},
    {"TokenRequest",
     // kubectl create token sa1 --duration=10m --audience=aud --bound-object-kind=Pod --bound-object-name=p --bound-object-uid=u1
     "6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565"
     "737412340a100a0012001a0022002a00320038004200121a0a036175641a100a03506f64120276311a017022"
     "02753120d8041a040a0012001a002200",
     R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{"creation)"
     R"(Timestamp":null},"spec":{"audiences":["aud"],"boundObjectRef":{"apiVersion":"v1","ki)"
     R"(nd":"Pod","name":"p","uid":"u1"},"expirationSeconds":600},"status":{"expirationTimes)"
     R"(tamp":null,"token":""}})"},
  };
  for (const Golden& g : goldens) {
    SCOPED_TRACE(g.name);
    EXPECT_EQ(Decode(FromHex(g.hex)), json::parse(g.json));
  }
}

}  // namespace
}  // namespace upkeep::apiserver
