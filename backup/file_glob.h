// Which files of a folder a volume or local backup takes: the `files.include` / `files.exclude`
// globs of source.volume and source.local (crds/v1alpha1/backup_policy.h, FileSelection).
//
// Patterns and paths are relative to the backed-up folder and compared component by component
// ('/' separates components):
//   *    any run of characters within one component (also a leading '.': dotfiles match)
//   ?    exactly one character, never '/'
//   **   as a whole component: any number of components, including zero
//        ("**" is everything, "a/**" is a and all below it, "**/*.log" every .log file)
//   anything else, including '[' and '\', matches itself.
// A file (or symlink) is taken when some include pattern matches its own path and no exclude
// pattern matches it or one of its parent directories: excluding a directory excludes all
// under it ("cache" and "cache/**" both leave cache out). A directory is written when an
// include matches it or when something under it is taken (so parents keep their modes).
// An include naming a directory does not take its contents: write "data/**" for that.
//
// Value type; thread-compatible (const methods may be called concurrently).
#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <string_view>
#include <vector>

namespace upkeep::backup {

// Whether `pattern` matches all of `path` under the rules above.
bool GlobMatch(std::string_view pattern, std::string_view path);

class FileFilter {
 public:
  // InvalidArgument for an empty, absolute or ".."-containing pattern (they cannot match a
  // relative path, so they are mistakes). Trailing '/' and "./" are dropped.
  static absl::StatusOr<FileFilter> Create(const std::vector<std::string>& include,
                                           const std::vector<std::string>& exclude);
  // Everything: include {"**"}, no exclude (FileSelection's default).
  static FileFilter All();

  // Some include matches `path` itself.
  bool Included(std::string_view path) const;
  // Some exclude matches `path` itself; the walk neither takes nor descends into it, which is
  // how an excluded directory excludes all below it.
  bool Excluded(std::string_view path) const;
  // Whether an include could match something below directory `dir`: the walk skips
  // directories that nothing can be taken from.
  bool MayIncludeBelow(std::string_view dir) const;

 private:
  FileFilter(std::vector<std::string> include, std::vector<std::string> exclude)
      : include_(std::move(include)), exclude_(std::move(exclude)) {}
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
};

}  // namespace upkeep::backup
