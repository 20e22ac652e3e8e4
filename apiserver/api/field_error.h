// FieldError: one problem with one field of an object, in the shape Kubernetes reports it
// (k8s.io/apimachinery/pkg/util/validation/field). Validators return a list of these; the REST
// layer turns them into an Invalid (422) Status whose causes name each field.
// Value type; thread-compatible.
#pragma once

#include <string>
#include <vector>

namespace upkeep::apiserver {

struct FieldError {
  // The cause reason Kubernetes uses, e.g. "FieldValueRequired", "FieldValueInvalid",
  // "FieldValueNotSupported", "FieldValueTypeInvalid", "FieldValueTooLong",
  // "FieldValueTooMany", "FieldValueDuplicate", "FieldValueForbidden".
  std::string reason;
  // Dotted path with indexes, e.g. "spec.containers[0].name", "metadata.labels".
  std::string field;
  // The text after the path, e.g. "Required value" or
  // "Invalid value: \"x\": must be no more than 63 characters".
  std::string detail;

  // "spec.replicas: Invalid value: ..." as kubectl prints it.
  std::string ToString() const { return field.empty() ? detail : field + ": " + detail; }
};

using FieldErrors = std::vector<FieldError>;

}  // namespace upkeep::apiserver
