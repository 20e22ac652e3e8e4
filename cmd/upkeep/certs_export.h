// `upkeep certs export`: a CertRenewal's certificate and key, read through the API, written
// into a folder on this host as the files certbot's live/ folder has (certificate_files.h),
// for a web server that is not in the cluster: gather (the CertRenewal, then its Secret),
// decide (the files, checked), apply (ReplaceFilesAtomically). Nothing is written unless the
// whole set is good.
//
// Thread-compatible; the client is borrowed for the call.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "controller/client/kube_client.h"

namespace upkeep::cmd {

// The file names, in the order they are renamed into place: the key right next to the
// certificate servers load with it.
inline constexpr char kPrivkeyFile[] = "privkey.pem";
inline constexpr char kFullchainFile[] = "fullchain.pem";
inline constexpr char kCertFile[] = "cert.pem";
inline constexpr char kChainFile[] = "chain.pem";
inline constexpr char kCaFile[] = "ca.pem";

struct CertsExportResult {
  std::string secret_name;           // spec.secretName
  std::vector<std::string> written;  // file names in the folder, in the order above
  // A ca.pem left by an earlier export was removed because the Secret has no ca.crt now; kept,
  // it would name a CA that did not issue the certificate next to it.
  bool removed_stale_ca = false;
  std::string serial_number;  // the leaf's, lower-case hex
  std::chrono::system_clock::time_point not_after;
};

// Reads CertRenewal `ns`/`name` and the Secret its spec.secretName names in the same
// namespace, checks them, and only then writes into `dir` (created 0755 when missing):
// cert.pem, chain.pem (may be empty), fullchain.pem and ca.pem 0644, privkey.pem 0600.
//
// Errors name the object and what is wrong, and leave `dir` untouched: NotFound for a missing
// CertRenewal or Secret (with the CertRenewal's Ready condition, which says why nothing was
// issued), InvalidArgument for a CertRenewal without spec.secretName or a Secret a server
// could not use, the client's error with the server's address when the API cannot be read.
// File-system errors are ReplaceFilesAtomically's.
absl::StatusOr<CertsExportResult> ExportCertificate(controller::KubeClient& client,
                                                    const std::string& ns, const std::string& name,
                                                    const std::filesystem::path& dir);

}  // namespace upkeep::cmd
