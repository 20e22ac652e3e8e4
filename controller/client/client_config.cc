#include "controller/client/client_config.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <absl/strings/escaping.h>
#include <yaml-cpp/yaml.h>

namespace upkeep::controller {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return absl::DataLossError("cannot read " + path);
  return out.str();
}

// What one kubeconfig file says, with errors prefixed by "kubeconfig PATH: ".
class KubeconfigReader {
 public:
  KubeconfigReader(std::string path, YAML::Node root)
      : path_(std::move(path)), root_(std::move(root)) {
    fs::path parent = fs::path(path_).parent_path();
    dir_ = parent.empty() ? fs::path(".") : parent;
  }

  absl::StatusOr<ClientConfig> Read(const std::string& context_flag) {
    std::string context_name = context_flag;
    if (context_name.empty()) context_name = Scalar(root_["current-context"]);
    if (context_name.empty()) return Error("no current-context is set and no context was given");
    YAML::Node context = Named("contexts", "context", context_name);
    if (!context) return Error("context \"" + context_name + "\" not found");

    ClientConfig config;
    config.source = "kubeconfig " + path_ + " (context " + context_name + ")";
    config.namespace_ = Scalar(context["namespace"]);

    std::string cluster_name = Scalar(context["cluster"]);
    if (cluster_name.empty()) return Error("context \"" + context_name + "\" names no cluster");
    YAML::Node cluster = Named("clusters", "cluster", cluster_name);
    if (!cluster) {
      return Error("cluster \"" + cluster_name + "\" of context \"" + context_name +
                   "\" not found");
    }
    if (absl::Status st = ReadCluster(cluster_name, cluster, &config); !st.ok()) return st;

    std::string user_name = Scalar(context["user"]);
    if (!user_name.empty()) {
      YAML::Node user = Named("users", "user", user_name);
      if (!user) {
        return Error("user \"" + user_name + "\" of context \"" + context_name + "\" not found");
      }
      if (absl::Status st = ReadUser(user_name, user, &config); !st.ok()) return st;
    }
    return config;
  }

 private:
  absl::Status ReadCluster(const std::string& name, const YAML::Node& cluster,
                           ClientConfig* config) {
    config->server = Scalar(cluster["server"]);
    if (config->server.empty()) return Error("cluster \"" + name + "\" has no server");
    auto ca = DataOrFile(cluster, "certificate-authority-data", "certificate-authority",
                         "cluster \"" + name + "\"");
    if (!ca.ok()) return ca.status();
    config->certificate_authority_pem = *ca;
    config->insecure_skip_tls_verify = Scalar(cluster["insecure-skip-tls-verify"]) == "true";
    config->tls_server_name = Scalar(cluster["tls-server-name"]);
    return absl::OkStatus();
  }

  absl::Status ReadUser(const std::string& name, const YAML::Node& user, ClientConfig* config) {
    const std::string what = "user \"" + name + "\"";
    if (user["exec"] || user["auth-provider"]) {
      return Error(what + " uses an exec or auth-provider credential plugin, which upkeep does "
                   "not support; use a token, tokenFile or client certificate");
    }
    auto cert = DataOrFile(user, "client-certificate-data", "client-certificate", what);
    if (!cert.ok()) return cert.status();
    auto key = DataOrFile(user, "client-key-data", "client-key", what);
    if (!key.ok()) return key.status();
    if (cert->empty() != key->empty()) {
      return Error(what + " has a client " + (cert->empty() ? "key" : "certificate") +
                   " without the matching " + (cert->empty() ? "certificate" : "key"));
    }
    config->client_certificate_pem = *cert;
    config->client_key_pem = *key;
    config->bearer_token = Scalar(user["token"]);
    std::string token_file = Scalar(user["tokenFile"]);
    if (!token_file.empty()) {
      config->bearer_token_file = Resolve(token_file);
      if (!fs::exists(config->bearer_token_file)) {
        return Error(what + " tokenFile " + config->bearer_token_file + " does not exist");
      }
    }
    return absl::OkStatus();
  }

  // The decoded `data_key` or the contents of the file `file_key` names, or "" if neither.
  absl::StatusOr<std::string> DataOrFile(const YAML::Node& node, const char* data_key,
                                         const char* file_key, const std::string& what) {
    std::string data = Scalar(node[data_key]);
    if (!data.empty()) {
      std::string decoded;
      if (!absl::Base64Unescape(data, &decoded)) {
        return Error(what + " " + data_key + " is not valid base64");
      }
      return decoded;
    }
    std::string file = Scalar(node[file_key]);
    if (file.empty()) return std::string();
    std::string resolved = Resolve(file);
    auto contents = ReadWholeFile(resolved);
    if (!contents.ok()) {
      return Error(what + " " + file_key + ": " + std::string(contents.status().message()));
    }
    return *contents;
  }

