#pragma once
// What the journal codec's encoders and decoders share: how a refusal is worded and how
// a column or a field is read. Included by journal_codec*.cpp only.
#include "journal/journal_codec.h"
#include "model/text.h"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace hm {
namespace codec {

inline bool fail(std::string* error, const JournalRecord& r, const std::string& what)
{
    if (error)
        *error = std::string(toString(r.kind)) + " record" + (r.seq > 0 ? " #" + std::to_string(r.seq) : std::string())
            + ": " + what;
    return false;
}

inline bool expectKind(const JournalRecord& r, RecordKind kind, std::string* error)
{
    if (r.kind == kind)
        return true;
    return fail(error, r, std::string("is not of kind ") + toString(kind));
}

inline std::string quoted(const std::string& text)
{
    return "'" + (text.size() > 80 ? text.substr(0, 77) + "..." : text) + "'";
}

inline bool parseInteger(const std::string& text, std::int64_t& out)
{
    if (text.empty())
        return false;
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || end != text.c_str() + text.size())
        return false;
    out = v;
    return true;
}

inline bool parseNumber(const std::string& text, double& out)
{
    if (text.empty())
        return false;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size())
        return false;
    out = v;
    return true;
}

template <typename Enum, int N>
inline bool parseEnum(const std::string& text, Enum& out)
{
    for (int i = 0; i < N; ++i)
        if (text == toString(static_cast<Enum>(i))) {
            out = static_cast<Enum>(i);
            return true;
        }
    return false;
}

inline bool sideOf(const JournalRecord& r, Side& out, std::string* error)
{
    if (r.side == 0 || r.side == 1) {
        out = r.side == 1 ? Side::Sell : Side::Buy;
        return true;
    }
    return fail(error, r, "side " + std::to_string(r.side) + " is neither 0 (buy) nor 1 (sell)");
}

inline JournalRecord row(RecordKind kind, Timestamp time)
{
    JournalRecord r;
    r.time = time;
    r.kind = kind;
    return r;
}

inline bool startsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

} // namespace codec
} // namespace hm
