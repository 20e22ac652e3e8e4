#include "apiserver/patch/strategic_merge_patch.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

struct SmpCase {
  std::string name;
  std::string kind;
  std::string live;
  std::string patch;
  std::string expected;

  friend void PrintTo(const SmpCase& c, std::ostream* os) { *os << c.name; }
};

class StrategicMergePatchTest : public testing::TestWithParam<SmpCase> {};

TEST_P(StrategicMergePatchTest, ProducesExpectedObject) {
  const SmpCase& c = GetParam();
  absl::StatusOr<json> result =
      ApplyStrategicMergePatch(json::parse(c.live), json::parse(c.patch), c.kind);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, json::parse(c.expected)) << result->dump();
}

std::string CaseName(const testing::TestParamInfo<SmpCase>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(
    MergeKeys, StrategicMergePatchTest,
    testing::Values(
        SmpCase{"ContainersMergeByName", "Deployment",
                R"({"spec":{"template":{"spec":{"containers":[
                    {"name":"app","image":"app:1","terminationMessagePath":"/dev/termination-log"},
                    {"name":"sidecar","image":"proxy:1"}]}}}})",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2"}]}}}})",
                R"({"spec":{"template":{"spec":{"containers":[
                    {"name":"app","image":"app:2","terminationMessagePath":"/dev/termination-log"},
                    {"name":"sidecar","image":"proxy:1"}]}}}})"},
        // Without $setElementOrder kube puts elements the live list lacks first.
        SmpCase{"NewContainerGoesFirstWithoutElementOrder", "Pod",
                R"({"spec":{"containers":[{"name":"app","image":"app:1"}]}})",
                R"({"spec":{"containers":[{"name":"debug","image":"busybox"}]}})",
                R"({"spec":{"containers":[{"name":"debug","image":"busybox"},
                                          {"name":"app","image":"app:1"}]}})"},
        SmpCase{"EnvMergesByNameInsideContainer", "Pod",
                R"({"spec":{"containers":[{"name":"app","env":[
                    {"name":"A","value":"1"},{"name":"B","value":"2"}]}]}})",
                R"({"spec":{"containers":[{"name":"app","env":[
                    {"name":"B","value":"3"},{"name":"C","value":"4"}]}]}})",
                R"({"spec":{"containers":[{"name":"app","env":[
                    {"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C",
                        "value":"4"}]}]}})"},
        SmpCase{"EnvVarValueDeletedByNull", "Pod",
                R"({"spec":{"containers":[{"name":"app","env":[
                    {"name":"A","value":"1","valueFrom":{"x":1}}]}]}})",
                R"({"spec":{"containers":[{"name":"app","env":[{"name":"A","valueFrom":null}]}]}})",
                R"({"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"1"}]}]}})"},
        SmpCase{"VolumeMountsMergeByMountPath", "StatefulSet",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"db","volumeMounts":[
                    {"name":"data","mountPath":"/var/lib/db"}]}]}}}})",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"db","volumeMounts":[
                    {"name":"data2","mountPath":"/var/lib/db"}]}]}}}})",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"db","volumeMounts":[
                    {"name":"data2","mountPath":"/var/lib/db"}]}]}}}})"},
        SmpCase{"ContainerPortsMergeByContainerPort", "DaemonSet",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"agent","ports":[
                    {"containerPort":9100,"name":"metrics"}]}]}}}})",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"agent","ports":[
                    {"containerPort":9100,"protocol":"TCP"}]}]}}}})",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"agent","ports":[
                    {"containerPort":9100,"name":"metrics","protocol":"TCP"}]}]}}}})"},
        SmpCase{"CronJobPodTemplateContainersMergeByName", "CronJob",
                R"({"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[
                    {"name":"backup","image":"b:1","args":["--full"]}]}}}}}})",
                R"({"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[
                    {"name":"backup","image":"b:2"}]}}}}}})",
                R"({"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[
                    {"name":"backup","image":"b:2","args":["--full"]}]}}}}}})"},
        SmpCase{"ServicePortsMergeByPort", "Service",
                R"({"spec":{"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"},
                                     {"name":"https","port":443,"targetPort":8443,
                                         "protocol":"TCP"}]}})",
                R"({"spec":{"ports":[{"port":443,"targetPort":9443}]}})",
                R"({"spec":{"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"},
                                     {"name":"https","port":443,"targetPort":9443,
                                         "protocol":"TCP"}]}})"},
        SmpCase{"ServiceAccountSecretsMergeByName", "ServiceAccount",
                R"({"secrets":[{"name":"token-a"}]})", R"({"secrets":[{"name":"token-b"}]})",
                R"({"secrets":[{"name":"token-b"},{"name":"token-a"}]})"},
        SmpCase{"StatusConditionsMergeByType", "Deployment",
                R"({"status":{"conditions":[{"type":"Available","status":"False"},
                                            {"type":"Progressing","status":"True"}]}})",
                R"({"status":{"conditions":[{"type":"Available","status":"True"}]}})",
                R"({"status":{"conditions":[{"type":"Available","status":"True"},
                                            {"type":"Progressing","status":"True"}]}})"},
        SmpCase{"OwnerReferencesMergeByUid", "ConfigMap",
                R"({"metadata":{"ownerReferences":[{"uid":"1","name":"a"}]}})",
                R"({"metadata":{"ownerReferences":[{"uid":"1","controller":true}]}})",
                R"({"metadata":{"ownerReferences":[{"uid":"1","name":"a","controller":true}]}})"},
        SmpCase{"FinalizersMergeAsSet", "Secret", R"({"metadata":{"finalizers":["a","x"]}})",
                R"({"metadata":{"finalizers":["b","a"]}})",
                R"({"metadata":{"finalizers":["b","a","x"]}})"},
        SmpCase{
            "ListsWithoutStrategyReplace", "Pod",
            R"({"spec":{"tolerations":[{"key":"a"}],"containers":[{"name":"app","args":["x",
                "y"]}]}})",
            R"({"spec":{"tolerations":[{"key":"b"}],"containers":[{"name":"app","args":["z"]}]}})",
            R"({"spec":{"tolerations":[{"key":"b"}],"containers":[{"name":"app","args":["z"]}]}})"},
        SmpCase{
            "UnknownKindReplacesListsButMergesMaps", "Widget",
            R"({"metadata":{"finalizers":["a"]},"spec":{"containers":[{"name":"a"}],"size":{"w":1,
                "h":2}}})",
            R"({"metadata":{"finalizers":["b"]},"spec":{"containers":[{"name":"b"}],
                "size":{"w":3}}})",
            R"({"metadata":{"finalizers":["b","a"]},"spec":{"containers":[{"name":"b"}],
                "size":{"w":3,"h":2}}})"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Directives, StrategicMergePatchTest,
    testing::Values(
        SmpCase{
            "PatchDeleteRemovesContainer", "Deployment",
            R"({"spec":{"template":{"spec":{"containers":[{"name":"app"},{"name":"sidecar"}]}}}})",
            R"({"spec":{"template":{"spec":{"containers":[{"name":"sidecar",
                "$patch":"delete"}]}}}})",
            R"({"spec":{"template":{"spec":{"containers":[{"name":"app"}]}}}})"},
        SmpCase{"PatchReplaceReplacesWholeList", "Pod",
                R"({"spec":{"containers":[{"name":"app","image":"a"},{"name":"sidecar"}]}})",
                R"({"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"o"}]}})",
                R"({"spec":{"containers":[{"name":"only","image":"o"}]}})"},
        SmpCase{"PatchReplaceReplacesWholeMap", "Pod",
                R"({"metadata":{"labels":{"a":"1","b":"2"}}})",
                R"({"metadata":{"labels":{"$patch":"replace","c":"3"}}})",
                R"({"metadata":{"labels":{"c":"3"}}})"},
        SmpCase{"PatchDeleteEmptiesMap", "Pod",
                R"({"metadata":{"name":"p","annotations":{"a":"1"}}})",
                R"({"metadata":{"annotations":{"$patch":"delete"}}})",
                R"({"metadata":{"name":"p","annotations":{}}})"},
        SmpCase{"PatchMergeIsTheDefault", "Pod", R"({"metadata":{"labels":{"a":"1"}}})",
                R"({"metadata":{"labels":{"$patch":"merge","b":"2"}}})",
                R"({"metadata":{"labels":{"a":"1","b":"2"}}})"},
        SmpCase{"DeleteFromPrimitiveListRemovesFinalizer", "Deployment",
                R"({"metadata":{"finalizers":["a","b","c"]}})",
                R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["b","zzz"]}})",
                R"({"metadata":{"finalizers":["a","c"]}})"},
        // kubectl apply removing finalizer "b" from its configuration.
        SmpCase{"DeleteFromPrimitiveListWithElementOrder", "ConfigMap",
                R"({"metadata":{"finalizers":["a","b","c"]}})",
                R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["b"],
                                "$setElementOrder/finalizers":["c","a"]}})",
                R"({"metadata":{"finalizers":["c","a"]}})"},
        // kubectl apply of a config listing containers b, a, c where the live object has a, b.
        SmpCase{"SetElementOrderReordersAsApplyAsks", "Deployment",
                R"({"spec":{"template":{"spec":{"containers":[
                    {"name":"a","image":"a:1","imagePullPolicy":"IfNotPresent"},
                    {"name":"b","image":"b:1","imagePullPolicy":"IfNotPresent"}]}}}})",
                R"({"spec":{"template":{"spec":{
                    "$setElementOrder/containers":[{"name":"b"},{"name":"a"},{"name":"c"}],
                    "containers":[{"name":"c","image":"c:1"}]}}}})",
                R"({"spec":{"template":{"spec":{"containers":[
                    {"name":"b","image":"b:1","imagePullPolicy":"IfNotPresent"},
                    {"name":"a","image":"a:1","imagePullPolicy":"IfNotPresent"},
                    {"name":"c","image":"c:1"}]}}}})"},
        // kubectl apply dropping container a from its configuration.
        SmpCase{"SetElementOrderWithDeletedElement", "Deployment",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}}})",
                R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"b"}],
                    "containers":[{"$patch":"delete","name":"a"}]}}}})",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"b"}]}}}})"},
        // A server-only element goes before the first ordered element it preceded live.
        SmpCase{"SetElementOrderKeepsServerOnlyElements", "Pod",
                R"({"spec":{"containers":[{"name":"a"},{"name":"injected"},{"name":"b"}]}})",
                R"({"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}]}})",
                R"({"spec":{"containers":[{"name":"injected"},{"name":"b"},{"name":"a"}]}})"},
        SmpCase{
            "SetElementOrderOnEnv", "Pod",
            R"({"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"1"},{"name":"B",
                "value":"2"}]}]}})",
            R"({"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"name":"app",
                    "$setElementOrder/env":[{"name":"B"},{"name":"A"}],"env":[{"name":"A",
                        "value":"9"}]}]}})",
            R"({"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"2"},{"name":"A",
                "value":"9"}]}]}})"},
        // kubectl apply switching a Deployment from RollingUpdate to Recreate.
        SmpCase{
            "RetainKeysClearsUnlistedFields", "Deployment",
            R"({"spec":{"replicas":2,"strategy":{"type":"RollingUpdate",
                    "rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}}})",
            R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,
                "type":"Recreate"}}})",
            R"({"spec":{"replicas":2,"strategy":{"type":"Recreate"}}})"},
        SmpCase{
            "RetainKeysKeepsListedLiveFields", "Deployment",
            R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1},
                "x":1}}})",
            R"({"spec":{"strategy":{"$retainKeys":["type","rollingUpdate"],
                "type":"RollingUpdate"}}})",
            R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})"},
        SmpCase{"DirectivesInsideNewValuesAreResolved", "Pod", R"({"spec":{}})",
                R"({"spec":{"$setElementOrder/containers":[{"name":"a"}],
                            "containers":[{"name":"a","env":[{"name":"X","value":null}]}],
                            "nodeSelector":{"disk":"ssd","gpu":null}}})",
                R"({"spec":{"containers":[{"name":"a","env":[{"name":"X"}]}],
                            "nodeSelector":{"disk":"ssd"}}})"},
        SmpCase{"NullPatchChangesNothing", "Pod", R"({"a":1})", "null", R"({"a":1})"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    KubectlCommands, StrategicMergePatchTest,
    testing::Values(
        // kubectl rollout restart deployment/web
        SmpCase{"RolloutRestartAddsRestartedAtAnnotation", "Deployment",
                R"({"metadata":{"name":"web"},"spec":{"replicas":3,"template":{
                    "metadata":{"labels":{"app":"web"}},
                    "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}})",
                R"({"spec":{"template":{"metadata":{"annotations":{
                    "kubectl.kubernetes.io/restartedAt":"2024-05-01T10:00:00Z"}}}}})",
                R"({"metadata":{"name":"web"},"spec":{"replicas":3,"template":{
                    "metadata":{"labels":{"app":"web"},"annotations":{
                        "kubectl.kubernetes.io/restartedAt":"2024-05-01T10:00:00Z"}},
                    "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}})"},
        SmpCase{"RolloutRestartAgainUpdatesAnnotation", "Deployment",
                R"({"spec":{"template":{"metadata":{"annotations":{
                    "kubectl.kubernetes.io/restartedAt":"2024-05-01T10:00:00Z","keep":"me"}}}}})",
                R"({"spec":{"template":{"metadata":{"annotations":{
                    "kubectl.kubernetes.io/restartedAt":"2024-05-02T08:00:00Z"}}}}})",
                R"({"spec":{"template":{"metadata":{"annotations":{
                    "kubectl.kubernetes.io/restartedAt":"2024-05-02T08:00:00Z","keep":"me"}}}}})"},
        // kubectl label/annotate with additions, changes and removals.
        SmpCase{"LabelsAndAnnotationsChangeWithNullDeletes", "Service",
                R"({"metadata":{"name":"web","labels":{"app":"web","tier":"fe"},
                                "annotations":{"note":"old","owner":"team-a"}}})",
                R"({"metadata":{"labels":{"tier":null,"env":"prod"},
                                "annotations":{"note":null,"owner":"team-b"}}})",
                R"({"metadata":{"name":"web","labels":{"app":"web","env":"prod"},
                                "annotations":{"owner":"team-b"}}})"},
        SmpCase{"DeletingAbsentFieldIsANoOp", "Pod", R"({"metadata":{"name":"p"}})",
                R"({"metadata":{"labels":null}})", R"({"metadata":{"name":"p"}})"}),
    CaseName);

