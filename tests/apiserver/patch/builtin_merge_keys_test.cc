#include "apiserver/patch/builtin_merge_keys.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace upkeep::apiserver {
namespace {

using Mode = ListMergeStrategy::Mode;

struct StrategyCase {
  std::string name;
  std::string kind;
  std::string field_path;
  Mode mode;
  std::string merge_key;

  friend void PrintTo(const StrategyCase& c, std::ostream* os) { *os << c.name; }
};

class BuiltinListMergeStrategyTest : public testing::TestWithParam<StrategyCase> {};

TEST_P(BuiltinListMergeStrategyTest, MatchesKubernetesStructTags) {
  const StrategyCase& c = GetParam();
  EXPECT_EQ(BuiltinListMergeStrategy(c.kind, c.field_path),
            (ListMergeStrategy{c.mode, c.merge_key}));
}

INSTANTIATE_TEST_SUITE_P(
    Tags, BuiltinListMergeStrategyTest,
    testing::Values(
        StrategyCase{"PodContainers", "Pod", "spec.containers", Mode::kMergeByKey, "name"},
        StrategyCase{"PodEphemeralContainerEnv", "Pod", "spec.ephemeralContainers.env",
                     Mode::kMergeByKey, "name"},
        StrategyCase{"DeploymentInitContainerPorts", "Deployment",
                     "spec.template.spec.initContainers.ports", Mode::kMergeByKey, "containerPort"},
        StrategyCase{"ReplicaSetVolumes", "ReplicaSet", "spec.template.spec.volumes",
                     Mode::kMergeByKey, "name"},
        StrategyCase{"JobVolumeDevices", "Job", "spec.template.spec.containers.volumeDevices",
                     Mode::kMergeByKey, "devicePath"},
        StrategyCase{"CronJobImagePullSecrets", "CronJob",
                     "spec.jobTemplate.spec.template.spec.imagePullSecrets", Mode::kMergeByKey,
                     "name"},
        StrategyCase{"StatefulSetTopologySpread", "StatefulSet",
                     "spec.template.spec.topologySpreadConstraints", Mode::kMergeByKey,
                     "topologyKey"},
        StrategyCase{"DaemonSetHostAliases", "DaemonSet", "spec.template.spec.hostAliases",
                     Mode::kMergeByKey, "ip"},
        StrategyCase{"TemplateMetadataFinalizers", "Deployment",
                     "spec.template.metadata.finalizers", Mode::kMergeSet, ""},
        StrategyCase{"AnyKindFinalizers", "Widget", "metadata.finalizers", Mode::kMergeSet, ""},
        StrategyCase{"AnyKindOwnerReferences", "ConfigMap", "metadata.ownerReferences",
                     Mode::kMergeByKey, "uid"},
        StrategyCase{"ServicePorts", "Service", "spec.ports", Mode::kMergeByKey, "port"},
        StrategyCase{"ServiceAccountSecrets", "ServiceAccount", "secrets", Mode::kMergeByKey,
                     "name"},
        StrategyCase{"PodStatusConditions", "Pod", "status.conditions", Mode::kMergeByKey, "type"},
        StrategyCase{"PodTolerationsReplace", "Pod", "spec.tolerations", Mode::kReplace, ""},
        StrategyCase{"ContainerArgsReplace", "Pod", "spec.containers.args", Mode::kReplace, ""},
        StrategyCase{"EndpointsSubsetsReplace", "Endpoints", "subsets", Mode::kReplace, ""},
        StrategyCase{"PodSpecPathOfOtherKindReplaces", "Pod", "spec.template.spec.containers",
                     Mode::kReplace, ""},
        StrategyCase{"UnknownKindContainersReplace", "Widget", "spec.template.spec.containers",
                     Mode::kReplace, ""},
        StrategyCase{"ServiceAccountImagePullSecretsReplace", "ServiceAccount", "imagePullSecrets",
                     Mode::kReplace, ""}),
    [](const testing::TestParamInfo<StrategyCase>& info) { return info.param.name; });

}  // namespace
}  // namespace upkeep::apiserver
