#include "cmd/upkeep/certs_export.h"

#include <system_error>

#include "cmd/upkeep/atomic_file_set.h"
#include "cmd/upkeep/certificate_files.h"
#include "controller/client/api_error.h"
#include "controller/object/conditions.h"
#include "crds/v1alpha1/group_version.h"

namespace upkeep::cmd {
namespace {

using nlohmann::json;

// Why the CertRenewal has no usable Secret, in its own words: " (Ready=False, Reason: msg)".
std::string ReadyNote(const json& cert_renewal) {
  std::optional<controller::Condition> ready = controller::FindCondition(cert_renewal, "Ready");
  if (!ready) return " (the CertRenewal has no Ready condition yet: is the operator running?)";
  std::string note = " (CertRenewal Ready=" + ready->status;
  if (!ready->reason.empty()) note += ", " + ready->reason;
  if (!ready->message.empty()) note += ": " + ready->message;
  return note + ")";
}

// A failed read says which server it asked: the kubeconfig may not point where one thinks.
absl::Status WithServer(const absl::Status& status, const controller::KubeClient& client) {
  return absl::Status(status.code(),
                      std::string(status.message()) + " (API server " + client.Host() + ")");
}

std::string SecretNameOf(const json& cert_renewal) {
  auto spec = cert_renewal.find("spec");
  if (spec == cert_renewal.end() || !spec->is_object()) return "";
  auto name = spec->find("secretName");
  return name != spec->end() && name->is_string() ? name->get<std::string>() : "";
}

std::vector<FileToWrite> FilesToWrite(const CertificateFiles& files) {
  std::vector<FileToWrite> out(4);
  out[0].name = kPrivkeyFile;
  out[0].contents = files.privkey_pem;
  out[0].mode = 0600;
  out[1].name = kFullchainFile;
  out[1].contents = files.fullchain_pem;
  out[2].name = kCertFile;
  out[2].contents = files.cert_pem;
  out[3].name = kChainFile;
  out[3].contents = files.chain_pem;
  if (files.ca_pem) {
    FileToWrite ca;
    ca.name = kCaFile;
    ca.contents = *files.ca_pem;
    out.push_back(std::move(ca));
  }
  return out;
}

}  // namespace

absl::StatusOr<CertsExportResult> ExportCertificate(controller::KubeClient& client,
                                                    const std::string& ns, const std::string& name,
                                                    const std::filesystem::path& dir) {
  const std::string cr_ref = "CertRenewal " + ns + "/" + name;
  absl::StatusOr<json> cert_renewal = client.Get(api::v1alpha1::CertRenewals(), ns, name);
  if (!cert_renewal.ok()) {
    if (controller::IsNotFound(cert_renewal.status())) {
      return absl::NotFoundError(cr_ref + " not found (" +
                                 std::string(cert_renewal.status().message()) + ")");
    }
    return WithServer(cert_renewal.status(), client);
  }
  std::string secret_name = SecretNameOf(*cert_renewal);
  if (secret_name.empty()) {
    return absl::InvalidArgumentError(cr_ref + " has no spec.secretName");
  }

  const std::string secret_ref =
      "Secret " + ns + "/" + secret_name + " (spec.secretName of " + cr_ref + ")";
  absl::StatusOr<json> secret = client.Get(controller::resources::Secrets(), ns, secret_name);
  if (!secret.ok()) {
    if (controller::IsNotFound(secret.status())) {
      return absl::NotFoundError(secret_ref + " does not exist: no certificate has been issued" +
                                 ReadyNote(*cert_renewal));
    }
    return WithServer(secret.status(), client);
  }
  absl::StatusOr<CertificateFiles> files = CertificateFilesFromTlsSecret(*secret);
  if (!files.ok()) {
    return absl::InvalidArgumentError(secret_ref +
                                      " cannot be used: " + std::string(files.status().message()) +
                                      ReadyNote(*cert_renewal));
  }

  std::vector<FileToWrite> to_write = FilesToWrite(*files);
  if (absl::Status st = ReplaceFilesAtomically(dir, to_write); !st.ok()) return st;
  CertsExportResult result;
  result.secret_name = secret_name;
  for (const FileToWrite& f : to_write) result.written.push_back(f.name);
  result.serial_number = files->serial_number;
  result.not_after = files->not_after;
  if (!files->ca_pem) {
    std::error_code ec;
    result.removed_stale_ca = std::filesystem::remove(dir / kCaFile, ec);
    if (ec) {
      const std::string stale_ca = (dir / kCaFile).string();
      return absl::ErrnoToStatus(ec.value(), "the certificate files were written, but removing " +
                                                 stale_ca + " (the Secret has no ca.crt) failed");
    }
  }
  return result;
}

}  // namespace upkeep::cmd
