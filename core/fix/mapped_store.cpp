#include "fix/mapped_store.h"

#include <quickfix/FileStore.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hm {
namespace {

constexpr char kMagic[8] = {'H', 'M', 'F', 'I', 'X', 'S', 'T', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 4096;
constexpr std::size_t kRecordHead = 16;
constexpr std::size_t kInitialBytes = kHeaderBytes + (1u << 20);
constexpr std::size_t kGrowStep = 1u << 20;

std::size_t padded(std::size_t n) { return (n + 7) & ~std::size_t(7); }

// Over the sequence number, the length and the bytes, eight at a time: each step is a
// bijection of the state, so any one damaged word changes the result.
std::uint32_t checksum(std::uint32_t seq, std::uint32_t length, const char* p)
{
    const std::uint64_t prime = 0x100000001b3ull;
    std::uint64_t h = (0xcbf29ce484222325ull ^ ((static_cast<std::uint64_t>(seq) << 32) | length)) * prime;
    std::size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        h = (h ^ w) * prime;
    }
    if (i < length) {
        std::uint64_t w = 0;
        std::memcpy(&w, p + i, length - i);
        h = (h ^ w) * prime;
    }
    h ^= h >> 32;
    return static_cast<std::uint32_t>(h);
}

std::string sessionFilePrefix(const FIX::SessionID& id)
{
    std::string s = id.getBeginString().getString() + "-" + id.getSenderCompID().getString() + "-"
        + id.getTargetCompID().getString();
    if (!id.getSessionQualifier().empty())
        s += "-" + id.getSessionQualifier();
    return s;
}

std::string errorText() { return std::strerror(errno); }

// mkdir -p, as QuickFIX's FileStore does for its path.
void makeDirectories(const std::string& path)
{
    for (std::size_t p = path.find('/', 1); ; p = path.find('/', p + 1)) {
        ::mkdir(path.substr(0, p).c_str(), 0755);
        if (p == std::string::npos)
            break;
    }
}

// MsgSeqNum(34) of a stored message, or 0.
int sequenceOf(const std::string& msg)
{
    const std::size_t p = msg.find("\x01" "34=");
    return p == std::string::npos ? 0 : std::atoi(msg.c_str() + p + 4);
}

} // namespace

struct MappedFileStore::Header {
    char magic[8];
    std::uint32_t version;
    std::uint32_t headerBytes;
    std::int64_t nextSender;
    std::int64_t nextTarget;
    std::int64_t createdSeconds;
    std::int64_t createdNanos;
    std::uint64_t used; // bytes of records after the header; written after each record
};

std::string MappedFileStore::fileName(const std::string& directory, const FIX::SessionID& id)
{
    return (directory.empty() ? std::string(".") : directory) + "/" + sessionFilePrefix(id) + ".hmstore";
}

void MappedFileStore::openLocked(int flags, const std::function<void(std::size_t)>& body)
{
    m_fd = ::open(m_path.c_str(), flags | O_RDWR | O_CLOEXEC, 0600);
    if (m_fd < 0)
        throw FIX::ConfigError("FIX message store '" + m_path + "' cannot be opened: " + errorText());
    try {
        if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0)
            throw FIX::ConfigError("FIX message store '" + m_path + "' is in use by another process");
        struct stat st {};
        if (::fstat(m_fd, &st) != 0)
            throw FIX::ConfigError("FIX message store '" + m_path + "': " + errorText());
        body(static_cast<std::size_t>(st.st_size));
    } catch (...) {
        if (m_base)
            ::munmap(m_base, m_size);
        ::close(m_fd);
        throw;
    }
}

MappedFileStore::MappedFileStore(const std::string& directory, const FIX::SessionID& id)
    : m_path(fileName(directory, id))
{
    if (!directory.empty())
        makeDirectories(directory);
    // The magic is written last: a store killed while being created or imported has
    // none, and is created (and imported) again on the next start.
    auto createHere = [&] {
        initialise();
        const std::string legacy = (directory.empty() ? std::string(".") : directory) + "/"
            + sessionFilePrefix(id) + ".seqnums";
        if (::access(legacy.c_str(), R_OK) == 0)
            importFileStore(directory, id);
        seal();
    };
    openLocked(O_CREAT, [&](std::size_t size) {
        if (size == 0) {
            if (::posix_fallocate(m_fd, 0, static_cast<off_t>(kInitialBytes)) != 0)
                throw FIX::ConfigError("FIX message store '" + m_path + "' cannot be created (disk full?)");
            mapFile(kInitialBytes);
            return createHere();
        }
        if (size < kHeaderBytes)
            throw FIX::ConfigError("FIX message store '" + m_path + "' is damaged: only " + std::to_string(size)
                                   + " bytes, shorter than its header");
        mapFile(size);
        static const char kZeros[sizeof kMagic] = {};
        if (std::memcmp(header().magic, kZeros, sizeof kMagic) == 0)
            return createHere(); // created, but the process stopped before it was complete
        openExisting();
    });
}

