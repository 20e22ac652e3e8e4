#include "controller/runtime/reconciler.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

TEST(RequestTest, KeyRoundTripsNamespacedAndClusterScoped) {
  EXPECT_EQ((Request{"ns", "a"}).Key(), "ns/a");
  EXPECT_EQ((Request{"", "a"}).Key(), "a");
  EXPECT_EQ(Request::FromKey("ns/a"), (Request{"ns", "a"}));
  EXPECT_EQ(Request::FromKey("a"), (Request{"", "a"}));
}

TEST(TerminalErrorTest, MarksTheErrorAndKeepsItsCodeAndMessage) {
  absl::Status plain = absl::InvalidArgumentError("spec.schedule: not a cron expression");
  absl::Status terminal = TerminalError(plain);
  EXPECT_FALSE(IsTerminal(plain));
  EXPECT_TRUE(IsTerminal(terminal));
  EXPECT_EQ(terminal.code(), plain.code());
  EXPECT_EQ(terminal.message(), plain.message());
  EXPECT_TRUE(TerminalError(absl::OkStatus()).ok());
}

TEST(ActionTest, RequeueAfterCarriesItsDelayAndAwaitChangeDoesNotRequeue) {
  Action a = Action::RequeueAfter(std::chrono::minutes(5));
  EXPECT_TRUE(a.requeue());
  EXPECT_EQ(a.delay(), std::chrono::minutes(5));
  EXPECT_FALSE(Action::AwaitChange().requeue());
}

}  // namespace
}  // namespace upkeep::controller
