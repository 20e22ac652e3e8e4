#include "cmd/upkeep/operator_flags.h"

#include <cstdlib>
#include <iostream>

#include "controller/logging/log_level.h"
#include "controller/logging/log_sink.h"
#include "reconcilers/backup/backuppolicy_reconciler.h"
#include "reconcilers/certs/certrenewal_reconciler.h"

namespace upkeep::cmd {

FlagResult ApplyOperatorFlag(const std::string& name, const std::string& value,
                             controller::ManagerOptions* options, std::string* error) {
  if (name == "metrics-bind-address") {
    options->metrics_bind_address = value;
  } else if (name == "health-probe-bind-address") {
    options->health_probe_bind_address = value;
  } else if (name == "log-level") {
    absl::StatusOr<controller::LogLevel> level = controller::ParseLogLevel(value);
    if (!level.ok()) {
      *error = std::string(level.status().message());
      return FlagResult::kInvalid;
    }
    options->log = controller::Logger(controller::LogSink::Stderr(*level));
  } else if (name == "kube-api-qps" || name == "kube-api-burst") {
    // The client-side limit on requests to the API server (cert-manager's flags).
    char* end = nullptr;
    double number = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || number < 0 ||
        (name == "kube-api-burst" && (number < 1 || number != static_cast<int>(number)))) {
      *error = "--" + name + " must be " +
               (name == "kube-api-qps" ? "a number >= 0 (0: no limit)" : "a whole number >= 1") +
               ", not \"" + value + "\"";
      return FlagResult::kInvalid;
    }
    if (name == "kube-api-qps") {
      options->client_options.qps = number;
    } else {
      options->client_options.burst = static_cast<int>(number);
    }
  } else if (name == "namespace") {
    options->namespace_ = value;
  } else if (name == "leader-elect") {
    options->leader_elect = value != "false";
  } else if (name == "leader-election-namespace") {
    options->leader_election_namespace = value;
  } else if (name == "leader-election-id") {
    options->leader_election_id = value;
  } else {
    return FlagResult::kUnknown;
  }
  return FlagResult::kApplied;
}

int RunOperator(controller::ManagerOptions options, const StopSignal& stop,
                const std::string& command) {
  controller::Logger log = options.log;
  absl::StatusOr<std::unique_ptr<controller::Manager>> manager =
      controller::Manager::Create(std::move(options));
  if (!manager.ok()) {
    std::cerr << "upkeep " << command << ": " << manager.status().message() << "\n";
    return 1;
  }
  // The reconcilers register here as they land (reconcilers/<kind>/).
  reconcilers::certs::AcmeIssuerOptions acme;
  // On one machine the HTTP-01 solver sits behind the host's own web server.
  if (command == "dev") acme.solver_address = "127.0.0.1";
  if (const char* pod_ip = std::getenv("POD_IP")) acme.solver_pod_ip = pod_ip;
  reconcilers::certs::CertRenewalController certs(**manager, acme);
  reconcilers::backup::BackupPolicyControllerOptions backup;
  // On one machine backups run in the process; in a cluster each run is a Job.
  if (command == "dev") backup.default_mode = api::v1alpha1::ExecutorSpec::Mode::kInline;
  if (const char* image = std::getenv("UPKEEP_IMAGE")) backup.runner_image = image;
  reconcilers::backup::BackupPolicyController backups(**manager, backup);
  log.Info("Starting manager", {{"identity", (*manager)->identity()}});
  absl::Status result = (*manager)->Run(stop.token());
  if (!result.ok()) {
    log.Error("manager stopped", result);
    return 1;
  }
  log.Info("Stopped cleanly");
  return 0;
}

}  // namespace upkeep::cmd
