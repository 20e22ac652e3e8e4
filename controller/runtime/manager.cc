#include "controller/runtime/manager.h"

#include <unistd.h>

#include <condition_variable>
#include <thread>

#include "controller/leaderelection/leader_elector.h"
#include "controller/logging/reconcile_id.h"
#include "controller/metrics/metrics_server.h"
#include "controller/metrics/probe_server.h"

namespace upkeep::controller {
namespace {

std::string DefaultIdentity() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = 0;
  // The random part keeps two replicas on one host (or a restarted pod) apart.
  return std::string(host[0] ? host : "upkeep") + "_" + NewReconcileId();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Manager>> Manager::Create(ManagerOptions options) {
  if (!options.clock) options.clock = &RealClock::Get();
  if (options.identity.empty()) options.identity = DefaultIdentity();
  if (options.leader_election_namespace.empty()) {
    options.leader_election_namespace =
        options.client_config.namespace_.empty() ? "default" : options.client_config.namespace_;
  }
  std::unique_ptr<Manager> manager(new Manager(std::move(options)));
  Manager& m = *manager;
  m.metrics_ = std::make_unique<Metrics>();
  ClientOptions client_options = m.options_.client_options;
  Metrics* metrics = m.metrics_.get();
  auto previous = client_options.on_request;
  client_options.on_request = [metrics, previous](std::string_view method, std::string_view code,
                                                  std::string_view host) {
    metrics->RecordRestRequest(method, code, host);
    if (previous) previous(method, code, host);
  };
  absl::StatusOr<std::unique_ptr<KubeClient>> client =
      KubeClient::Create(m.options_.client_config, client_options);
  if (!client.ok()) return client.status();
  m.client_ = std::move(*client);
  InformerFactoryOptions informer_options;
  informer_options.namespace_ = m.options_.namespace_;
  informer_options.resync_period = m.options_.sync_period;
  Logger informer_log = m.options_.log.WithName("informer");
  informer_options.on_error = [informer_log](const ResourceType& type, const std::string& message,
                                             const absl::Status& error) {
    informer_log.Warn(message, {{"resource", type.GroupResource()}, {"reason", error.ToString()}});
  };
  m.informers_ = std::make_unique<InformerFactory>(*m.client_, informer_options, *m.options_.clock);
  KubeEventRecorderOptions event_options;
  Logger event_log = m.options_.log.WithName("events");
  event_options.on_error = [event_log](const std::string& message, const absl::Status& error) {
    event_log.Warn(message, {{"reason", error.ToString()}});
  };
  m.events_ = std::make_unique<KubeEventRecorder>(*m.client_, *m.options_.clock,
                                                  m.options_.identity, event_options);
  return manager;
}

Manager::Manager(ManagerOptions options) : options_(std::move(options)) {}

Manager::~Manager() {
  StopControllers();
  if (events_) events_->Shutdown();
  if (informers_) informers_->Stop();
}

Controller& Manager::AddController(ControllerOptions options, ResourceType for_type,
                                   Reconciler& reconciler) {
  ControllerDependencies deps{*client_, *informers_, *options_.clock,
                              options_.log.WithName("controller").WithValues(
                                  {{"controller", options.name}}),
                              metrics_.get(), events_.get()};
  auto controller =
      std::make_unique<Controller>(std::move(options), std::move(for_type), reconciler, deps);
  Controller& ref = *controller;
  std::lock_guard<std::mutex> lock(mu_);
  controllers_.push_back(std::move(controller));
  if (controllers_started_) ref.Start();
  return ref;
}

bool Manager::Ready() const { return synced_.load(); }

absl::Status Manager::StartServers() {
  metrics_server_ = std::make_unique<MetricsServer>(*metrics_, options_.metrics_bind_address);
  if (absl::Status st = metrics_server_->Start(); !st.ok()) return st;
  metrics_port_ = metrics_server_->port();
  if (metrics_server_->enabled()) {
    options_.log.Info("Serving metrics server", {{"bindAddress", options_.metrics_bind_address},
                                                 {"port", metrics_port_.load()}});
  }
  probe_server_ = std::make_unique<ProbeServer>(options_.health_probe_bind_address);
  (void)probe_server_->AddHealthCheck("ping", [] { return absl::OkStatus(); });
  (void)probe_server_->AddReadyCheck("informers", [this] {
    return synced_.load() ? absl::OkStatus()
                          : absl::UnavailableError("caches have not synced yet");
  });
  if (absl::Status st = probe_server_->Start(); !st.ok()) return st;
  probe_port_ = probe_server_->port();
  if (probe_server_->enabled()) {
    options_.log.Info("Starting health probe server",
                      {{"bindAddress", options_.health_probe_bind_address},
                       {"port", probe_port_.load()}});
  }
  return absl::OkStatus();
}

void Manager::StartControllers() {
  std::lock_guard<std::mutex> lock(mu_);
  if (controllers_started_) return;
  controllers_started_ = true;
  for (auto& c : controllers_) {
    options_.log.Info("Starting workers", {{"controller", c->name()}});
    c->Start();
  }
}

void Manager::StopControllers() {
  std::vector<Controller*> controllers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : controllers_) controllers.push_back(c.get());
  }
  // In parallel: the grace period bounds the whole shutdown, not each controller.
  std::vector<std::thread> stoppers;
  for (Controller* c : controllers) {
    stoppers.emplace_back([this, c] { c->Stop(options_.graceful_shutdown_timeout); });
  }
  for (auto& t : stoppers) t.join();
}

