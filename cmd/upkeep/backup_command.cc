// `upkeep backup list|restore` and `upkeep run backup`: a BackupPolicy's backups from the
// command line, and the one run a Job executes (policy_backups.h, backup_listing.h,
// backup_restore.h; reconcilers/backup/policy_run.h for the run).
#include <cstdlib>
#include <iostream>
#include <map>

#include "backup/backup_run.h"
#include "cmd/upkeep/backup_listing.h"
#include "cmd/upkeep/backup_restore.h"
#include "cmd/upkeep/commands.h"
#include "cmd/upkeep/flags.h"
#include "cmd/upkeep/stop_signal.h"
#include "reconcilers/backup/policy_backups.h"
#include "reconcilers/backup/policy_run.h"
#include "reconcilers/backup/run_report.h"
#include "controller/client/client_config.h"
#include "controller/client/kube_client.h"
#include "controller/object/kube_time.h"

namespace upkeep::cmd {
namespace {

using namespace reconcilers::backup;  // the policy's Secrets, destination and run report

constexpr int kUsageError = 2;

constexpr char kBackupUsage[] =
    "Usage: upkeep backup <subcommand> [flags]\n"
    "\n"
    "Subcommands:\n"
    "  list        the backups at a BackupPolicy's destination, newest first\n"
    "  restore     restore one backup into a PostgreSQL database or a folder\n"
    "\n"
    "Run 'upkeep backup <subcommand> --help' for its flags.\n";

constexpr char kCommonFlags[] =
    "  --volume-root DIR  where volume claims are mounted, one folder per claim name\n"
    "                     (default: $UPKEEP_VOLUME_ROOT, else /var/lib/upkeep/volumes)\n"
    "  --kubeconfig FILE  kubeconfig to use (default: $KUBECONFIG, in-cluster, then\n"
    "                     ~/.kube/config)\n"
    "  --context NAME     kubeconfig context (default: current-context)\n";

constexpr char kListUsage[] =
    "Usage: upkeep backup list NAMESPACE/NAME [-o table|json] [flags]\n"
    "\n"
    "Reads the BackupPolicy NAMESPACE/NAME and lists the backups at its destination, newest\n"
    "first, from their manifests (the destination is the truth, not the status): ID, COMPLETED,\n"
    "SIZE (stored, compressed and encrypted), ARTIFACTS, VERIFIED (from status: yes, no, or -\n"
    "when the status does not know the backup). Manifests that cannot be read are reported on\n"
    "stderr. Backups of a policy live in <destination path>/<namespace>/<name>.\n"
    "\n"
    "Flags:\n"
    "  -o, --output FMT   table (default) or json\n";

constexpr char kRestoreUsage[] =
    "Usage: upkeep backup restore NAMESPACE/NAME (--latest | --id ID)\n"
    "                             (--to postgresql://USER@HOST[:PORT]/DB | --to-dir DIR)\n"
    "                             [--database NAME] [flags]\n"
    "\n"
    "Restores one backup of the BackupPolicy NAMESPACE/NAME. Every artifact's SHA-256 is\n"
    "checked against its manifest before anything reaches the target; the key is read from\n"
    "spec.encryption.keySecretRef.\n"
    "\n"
    "  --to URI           a database, which must exist (createdb it first): a custom dump goes\n"
    "                     through pg_restore --no-owner, a plain one through psql. The\n"
    "                     password comes from the URI or $PGPASSWORD and is never printed.\n"
    "                     ?sslmode=MODE is accepted. A backup of one database goes into the\n"
    "                     URI's database.\n"
    "  --database NAME    for a backup of every database (\"*\"): the one to restore; it goes\n"
    "                     into the URI's database, or into NAME when the URI names none\n"
    "  --to-dir DIR       a folder that is empty or does not exist (created 0700): a folder\n"
    "                     backup is extracted into it; a database backup is written there as\n"
    "                     <database>.dump (or .sql), decrypted and decompressed\n"
    "  --latest           the newest backup\n"
    "  --id ID            the backup with this ID (see upkeep backup list)\n"
    "\n"
    "Flags:\n";

constexpr char kRunUsage[] =
    "Usage: upkeep run backup NAMESPACE/NAME [--run-id ID] [--termination-log PATH] [flags]\n"
    "\n"
    "Runs one backup of the BackupPolicy NAMESPACE/NAME now, into its destination: what the\n"
    "Job of a run executes (API.md executor). Reads the policy and its Secrets (the encryption\n"
    "key, the database password), streams source -> compression -> AES-256-GCM -> destination,\n"
    "and commits the manifest last. Prints one line of JSON (result, runID, id, sizeBytes,\n"
    "sha256 of the first artifact, location, artifacts) and writes the same line to the\n"
    "termination log when that file exists and is writable. On failure the line has\n"
    "result \"Failed\" and the message, and the exit status is 1. SIGTERM stops the run; what\n"
    "it wrote is removed.\n"
    "\n"
    "Flags:\n"
    "  --run-id ID             the run's id, part of the backup id (default: manual-<unix time>)\n"
    "  --termination-log PATH  default /dev/termination-log\n";

constexpr char kRunGroupUsage[] =
    "Usage: upkeep run <kind> NAMESPACE/NAME [--run-id ID]\n"
    "\n"
    "Kinds:\n"
    "  backup       one run of a BackupPolicy\n"
    "  logrotation  one run of a LogRotation (not built yet)\n";

struct Invocation {
  std::map<std::string, std::string> flags;
  std::string ns;
  std::string name;
};

// `-o X` / `-o=X` as `--output X`: the one short flag kubectl users type without thinking.
std::vector<std::string> ExpandShortOutput(std::vector<std::string> args) {
  for (std::string& a : args) {
    if (a == "-o") a = "--output";
    if (a.rfind("-o=", 0) == 0) a = "--output=" + a.substr(3);
  }
  return args;
}

// Parses flags and the NAMESPACE/NAME operand; "" when fine, else the usage error.
std::string ParseInvocation(const std::vector<std::string>& args,
                            const std::vector<std::string>& known,
                            const std::vector<std::string>& booleans, Invocation* out) {
  std::vector<std::string> operands;
  std::string error;
  if (!ParseFlags(args, booleans, &out->flags, &operands, &error)) return error;
  for (const auto& [name, value] : out->flags) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return "unknown flag --" + name;
    }
  }
  if (operands.size() != 1) {
    return operands.empty() ? "which BackupPolicy? Give NAMESPACE/NAME"
                            : "one BackupPolicy at a time";
  }
  const std::string& ref = operands[0];
  size_t slash = ref.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == ref.size() ||
      ref.find('/', slash + 1) != std::string::npos) {
    return "\"" + ref + "\" is not NAMESPACE/NAME";
  }
  out->ns = ref.substr(0, slash);
  out->name = ref.substr(slash + 1);
  return "";
}

