#include "apiserver/apply/server_side_apply.h"

#include <gtest/gtest.h>

#include "apiserver/api/api_status.h"
#include "apiserver/apply/track_update.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using Type = ListSemantics::Type;

constexpr char kT0[] = "2025-01-01T00:00:00Z";
constexpr char kT1[] = "2025-01-01T00:01:00Z";
constexpr char kT2[] = "2025-01-01T00:02:00Z";

// The merge keys kube-apiserver uses for the Deployment fields these tests touch.
ListSemanticsResolver DeploymentLists() {
  ListSemantics ports{Type::kMap, {"containerPort", "protocol"}, {{"protocol", "TCP"}}};
  return ListSemanticsFromTable({
      {"spec.template.spec.containers", {Type::kMap, {"name"}, {}}},
      {"spec.template.spec.containers.ports", ports},
      {"spec.template.spec.containers.env", {Type::kMap, {"name"}, {}}},
  });
}

ApplyOptions Options(const std::string& manager, const char* now = kT0) {
  ApplyOptions o;
  o.manager = manager;
  o.api_version = "apps/v1";
  o.kind = "Deployment";
  o.lists = DeploymentLists();
  o.now_rfc3339 = now;
  return o;
}

// A Deployment named default/web; a null `spec` leaves spec out.
json Deployment(const json& spec, const json& metadata = json::object()) {
  json d = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", metadata}};
  if (!spec.is_null()) d["spec"] = spec;
  d["metadata"]["name"] = "web";
  d["metadata"]["namespace"] = "default";
  return d;
}

json Apply(const json* live, const json& applied, const ApplyOptions& options) {
  absl::StatusOr<json> out = ServerSideApply(live, applied, options);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : json();
}

// The managedFields entry of `manager` with `operation`, or null.
json EntryOf(const json& object, const std::string& manager,
             const std::string& operation = "Apply") {
  for (const json& e : object["metadata"].value("managedFields", json::array())) {
    if (e.value("manager", "") == manager && e["operation"] == operation) return e;
  }
  return nullptr;
}

json FieldsOf(const json& object, const std::string& manager,
              const std::string& operation = "Apply") {
  json e = EntryOf(object, manager, operation);
  return e.is_null() ? e : e["fieldsV1"];
}

TEST(ServerSideApplyTest, CreatesTheObjectAndRecordsAnApplyEntry) {
  json applied = Deployment(
      {{"replicas", 2},
       {"template", {{"spec", {{"containers", {{{"name", "nginx"}, {"image", "nginx:1.25"}}}}}}}}},
      {{"labels", {{"app", "web"}}}});
  json out = Apply(nullptr, applied, Options("kubectl"));

  json want = applied;
  want["metadata"]["managedFields"] = json::parse(R"([{
    "manager": "kubectl", "operation": "Apply", "apiVersion": "apps/v1",
    "time": "2025-01-01T00:00:00Z", "fieldsType": "FieldsV1",
    "fieldsV1": {
      "f:metadata": {"f:labels": {"f:app": {}}},
      "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
        "k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}
  }])");
  EXPECT_EQ(out, want);
}