absl::Status Manager::Run(std::stop_token stop) {
  if (absl::Status st = StartServers(); !st.ok()) return st;
  informers_->Start();
  std::mutex mu;
  std::condition_variable_any cv;
  std::atomic<bool> lost{false};
  std::jthread sync_waiter([this, &cv, &mu](std::stop_token own) {
    while (!own.stop_requested()) {
      if (informers_->WaitForCacheSync(std::chrono::milliseconds(200))) {
        synced_ = true;
        std::lock_guard<std::mutex> lock(mu);
        cv.notify_all();
        return;
      }
    }
  });
  // Set when this replica may reconcile; the controllers start once caches have synced too.
  std::atomic<bool> may_start{false};

  std::unique_ptr<LeaderElector> elector;
  std::jthread election;
  if (options_.leader_elect) {
    LeaderElectionConfig config;
    config.lease_namespace = options_.leader_election_namespace;
    config.lease_name = options_.leader_election_id;
    config.identity = options_.identity;
    config.lease_duration = options_.lease_duration;
    config.renew_deadline = options_.renew_deadline;
    config.retry_period = options_.retry_period;
    config.release_on_cancel = true;
    if (absl::Status st = ValidateLeaderElectionConfig(config); !st.ok()) return st;
    LeaderCallbacks callbacks;
    Logger log = options_.log.WithName("leaderelection");
    callbacks.on_started_leading = [this, log, &may_start, &cv, &mu] {
      log.Info("became leader", {{"identity", options_.identity}});
      leading_ = true;
      may_start = true;
      std::lock_guard<std::mutex> lock(mu);
      cv.notify_all();
    };
    callbacks.on_stopped_leading = [this, log, &lost, &cv, &mu] {
      leading_ = false;
      log.Info("stopped leading", {{"identity", options_.identity}});
      lost = true;
      std::lock_guard<std::mutex> lock(mu);
      cv.notify_all();
    };
    callbacks.on_new_leader = [log](const std::string& identity) {
      log.Info("new leader elected", {{"leader", identity}});
    };
    Metrics* metrics = metrics_.get();
    std::string lease = options_.leader_election_id;
    callbacks.on_leader_status = [metrics, lease](bool leading) { metrics->SetLeader(lease, leading); };
    callbacks.on_error = [log](const std::string& message, const absl::Status& error) {
      log.Warn(message, {{"reason", error.ToString()}});
    };
    elector = std::make_unique<LeaderElector>(*client_, *options_.clock, config, callbacks);
    election = std::jthread([&elector](std::stop_token own) { elector->Run(own); });
  } else {
    leading_ = true;
    may_start = true;
  }

  {
    // Controllers start on this thread, so the elector's thread only renews.
    std::unique_lock<std::mutex> lock(mu);
    bool started = false;
    while (true) {
      cv.wait(lock, stop, [&] {
        return lost.load() || (!started && may_start.load() && synced_.load());
      });
      if (stop.stop_requested() || lost.load()) break;
      lock.unlock();
      StartControllers();
      lock.lock();
      started = true;
    }
  }
  bool lost_leadership = lost.load() && !stop.stop_requested();
  options_.log.Info(lost_leadership ? "leader election lost; stopping"
                                    : "Stopping and waiting for reconciles in flight");
  StopControllers();
  if (election.joinable()) {
    election.request_stop();  // releases the Lease while leading
    election.join();
  }
  leading_ = false;
  sync_waiter.request_stop();
  events_->Shutdown();
  informers_->Stop();
  if (lost_leadership) return absl::AbortedError("leader election lost");
  return absl::OkStatus();
}

}  // namespace upkeep::controller