  // Entries of `list` are {name: N, <field>: {...}}; the <field> of the one named `name`.
  YAML::Node Named(const char* list, const char* field, const std::string& name) {
    YAML::Node entries = root_[list];
    if (!entries || !entries.IsSequence()) return YAML::Node(YAML::NodeType::Undefined);
    for (const auto& entry : entries) {
      if (Scalar(entry["name"]) == name) {
        YAML::Node body = entry[field];
        // "user: {}" is valid: a user without credentials.
        return body ? body : YAML::Node(YAML::NodeType::Map);
      }
    }
    return YAML::Node(YAML::NodeType::Undefined);
  }

  static std::string Scalar(const YAML::Node& node) {
    if (!node || !node.IsScalar()) return "";
    return node.as<std::string>();
  }

  // Relative paths in a kubeconfig are relative to the file's folder.
  std::string Resolve(const std::string& file) const {
    fs::path p(file);
    return p.is_absolute() ? file : (dir_ / p).lexically_normal().string();
  }

  absl::Status Error(const std::string& what) const {
    return absl::InvalidArgumentError("kubeconfig " + path_ + ": " + what);
  }

  const std::string path_;
  const YAML::Node root_;
  fs::path dir_;
};

std::string Getenv(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

absl::StatusOr<ClientConfig> LoadKubeconfig(const std::string& path, const std::string& context) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return absl::NotFoundError("kubeconfig " + path + ": cannot read the file");
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError("kubeconfig " + path + ": not valid YAML: " + e.what());
  }
  if (!root.IsMap()) return absl::InvalidArgumentError("kubeconfig " + path + ": not a mapping");
  try {
    return KubeconfigReader(path, root).Read(context);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError("kubeconfig " + path + ": " + e.what());
  }
}

absl::StatusOr<ClientConfig> InClusterConfig(const std::string& account_dir) {
  std::string host = Getenv("KUBERNETES_SERVICE_HOST");
  std::string port = Getenv("KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    return absl::FailedPreconditionError(
        "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set "
        "(is this running in a pod?)");
  }
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  ClientConfig config;
  config.server = "https://" + host + ":" + port;
  config.source = "in-cluster";
  config.bearer_token_file = account_dir + "/token";
  if (auto token = ReadWholeFile(config.bearer_token_file); !token.ok()) {
    return absl::FailedPreconditionError("in-cluster config: the service account token " +
                                         config.bearer_token_file + " cannot be read");
  }
  auto ca = ReadWholeFile(account_dir + "/ca.crt");
  if (!ca.ok()) {
    return absl::FailedPreconditionError("in-cluster config: the cluster CA " + account_dir +
                                         "/ca.crt cannot be read");
  }
  config.certificate_authority_pem = *ca;
  if (auto ns = ReadWholeFile(account_dir + "/namespace"); ns.ok()) {
    config.namespace_ = *ns;
    while (!config.namespace_.empty() && std::isspace(static_cast<unsigned char>(
                                             config.namespace_.back()))) {
      config.namespace_.pop_back();
    }
  }
  return config;
}

absl::StatusOr<ClientConfig> ResolveClientConfig(const std::string& kubeconfig_flag,
                                                 const std::string& context) {
  if (!kubeconfig_flag.empty()) return LoadKubeconfig(kubeconfig_flag, context);
  std::string env = Getenv("KUBECONFIG");
  if (!env.empty()) {
    std::string first;
    std::stringstream list(env);
    for (std::string item; std::getline(list, item, ':');) {
      if (!item.empty()) {
        first = item;
        break;
      }
    }
    if (!first.empty()) return LoadKubeconfig(first, context);
  }
  if (!Getenv("KUBERNETES_SERVICE_HOST").empty()) return InClusterConfig();
  std::string home = Getenv("HOME");
  if (home.empty()) {
    return absl::FailedPreconditionError(
        "no kubeconfig: pass --kubeconfig, set KUBECONFIG, or run in a pod (HOME is not set "
        "either, so ~/.kube/config cannot be tried)");
  }
  return LoadKubeconfig(home + "/.kube/config", context);
}

}  // namespace upkeep::controller
