// How list fields of built-in Kubernetes kinds merge under strategic merge patch.
//
// kube-apiserver reads the patchStrategy/patchMergeKey struct tags of the Go API types; we
// have no Go types, so this table restates those tags from k8s.io/api (core/v1, apps/v1,
// batch/v1) and ObjectMeta for the kinds kubectl patches in practice: Pod, Deployment,
// ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, PodTemplate,
// Service, ServiceAccount, Node, Namespace, PersistentVolumeClaim, and metadata of every kind.
// A list the table does not name is replaced wholesale, which is what Kubernetes does for
// lists without a patch strategy (tolerations, args, Endpoints subsets, ...).
// Free function over constant data; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace upkeep::apiserver {

struct ListMergeStrategy {
  enum class Mode {
    kReplace,     // no patchStrategy: the patch's list replaces the live one
    kMergeByKey,  // patchStrategy merge on a list of objects, matched by merge_key
    kMergeSet,    // patchStrategy merge on a list of scalars (finalizers): a set union
  };
  Mode mode = Mode::kReplace;
  std::string merge_key;  // set only for kMergeByKey

  friend bool operator==(const ListMergeStrategy&, const ListMergeStrategy&) = default;
};

// The strategy of the list at `field_path` in an object of `kind`. `field_path` is the field
// names from the object root joined by '.', with list elements left out, so a container's env
// in a Deployment is "spec.template.spec.containers.env".
ListMergeStrategy BuiltinListMergeStrategy(std::string_view kind, std::string_view field_path);

}  // namespace upkeep::apiserver
