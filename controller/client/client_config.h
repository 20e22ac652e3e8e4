// ClientConfig: where the API server is and how to authenticate, from a kubeconfig file or
// the in-cluster service account, as client-go's clientcmd and rest.InClusterConfig read them.
#pragma once

#include <string>

#include <absl/status/statusor.h>

namespace upkeep::controller {

struct ClientConfig {
  std::string server;                   // "https://10.0.0.1:443" or "http://127.0.0.1:6443"
  std::string certificate_authority_pem;  // CA bundle to verify the server; "" = system roots
  std::string client_certificate_pem;     // client certificate authentication, with the key
  std::string client_key_pem;
  std::string bearer_token;             // static token
  // A token file re-read when it changes (the projected service-account token rotates);
  // wins over `bearer_token`.
  std::string bearer_token_file;
  // Only when the kubeconfig says insecure-skip-tls-verify: true.
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;          // SNI / name to verify, when not the server's host
  std::string namespace_;               // the context's namespace, or the pod's; "" if unset
  std::string source;                   // "kubeconfig /path (context x)" or "in-cluster"
};

// Reads a kubeconfig file: `context` or else current-context; cluster server, CA
// (certificate-authority-data or certificate-authority, relative paths against the file's
// folder), insecure-skip-tls-verify, tls-server-name; user client-certificate(-data),
// client-key(-data), token, tokenFile. Errors name the file and the missing piece.
absl::StatusOr<ClientConfig> LoadKubeconfig(const std::string& path,
                                            const std::string& context = "");

// The in-cluster service account: KUBERNETES_SERVICE_HOST/PORT and the files under
// `account_dir` (token, ca.crt, namespace). The token is read through bearer_token_file, so
// a rotated token is picked up.
absl::StatusOr<ClientConfig> InClusterConfig(
    const std::string& account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// What `--kubeconfig` means for every upkeep command: the flag if given, else $KUBECONFIG
// (first file of a colon-separated list), else in-cluster when KUBERNETES_SERVICE_HOST is
// set, else ~/.kube/config.
absl::StatusOr<ClientConfig> ResolveClientConfig(const std::string& kubeconfig_flag,
                                                 const std::string& context = "");

}  // namespace upkeep::controller
