#include "controller/manifests/manifests.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "apiserver/apply/apply_body.h"
#include "controller/client/api_error.h"

namespace upkeep::controller {
namespace fs = std::filesystem;
namespace {

bool IsManifestFile(const fs::path& p) {
  std::string ext = p.extension().string();
  if (ext != ".yaml" && ext != ".yml" && ext != ".json") return false;
  return p.filename() != "kustomization.yaml" && p.filename() != "kustomization.yml";
}

// Splits a YAML stream at "---" lines.
std::vector<std::string> SplitDocuments(const std::string& text) {
  std::vector<std::string> docs(1);
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("---", 0) == 0 && line.find_first_not_of("- \t\r", 3) == std::string::npos) {
      docs.emplace_back();
      continue;
    }
    docs.back() += line + "\n";
  }
  return docs;
}

bool IsBlank(const std::string& doc) {
  std::istringstream in(doc);
  std::string line;
  while (std::getline(in, line)) {
    size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos && line[first] != '#') return false;
  }
  return true;
}

std::string GroupOf(const std::string& api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string::npos ? "" : api_version.substr(0, slash);
}

std::string VersionOf(const std::string& api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string::npos ? api_version : api_version.substr(slash + 1);
}

bool IsClusterScopedBuiltin(const std::string& group, const std::string& kind) {
  static const std::vector<std::pair<std::string, std::string>> kCluster = {
      {"", "Namespace"},
      {"", "Node"},
      {"", "PersistentVolume"},
      {"rbac.authorization.k8s.io", "ClusterRole"},
      {"rbac.authorization.k8s.io", "ClusterRoleBinding"},
      {"apiextensions.k8s.io", "CustomResourceDefinition"},
      {"storage.k8s.io", "StorageClass"},
      {"scheduling.k8s.io", "PriorityClass"},
      {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"},
      {"admissionregistration.k8s.io", "MutatingWebhookConfiguration"},
  };
  return std::find(kCluster.begin(), kCluster.end(), std::make_pair(group, kind)) !=
         kCluster.end();
}

}  // namespace

absl::StatusOr<std::vector<nlohmann::json>> ReadManifests(const std::string& path) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.is_regular_file() && IsManifestFile(entry.path())) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
  } else {
    return absl::NotFoundError("manifests: no file or folder " + path);
  }
  std::vector<nlohmann::json> objects;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) return absl::NotFoundError("manifests: cannot read " + file.string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    int n = 0;
    for (const std::string& doc : SplitDocuments(buffer.str())) {
      ++n;
      if (IsBlank(doc)) continue;
      absl::StatusOr<nlohmann::json> object = apiserver::ParseApplyBody(doc);
      if (!object.ok()) {
        return absl::InvalidArgumentError("manifests: " + file.string() + " document " +
                                          std::to_string(n) + ": " +
                                          std::string(object.status().message()));
      }
      if (!object->contains("apiVersion") || !object->contains("kind")) {
        return absl::InvalidArgumentError("manifests: " + file.string() + " document " +
                                          std::to_string(n) + " has no apiVersion or kind");
      }
      if ((*object)["kind"] == "List" && object->contains("items")) {
        for (auto& item : (*object)["items"]) objects.push_back(std::move(item));
      } else {
        objects.push_back(std::move(*object));
      }
    }
  }
  return objects;
}

std::string GuessResourceForKind(const std::string& kind) {
  std::string lower = kind;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.empty()) return lower;
  if (lower == "endpoints") return lower;
  auto ends_with = [&](const std::string& suffix) {
    return lower.size() >= suffix.size() &&
           lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("s") || ends_with("x") || ends_with("z") || ends_with("ch") || ends_with("sh")) {
    return lower + "es";
  }
  if (ends_with("y") && lower.size() > 1 &&
      std::string("aeiou").find(lower[lower.size() - 2]) == std::string::npos) {
    return lower.substr(0, lower.size() - 1) + "ies";
  }
  return lower + "s";
}

ManifestApplier::ManifestApplier(KubeClient& client, std::string field_manager)
    : client_(client), field_manager_(std::move(field_manager)) {}

absl::StatusOr<ResourceType> ManifestApplier::TypeOf(const nlohmann::json& object) const {
  std::string api_version = object.value("apiVersion", "");
  std::string kind = object.value("kind", "");
  ResourceType type;
  type.group = GroupOf(api_version);
  type.version = VersionOf(api_version);
  type.kind = kind;
  auto custom = custom_.find(type.group + "/" + kind);
  if (custom != custom_.end()) {
    type.resource = custom->second.resource;
    type.namespaced = custom->second.namespaced;
    return type;
  }
  type.resource = GuessResourceForKind(kind);
  type.namespaced = !IsClusterScopedBuiltin(type.group, kind);
  return type;
}

absl::Status ManifestApplier::ApplyOne(const nlohmann::json& object,
                                       const std::string& default_namespace) {
  absl::StatusOr<ResourceType> type = TypeOf(object);
  if (!type.ok()) return type.status();
  nlohmann::json body = object;
  std::string name = body["metadata"].value("name", "");
  std::string ns;
  if (type->namespaced) {
    ns = body["metadata"].value("namespace", default_namespace);
    body["metadata"]["namespace"] = ns;
  }
  WriteOptions options;
  options.force = true;
  absl::StatusOr<nlohmann::json> applied =
      client_.Patch(*type, ns, name, PatchType::kApply, body, options);
  if (!applied.ok()) return applied.status();
  return absl::OkStatus();
}

absl::Status ManifestApplier::Apply(const std::vector<nlohmann::json>& objects,
                                    const std::string& default_namespace,
                                    std::chrono::milliseconds wait) {
  std::vector<const nlohmann::json*> crds, namespaces, rest;
  for (const auto& object : objects) {
    const std::string kind = object.value("kind", "");
    if (kind == "CustomResourceDefinition") crds.push_back(&object);
    else if (kind == "Namespace") namespaces.push_back(&object);
    else rest.push_back(&object);
  }
  for (const nlohmann::json* crd : crds) {
    if (absl::Status st = ApplyOne(*crd, default_namespace); !st.ok()) return st;
    const nlohmann::json& spec = (*crd)["spec"];
    ResourceType type;
    type.group = spec.value("group", "");
    type.kind = spec["names"].value("kind", "");
    type.resource = spec["names"].value("plural", "");
    type.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    custom_[type.group + "/" + type.kind] = type;
  }
  for (const nlohmann::json* ns : namespaces) {
    if (absl::Status st = ApplyOne(*ns, default_namespace); !st.ok()) return st;
  }
  for (const nlohmann::json* object : rest) {
    // A CRD just created may not be served for a moment; retry NotFound until `wait`.
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (true) {
      absl::Status st = ApplyOne(*object, default_namespace);
      if (st.ok()) break;
      if (!controller::IsNotFound(st) || std::chrono::steady_clock::now() >= deadline) return st;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return absl::OkStatus();
}

}  // namespace upkeep::controller
