#pragma once
// A FIX session's message store (mapped_store.h) seen through plain C++, for tools and
// tests that do not include QuickFIX. Every failure is a std::runtime_error naming the file.
#include <memory>
#include <string>
#include <vector>

namespace hm {

class SessionStore {
public:
    // Opens or creates the store of session BeginString:Sender->Target in `directory`.
    SessionStore(const std::string& directory, const std::string& beginString, const std::string& senderCompId,
                 const std::string& targetCompId);
    explicit SessionStore(const std::string& file); // an existing store, by its path
    ~SessionStore();
    SessionStore(const SessionStore&) = delete;
    SessionStore& operator=(const SessionStore&) = delete;

    static std::string fileName(const std::string& directory, const std::string& beginString,
                                const std::string& senderCompId, const std::string& targetCompId);

    void store(int seq, const std::string& message);
    std::vector<std::string> messages(int begin, int end) const;
    std::size_t messageCount() const;
    int firstStored() const; // 0 when none
    int lastStored() const;
    std::size_t bytesUsed() const;
    std::string created() const; // UTC, as FIX writes it
    int nextSenderSeq() const;
    int nextTargetSeq() const;
    void setNextSenderSeq(int n);
    void setNextTargetSeq(int n);
    void incrementSenderSeq();
    void reset();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace hm
