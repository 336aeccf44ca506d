#include <sqlite3.h>
#include "CSQLiteTuning.h"

int engage_sqlite_tune(void) {
    static int done = 0;
    if (done) return SQLITE_OK;
    done = 1;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
