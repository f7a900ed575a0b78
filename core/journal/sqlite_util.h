#pragma once
// Small RAII helpers around the SQLite C API, private to core/journal.
#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace hm {
namespace sql {

inline void exec(sqlite3* db, const char* statement, const std::string& context)
{
    char* err = nullptr;
    if (sqlite3_exec(db, statement, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(db);
        sqlite3_free(err);
        throw std::runtime_error(context + ": " + msg);
    }
}

class Statement {
public:
    Statement(sqlite3* db, const char* text, const std::string& context) : m_db(db)
    {
        if (sqlite3_prepare_v2(db, text, -1, &m_stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(context + ": " + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    sqlite3_stmt* get() const { return m_stmt; }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

inline std::int64_t scalar(sqlite3* db, const char* text, const std::string& context)
{
    Statement s(db, text, context);
    if (sqlite3_step(s.get()) != SQLITE_ROW)
        return 0;
    return sqlite3_column_int64(s.get(), 0);
}

} // namespace sql
} // namespace hm
