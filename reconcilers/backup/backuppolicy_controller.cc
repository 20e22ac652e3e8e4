// BackupPolicyController: the wiring of the BackupPolicy reconciler into a manager.
#include <atomic>

#include "controller/informer/informer.h"
#include "controller/metrics/metrics.h"
#include "controller/metrics/refreshing_collectable.h"
#include "crds/v1alpha1/group_version.h"
#include "reconcilers/backup/backuppolicy_reconciler.h"
#include "reconcilers/backup/inline_executor.h"
#include "reconcilers/backup/job_executor.h"
#include "reconcilers/backup/policy_backups.h"

namespace upkeep::reconcilers::backup {
namespace {

// Sets the backup gauges from the BackupPolicy cache before each scrape.
class BackupGaugeRefresher final : public controller::GaugeRefresher {
 public:
  BackupGaugeRefresher(const controller::CacheReader& cache, BackupMetrics& metrics)
      : cache_(cache), metrics_(metrics) {}
  void Refresh() override { metrics_.Refresh(cache_.List()); }

 private:
  const controller::CacheReader& cache_;
  BackupMetrics& metrics_;
};

}  // namespace

BackupPolicyController::BackupPolicyController(controller::Manager& manager,
                                               BackupPolicyControllerOptions options)
    : metrics_(std::make_unique<BackupMetrics>(manager.metrics().registry())) {
  // The Inline executor tells the controller when a run ends; the controller exists only
  // after the reconciler that needs the executor, hence the late binding.
  auto target = std::make_shared<std::atomic<controller::Controller*>>(nullptr);
  InlineExecutorOptions inline_options;
  inline_options.max_concurrent_runs = options.max_concurrent_inline_runs;
  inline_options.volume_root = VolumeRootFrom(options.volume_root);
  const controller::Clock& clock = manager.clock();
  inline_options.now = [&clock] { return clock.Now(); };
  inline_options.on_finished = [target](const std::string& ns, const std::string& name) {
    if (controller::Controller* c = target->load()) c->Enqueue({ns, name});
  };
  inline_ = std::make_unique<InlineExecutor>(std::move(inline_options));
  BackupJobOptions job_options;
  job_options.default_image = options.runner_image;
  job_ = std::make_unique<JobExecutor>(std::move(job_options));
  reconciler_ = std::make_unique<BackupPolicyReconciler>(
      BackupExecutors{inline_.get(), job_.get(), options.default_mode}, metrics_.get());

  controller::Informer& informer = manager.informers().For(api::v1alpha1::BackupPolicies());
  controller::ControllerOptions controller_options;
  controller_options.name = "backuppolicy";
  // Reconciles are short (runs happen in the executor): a few workers suffice.
  controller_options.max_concurrent_reconciles = 4;
  controller::Controller& controller =
      manager.AddController(controller_options, api::v1alpha1::BackupPolicies(), *reconciler_);
  // A run's Job changing (it completed, failed, was deleted) brings its policy back.
  controller.Owns(JobsResource());
  target->store(&controller);
  gauge_refresher_ = std::make_shared<BackupGaugeRefresher>(informer.Cache(), *metrics_);
  manager.metrics().AddGaugeRefresher(gauge_refresher_);
}

BackupPolicyController::~BackupPolicyController() = default;

}  // namespace upkeep::reconcilers::backup