struct SmpErrorCase {
  std::string name;
  std::string kind;
  std::string live;
  std::string patch;
  int code;
  std::string reason;  // "" when kube sends none
  std::string message;

  friend void PrintTo(const SmpErrorCase& c, std::ostream* os) { *os << c.name; }
};

class StrategicMergePatchErrorTest : public testing::TestWithParam<SmpErrorCase> {};

TEST_P(StrategicMergePatchErrorTest, AnswersWhatKubeApiserverAnswers) {
  const SmpErrorCase& c = GetParam();
  absl::StatusOr<json> result =
      ApplyStrategicMergePatch(json::parse(c.live), json::parse(c.patch), c.kind);
  ASSERT_FALSE(result.ok()) << result->dump();
  EXPECT_EQ(HttpCode(result.status()), c.code);
  json status = ToStatusObject(result.status());
  EXPECT_EQ(status.value("reason", ""), c.reason);
  EXPECT_EQ(status["message"], c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Failures, StrategicMergePatchErrorTest,
    testing::Values(
        SmpErrorCase{"PatchIsNotAnObject", "Pod", R"({})", R"([{"op":"add"}])", 400, "BadRequest",
                     "json: cannot unmarshal array into Go value of type map[string]interface {}"},
        SmpErrorCase{"ElementWithoutMergeKey", "Pod", R"({"spec":{"containers":[{"name":"app"}]}})",
                     R"({"spec":{"containers":[{"image":"nginx"}]}})", 500, "",
                     "map: map[image:nginx] does not contain declared merge key: name"},
        SmpErrorCase{"DeleteDirectiveWithoutMergeKey", "Pod",
                     R"({"spec":{"containers":[{"name":"app"}]}})",
                     R"({"spec":{"containers":[{"$patch":"delete"}]}})", 500, "",
                     "map: map[$patch:delete] does not contain declared merge key: name"},
        SmpErrorCase{"UnknownPatchDirectiveInMap", "Pod", R"({"metadata":{"labels":{}}})",
                     R"({"metadata":{"labels":{"$patch":"squash","a":"b"}}})", 500, "",
                     "unknown patch type: squash in map: map[$patch:squash a:b]"},
        SmpErrorCase{"RetainKeysNotAList", "Deployment", R"({"spec":{"strategy":{}}})",
                     R"({"spec":{"strategy":{"$retainKeys":"type"}}})", 400, "BadRequest",
                     "invalid patch format of retainKeys"},
        SmpErrorCase{"PatchSetsFieldOutsideRetainKeys", "Deployment", R"({"spec":{"strategy":{}}})",
                     R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}})", 400,
                     "BadRequest", "invalid patch format of retainKeys"},
        SmpErrorCase{"DeleteFromPrimitiveListWithoutField", "Pod",
                     R"({"metadata":{"finalizers":["a"]}})",
                     R"({"metadata":{"$deleteFromPrimitiveListfinalizers":["a"]}})", 400,
                     "BadRequest", "invalid patch format of primitive list"},
        SmpErrorCase{"SetElementOrderNotAList", "Pod", R"({"spec":{}})",
                     R"({"spec":{"$setElementOrder/containers":{"name":"a"}}})", 400, "BadRequest",
                     "invalid patch format of setElementOrder list"},
        SmpErrorCase{"SetElementOrderContradictsPatchList", "Pod",
                     R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})",
                     R"({"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],
                         "containers":[{"name":"b","image":"b"},{"name":"a","image":"a"}]}})",
                     500, "",
                     "the order in patch list:\n[map[image:b name:b] map[image:a name:a]]\n "
                     "doesn't match $setElementOrder list:\n[map[name:a] map[name:b]]"},
        SmpErrorCase{"ListOfListsInMergeList", "Pod", R"({"metadata":{"finalizers":[]}})",
                     R"({"metadata":{"finalizers":[["b"]]}})", 422, "Invalid",
                     "the server rejected our request due to an error in our request"},
        SmpErrorCase{"MixedElementTypesInMergeList", "Pod", R"({"metadata":{"finalizers":["a"]}})",
                     R"({"metadata":{"finalizers":[1]}})", 500, "",
                     "list element types are not identical: [[a] [1]]"}),
    [](const testing::TestParamInfo<SmpErrorCase>& info) { return info.param.name; });

TEST(StrategicMergePatchTest, LeavesInputsUntouched) {
  json live = json::parse(R"({"spec":{"containers":[{"name":"a","image":"1"}]}})");
  json patch = json::parse(R"({"spec":{"containers":[{"name":"a","$patch":"delete"}]}})");
  json live_copy = live;
  json patch_copy = patch;
  ASSERT_TRUE(ApplyStrategicMergePatch(live, patch, "Pod").ok());
  EXPECT_EQ(live, live_copy);
  EXPECT_EQ(patch, patch_copy);
}

}  // namespace
}  // namespace upkeep::apiserver
