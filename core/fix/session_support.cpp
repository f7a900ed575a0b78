#include "fix/session_support.h"

#include "fix/fix_convert.h"
#include "fix/mapped_store.h"
#include "fix/message_log_file.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <sys/stat.h>

namespace hm {
namespace {

std::shared_ptr<spdlog::logger> loggerNamed(const std::string& name)
{
    auto l = spdlog::get(name);
    return l ? l : spdlog::default_logger();
}

class MaskedLog : public FIX::Log {
public:
    MaskedLog(std::string sessionId, const std::string& file, std::string loggerName,
              MaskedLogFactory::EventHook hook)
        : m_sessionId(std::move(sessionId)), m_loggerName(std::move(loggerName)), m_hook(std::move(hook))
    {
        if (!file.empty()) {
            m_out.reset(new MessageLogFile(file));
            if (!m_out->isOpen())
                loggerNamed(m_loggerName)->error("[{}] message log: {}", m_sessionId, m_out->error());
        }
    }
    void clear() override {}
    void backup() override {}
    void onIncoming(const std::string& s) override { write("in ", s); }
    void onOutgoing(const std::string& s) override { write("out", s); }
    void onEvent(const std::string& s) override
    {
        loggerNamed(m_loggerName)->info("[{}] {}", m_sessionId, fixconv::maskPassword(s));
        if (m_hook)
            m_hook(m_sessionId, s);
    }

private:
    void write(const char* dir, const std::string& s)
    {
        if (!m_out || !m_out->isOpen())
            return;
        std::string line = std::string(dir) + ' ' + fixconv::maskPassword(s);
        for (char& c : line)
            if (c == '\x01')
                c = '|';
        if (!m_out->append(line) && !m_writeFailed.exchange(true)) // said once, not per message
            loggerNamed(m_loggerName)->error("[{}] message log: {}", m_sessionId, m_out->error());
    }

    std::string m_sessionId;
    std::string m_loggerName;
    MaskedLogFactory::EventHook m_hook;
    std::unique_ptr<MessageLogFile> m_out;
    std::atomic<bool> m_writeFailed{false};
};

class MaskedStore : public FIX::MessageStore {
public:
    explicit MaskedStore(FIX::MessageStore* inner) : m_inner(inner) {}
    FIX::MessageStore* inner() const { return m_inner; }

    bool set(int seq, const std::string& msg) throw(FIX::IOException) override
    {
        if (msg.find("\x01" "554=") == std::string::npos) // only a Logon carries one; no copy otherwise
            return m_inner->set(seq, msg);
        return m_inner->set(seq, fixconv::storedWithPasswordMasked(msg));
    }
    void get(int b, int e, std::vector<std::string>& out) const throw(FIX::IOException) override
    {
        m_inner->get(b, e, out);
        // Stores written before the length and checksum were fixed up hold a masked Logon
        // that no longer parses; mend it on the way out so a resend request can be answered.
        for (auto& m : out)
            if (m.find("\x01" "554=") != std::string::npos)
                m = fixconv::storedWithPasswordMasked(m);
    }
    int getNextSenderMsgSeqNum() const throw(FIX::IOException) override { return m_inner->getNextSenderMsgSeqNum(); }
    int getNextTargetMsgSeqNum() const throw(FIX::IOException) override { return m_inner->getNextTargetMsgSeqNum(); }
    void setNextSenderMsgSeqNum(int n) throw(FIX::IOException) override { m_inner->setNextSenderMsgSeqNum(n); }
    void setNextTargetMsgSeqNum(int n) throw(FIX::IOException) override { m_inner->setNextTargetMsgSeqNum(n); }
    void incrNextSenderMsgSeqNum() throw(FIX::IOException) override { m_inner->incrNextSenderMsgSeqNum(); }
    void incrNextTargetMsgSeqNum() throw(FIX::IOException) override { m_inner->incrNextTargetMsgSeqNum(); }
    FIX::UtcTimeStamp getCreationTime() const throw(FIX::IOException) override { return m_inner->getCreationTime(); }
    void reset() throw(FIX::IOException) override { m_inner->reset(); }
    void refresh() throw(FIX::IOException) override { m_inner->refresh(); }

private:
    FIX::MessageStore* m_inner;
};

std::string fileSafe(const std::string& s)
{
    std::string out = s;
    for (char& c : out)
        if (c == ':' || c == '>' || c == '/')
            c = '-';
    return out;
}

} // namespace

MaskedLogFactory::MaskedLogFactory(std::string directory, bool logMessages, std::string loggerName, EventHook hook)
    : m_directory(std::move(directory)), m_logMessages(logMessages), m_loggerName(std::move(loggerName)),
      m_hook(std::move(hook))
{
    if (m_logMessages && !m_directory.empty())
        ::mkdir(m_directory.c_str(), 0755);
}

FIX::Log* MaskedLogFactory::create() { return new MaskedLog("global", "", m_loggerName, m_hook); }

FIX::Log* MaskedLogFactory::create(const FIX::SessionID& id)
{
    std::string file;
    if (m_logMessages && !m_directory.empty())
        file = m_directory + "/" + fileSafe(id.toString()) + ".messages.log";
    return new MaskedLog(id.toString(), file, m_loggerName, m_hook);
}

void MaskedLogFactory::destroy(FIX::Log* log) { delete log; }

MaskedFileStoreFactory::MaskedFileStoreFactory(std::string directory) : m_directory(std::move(directory)) {}

FIX::MessageStore* MaskedFileStoreFactory::create(const FIX::SessionID& id)
{
    return new MaskedStore(new MappedFileStore(m_directory, id));
}

void MaskedFileStoreFactory::destroy(FIX::MessageStore* store)
{
    MaskedStore* masked = static_cast<MaskedStore*>(store);
    delete masked->inner();
    delete masked;
}

} // namespace hm
