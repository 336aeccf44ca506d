/* SQLite's own insert rate for the posts table, without Engage: reads the posts of an
 * imported database (/tmp/p.sqlite: `engage import --db /tmp/p.sqlite` of the N=1000 set)
 * into memory, then inserts them into a fresh /tmp/pf/f.sqlite with the posts schema, its
 * indexes and the import's pragmas, CHUNK rows to an INSERT … ON CONFLICT (post_id) DO NOTHING.
 * SCHEMA / IDX replace the table / the (account_id, day) index (IDX="" drops it); NOFK=1 turns
 * foreign keys off; NOMUTEX=1 / NOMEMSTAT=1 open without mutexes / memory statistics (no gain
 * seen). BENCHMARKS.md, "Scale (#14), session 13".
 *   mkdir -p /tmp/pf && gcc -O2 -o /tmp/pf/posts_floor bench/posts_floor.c -lsqlite3 && /tmp/pf/posts_floor 1000000 64
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
typedef struct { long long v[19]; int isnull[19]; char *s[19]; } R; // column values
static double now(){struct timespec s;clock_gettime(CLOCK_MONOTONIC,&s);return s.tv_sec+s.tv_nsec/1e9;}
static const char *cols="import_id, post_id, account_id, published_at, day, hour, type, rubric, url, text, likes, comments, shares, saves, views, reach, clicks, spend_cents, as_of";
int main(int argc,char**argv){
 int N=atoi(argv[1]); int chunk=atoi(argv[2]);
 if(getenv("NOMEMSTAT")) sqlite3_config(SQLITE_CONFIG_MEMSTATUS,0);
 sqlite3*src;sqlite3_open("/tmp/p.sqlite",&src);sqlite3_stmt*q;char sql[20000];
 sprintf(sql,"SELECT %s FROM posts LIMIT %d",cols,N);sqlite3_prepare_v2(src,sql,-1,&q,0);
 R*rs=calloc(sizeof(R),N);int n=0;
 while(sqlite3_step(q)==SQLITE_ROW){R*r=&rs[n++];for(int c=0;c<19;c++){int t=sqlite3_column_type(q,c);if(t==SQLITE_NULL)r->isnull[c]=1;else if(t==SQLITE_TEXT)r->s[c]=strdup((const char*)sqlite3_column_text(q,c));else r->v[c]=sqlite3_column_int64(q,c);}}
 sqlite3_stmt*aq;sqlite3_prepare_v2(src,"SELECT account_id FROM accounts",-1,&aq,0);
 unlink("/tmp/pf/f.sqlite");unlink("/tmp/pf/f.sqlite-wal");unlink("/tmp/pf/f.sqlite-shm");
 sqlite3*db;sqlite3_open_v2("/tmp/pf/f.sqlite",&db,SQLITE_OPEN_READWRITE|SQLITE_OPEN_CREATE|(getenv("NOMUTEX")?SQLITE_OPEN_NOMUTEX:0),0);
 char*e=0;
 sqlite3_exec(db,"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;",0,0,0);
 if(getenv("NOFK")) sqlite3_exec(db,"PRAGMA foreign_keys=OFF",0,0,0);
 sqlite3_exec(db,"CREATE TABLE accounts(account_id TEXT PRIMARY KEY, name TEXT)",0,0,0);
 const char*schema=getenv("SCHEMA")?getenv("SCHEMA"):"CREATE TABLE posts (post_id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(account_id), published_at INTEGER NOT NULL, day INTEGER NOT NULL, hour INTEGER NOT NULL, type TEXT, rubric TEXT, url TEXT, text TEXT, likes INTEGER NOT NULL, comments INTEGER NOT NULL, shares INTEGER NOT NULL, saves INTEGER, views INTEGER, reach INTEGER, clicks INTEGER, spend_cents INTEGER, import_id INTEGER NOT NULL, as_of INTEGER)";
 if(sqlite3_exec(db,schema,0,0,&e))printf("schema: %s\n",e);
 const char*idx=getenv("IDX")?getenv("IDX"):"CREATE INDEX posts_account_day ON posts(account_id, day)";
 if(*idx && sqlite3_exec(db,idx,0,0,&e))printf("idx: %s\n",e);
 sqlite3_stmt*ai;sqlite3_prepare_v2(db,"INSERT INTO accounts VALUES(?1,'x')",-1,&ai,0);
 while(sqlite3_step(aq)==SQLITE_ROW){sqlite3_reset(ai);sqlite3_bind_text(ai,1,(const char*)sqlite3_column_text(aq,0),-1,SQLITE_TRANSIENT);sqlite3_step(ai);}
 double t0=now();sqlite3_exec(db,"BEGIN",0,0,0);
 char*w=sql; w+=sprintf(w,"INSERT INTO posts (%s) VALUES ",cols);
 for(int k=0;k<chunk;k++){w+=sprintf(w,"%s(",k?",":"");for(int c=0;c<19;c++)w+=sprintf(w,"%s?",c?",":"");w+=sprintf(w,")");}
 sprintf(w," ON CONFLICT (post_id) DO NOTHING");
 sqlite3_stmt*st;if(sqlite3_prepare_v2(db,sql,-1,&st,0))printf("%s\n",sqlite3_errmsg(db));
 for(int i=0;i+chunk<=n;i+=chunk){
  sqlite3_reset(st);
  for(int k=0;k<chunk;k++){R*r=&rs[i+k];for(int c=0;c<19;c++){int j=k*19+c+1;if(r->isnull[c])sqlite3_bind_null(st,j);else if(r->s[c])sqlite3_bind_text(st,j,r->s[c],-1,SQLITE_STATIC);else sqlite3_bind_int64(st,j,r->v[c]);}}
  if(sqlite3_step(st)!=SQLITE_DONE)printf("err %s\n",sqlite3_errmsg(db));
 }
 double t1=now();sqlite3_exec(db,"COMMIT",0,0,0);double t2=now();
 printf("chunk %d: %d rows insert %.2f s commit %.2f s = %.0f rows/s\n",chunk,n,t1-t0,t2-t1,n/(t2-t0));
}