std::string Flag(const Invocation& inv, const std::string& name) {
  auto it = inv.flags.find(name);
  return it == inv.flags.end() ? "" : it->second;
}

absl::StatusOr<std::unique_ptr<controller::KubeClient>> Connect(const Invocation& inv,
                                                                const std::string& user_agent) {
  absl::StatusOr<controller::ClientConfig> config =
      controller::ResolveClientConfig(Flag(inv, "kubeconfig"), Flag(inv, "context"));
  if (!config.ok()) return config.status();
  controller::ClientOptions options;
  options.user_agent = user_agent;
  return controller::KubeClient::Create(*config, options);
}

int Fail(const std::string& command, const absl::Status& status) {
  std::cerr << "upkeep " << command << ": " << status.message() << "\n";
  return 1;
}

int RunList(const std::vector<std::string>& raw_args) {
  std::vector<std::string> args = ExpandShortOutput(raw_args);
  auto usage_error = [](const std::string& message) {
    std::cerr << "upkeep backup list: " << message << "\n\n" << kListUsage << kCommonFlags;
    return kUsageError;
  };
  if (WantsHelp(args)) {
    std::cout << kListUsage << kCommonFlags;
    return 0;
  }
  Invocation inv;
  std::string error =
      ParseInvocation(args, {"output", "volume-root", "kubeconfig", "context"}, {}, &inv);
  if (!error.empty()) return usage_error(error);
  const std::string output = Flag(inv, "output").empty() ? "table" : Flag(inv, "output");
  if (output != "table" && output != "json") {
    return usage_error("--output is table or json, not \"" + output + "\"");
  }

  auto client = Connect(inv, "upkeep-backup-list");
  if (!client.ok()) return Fail("backup list", client.status());
  auto policy = ReadBackupPolicy(**client, inv.ns, inv.name);
  if (!policy.ok()) return Fail("backup list", policy.status());
  auto store = OpenBackupDestination(**client, *policy, VolumeRootFrom(Flag(inv, "volume-root")));
  if (!store.ok()) return Fail("backup list", store.status());
  std::vector<std::string> problems;
  auto manifests = (*store)->ListBackups(&problems);
  if (!manifests.ok()) return Fail("backup list", manifests.status());

  for (const std::string& p : problems) std::cerr << "upkeep backup list: skipped: " << p << "\n";
  if (output == "json") {
    std::cout << BackupListJson((*store)->Location(), *manifests, policy->status, problems).dump(2)
              << "\n";
  } else if (manifests->empty()) {
    std::cerr << "No backups in " << (*store)->Location() << ".\n";
  } else {
    std::cout << FormatBackupTable(*manifests, policy->status);
  }
  return 0;
}

