#include "apiserver/protobuf/core_v1_messages.h"

#include "apiserver/protobuf/kind_messages.h"
#include "apiserver/protobuf/meta_v1_messages.h"

namespace upkeep::apiserver::protobuf {
namespace {

const MessageDescriptor& LocalObjectReferenceMessage() {
  static const MessageDescriptor kMessage{{String(1, "name")}};
  return kMessage;
}

const MessageDescriptor& ObjectReferenceMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "kind"),
      String(2, "namespace"),
      String(3, "name"),
      String(4, "uid"),
      String(5, "apiVersion"),
      String(6, "resourceVersion"),
      String(7, "fieldPath"),
  }};
  return kMessage;
}

// --- Containers ---

const MessageDescriptor& ContainerPortMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "name"),
      Int(2, "hostPort"),
      KeepZero(Int(3, "containerPort")),
      String(4, "protocol"),
      String(5, "hostIP"),
  }};
  return kMessage;
}

const MessageDescriptor& ObjectFieldSelectorMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "apiVersion"),
      KeepZero(String(2, "fieldPath")),
  }};
  return kMessage;
}

const MessageDescriptor& ResourceFieldSelectorMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "containerName"),
      KeepZero(String(2, "resource")),
      Quantity(3, "divisor"),
  }};
  return kMessage;
}

// ConfigMapKeySelector and SecretKeySelector share their layout.
const MessageDescriptor& KeySelectorMessage() {
  static const MessageDescriptor kMessage{{
      Inline(1, &LocalObjectReferenceMessage),
      KeepZero(String(2, "key")),
      KeepZero(Bool(3, "optional")),
  }};
  return kMessage;
}

const MessageDescriptor& EnvVarSourceMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "fieldRef", &ObjectFieldSelectorMessage),
      Message(2, "resourceFieldRef", &ResourceFieldSelectorMessage),
      Message(3, "configMapKeyRef", &KeySelectorMessage),
      Message(4, "secretKeyRef", &KeySelectorMessage),
  }};
  return kMessage;
}

const MessageDescriptor& EnvVarMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "name")),
      String(2, "value"),
      Message(3, "valueFrom", &EnvVarSourceMessage),
  }};
  return kMessage;
}

// ConfigMapEnvSource and SecretEnvSource share their layout.
const MessageDescriptor& EnvSourceMessage() {
  static const MessageDescriptor kMessage{{
      Inline(1, &LocalObjectReferenceMessage),
      KeepZero(Bool(2, "optional")),
  }};
  return kMessage;
}

const MessageDescriptor& EnvFromSourceMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "prefix"),
      Message(2, "configMapRef", &EnvSourceMessage),
      Message(3, "secretRef", &EnvSourceMessage),
  }};
  return kMessage;
}

const MessageDescriptor& ResourceClaimMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "name")),
      String(2, "request"),
  }};
  return kMessage;
}

const MessageDescriptor& ResourceRequirementsMessage() {
  static const MessageDescriptor kMessage{{
      QuantityMap(1, "limits"),
      QuantityMap(2, "requests"),
      Repeated(Message(3, "claims", &ResourceClaimMessage)),
  }};
  return kMessage;
}

const MessageDescriptor& VolumeMountMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "name")),
      Bool(2, "readOnly"),
      KeepZero(String(3, "mountPath")),
      String(4, "subPath"),
      KeepZero(String(5, "mountPropagation")),
      String(6, "subPathExpr"),
  }};
  return kMessage;
}

const MessageDescriptor& ExecActionMessage() {
  static const MessageDescriptor kMessage{{Repeated(String(1, "command"))}};
  return kMessage;
}

const MessageDescriptor& HTTPHeaderMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "name")),
      KeepZero(String(2, "value")),
  }};
  return kMessage;
}

const MessageDescriptor& HTTPGetActionMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "path"),
      IntOrString(2, "port"),
      String(3, "host"),
      String(4, "scheme"),
      Repeated(Message(5, "httpHeaders", &HTTPHeaderMessage)),
  }};
  return kMessage;
}

