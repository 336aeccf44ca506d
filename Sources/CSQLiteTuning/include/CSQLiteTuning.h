#ifndef CSQLITE_TUNING_H
#define CSQLITE_TUNING_H
/// Process-wide SQLite settings that Swift cannot make (sqlite3_config is variadic).
/// Turns off SQLite's memory statistics, which take a global mutex on every allocation.
/// Must run before the first connection opens; later calls are harmless no-ops.
int engage_sqlite_tune(void);
#endif