MappedFileStore::MappedFileStore(const std::string& file) : m_path(file)
{
    openLocked(0, [&](std::size_t size) {
        if (size < kHeaderBytes)
            throw FIX::ConfigError("'" + m_path + "' is not a Helmsman FIX message store (" + std::to_string(size)
                                   + " bytes, shorter than its header)");
        mapFile(size);
        openExisting();
    });
}

void MappedFileStore::openExisting()
{
    const Header& h = header();
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0)
        throw FIX::ConfigError("'" + m_path + "' is not a Helmsman FIX message store");
    if (h.version > kVersion)
        throw FIX::ConfigError("FIX message store '" + m_path + "' was written by a newer Helmsman (format "
                               + std::to_string(h.version) + ")");
    scan();
}

std::size_t MappedFileStore::bytesUsed() const { return kHeaderBytes + header().used; }

MappedFileStore::~MappedFileStore()
{
    if (m_base)
        ::munmap(m_base, m_size);
    if (m_fd >= 0)
        ::close(m_fd);
}

MappedFileStore::Header& MappedFileStore::header() const { return *reinterpret_cast<Header*>(m_base); }

void MappedFileStore::mapFile(std::size_t size)
{
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, m_fd, 0);
    if (p == MAP_FAILED)
        throw FIX::ConfigError("FIX message store '" + m_path + "' cannot be mapped: " + errorText());
    m_base = static_cast<char*>(p);
    m_size = size;
}

void MappedFileStore::initialise()
{
    Header& h = header();
    std::memset(&h, 0, sizeof h); // no magic yet: see seal()
    h.version = kVersion;
    h.headerBytes = kHeaderBytes;
    h.nextSender = h.nextTarget = 1;
    FIX::UtcTimeStamp now;
    h.createdSeconds = static_cast<std::int64_t>(now.getTimeT());
    h.createdNanos = now.getFraction(9);
    h.used = 0;
}

void MappedFileStore::seal()
{
    std::atomic_thread_fence(std::memory_order_release);
    std::memcpy(header().magic, kMagic, sizeof kMagic);
}

void MappedFileStore::scan()
{
    m_index.clear();
    const Header& h = header();
    const std::uint64_t end = kHeaderBytes + h.used;
    if (h.headerBytes != kHeaderBytes || end > m_size)
        throw FIX::ConfigError("FIX message store '" + m_path + "' is damaged: its header claims "
                               + std::to_string(h.used) + " bytes of messages in a file of "
                               + std::to_string(m_size));
    std::uint64_t off = kHeaderBytes;
    while (off < end) {
        std::uint32_t head[4];
        if (end - off < kRecordHead)
            throw FIX::ConfigError("FIX message store '" + m_path + "' is damaged at byte " + std::to_string(off)
                                   + ": a record header is cut short");
        std::memcpy(head, m_base + off, sizeof head);
        const std::uint32_t seq = head[0], length = head[1];
        if (seq == 0 || seq > 0x7fffffffu || kRecordHead + length > end - off
            || checksum(seq, length, m_base + off + kRecordHead) != head[2])
            throw FIX::ConfigError("FIX message store '" + m_path + "' is damaged at byte " + std::to_string(off)
                                   + " (record " + std::to_string(m_index.size() + 1)
                                   + "); move the file aside to start over from sequence number 1");
        m_index[static_cast<int>(seq)] = off;
        off += kRecordHead + padded(length);
    }
}

void MappedFileStore::reserve(std::size_t bytes)
{
    const std::size_t need = kHeaderBytes + header().used + bytes;
    if (need <= m_size)
        return;
    std::size_t grown = std::max(need, m_size + std::max(kGrowStep, m_size / 2));
    grown = (grown + kGrowStep - 1) / kGrowStep * kGrowStep;
    // Blocks are reserved before the mapping covers them: a full disk fails here, not as SIGBUS.
    const int rc = ::posix_fallocate(m_fd, static_cast<off_t>(m_size), static_cast<off_t>(grown - m_size));
    if (rc != 0)
        throw FIX::IOException("FIX message store '" + m_path + "' cannot grow to " + std::to_string(grown)
                               + " bytes: " + std::strerror(rc));
    void* p = ::mremap(m_base, m_size, grown, MREMAP_MAYMOVE);
    if (p == MAP_FAILED)
        throw FIX::IOException("FIX message store '" + m_path + "' cannot be remapped: " + errorText());
    m_base = static_cast<char*>(p);
    m_size = grown;
}