int RunRestore(const std::vector<std::string>& args) {
  auto usage_error = [](const std::string& message) {
    std::cerr << "upkeep backup restore: " << message << "\n\n" << kRestoreUsage << kCommonFlags;
    return kUsageError;
  };
  if (WantsHelp(args)) {
    std::cout << kRestoreUsage << kCommonFlags;
    return 0;
  }
  Invocation inv;
  std::string error = ParseInvocation(
      args, {"latest", "id", "to", "to-dir", "database", "volume-root", "kubeconfig", "context"},
      {"latest"}, &inv);
  if (!error.empty()) return usage_error(error);
  const bool latest = inv.flags.count("latest") > 0 && Flag(inv, "latest") != "false";
  const std::string id = Flag(inv, "id");
  if (latest == !id.empty()) return usage_error("give exactly one of --latest and --id ID");
  const std::string to = Flag(inv, "to");
  const std::string to_dir = Flag(inv, "to-dir");
  if (to.empty() == to_dir.empty()) {
    return usage_error("give exactly one of --to postgresql://... and --to-dir DIR");
  }
  std::optional<backup::PostgresConnection> target;
  if (!to.empty()) {
    const char* env_password = std::getenv("PGPASSWORD");
    auto parsed = ParsePostgresTarget(to, env_password != nullptr ? env_password : "");
    if (!parsed.ok()) return usage_error(std::string(parsed.status().message()));
    target = std::move(*parsed);
  } else if (inv.flags.count("database") > 0) {
    return usage_error("--database goes with --to");
  }

  auto client = Connect(inv, "upkeep-backup-restore");
  if (!client.ok()) return Fail("backup restore", client.status());
  auto policy = ReadBackupPolicy(**client, inv.ns, inv.name);
  if (!policy.ok()) return Fail("backup restore", policy.status());
  auto store = OpenBackupDestination(**client, *policy, VolumeRootFrom(Flag(inv, "volume-root")));
  if (!store.ok()) return Fail("backup restore", store.status());
  std::vector<std::string> problems;
  auto manifests = (*store)->ListBackups(&problems);
  if (!manifests.ok()) return Fail("backup restore", manifests.status());
  auto manifest = PickBackup(*manifests, id, (*store)->Location());
  if (!manifest.ok()) return Fail("backup restore", manifest.status());
  auto key = ReadBackupKey(**client, *policy);
  if (!key.ok()) return Fail("backup restore", key.status());

  if (target) {
    auto restored = RestoreToDatabase(**store, *manifest, *key, *target, Flag(inv, "database"));
    if (!restored.ok()) return Fail("backup restore", restored.status());
    for (const PlannedRestore& r : *restored) {
      backup::PostgresConnection into = *target;
      into.database = r.into;
      std::cout << "restored " << r.artifact.name << " of backup " << manifest->id << " into "
                << DescribeTarget(into) << "\n";
    }
  } else {
    auto restored = RestoreToDirectory(**store, *manifest, *key, to_dir);
    if (!restored.ok()) return Fail("backup restore", restored.status());
    for (const PlannedRestore& r : *restored) {
      std::cout << "restored " << r.artifact.name << " of backup " << manifest->id << " into "
                << (manifest->source_kind == "postgres" ? to_dir + "/" + r.into : to_dir) << "\n";
    }
  }
  return 0;
}

