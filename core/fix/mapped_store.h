#pragma once
// A QuickFIX message store in one memory-mapped file per session (C++14, private to core/fix).
//
// QuickFIX's FileStore makes about a dozen system calls per message (seek, write and
// flush of the body, the header and the sequence numbers). Stores into a shared file
// mapping reach the kernel's page cache without any, so this store keeps exactly the
// durability FileStore has (everything survives the process being killed; an operating
// system crash may lose what was not yet written back) at a fraction of the cost.
//
// Layout: a 4 KiB header (magic, version, next sender and target sequence numbers,
// creation time, bytes used) followed by records [seq u32][length u32][checksum u32]
// [reserved u32][message bytes, padded to 8]. A record counts once the header's
// "bytes used" covers it, and that is written after the record, so a process killed
// mid-write leaves the previous state. Disk blocks are reserved before they are mapped
// (posix_fallocate), so a full disk is an IOException, never a SIGBUS. The header's magic
// is written last, once a new store (and any import) is complete.
#include <quickfix/MessageStore.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace hm {

class MappedFileStore : public FIX::MessageStore {
public:
    // Opens or creates <directory>/<BeginString>-<Sender>-<Target>[-<Qualifier>].hmstore.
    // When it does not exist but QuickFIX FileStore files for the session do, their
    // sequence numbers, creation time and messages are imported (the old files stay).
    // Throws FIX::ConfigError naming the file for anything it cannot use.
    MappedFileStore(const std::string& directory, const FIX::SessionID& id);
    // An existing store by its path (tools): never created, nothing imported.
    explicit MappedFileStore(const std::string& file);
    ~MappedFileStore() override;
    MappedFileStore(const MappedFileStore&) = delete;
    MappedFileStore& operator=(const MappedFileStore&) = delete;

    static std::string fileName(const std::string& directory, const FIX::SessionID& id);

    bool set(int seq, const std::string& msg) throw(FIX::IOException) override;
    void get(int begin, int end, std::vector<std::string>& out) const throw(FIX::IOException) override;
    int getNextSenderMsgSeqNum() const throw(FIX::IOException) override;
    int getNextTargetMsgSeqNum() const throw(FIX::IOException) override;
    void setNextSenderMsgSeqNum(int n) throw(FIX::IOException) override;
    void setNextTargetMsgSeqNum(int n) throw(FIX::IOException) override;
    void incrNextSenderMsgSeqNum() throw(FIX::IOException) override;
    void incrNextTargetMsgSeqNum() throw(FIX::IOException) override;
    FIX::UtcTimeStamp getCreationTime() const throw(FIX::IOException) override;
    void reset() throw(FIX::IOException) override;
    void refresh() throw(FIX::IOException) override;

    std::size_t messageCount() const { return m_index.size(); }
    int firstStored() const { return m_index.empty() ? 0 : m_index.begin()->first; }
    int lastStored() const { return m_index.empty() ? 0 : m_index.rbegin()->first; }
    std::size_t bytesUsed() const;

private:
    struct Header;
    Header& header() const;
    void mapFile(std::size_t size);
    void reserve(std::size_t bytes); // makes room for `bytes` more after the used part
    void scan();                     // rebuilds the index; throws ConfigError on damage
    void importFileStore(const std::string& directory, const FIX::SessionID& id);
    void openExisting(); // checks the header and scans; throws ConfigError
    // Opens (open flags added to O_RDWR) and locks the file, then runs `body` with its size;
    // on any error unmaps, closes and rethrows.
    void openLocked(int flags, const std::function<void(std::size_t)>& body);
    void initialise(); // a fresh header, without its magic
    void seal();       // writes the magic: the store is complete

    std::string m_path;
    int m_fd = -1;
    char* m_base = nullptr;
    std::size_t m_size = 0;
    std::map<int, std::uint64_t> m_index; // sequence number -> record offset
};

} // namespace hm
