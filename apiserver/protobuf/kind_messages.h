// Protobuf message tables for the top-level kinds the API server decodes from
// application/vnd.kubernetes.protobuf bodies: what kubectl's generators send (create secret,
// configmap, namespace, serviceaccount, service, deployment, job, cronjob, role, rolebinding,
// clusterrole, clusterrolebinding, quota, poddisruptionbudget, priorityclass, token) plus Pod
// and Lease. Each is defined in <group>_messages.cc from the group's generated.proto; adding a
// kind is a table there and a row in kind_registry.cc. Immutable; thread-safe.
#pragma once

#include "apiserver/protobuf/message_descriptor.h"

namespace upkeep::apiserver::protobuf {

// core/v1
const MessageDescriptor& SecretMessage();
const MessageDescriptor& ConfigMapMessage();
const MessageDescriptor& NamespaceMessage();
const MessageDescriptor& ServiceAccountMessage();
const MessageDescriptor& ServiceMessage();
const MessageDescriptor& PodMessage();
const MessageDescriptor& ResourceQuotaMessage();

// apps/v1
const MessageDescriptor& DeploymentMessage();

// batch/v1
const MessageDescriptor& JobMessage();
const MessageDescriptor& CronJobMessage();

// rbac.authorization.k8s.io/v1
const MessageDescriptor& RoleMessage();
const MessageDescriptor& ClusterRoleMessage();
const MessageDescriptor& RoleBindingMessage();  // also ClusterRoleBinding: same fields

// coordination.k8s.io/v1
const MessageDescriptor& LeaseMessage();

// policy/v1
const MessageDescriptor& PodDisruptionBudgetMessage();

// scheduling.k8s.io/v1
const MessageDescriptor& PriorityClassMessage();

// authentication.k8s.io/v1
const MessageDescriptor& TokenRequestMessage();

}  // namespace upkeep::apiserver::protobuf
