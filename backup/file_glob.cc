#include "backup/file_glob.h"

#include <absl/strings/str_cat.h>

namespace upkeep::backup {
namespace {

// The components of a relative path, without empty and "." ones.
std::vector<std::string_view> Components(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view c = path.substr(0, slash);
    if (!c.empty() && c != ".") out.push_back(c);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// '*' and '?' within one component; the classic single-backtrack matcher (linear for one '*',
// quadratic at worst), enough for patterns a user writes.
bool ComponentMatch(std::string_view pattern, std::string_view name) {
  size_t p = 0, n = 0;
  size_t star = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_n = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Matches pattern components [pi..] against path components [qi..]. With `below`, the path is
// a directory and the question is whether something under it can match: the path must be
// used up while pattern components remain for its descendants.
bool Match(const std::vector<std::string_view>& p, size_t pi,
           const std::vector<std::string_view>& q, size_t qi, bool below) {
  if (qi == q.size()) {
    if (below) return pi < p.size();
    for (; pi < p.size(); ++pi) {
      if (p[pi] != "**") return false;
    }
    return true;
  }
  if (pi == p.size()) return false;
  if (p[pi] == "**") {
    return Match(p, pi + 1, q, qi, below) || Match(p, pi, q, qi + 1, below);
  }
  return ComponentMatch(p[pi], q[qi]) && Match(p, pi + 1, q, qi + 1, below);
}

absl::StatusOr<std::vector<std::string>> Normalize(const std::vector<std::string>& patterns,
                                                   std::string_view field) {
  std::vector<std::string> out;
  for (const std::string& pattern : patterns) {
    if (!pattern.empty() && pattern[0] == '/') {
      return absl::InvalidArgumentError(
          absl::StrCat("files.", std::string(field), ": pattern \"", pattern,
                       "\" is absolute; patterns are relative to the folder"));
    }
    std::vector<std::string_view> parts = Components(pattern);
    for (std::string_view part : parts) {
      if (part == "..") {
        return absl::InvalidArgumentError(absl::StrCat("files.", std::string(field), ": pattern \"",
                                                       pattern, "\" has a \"..\" component"));
      }
    }
    if (parts.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("files.", std::string(field), ": empty pattern \"", pattern, "\""));
    }
    std::string joined;
    for (std::string_view part : parts) {
      if (!joined.empty()) joined += '/';
      joined += part;
    }
    out.push_back(std::move(joined));
  }
  return out;
}

bool AnyMatch(const std::vector<std::string>& patterns, std::string_view path, bool below) {
  std::vector<std::string_view> q = Components(path);
  for (const std::string& pattern : patterns) {
    if (Match(Components(pattern), 0, q, 0, below)) return true;
  }
  return false;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) {
  return Match(Components(pattern), 0, Components(path), 0, /*below=*/false);
}

absl::StatusOr<FileFilter> FileFilter::Create(const std::vector<std::string>& include,
                                              const std::vector<std::string>& exclude) {
  absl::StatusOr<std::vector<std::string>> in = Normalize(include, "include");
  if (!in.ok()) return in.status();
  absl::StatusOr<std::vector<std::string>> ex = Normalize(exclude, "exclude");
  if (!ex.ok()) return ex.status();
  return FileFilter(*std::move(in), *std::move(ex));
}

FileFilter FileFilter::All() { return FileFilter({"**"}, {}); }

bool FileFilter::Included(std::string_view path) const {
  return AnyMatch(include_, path, /*below=*/false);
}

bool FileFilter::Excluded(std::string_view path) const {
  return AnyMatch(exclude_, path, /*below=*/false);
}

bool FileFilter::MayIncludeBelow(std::string_view dir) const {
  return AnyMatch(include_, dir, /*below=*/true);
}

}  // namespace upkeep::backup