const MessageDescriptor& TCPSocketActionMessage() {
  static const MessageDescriptor kMessage{{
      IntOrString(1, "port"),
      String(2, "host"),
  }};
  return kMessage;
}

const MessageDescriptor& GRPCActionMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(Int(1, "port")),
      KeepZero(String(2, "service")),
  }};
  return kMessage;
}

const MessageDescriptor& ProbeHandlerMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "exec", &ExecActionMessage),
      Message(2, "httpGet", &HTTPGetActionMessage),
      Message(3, "tcpSocket", &TCPSocketActionMessage),
      Message(4, "grpc", &GRPCActionMessage),
  }};
  return kMessage;
}

const MessageDescriptor& ProbeMessage() {
  static const MessageDescriptor kMessage{{
      Inline(1, &ProbeHandlerMessage),
      Int(2, "initialDelaySeconds"),
      Int(3, "timeoutSeconds"),
      Int(4, "periodSeconds"),
      Int(5, "successThreshold"),
      Int(6, "failureThreshold"),
      KeepZero(Int(7, "terminationGracePeriodSeconds")),
  }};
  return kMessage;
}

const MessageDescriptor& CapabilitiesMessage() {
  static const MessageDescriptor kMessage{{
      Repeated(String(1, "add")),
      Repeated(String(2, "drop")),
  }};
  return kMessage;
}

const MessageDescriptor& SeccompProfileMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "type")),
      KeepZero(String(2, "localhostProfile")),
  }};
  return kMessage;
}

const MessageDescriptor& SecurityContextMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "capabilities", &CapabilitiesMessage),
      KeepZero(Bool(2, "privileged")),
      KeepZero(Int(4, "runAsUser")),
      KeepZero(Bool(5, "runAsNonRoot")),
      KeepZero(Bool(6, "readOnlyRootFilesystem")),
      KeepZero(Bool(7, "allowPrivilegeEscalation")),
      KeepZero(Int(8, "runAsGroup")),
      KeepZero(String(9, "procMount")),
      Message(11, "seccompProfile", &SeccompProfileMessage),
  }};
  return kMessage;
}

const MessageDescriptor& ContainerMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "name")),
      String(2, "image"),
      Repeated(String(3, "command")),
      Repeated(String(4, "args")),
      String(5, "workingDir"),
      Repeated(Message(6, "ports", &ContainerPortMessage)),
      Repeated(Message(19, "envFrom", &EnvFromSourceMessage)),
      Repeated(Message(7, "env", &EnvVarMessage)),
      Message(8, "resources", &ResourceRequirementsMessage),
      Repeated(Message(9, "volumeMounts", &VolumeMountMessage)),
      Message(10, "livenessProbe", &ProbeMessage),
      Message(11, "readinessProbe", &ProbeMessage),
      Message(22, "startupProbe", &ProbeMessage),
      String(13, "terminationMessagePath"),
      String(20, "terminationMessagePolicy"),
      String(14, "imagePullPolicy"),
      Message(15, "securityContext", &SecurityContextMessage),
      Bool(16, "stdin"),
      Bool(17, "stdinOnce"),
      Bool(18, "tty"),
      KeepZero(String(24, "restartPolicy")),
  }};
  return kMessage;
}

// --- Volumes ---

const MessageDescriptor& KeyToPathMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "key")),
      KeepZero(String(2, "path")),
      KeepZero(Int(3, "mode")),
  }};
  return kMessage;
}

const MessageDescriptor& HostPathVolumeSourceMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "path")),
      KeepZero(String(2, "type")),
  }};
  return kMessage;
}

const MessageDescriptor& EmptyDirVolumeSourceMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "medium"),
      Quantity(2, "sizeLimit"),
  }};
  return kMessage;
}

const MessageDescriptor& SecretVolumeSourceMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "secretName"),
      Repeated(Message(2, "items", &KeyToPathMessage)),
      KeepZero(Int(3, "defaultMode")),
      KeepZero(Bool(4, "optional")),
  }};
  return kMessage;
}

