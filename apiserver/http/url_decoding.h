// Percent-decoding of URL paths and query strings (RFC 3986, with '+' as space in queries as
// Go's url.ParseQuery does). Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace upkeep::apiserver {

std::string PercentDecode(std::string_view text, bool plus_is_space);
std::string PercentEncode(std::string_view text);

// Adds each key=value of `query` to `out`; the first occurrence of a key wins.
void ParseQueryString(std::string_view query, std::map<std::string, std::string>* out);

}  // namespace upkeep::apiserver