bool MappedFileStore::set(int seq, const std::string& msg) throw(FIX::IOException)
{
    if (seq <= 0 || msg.size() > 0x7fffffffu)
        throw FIX::IOException("FIX message store '" + m_path + "': cannot store message " + std::to_string(seq));
    const std::size_t bytes = kRecordHead + padded(msg.size());
    reserve(bytes);
    Header& h = header();
    const std::uint64_t off = kHeaderBytes + h.used;
    const std::uint32_t head[4] = {static_cast<std::uint32_t>(seq), static_cast<std::uint32_t>(msg.size()),
                                   checksum(static_cast<std::uint32_t>(seq), static_cast<std::uint32_t>(msg.size()), msg.data()),
                                   0};
    std::memcpy(m_base + off, head, sizeof head);
    std::memcpy(m_base + off + kRecordHead, msg.data(), msg.size());
    // The record is complete before it is counted: a kill in between leaves it unseen.
    __atomic_store_n(&h.used, h.used + bytes, __ATOMIC_RELEASE);
    m_index[seq] = off;
    return true;
}

void MappedFileStore::get(int begin, int end, std::vector<std::string>& out) const throw(FIX::IOException)
{
    out.clear();
    for (auto it = m_index.lower_bound(begin); it != m_index.end() && it->first <= end; ++it) {
        std::uint32_t length = 0;
        std::memcpy(&length, m_base + it->second + 4, sizeof length);
        out.emplace_back(m_base + it->second + kRecordHead, length);
    }
}

int MappedFileStore::getNextSenderMsgSeqNum() const throw(FIX::IOException)
{
    return static_cast<int>(header().nextSender);
}

int MappedFileStore::getNextTargetMsgSeqNum() const throw(FIX::IOException)
{
    return static_cast<int>(header().nextTarget);
}

void MappedFileStore::setNextSenderMsgSeqNum(int n) throw(FIX::IOException) { header().nextSender = n; }
void MappedFileStore::setNextTargetMsgSeqNum(int n) throw(FIX::IOException) { header().nextTarget = n; }
void MappedFileStore::incrNextSenderMsgSeqNum() throw(FIX::IOException) { ++header().nextSender; }
void MappedFileStore::incrNextTargetMsgSeqNum() throw(FIX::IOException) { ++header().nextTarget; }

FIX::UtcTimeStamp MappedFileStore::getCreationTime() const throw(FIX::IOException)
{
    const Header& h = header();
    return FIX::UtcTimeStamp(static_cast<time_t>(h.createdSeconds), static_cast<int>(h.createdNanos), 9);
}

void MappedFileStore::reset() throw(FIX::IOException)
{
    // Field by field, the magic untouched: a kill half-way leaves a valid store.
    Header& h = header();
    __atomic_store_n(&h.used, std::uint64_t(0), __ATOMIC_RELEASE);
    h.nextSender = h.nextTarget = 1;
    FIX::UtcTimeStamp now;
    h.createdSeconds = static_cast<std::int64_t>(now.getTimeT());
    h.createdNanos = now.getFraction(9);
    m_index.clear();
}

void MappedFileStore::refresh() throw(FIX::IOException)
{
    try {
        scan();
    } catch (const FIX::ConfigError& e) {
        throw FIX::IOException(e.what());
    }
}

void MappedFileStore::importFileStore(const std::string& directory, const FIX::SessionID& id)
{
    FIX::FileStore old(directory, id);
    std::vector<std::string> messages;
    old.get(1, old.getNextSenderMsgSeqNum() - 1, messages);
    for (const auto& m : messages)
        if (const int seq = sequenceOf(m))
            set(seq, m);
    Header& h = header();
    h.nextSender = old.getNextSenderMsgSeqNum();
    h.nextTarget = old.getNextTargetMsgSeqNum();
    const FIX::UtcTimeStamp created = old.getCreationTime();
    h.createdSeconds = static_cast<std::int64_t>(created.getTimeT());
    h.createdNanos = created.getFraction(9);
    spdlog::info("fix: imported {} message(s) and sequence numbers {}/{} from QuickFIX FileStore files into '{}'",
                 messages.size(), h.nextSender, h.nextTarget, m_path);
}

} // namespace hm