TEST(ServerSideApplyTest, ReapplyingWithoutAFieldRemovesIt) {
  json first = Deployment({{"replicas", 2}, {"paused", true}}, {{"labels", {{"app", "web"}}}});
  json live = Apply(nullptr, first, Options("kubectl"));
  live["spec"]["progressDeadlineSeconds"] = 600;  // defaulted by the server, owned by nobody

  json second = Deployment({{"replicas", 2}});
  json out = Apply(&live, second, Options("kubectl", kT1));

  EXPECT_FALSE(out["spec"].contains("paused"));
  EXPECT_FALSE(out["metadata"].contains("labels"));
  EXPECT_EQ(out["spec"]["replicas"], 2);
  EXPECT_EQ(out["spec"]["progressDeadlineSeconds"], 600);
  EXPECT_EQ(FieldsOf(out, "kubectl"), json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_EQ(EntryOf(out, "kubectl")["time"], kT1);
}

TEST(ServerSideApplyTest, SharedFieldSurvivesWhenOneManagerStopsApplyingIt) {
  json live = Apply(nullptr, Deployment({{"replicas", 3}}), Options("alice"));
  live = Apply(&live, Deployment({{"replicas", 3}, {"paused", false}}), Options("bob"));
  EXPECT_EQ(FieldsOf(live, "alice"), json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_EQ(FieldsOf(live, "bob"), json::parse(R"({"f:spec":{"f:paused":{},"f:replicas":{}}})"));

  live = Apply(&live, Deployment(json(), {{"labels", {{"team", "a"}}}}), Options("alice"));
  EXPECT_EQ(live["spec"]["replicas"], 3);
  EXPECT_EQ(FieldsOf(live, "alice"), json::parse(R"({"f:metadata":{"f:labels":{"f:team":{}}}})"));
  EXPECT_EQ(FieldsOf(live, "bob"), json::parse(R"({"f:spec":{"f:paused":{},"f:replicas":{}}})"));
}

TEST(ServerSideApplyTest, ConflictNamesTheOtherManagerAsKubeDoes) {
  // A ReplicationController written by client-side apply, then applied by another manager.
  json rc = {{"apiVersion", "v1"},
             {"kind", "ReplicationController"},
             {"metadata", {{"name", "web"}}},
             {"spec", {{"replicas", 1}}}};
  UpdateOptions update;
  update.manager = "kubectl-client-side-apply";
  update.api_version = "v1";
  update.now_rfc3339 = kT0;
  json live = TrackUpdate(nullptr, rc, update);

  ApplyOptions apply;
  apply.manager = "argocd-controller";
  apply.api_version = "v1";
  apply.kind = "ReplicationController";
  apply.now_rfc3339 = kT1;
  json applied = rc;
  applied["spec"]["replicas"] = 2;
  absl::StatusOr<json> out = ServerSideApply(&live, applied, apply);

  ASSERT_FALSE(out.ok());
  EXPECT_EQ(HttpCode(out.status()), 409);
  json status = ToStatusObject(out.status());
  EXPECT_EQ(status, json::parse(R"({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .spec.replicas",
    "reason": "Conflict", "code": 409,
    "details": {"causes": [{"reason": "FieldManagerConflict",
                            "message": "conflict with \"kubectl-client-side-apply\" using v1",
                            "field": ".spec.replicas"}]}
  })"));
}

TEST(ServerSideApplyTest, ManyConflictsAreGroupedByManager) {
  json live = Apply(nullptr, Deployment({{"replicas", 1}, {"paused", false}}), Options("alice"));
  live = Apply(&live, Deployment({{"minReadySeconds", 5}}), Options("bob"));

  absl::StatusOr<json> out = ServerSideApply(
      &live, Deployment({{"replicas", 2}, {"paused", true}, {"minReadySeconds", 9}}),
      Options("carol"));
  ASSERT_FALSE(out.ok());
  json status = ToStatusObject(out.status());
  EXPECT_EQ(status["message"],
            "Apply failed with 3 conflicts: conflicts with \"alice\":\n"
            "- .spec.paused\n"
            "- .spec.replicas\n"
            "conflicts with \"bob\":\n"
            "- .spec.minReadySeconds");
  ASSERT_EQ(status["details"]["causes"].size(), 3u);
  EXPECT_EQ(status["details"]["causes"][2],
            json::parse(R"({"reason":"FieldManagerConflict","message":"conflict with \"bob\"",)"
                        R"("field":".spec.minReadySeconds"})"));
}

TEST(ServerSideApplyTest, SameValueIsNoConflict) {
  json live = Apply(nullptr, Deployment({{"replicas", 1}}), Options("alice"));
  EXPECT_TRUE(ServerSideApply(&live, Deployment({{"replicas", 1}}), Options("bob")).ok());
}

TEST(ServerSideApplyTest, ForceTakesOwnership) {
  json live = Apply(nullptr, Deployment({{"replicas", 1}, {"paused", false}}), Options("alice"));
  ApplyOptions force = Options("bob", kT1);
  force.force = true;
  json out = Apply(&live, Deployment({{"replicas", 5}}), force);

  EXPECT_EQ(out["spec"]["replicas"], 5);
  EXPECT_EQ(FieldsOf(out, "bob"), json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_EQ(FieldsOf(out, "alice"), json::parse(R"({"f:spec":{"f:paused":{}}})"));

  // alice no longer owns replicas: leaving it out does not remove bob's value.
  out = Apply(&out, Deployment({{"paused", false}}), Options("alice", kT2));
  EXPECT_EQ(out["spec"]["replicas"], 5);
}

json PodSpec(const json& containers) {
  return {{"template", {{"spec", {{"containers", containers}}}}}};
}

TEST(ServerSideApplyTest, MapListsMergeItemByKey) {
  json live =
      Apply(nullptr, Deployment(PodSpec(json::parse(R"([{"name":"nginx","image":"nginx:1"}])"))),
            Options("alice"));
  live = Apply(&live,
               Deployment(PodSpec(json::parse(
                   R"([{"name":"envoy","image":"envoy:1","ports":[{"containerPort":9901}]}])"))),
               Options("bob"));
  live = Apply(&live, Deployment(PodSpec(json::parse(R"([{"name":"nginx","image":"nginx:2"}])"))),
               Options("alice"));

  EXPECT_EQ(live["spec"]["template"]["spec"]["containers"], json::parse(R"([
    {"name":"nginx","image":"nginx:2"},
    {"name":"envoy","image":"envoy:1","ports":[{"containerPort":9901}]}])"));
  EXPECT_EQ(FieldsOf(live, "bob"), json::parse(R"({"f:spec":{"f:template":{"f:spec":{
    "f:containers":{"k:{\"name\":\"envoy\"}":{".":{},"f:image":{},"f:name":{},
      "f:ports":{"k:{\"containerPort\":9901,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}})"));

  // Dropping its container removes it; the other manager's container stays.
  live = Apply(&live, Deployment(PodSpec(json::array())), Options("bob"));
  EXPECT_EQ(live["spec"]["template"]["spec"]["containers"],
            json::parse(R"([{"name":"nginx","image":"nginx:2"}])"));
}

TEST(ServerSideApplyTest, SetsMergeByValue) {
  json live = Apply(nullptr, Deployment(json(), {{"finalizers", {"a.io/x"}}}), Options("alice"));
  live = Apply(&live, Deployment(json(), {{"finalizers", {"b.io/y"}}}), Options("bob"));
  EXPECT_EQ(live["metadata"]["finalizers"], json({"a.io/x", "b.io/y"}));
  EXPECT_EQ(FieldsOf(live, "bob"),
            json::parse(R"({"f:metadata":{"f:finalizers":{"v:\"b.io/y\"":{}}}})"));

  live = Apply(&live, Deployment(json()), Options("alice"));
  EXPECT_EQ(live["metadata"]["finalizers"], json({"b.io/y"}));
}

TEST(ServerSideApplyTest, AtomicListsAreReplacedAndOwnedWhole) {
  json first = Deployment(PodSpec(json::parse(R"([{"name":"app","args":["a","b"]}])")));
  json live = Apply(nullptr, first, Options("alice"));
  json second = Deployment(PodSpec(json::parse(R"([{"name":"app","args":["c"]}])")));
  live = Apply(&live, second, Options("alice"));
  EXPECT_EQ(live["spec"]["template"]["spec"]["containers"][0]["args"], json({"c"}));
  EXPECT_EQ(FieldsOf(live, "alice")["f:spec"]["f:template"]["f:spec"]["f:containers"]
                                   ["k:{\"name\":\"app\"}"]["f:args"],
            json::object());

  json third = Deployment(PodSpec(json::parse(R"([{"name":"app","args":["d"]}])")));
  absl::StatusOr<json> out = ServerSideApply(&live, third, Options("bob"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(ToStatusObject(out.status())["details"]["causes"][0]["field"],
            ".spec.template.spec.containers[name=\"app\"].args");
}

TEST(ServerSideApplyTest, AtomicMapsAreReplacedWhole) {
  ApplyOptions options = Options("alice");
  options.maps = [](const std::vector<std::string>& path) {
    return path == std::vector<std::string>{"spec", "selector"} ? MapType::kAtomic
                                                                : MapType::kGranular;
  };
  json live = Apply(nullptr, Deployment({{"selector", {{"app", "web"}, {"tier", "fe"}}}}), options);
  live = Apply(&live, Deployment({{"selector", {{"app", "api"}}}}), options);
  EXPECT_EQ(live["spec"]["selector"], json({{"app", "api"}}));
  EXPECT_EQ(FieldsOf(live, "alice"), json::parse(R"({"f:spec":{"f:selector":{}}})"));
}

TEST(ServerSideApplyTest, ClientSideApplyOwnershipConflictsThenUpgradesForKubectl) {
  json created = Deployment({{"replicas", 1}});
  UpdateOptions update;
  update.manager = "kubectl-client-side-apply";
  update.api_version = "apps/v1";
  update.lists = DeploymentLists();
  update.now_rfc3339 = kT0;
  json live = TrackUpdate(nullptr, created, update);
  EXPECT_EQ(FieldsOf(live, "kubectl-client-side-apply", "Update"),
            json::parse(R"({"f:spec":{".":{},"f:replicas":{}}})"));

  // Another tool changing the field conflicts with the client-side applier.
  absl::StatusOr<json> out = ServerSideApply(&live, Deployment({{"replicas", 3}}), Options("flux"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(ToStatusObject(out.status())["message"],
            "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using "
            "apps/v1: .spec.replicas");

  // kubectl itself may take over fields whose live value is still what it last applied.
  json annotated = created;
  annotated["metadata"]["annotations"] = {
      {"kubectl.kubernetes.io/last-applied-configuration",
       R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":1}})"}};
  live = TrackUpdate(nullptr, annotated, update);
  json upgraded = Apply(&live, Deployment({{"replicas", 3}}), Options("kubectl", kT1));
  EXPECT_EQ(upgraded["spec"]["replicas"], 3);
  EXPECT_EQ(FieldsOf(upgraded, "kubectl"), json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_EQ(upgraded["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
            Deployment({{"replicas", 3}}).dump() + "\n");
}

TEST(ServerSideApplyTest, StatusSubresourceKeepsAnEntryOfItsOwn) {
  ApplyOptions main = Options("kubectl");
  main.ignored_fields.Insert({FieldElement("status")});
  json live = Apply(nullptr, Deployment({{"replicas", 1}}), main);

  ApplyOptions status = Options("controller", kT1);
  status.subresource = "status";
  status.ignored_fields.Insert({FieldElement("spec")});
  json with_status = Deployment(json::object());
  with_status["status"] = {{"readyReplicas", 1}};
  live = Apply(&live, with_status, status);

  json entry = EntryOf(live, "controller");
  EXPECT_EQ(entry["subresource"], "status");
  EXPECT_EQ(entry["fieldsV1"], json::parse(R"({"f:status":{"f:readyReplicas":{}}})"));
  EXPECT_EQ(FieldsOf(live, "kubectl"), json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_FALSE(EntryOf(live, "kubectl").contains("subresource"));

  // Status in an apply to the main resource is not owned there...
  json main_with_status = Deployment({{"replicas", 1}});
  main_with_status["status"] = {{"readyReplicas", 7}};
  EXPECT_TRUE(ServerSideApply(&live, main_with_status, main).ok());

  // ...and a conflict names the subresource.
  ApplyOptions other = Options("other", kT2);
  other.subresource = "status";
  json other_status = Deployment(json::object());
  other_status["status"] = {{"readyReplicas", 2}};
  absl::StatusOr<json> out = ServerSideApply(&live, other_status, other);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(ToStatusObject(out.status())["message"],
            "Apply failed with 1 conflict: conflict with \"controller\" with subresource "
            "\"status\": .status.readyReplicas");
}

TEST(ServerSideApplyTest, ExistingFieldsWithoutManagersGoToBeforeFirstApply) {
  json live = Deployment({{"replicas", 1}}, {{"uid", "u-1"}, {"resourceVersion", "7"}});
  absl::StatusOr<json> out =
      ServerSideApply(&live, Deployment({{"replicas", 2}}), Options("kubectl"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(ToStatusObject(out.status())["message"],
            "Apply failed with 1 conflict: conflict with \"before-first-apply\" using apps/v1: "
            ".spec.replicas");

  json applied = Apply(&live, Deployment({{"paused", true}}), Options("kubectl"));
  EXPECT_EQ(FieldsOf(applied, "before-first-apply", "Update"),
            json::parse(R"({"f:spec":{".":{},"f:replicas":{}}})"));
}

TEST(ServerSideApplyTest, NoOpApplyKeepsTheTime) {
  json live = Apply(nullptr, Deployment({{"replicas", 1}}), Options("kubectl", kT0));
  json again = Apply(&live, Deployment({{"replicas", 1}}), Options("kubectl", kT1));
  EXPECT_EQ(again, live);
}

TEST(ServerSideApplyTest, UnownableMetadataIsNotTracked) {
  json applied = Deployment({{"replicas", 1}}, {{"uid", "x"}, {"generation", 3}});
  json out = Apply(nullptr, applied, Options("kubectl"));
  EXPECT_EQ(FieldsOf(out, "kubectl"), json::parse(R"({"f:spec":{"f:replicas":{}}})"));
}

TEST(ServerSideApplyTest, NullInTheConfigRemovesTheField) {
  json live = Apply(nullptr, Deployment({{"replicas", 1}, {"paused", true}}), Options("kubectl"));
  json out = Apply(&live, Deployment({{"replicas", 1}, {"paused", nullptr}}), Options("kubectl"));
  EXPECT_FALSE(out["spec"].contains("paused"));
}

TEST(ServerSideApplyTest, RejectsBadConfigurationsAsKubeDoes) {
  struct Case {
    const char* name;
    json applied;
    int code;
    const char* message;
  };
  json wrong_version = Deployment({{"replicas", 1}});
  wrong_version["apiVersion"] = "apps/v1beta1";
  json no_kind = Deployment({{"replicas", 1}});
  no_kind.erase("kind");
  json with_managed_fields = Deployment({{"replicas", 1}});
  with_managed_fields["metadata"]["managedFields"] = json::array();
  json other_name = Deployment({{"replicas", 1}});
  other_name["metadata"]["name"] = "api";
  json no_key = Deployment(PodSpec(json::parse(R"([{"image":"nginx"}])")));
  json duplicate = Deployment(PodSpec(json::parse(R"([{"name":"a"},{"name":"a"}])")));
  const Case kCases[] = {
      {"wrong version", wrong_version, 400, "invalid object type: apps/v1beta1, Kind=Deployment"},
      {"no kind", no_kind, 400, "invalid object type: apps/v1, Kind="},
      {"managedFields sent", with_managed_fields, 400, "metadata.managedFields must be nil"},
      {"name differs from URL", other_name, 400,
       "the name of the object (api) does not match the name on the URL (web)"},
      {"map-list item without key", no_key, 500,
       "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
       ".spec.template.spec.containers: element 0: associative list with keys has an element "
       "that omits key field \"name\" (and doesn't have default value)"},
      {"duplicate key", duplicate, 500,
       "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
       ".spec.template.spec.containers: duplicate entries for key [name=\"a\"]"},
  };
  ApplyOptions options = Options("kubectl");
  options.name = "web";
  for (const Case& c : kCases) {
    absl::StatusOr<json> out = ServerSideApply(nullptr, c.applied, options);
    ASSERT_FALSE(out.ok()) << c.name;
    EXPECT_EQ(HttpCode(out.status()), c.code) << c.name;
    EXPECT_EQ(ToStatusObject(out.status())["message"], c.message) << c.name;
  }
}

TEST(ServerSideApplyTest, CustomResourceListsFollowTheirSchema) {
  const json schema = json::parse(R"({"type":"object","properties":{"spec":{"type":"object",
    "properties":{
      "servers":{"type":"array","x-kubernetes-list-type":"map",
                 "x-kubernetes-list-map-keys":["port"],
                 "items":{"type":"object","properties":{"port":{"type":"integer"}}}},
      "hosts":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}}})");
  ApplyOptions options;
  options.api_version = "upkeep.dev/v1";
  options.kind = "Gateway";
  options.lists = ListSemanticsFromSchema(schema);
  options.maps = MapTypesFromSchema(schema);
  options.now_rfc3339 = kT0;
  auto gateway = [](const json& spec) {
    return json{{"apiVersion", "upkeep.dev/v1"},
                {"kind", "Gateway"},
                {"metadata", {{"name", "gw"}}},
                {"spec", spec}};
  };

  options.manager = "team-a";
  json live =
      Apply(nullptr, gateway(json::parse(R"({"servers":[{"port":80,"tls":false}],"hosts":["a"]})")),
            options);
  options.manager = "team-b";
  live = Apply(&live, gateway(json::parse(R"({"servers":[{"port":443}],"hosts":["b"]})")), options);

  EXPECT_EQ(live["spec"],
            json::parse(R"({"servers":[{"port":80,"tls":false},{"port":443}],"hosts":["a","b"]})"));
  EXPECT_EQ(FieldsOf(live, "team-b"),
            json::parse(R"({"f:spec":{"f:hosts":{"v:\"b\"":{}},)"
                        R"("f:servers":{"k:{\"port\":443}":{".":{},"f:port":{}}}}})"));
}

TEST(ServerSideApplyTest, ApplyWithoutNameKeepsTheLiveName) {
  json live = Apply(nullptr, Deployment({{"replicas", 1}}), Options("kubectl"));
  json applied = Deployment({{"replicas", 2}});
  applied["metadata"].erase("name");
  ApplyOptions options = Options("kubectl");
  options.name = "web";
  EXPECT_EQ(Apply(&live, applied, options)["metadata"]["name"], "web");
}

}  // namespace
}  // namespace upkeep::apiserver
