/* SQLite's own insert rate for the click table, without Engage: reads N clicks of an
 * imported database (/tmp/c10.sqlite: `engage import --db /tmp/c10.sqlite` of the N=1000 set)
 * into memory, then inserts them one prepared step per row into a fresh /tmp/sqlite_floor.sqlite
 * (mode 0: the import's upsert, 1: plain INSERT, 2: staged through a temp table).
 * SCHEMA / TARGET / PRE / POST env vars replace the schema, the conflict target, and run SQL
 * before / after it. BENCHMARKS.md, "Scale (#14), session 10".
 *   gcc -O2 -o /tmp/sqlite_floor bench/sqlite_floor.c -lsqlite3 && /tmp/sqlite_floor 3000000 0
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
typedef struct { long long t, occ, agent, bot, imp, day; char *link, *vis, *cls, *ref, *emp; } R;
static double now(){struct timespec s;clock_gettime(CLOCK_MONOTONIC,&s);return s.tv_sec+s.tv_nsec/1e9;}
static char* sdup(const unsigned char*s){return s?strdup((const char*)s):NULL;}
static const char *cols="clicked_at, link_code, visitor_hash, occurrence, agent_id, agent_class, referrer, is_bot, import_id, day, employee_id";
static const char *schema0="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"
"CREATE TABLE clicks (clicked_at INTEGER NOT NULL, link_code TEXT NOT NULL, visitor_hash TEXT NOT NULL DEFAULT '', occurrence INTEGER NOT NULL, agent_id INTEGER, agent_class TEXT, referrer TEXT, is_bot INTEGER NOT NULL DEFAULT 0, import_id INTEGER NOT NULL, day INTEGER, employee_id TEXT, PRIMARY KEY (clicked_at, link_code, visitor_hash, occurrence)) WITHOUT ROWID;"
"CREATE INDEX clicks_link_day ON clicks(day, link_code, visitor_hash) WHERE is_bot = 0;"
"CREATE INDEX clicks_employee_day ON clicks(day, employee_id, visitor_hash) WHERE is_bot = 0 AND employee_id IS NOT NULL;";
static void bindrow(sqlite3_stmt*st,R*r){
 sqlite3_bind_int64(st,1,r->t);sqlite3_bind_text(st,2,r->link,-1,SQLITE_TRANSIENT);sqlite3_bind_text(st,3,r->vis,-1,SQLITE_TRANSIENT);
 sqlite3_bind_int64(st,4,r->occ);sqlite3_bind_int64(st,5,r->agent);if(r->cls)sqlite3_bind_text(st,6,r->cls,-1,SQLITE_TRANSIENT);else sqlite3_bind_null(st,6);
 if(r->ref)sqlite3_bind_text(st,7,r->ref,-1,SQLITE_TRANSIENT);else sqlite3_bind_null(st,7);sqlite3_bind_int64(st,8,r->bot);sqlite3_bind_int64(st,9,r->imp);
 sqlite3_bind_int64(st,10,r->day);if(r->emp)sqlite3_bind_text(st,11,r->emp,-1,SQLITE_TRANSIENT);else sqlite3_bind_null(st,11);}
int main(int argc,char**argv){ const char*schema=getenv("SCHEMA")?getenv("SCHEMA"):schema0; const char*target=getenv("TARGET")?getenv("TARGET"):"link_code, clicked_at, visitor_hash, occurrence";
 int N=atoi(argv[1]); int mode=atoi(argv[2]);
 sqlite3*src;sqlite3_open("/tmp/c10.sqlite",&src);sqlite3_stmt*q;char sql[2000];
 sprintf(sql,"SELECT %s FROM clicks LIMIT %d",cols,N);sqlite3_prepare_v2(src,sql,-1,&q,0);
 R*rs=malloc(sizeof(R)*N);int n=0;
 while(sqlite3_step(q)==SQLITE_ROW){R*r=&rs[n++];r->t=sqlite3_column_int64(q,0);r->link=sdup(sqlite3_column_text(q,1));r->vis=sdup(sqlite3_column_text(q,2));r->occ=sqlite3_column_int64(q,3);r->agent=sqlite3_column_int64(q,4);r->cls=sdup(sqlite3_column_text(q,5));r->ref=sdup(sqlite3_column_text(q,6));r->bot=sqlite3_column_int64(q,7);r->imp=sqlite3_column_int64(q,8);r->day=sqlite3_column_int64(q,9);r->emp=sdup(sqlite3_column_text(q,10));}
 unlink("/tmp/sqlite_floor.sqlite");unlink("/tmp/sqlite_floor.sqlite-wal");unlink("/tmp/sqlite_floor.sqlite-shm");
 sqlite3*db;sqlite3_open("/tmp/sqlite_floor.sqlite",&db);
 if(getenv("PRE")){char*e=0;if(sqlite3_exec(db,getenv("PRE"),0,0,&e))printf("pre: %s\n",e);}
 sqlite3_exec(db,schema,0,0,0);
 if(getenv("POST")){char*e=0;if(sqlite3_exec(db,getenv("POST"),0,0,&e))printf("post: %s\n",e);}
 const char*upd="agent_id = excluded.agent_id, agent_class = excluded.agent_class, referrer = excluded.referrer, is_bot = excluded.is_bot, import_id = excluded.import_id, day = excluded.day, employee_id = excluded.employee_id";
 double t0=now();sqlite3_exec(db,"BEGIN",0,0,0);
 if(mode==0||mode==1){
  if(mode==0)sprintf(sql,"INSERT INTO clicks (%s) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT (%s) DO UPDATE SET %s WHERE clicks.import_id <> excluded.import_id",cols,target,upd);
  else sprintf(sql,"INSERT INTO clicks (%s) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",cols);
  sqlite3_stmt*st;if(sqlite3_prepare_v2(db,sql,-1,&st,0))printf("%s\n",sqlite3_errmsg(db));
  for(int i=0;i<n;i++){sqlite3_reset(st);sqlite3_clear_bindings(st);bindrow(st,&rs[i]);if(sqlite3_step(st)!=SQLITE_DONE)printf("err %s\n",sqlite3_errmsg(db));}
 } else {
  sprintf(sql,"CREATE TEMP TABLE stage AS SELECT %s FROM clicks WHERE 0",cols);sqlite3_exec(db,sql,0,0,0);
  sqlite3_stmt*st;sprintf(sql,"INSERT INTO stage VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");sqlite3_prepare_v2(db,sql,-1,&st,0);
  char ups[3000];sprintf(ups,"INSERT INTO clicks (%s) SELECT %s FROM stage WHERE true ON CONFLICT (link_code, clicked_at, visitor_hash, occurrence) DO UPDATE SET %s WHERE clicks.import_id <> excluded.import_id",cols,cols,upd);
  sqlite3_stmt*up;if(sqlite3_prepare_v2(db,ups,-1,&up,0))printf("%s\n",sqlite3_errmsg(db));
  sqlite3_stmt*del;sqlite3_prepare_v2(db,"DELETE FROM stage",-1,&del,0);
  for(int i=0;i<n;i+=4096){int e=i+4096<n?i+4096:n;for(int j=i;j<e;j++){sqlite3_reset(st);bindrow(st,&rs[j]);sqlite3_step(st);}
   sqlite3_reset(up);if(sqlite3_step(up)!=SQLITE_DONE)printf("err %s\n",sqlite3_errmsg(db));sqlite3_reset(del);sqlite3_step(del);}
 }
 double t1=now();sqlite3_exec(db,"COMMIT",0,0,0);double t2=now();
 printf("mode %d: %d rows insert %.2f s commit %.2f s = %.0f rows/s\n",mode,n,t1-t0,t2-t1,n/(t2-t0));
}
