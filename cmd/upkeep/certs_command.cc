// `upkeep certs export`: a CertRenewal's certificate as files for a server on this host
// (certs_export.h).
#include <iostream>
#include <map>

#include "cmd/upkeep/certs_export.h"
#include "cmd/upkeep/commands.h"
#include "cmd/upkeep/flags.h"
#include "controller/client/client_config.h"
#include "controller/client/kube_client.h"
#include "controller/object/kube_time.h"

namespace upkeep::cmd {
namespace {

constexpr char kCertsUsage[] =
    "Usage: upkeep certs <subcommand> [flags]\n"
    "\n"
    "Subcommands:\n"
    "  export      write a CertRenewal's certificate and key into a folder for a server on\n"
    "              this host (nginx, HAProxy, Postfix)\n"
    "\n"
    "Run 'upkeep certs <subcommand> --help' for its flags.\n";

constexpr char kExportUsage[] =
    "Usage: upkeep certs export NAMESPACE/NAME --dir DIR [--kubeconfig FILE] [--context NAME]\n"
    "\n"
    "Reads the CertRenewal NAMESPACE/NAME and the kubernetes.io/tls Secret its spec.secretName\n"
    "names, checks that the certificate chain and the private key are readable and belong\n"
    "together, and writes into DIR the files certbot's live/ folder has:\n"
    "\n"
    "  cert.pem       the certificate alone\n"
    "  chain.pem      the intermediate certificates after it (empty for a self-signed one)\n"
    "  fullchain.pem  the certificate and its chain, as tls.crt (nginx: ssl_certificate)\n"
    "  privkey.pem    the private key, mode 0600 (nginx: ssl_certificate_key)\n"
    "  ca.pem         the issuing CA, when the Secret has ca.crt (removed when it has none)\n"
    "\n"
    "Each file is written under a temporary name and fsync'ed; only when all are on disk are\n"
    "they renamed into place, so a server reloading meanwhile never reads a half-written file.\n"
    "When anything is wrong, nothing in DIR changes. Reload the server afterwards\n"
    "(nginx -s reload). Prints one line: the files, the serial number and notAfter.\n"
    "\n"
    "Flags:\n"
    "  --dir DIR          where to write the files; created (mode 0755) when missing\n"
    "  --kubeconfig FILE  kubeconfig to use (default: $KUBECONFIG, in-cluster, then\n"
    "                     ~/.kube/config)\n"
    "  --context NAME     kubeconfig context (default: current-context)\n"
    "\n"
    "Exit status: 0 when written, 1 when the objects or the files are not as needed, 2 on\n"
    "bad usage.\n";

constexpr int kUsageError = 2;

int UsageError(const std::string& message) {
  std::cerr << "upkeep certs export: " << message << "\n\n" << kExportUsage;
  return kUsageError;
}

int RunExport(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::cout << kExportUsage;
    return 0;
  }
  std::map<std::string, std::string> flags;
  std::vector<std::string> operands;
  std::string error;
  if (!ParseFlags(args, {"help"}, &flags, &operands, &error)) return UsageError(error);
  std::string dir, kubeconfig, context;
  for (const auto& [name, value] : flags) {
    if (name == "dir") {
      dir = value;
    } else if (name == "kubeconfig") {
      kubeconfig = value;
    } else if (name == "context") {
      context = value;
    } else {
      return UsageError("unknown flag --" + name);
    }
  }
  if (operands.size() != 1) {
    return UsageError(operands.empty() ? "which CertRenewal? Give NAMESPACE/NAME"
                                       : "one CertRenewal at a time");
  }
  const std::string& ref = operands[0];
  size_t slash = ref.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == ref.size() ||
      ref.find('/', slash + 1) != std::string::npos) {
    return UsageError("\"" + ref + "\" is not NAMESPACE/NAME");
  }
  if (dir.empty()) return UsageError("--dir is required");

  absl::StatusOr<controller::ClientConfig> config =
      controller::ResolveClientConfig(kubeconfig, context);
  if (!config.ok()) {
    std::cerr << "upkeep certs export: " << config.status().message() << "\n";
    return 1;
  }
  controller::ClientOptions options;
  options.user_agent = "upkeep-certs-export";
  absl::StatusOr<std::unique_ptr<controller::KubeClient>> client =
      controller::KubeClient::Create(*config, options);
  if (!client.ok()) {
    std::cerr << "upkeep certs export: " << client.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<CertsExportResult> result =
      ExportCertificate(**client, ref.substr(0, slash), ref.substr(slash + 1), dir);
  if (!result.ok()) {
    std::cerr << "upkeep certs export: " << result.status().message() << "\n";
    return 1;
  }
  std::string written;
  for (const std::string& name : result->written) written += (written.empty() ? "" : ", ") + name;
  std::cout << "wrote " << written << " to " << dir << " from Secret " << ref.substr(0, slash)
            << "/" << result->secret_name
            << (result->removed_stale_ca ? " (removed ca.pem: the Secret has no ca.crt)" : "")
            << ": serial " << result->serial_number << ", notAfter "
            << controller::FormatRfc3339(result->not_after) << "\n";
  return 0;
}

}  // namespace

int RunCerts(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << kCertsUsage;
    return kUsageError;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kCertsUsage;
    return 0;
  }
  if (args[0] == "export") return RunExport({args.begin() + 1, args.end()});
  std::cerr << "upkeep certs: unknown subcommand \"" << args[0] << "\"\n\n" << kCertsUsage;
  return kUsageError;
}

}  // namespace upkeep::cmd
