// Reconcile IDs: a random UUID per reconcile, logged as "reconcileID" as controller-runtime
// does, so every line of one reconcile can be found together. Thread-safe.
#pragma once

#include <random>
#include <string>

namespace upkeep::controller {

// A random RFC 4122 version 4 UUID, lower-case ("3f1c9a2e-7b4d-4e0f-9a61-2c5d8e7f1b30"),
// from a per-thread generator seeded by std::random_device.
std::string NewReconcileId();
// The same from `rng`, for tests that need a repeatable ID.
std::string NewReconcileId(std::mt19937_64& rng);

}  // namespace upkeep::controller
