#include "fix/session_store.h"

#include "fix/mapped_store.h"

#include <stdexcept>

namespace hm {

struct SessionStore::Impl {
    std::unique_ptr<MappedFileStore> store;
};

namespace {
FIX::SessionID sessionOf(const std::string& begin, const std::string& sender, const std::string& target)
{
    return FIX::SessionID(begin, sender, target);
}

template <typename F>
auto translated(F&& f) -> decltype(f())
{
    try {
        return f();
    } catch (const FIX::Exception& e) {
        throw std::runtime_error(e.detail.empty() ? e.what() : e.detail);
    }
}
} // namespace

SessionStore::SessionStore(const std::string& directory, const std::string& beginString,
                           const std::string& senderCompId, const std::string& targetCompId)
    : m_impl(new Impl)
{
    translated([&] {
        m_impl->store.reset(new MappedFileStore(directory, sessionOf(beginString, senderCompId, targetCompId)));
        return 0;
    });
}

SessionStore::SessionStore(const std::string& file) : m_impl(new Impl)
{
    translated([&] {
        m_impl->store.reset(new MappedFileStore(file));
        return 0;
    });
}

SessionStore::~SessionStore() = default;

std::string SessionStore::fileName(const std::string& directory, const std::string& beginString,
                                   const std::string& senderCompId, const std::string& targetCompId)
{
    return MappedFileStore::fileName(directory, sessionOf(beginString, senderCompId, targetCompId));
}

void SessionStore::store(int seq, const std::string& message)
{
    translated([&] { return m_impl->store->set(seq, message); });
}

std::vector<std::string> SessionStore::messages(int begin, int end) const
{
    return translated([&] {
        std::vector<std::string> out;
        m_impl->store->get(begin, end, out);
        return out;
    });
}

std::size_t SessionStore::messageCount() const { return m_impl->store->messageCount(); }
int SessionStore::firstStored() const { return m_impl->store->firstStored(); }
int SessionStore::lastStored() const { return m_impl->store->lastStored(); }
std::size_t SessionStore::bytesUsed() const { return m_impl->store->bytesUsed(); }

std::string SessionStore::created() const
{
    return FIX::UtcTimeStampConvertor::convert(m_impl->store->getCreationTime(), 0);
}
int SessionStore::nextSenderSeq() const { return m_impl->store->getNextSenderMsgSeqNum(); }
int SessionStore::nextTargetSeq() const { return m_impl->store->getNextTargetMsgSeqNum(); }
void SessionStore::setNextSenderSeq(int n) { m_impl->store->setNextSenderMsgSeqNum(n); }
void SessionStore::setNextTargetSeq(int n) { m_impl->store->setNextTargetMsgSeqNum(n); }
void SessionStore::incrementSenderSeq() { m_impl->store->incrNextSenderMsgSeqNum(); }

void SessionStore::reset()
{
    translated([&] {
        m_impl->store->reset();
        return 0;
    });
}

} // namespace hm