int RunBackupNow(const std::vector<std::string>& args) {
  auto usage_error = [](const std::string& message) {
    std::cerr << "upkeep run backup: " << message << "\n\n" << kRunUsage << kCommonFlags;
    return kUsageError;
  };
  if (WantsHelp(args)) {
    std::cout << kRunUsage << kCommonFlags;
    return 0;
  }
  Invocation inv;
  std::string error = ParseInvocation(
      args, {"run-id", "termination-log", "volume-root", "kubeconfig", "context"}, {}, &inv);
  if (!error.empty()) return usage_error(error);
  std::string run_id = Flag(inv, "run-id");
  if (run_id.empty()) {
    run_id = "manual-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  }
  const std::string termination_log = inv.flags.count("termination-log") > 0
                                          ? Flag(inv, "termination-log")
                                          : kDefaultTerminationLogPath;
  StopSignal stop;

  auto report_failure = [&](const absl::Status& status) {
    reconcilers::backup::PolicyRunOutcome failed;
    failed.run_id = run_id;
    failed.message = std::string(status.message());
    std::string line = ReportLine(RunReport(failed));
    std::cout << line << "\n";
    WriteTerminationMessage(termination_log, line);
    return Fail("run backup", status);
  };
  auto client = Connect(inv, "upkeep-run-backup");
  if (!client.ok()) return report_failure(client.status());
  auto policy = ReadBackupPolicy(**client, inv.ns, inv.name);
  if (!policy.ok()) return report_failure(policy.status());
  reconcilers::backup::PolicyRunOptions options;
  options.run_id = run_id;
  options.volume_root = VolumeRootFrom(Flag(inv, "volume-root"));
  reconcilers::backup::PolicyRunOutcome outcome =
      reconcilers::backup::RunPolicyBackup(**client, *policy, options, stop.token());
  std::string line = ReportLine(RunReport(outcome));
  std::cout << line << "\n";
  WriteTerminationMessage(termination_log, line);
  if (!outcome.succeeded) {
    std::cerr << "upkeep run backup: " << outcome.message << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int RunBackupCommand(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << kBackupUsage;
    return kUsageError;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kBackupUsage;
    return 0;
  }
  if (args[0] == "list") return RunList({args.begin() + 1, args.end()});
  if (args[0] == "restore") return RunRestore({args.begin() + 1, args.end()});
  std::cerr << "upkeep backup: unknown subcommand \"" << args[0] << "\"\n\n" << kBackupUsage;
  return kUsageError;
}

int RunRunCommand(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << kRunGroupUsage;
    return kUsageError;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kRunGroupUsage;
    return 0;
  }
  if (args[0] == "backup") return RunBackupNow({args.begin() + 1, args.end()});
  if (args[0] == "logrotation") {
    std::cerr << "upkeep run logrotation: not built yet in this version of upkeep\n";
    return 1;
  }
  std::cerr << "upkeep run: unknown kind \"" << args[0] << "\"\n\n" << kRunGroupUsage;
  return kUsageError;
}

}  // namespace upkeep::cmd