const MessageDescriptor& ConfigMapVolumeSourceMessage() {
  static const MessageDescriptor kMessage{{
      Inline(1, &LocalObjectReferenceMessage),
      Repeated(Message(2, "items", &KeyToPathMessage)),
      KeepZero(Int(3, "defaultMode")),
      KeepZero(Bool(4, "optional")),
  }};
  return kMessage;
}

const MessageDescriptor& PersistentVolumeClaimVolumeSourceMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "claimName")),
      Bool(2, "readOnly"),
  }};
  return kMessage;
}

const MessageDescriptor& VolumeSourceMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "hostPath", &HostPathVolumeSourceMessage),
      Message(2, "emptyDir", &EmptyDirVolumeSourceMessage),
      Message(6, "secret", &SecretVolumeSourceMessage),
      Message(10, "persistentVolumeClaim", &PersistentVolumeClaimVolumeSourceMessage),
      Message(19, "configMap", &ConfigMapVolumeSourceMessage),
  }};
  return kMessage;
}

const MessageDescriptor& VolumeMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "name")),
      Inline(2, &VolumeSourceMessage),
  }};
  return kMessage;
}

// --- Pods ---

const MessageDescriptor& TolerationMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "key"),
      String(2, "operator"),
      String(3, "value"),
      String(4, "effect"),
      KeepZero(Int(5, "tolerationSeconds")),
  }};
  return kMessage;
}

const MessageDescriptor& HostAliasMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "ip")),
      Repeated(String(2, "hostnames")),
  }};
  return kMessage;
}

const MessageDescriptor& PodSecurityContextMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(Int(2, "runAsUser")),
      KeepZero(Bool(3, "runAsNonRoot")),
      Repeated(Int(4, "supplementalGroups")),
      KeepZero(Int(5, "fsGroup")),
      KeepZero(Int(6, "runAsGroup")),
      KeepZero(String(9, "fsGroupChangePolicy")),
      Message(10, "seccompProfile", &SeccompProfileMessage),
  }};
  return kMessage;
}

const MessageDescriptor& PodSpecMessage() {
  static const MessageDescriptor kMessage{{
      Repeated(Message(1, "volumes", &VolumeMessage)),
      Repeated(Message(20, "initContainers", &ContainerMessage)),
      Repeated(Message(2, "containers", &ContainerMessage)),
      String(3, "restartPolicy"),
      KeepZero(Int(4, "terminationGracePeriodSeconds")),
      KeepZero(Int(5, "activeDeadlineSeconds")),
      String(6, "dnsPolicy"),
      StringMap(7, "nodeSelector"),
      String(8, "serviceAccountName"),
      String(9, "serviceAccount"),
      KeepZero(Bool(21, "automountServiceAccountToken")),
      String(10, "nodeName"),
      Bool(11, "hostNetwork"),
      Bool(12, "hostPID"),
      Bool(13, "hostIPC"),
      KeepZero(Bool(27, "shareProcessNamespace")),
      Message(14, "securityContext", &PodSecurityContextMessage),
      Repeated(Message(15, "imagePullSecrets", &LocalObjectReferenceMessage)),
      String(16, "hostname"),
      String(17, "subdomain"),
      String(19, "schedulerName"),
      Repeated(Message(22, "tolerations", &TolerationMessage)),
      Repeated(Message(23, "hostAliases", &HostAliasMessage)),
      String(24, "priorityClassName"),
      KeepZero(Int(25, "priority")),
      KeepZero(String(29, "runtimeClassName")),
      KeepZero(Bool(30, "enableServiceLinks")),
      KeepZero(String(31, "preemptionPolicy")),
      KeepZero(Bool(35, "setHostnameAsFQDN")),
      KeepZero(Bool(37, "hostUsers")),
  }};
  return kMessage;
}

const MessageDescriptor& PodStatusMessage() {
  static const MessageDescriptor kMessage{{String(1, "phase")}, /*skip_unknown=*/true};
  return kMessage;
}

// --- Services ---

