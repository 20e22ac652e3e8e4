// Status errors of the PATCH verb that apiserver/api/api_status.h has no constructor for.
//
// kube-apiserver's patch handler reports some failures in shapes of their own, and clients
// (kubectl prints "The request is invalid: ...", client-go checks the reason) see exactly these:
//  - a patch that is well-formed but cannot be applied (a JSON patch "test" fails, a path is
//    missing, a list of lists): 422, reason Invalid, and the fixed message "the server rejected
//    our request due to an error in our request", because errors.NewGenericServerResponse
//    drops the specific cause;
//  - more than 10000 JSON patch operations: 413 RequestEntityTooLarge;
//  - strategic merge failures kube passes through unconverted (an element without its merge
//    key, an unknown $patch value): 500 with no reason and the Go error text as message.
// The specific cause always stays in absl::Status::message() for the server's own logs.
// Free functions; thread-safe.
#pragma once

#include <absl/status/status.h>

#include <cstddef>
#include <string_view>

namespace upkeep::apiserver::patch {

// 422 Invalid with kube's generic message; `cause` is kept only for logs.
absl::Status PatchRejectedError(std::string_view cause);

// 413 for a JSON patch with more operations than kube-apiserver accepts.
absl::Status TooManyPatchOperationsError(std::size_t operations);

// The maximum number of operations kube-apiserver accepts in one JSON patch.
inline constexpr std::size_t kMaxJsonPatchOperations = 10000;

// 500 whose Status message is `message` verbatim and whose reason is empty, as kube-apiserver
// answers errors that are not API statuses.
absl::Status PatchFailedError(std::string_view message);

}  // namespace upkeep::apiserver::patch
