#include "io/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <streambuf>

#include <fcntl.h>
#include <unistd.h>

namespace strata::internal {

namespace {

std::string systemReason(int error)
{
    return std::strerror(error);
}

// An output buffer onto a file descriptor that remembers the first error (errno) it met.
class FileBuffer : public std::streambuf
{
public:
    explicit FileBuffer(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
    int error() const { return error_; }
    // Writes out what is buffered; false (with error() set) on failure.
    bool drain()
    {
        const char *p = pbase();
        while (p < pptr() && error_ == 0) {
            const ssize_t n = ::write(fd_, p, static_cast<size_t>(pptr() - p));
            if (n < 0 && errno != EINTR)
                error_ = errno;
            else if (n > 0)
                p += n;
        }
        setp(buffer_, buffer_ + sizeof buffer_);
        return error_ == 0;
    }

protected:
    int_type overflow(int_type c) override
    {
        if (!drain())
            return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    std::streamsize xsputn(const char *s, std::streamsize n) override
    {
        // Large blocks (tensor data) go straight to the file, past the buffer.
        if (n < static_cast<std::streamsize>(sizeof buffer_))
            return std::streambuf::xsputn(s, n);
        if (!drain())
            return 0;
        std::streamsize done = 0;
        while (done < n) {
            const ssize_t w = ::write(fd_, s + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                error_ = errno;
                break;
            }
            done += w;
        }
        return done;
    }
    int sync() override { return drain() ? 0 : -1; }

private:
    int fd_;
    int error_ = 0;
    char buffer_[1 << 16];
};

// Creates PATH.tmp-PID-N with O_EXCL (a leftover of a crashed process is skipped over).
int createTemporary(const std::string &path, std::string &tmp)
{
    static std::atomic<unsigned> counter{0};
    for (;;) {
        tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
}

// Removes the temporary and closes its descriptor whatever way the write ends.
struct Temporary
{
    int fd = -1;
    std::string path;
    bool renamed = false;
    ~Temporary()
    {
        if (fd >= 0)
            ::close(fd);
        if (!renamed && !path.empty())
            std::remove(path.c_str());
    }
};

} // namespace

void writeFileAtomically(const std::string &path, const std::function<void(std::ostream &)> &write)
{
    Temporary tmp;
    tmp.fd = createTemporary(path, tmp.path);
    if (tmp.fd < 0) {
        const int error = errno;
        tmp.path.clear(); // nothing was created
        throw FileWriteError(path, "cannot create a file beside it (" + systemReason(error) +
                                       "); check that the folder exists and is writable");
    }
    FileBuffer buffer(tmp.fd);
    std::ostream out(&buffer);
    try {
        write(out);
    } catch (const Error &) {
        throw;
    } catch (const std::exception &e) {
        throw FileWriteError(path, e.what());
    }
    out.flush();
    if (!out || buffer.error() != 0) {
        const int error = buffer.error();
        throw FileWriteError(path, error == 0
                                       ? std::string("the data could not be written")
                                       : "writing failed (" + systemReason(error) +
                                             (error == ENOSPC ? "); the disk is full" : ")"));
    }
    if (::fsync(tmp.fd) != 0) {
        const int error = errno;
        throw FileWriteError(path, "cannot flush it to disk (" + systemReason(error) + ")");
    }
    const int fd = tmp.fd;
    tmp.fd = -1;
    if (::close(fd) != 0) {
        const int error = errno;
        throw FileWriteError(path, "cannot finish writing it (" + systemReason(error) + ")");
    }
    if (std::rename(tmp.path.c_str(), path.c_str()) != 0) {
        const int error = errno;
        throw FileWriteError(path, "cannot replace it (" + systemReason(error) + ")");
    }
    tmp.renamed = true;
}

void writeFileAtomically(const std::string &path, std::string_view bytes)
{
    writeFileAtomically(path, [&](std::ostream &out) {
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    });
}

void appendDurably(const std::string &path, std::string_view bytes)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        const int error = errno;
        throw FileWriteError(path, "cannot open it for appending (" + systemReason(error) +
                                       "); check that the folder exists and is writable");
    }
    int error = 0;
    size_t done = 0;
    while (done < bytes.size() && error == 0) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno != EINTR)
            error = errno;
        else if (n > 0)
            done += static_cast<size_t>(n);
    }
    if (error == 0 && ::fsync(fd) != 0)
        error = errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error != 0)
        throw FileWriteError(path, "appending failed (" + systemReason(error) +
                                       (error == ENOSPC ? "); the disk is full" : ")"));
}

int removeStaleTemporaries(const std::string &folder, const std::string &prefix)
{
    int removed = 0;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        const auto at = name.rfind(".tmp-");
        if (at == std::string::npos || name.compare(0, prefix.size(), prefix) != 0 ||
            !entry.is_regular_file(ec))
            continue;
        const std::string rest = name.substr(at + 5); // "<pid>-<n>"
        const auto dash = rest.find('-');
        if (dash == std::string::npos || dash == 0 ||
            rest.find_first_not_of("0123456789-") != std::string::npos)
            continue;
        const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH &&
            std::filesystem::remove(entry.path(), ec))
            ++removed;
    }
    return removed;
}

} // namespace strata::internal
