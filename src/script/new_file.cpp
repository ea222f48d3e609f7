#include "script/new_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace retort::script {

bool WriteNewFile(const std::string& path, const std::string& text) {
  // O_EXCL with O_CREAT fails on any existing name, a symbolic link too.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      close(fd);
      unlink(path.c_str());
      errno = saved;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0) {
    int saved = errno;
    unlink(path.c_str());
    errno = saved;
    return false;
  }
  return true;
}

}  // namespace retort::script
