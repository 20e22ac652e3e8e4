// Replacing a set of files in one folder so that a reader (nginx reloading, a backup copying)
// never sees a half-written file, and sees old and new files side by side only between two
// renames: every new file is written and fsync'ed under a temporary name in the folder first;
// only when all of them are on disk are they renamed over the old ones, back to back; then the
// folder is fsync'ed so the renames survive a crash. This is how `upkeep certs export` keeps a
// certificate and its key from ever being read half-written.
//
// Thread-compatible: two writers on one folder each leave a complete set of their own files,
// but file by file the last rename wins.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <absl/status/status.h>

namespace upkeep::cmd {

struct FileToWrite {
  std::string name;  // a plain name in the folder: "cert.pem"
  std::string contents;
  mode_t mode = 0644;  // set exactly, whatever the umask: 0600 for a private key
};

// Creates `dir` (mode 0755; missing parents as `mkdir -p` does) when it does not exist, then
// replaces `files` in it; files not named are left alone. The temporary files are hidden
// (".cert.pem.upkeep-XXXXXX") and created 0600, so a key is never readable by others, not
// even for a moment.
//
// When anything fails before the renames (the folder cannot be created, a name is a folder,
// the disk is full), every temporary file is removed and no file in `dir` has changed. A
// rename failing half-way through (hardly possible within one folder) is reported with the
// names already replaced. Errors name the path and the system's reason.
absl::Status ReplaceFilesAtomically(const std::filesystem::path& dir,
                                    const std::vector<FileToWrite>& files);

}  // namespace upkeep::cmd
