#include "apiserver/patch/builtin_merge_keys.h"

#include <vector>

namespace upkeep::apiserver {
namespace {

using Mode = ListMergeStrategy::Mode;

struct ListRule {
  std::string_view path;  // relative to the struct the rule table describes
  Mode mode;
  std::string_view merge_key;
};

// ObjectMeta.
constexpr ListRule kObjectMetaLists[] = {
    {"finalizers", Mode::kMergeSet, ""},
    {"ownerReferences", Mode::kMergeByKey, "uid"},
};

// PodSpec, with Container and EphemeralContainerCommon (which repeat the same tags).
constexpr ListRule kPodSpecLists[] = {
    {"containers", Mode::kMergeByKey, "name"},
    {"containers.ports", Mode::kMergeByKey, "containerPort"},
    {"containers.env", Mode::kMergeByKey, "name"},
    {"containers.volumeMounts", Mode::kMergeByKey, "mountPath"},
    {"containers.volumeDevices", Mode::kMergeByKey, "devicePath"},
    {"initContainers", Mode::kMergeByKey, "name"},
    {"initContainers.ports", Mode::kMergeByKey, "containerPort"},
    {"initContainers.env", Mode::kMergeByKey, "name"},
    {"initContainers.volumeMounts", Mode::kMergeByKey, "mountPath"},
    {"initContainers.volumeDevices", Mode::kMergeByKey, "devicePath"},
    {"ephemeralContainers", Mode::kMergeByKey, "name"},
    {"ephemeralContainers.ports", Mode::kMergeByKey, "containerPort"},
    {"ephemeralContainers.env", Mode::kMergeByKey, "name"},
    {"ephemeralContainers.volumeMounts", Mode::kMergeByKey, "mountPath"},
    {"ephemeralContainers.volumeDevices", Mode::kMergeByKey, "devicePath"},
    {"volumes", Mode::kMergeByKey, "name"},
    {"imagePullSecrets", Mode::kMergeByKey, "name"},
    {"hostAliases", Mode::kMergeByKey, "ip"},
    {"topologySpreadConstraints", Mode::kMergeByKey, "topologyKey"},
    {"schedulingGates", Mode::kMergeByKey, "name"},
    {"resourceClaims", Mode::kMergeByKey, "name"},
};

// Where a kind embeds the structs above, and the lists of its own.
struct KindLayout {
  std::string_view kind;
  std::vector<std::string_view> pod_specs;
  std::vector<std::string_view> object_metas;  // besides the root "metadata" every kind has
  std::vector<ListRule> own_lists;
};

const std::vector<KindLayout>& KindLayouts() {
  static const auto* layouts = new std::vector<KindLayout>{
      {"Pod",
       {"spec"},
       {},
       {{"status.conditions", Mode::kMergeByKey, "type"},
        {"status.podIPs", Mode::kMergeByKey, "ip"},
        {"status.hostIPs", Mode::kMergeByKey, "ip"},
        {"status.resourceClaimStatuses", Mode::kMergeByKey, "name"}}},
      {"PodTemplate", {"template.spec"}, {"template.metadata"}, {}},
      {"Deployment",
       {"spec.template.spec"},
       {"spec.template.metadata"},
       {{"status.conditions", Mode::kMergeByKey, "type"}}},
      {"ReplicaSet",
       {"spec.template.spec"},
       {"spec.template.metadata"},
       {{"status.conditions", Mode::kMergeByKey, "type"}}},
      {"ReplicationController",
       {"spec.template.spec"},
       {"spec.template.metadata"},
       {{"status.conditions", Mode::kMergeByKey, "type"}}},
      {"StatefulSet",
       {"spec.template.spec"},
       {"spec.template.metadata", "spec.volumeClaimTemplates.metadata"},
       {{"status.conditions", Mode::kMergeByKey, "type"}}},
      {"DaemonSet",
       {"spec.template.spec"},
       {"spec.template.metadata"},
       {{"status.conditions", Mode::kMergeByKey, "type"}}},
      {"Job",
       {"spec.template.spec"},
       {"spec.template.metadata"},
       {{"status.conditions", Mode::kMergeByKey, "type"}}},
      {"CronJob",
       {"spec.jobTemplate.spec.template.spec"},
       {"spec.jobTemplate.metadata", "spec.jobTemplate.spec.template.metadata"},
       {}},
      {"Service",
       {},
       {},
       {{"spec.ports", Mode::kMergeByKey, "port"},
        {"status.conditions", Mode::kMergeByKey, "type"}}},
      {"ServiceAccount", {}, {}, {{"secrets", Mode::kMergeByKey, "name"}}},
      {"Node",
       {},
       {},
       {{"spec.podCIDRs", Mode::kMergeSet, ""},
        {"status.conditions", Mode::kMergeByKey, "type"},
        {"status.addresses", Mode::kMergeByKey, "type"}}},
      {"Namespace", {}, {}, {{"status.conditions", Mode::kMergeByKey, "type"}}},
      {"PersistentVolumeClaim", {}, {}, {{"status.conditions", Mode::kMergeByKey, "type"}}},
  };
  return *layouts;
}

ListMergeStrategy ToStrategy(const ListRule& rule) {
  return ListMergeStrategy{rule.mode, std::string(rule.merge_key)};
}

// Looks `field_path` up in `rules` when it lies under `prefix` ("" for the root).
template <typename Rules>
const ListRule* FindUnder(std::string_view prefix, std::string_view field_path,
                          const Rules& rules) {
  std::string_view relative = field_path;
  if (!prefix.empty()) {
    if (field_path.size() <= prefix.size() + 1 || !field_path.starts_with(prefix) ||
        field_path[prefix.size()] != '.') {
      return nullptr;
    }
    relative = field_path.substr(prefix.size() + 1);
  }
  for (const ListRule& rule : rules) {
    if (rule.path == relative) return &rule;
  }
  return nullptr;
}

}  // namespace

ListMergeStrategy BuiltinListMergeStrategy(std::string_view kind, std::string_view field_path) {
  if (const ListRule* rule = FindUnder("metadata", field_path, kObjectMetaLists)) {
    return ToStrategy(*rule);
  }
  for (const KindLayout& layout : KindLayouts()) {
    if (layout.kind != kind) continue;
    for (std::string_view pod_spec : layout.pod_specs) {
      if (const ListRule* rule = FindUnder(pod_spec, field_path, kPodSpecLists)) {
        return ToStrategy(*rule);
      }
    }
    for (std::string_view object_meta : layout.object_metas) {
      if (const ListRule* rule = FindUnder(object_meta, field_path, kObjectMetaLists)) {
        return ToStrategy(*rule);
      }
    }
    if (const ListRule* rule = FindUnder("", field_path, layout.own_lists)) {
      return ToStrategy(*rule);
    }
  }
  return ListMergeStrategy{};
}

}  // namespace upkeep::apiserver