const MessageDescriptor& ServicePortMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "name"),
      String(2, "protocol"),
      KeepZero(String(6, "appProtocol")),
      KeepZero(Int(3, "port")),
      IntOrString(4, "targetPort"),
      Int(5, "nodePort"),
  }};
  return kMessage;
}

const MessageDescriptor& ServiceSpecMessage() {
  static const MessageDescriptor kMessage{{
      Repeated(Message(1, "ports", &ServicePortMessage)),
      StringMap(2, "selector"),
      String(3, "clusterIP"),
      Repeated(String(18, "clusterIPs")),
      String(4, "type"),
      Repeated(String(5, "externalIPs")),
      String(7, "sessionAffinity"),
      String(8, "loadBalancerIP"),
      Repeated(String(9, "loadBalancerSourceRanges")),
      String(10, "externalName"),
      String(11, "externalTrafficPolicy"),
      Int(12, "healthCheckNodePort"),
      Bool(13, "publishNotReadyAddresses"),
      Repeated(String(19, "ipFamilies")),
      KeepZero(String(17, "ipFamilyPolicy")),
      KeepZero(Bool(20, "allocateLoadBalancerNodePorts")),
      KeepZero(String(21, "loadBalancerClass")),
      KeepZero(String(22, "internalTrafficPolicy")),
  }};
  return kMessage;
}

const MessageDescriptor& ServiceStatusMessage() {
  static const MessageDescriptor kMessage{{Message(1, "loadBalancer", &IgnoredMessage)},
                                          /*skip_unknown=*/true};
  return kMessage;
}

const MessageDescriptor& NamespaceSpecMessage() {
  static const MessageDescriptor kMessage{{Repeated(String(1, "finalizers"))}};
  return kMessage;
}

const MessageDescriptor& NamespaceStatusMessage() {
  static const MessageDescriptor kMessage{{String(1, "phase")}, /*skip_unknown=*/true};
  return kMessage;
}

const MessageDescriptor& ResourceQuotaSpecMessage() {
  static const MessageDescriptor kMessage{{
      QuantityMap(1, "hard"),
      Repeated(String(2, "scopes")),
  }};
  return kMessage;
}

const MessageDescriptor& ResourceQuotaStatusMessage() {
  static const MessageDescriptor kMessage{{
      QuantityMap(1, "hard"),
      QuantityMap(2, "used"),
  }, /*skip_unknown=*/true};
  return kMessage;
}

}  // namespace

const MessageDescriptor& PodTemplateSpecMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &PodSpecMessage),
  }};
  return kMessage;
}

const MessageDescriptor& SecretMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      KeepZero(Bool(5, "immutable")),
      BytesMap(2, "data"),
      StringMap(4, "stringData"),
      String(3, "type"),
  }};
  return kMessage;
}

const MessageDescriptor& ConfigMapMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      KeepZero(Bool(4, "immutable")),
      StringMap(2, "data"),
      BytesMap(3, "binaryData"),
  }};
  return kMessage;
}

const MessageDescriptor& NamespaceMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &NamespaceSpecMessage),
      Message(3, "status", &NamespaceStatusMessage),
  }};
  return kMessage;
}

const MessageDescriptor& ServiceAccountMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Repeated(Message(2, "secrets", &ObjectReferenceMessage)),
      Repeated(Message(3, "imagePullSecrets", &LocalObjectReferenceMessage)),
      KeepZero(Bool(4, "automountServiceAccountToken")),
  }};
  return kMessage;
}

const MessageDescriptor& ServiceMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &ServiceSpecMessage),
      Message(3, "status", &ServiceStatusMessage),
  }};
  return kMessage;
}

const MessageDescriptor& PodMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &PodSpecMessage),
      Message(3, "status", &PodStatusMessage),
  }};
  return kMessage;
}

const MessageDescriptor& ResourceQuotaMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &ResourceQuotaSpecMessage),
      Message(3, "status", &ResourceQuotaStatusMessage),
  }};
  return kMessage;
}

}  // namespace upkeep::apiserver::protobuf
