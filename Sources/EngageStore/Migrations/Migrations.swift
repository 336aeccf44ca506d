/// Versioned schema migrations, shared by every engine. Each step is a list of statements
/// in the SQL both engines accept; `engage_schema` records the version reached.
///
/// Storage conventions: instants are INTEGER seconds since 1970 UTC; dates are INTEGER
/// day numbers since 1970-01-01 (a post's `day` and `hour` are local to its account's zone);
/// money is INTEGER cents.
public enum Migrations {
    public static let steps: [[String]] = [
        // 1: social and traffic tables of CONTRACT.md §1
        [
            """
            CREATE TABLE imports (
                import_id INTEGER PRIMARY KEY, source TEXT NOT NULL, started_at INTEGER NOT NULL,
                finished_at INTEGER, rows INTEGER NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE accounts (
                account_id TEXT PRIMARY KEY, network TEXT NOT NULL, name TEXT, handle TEXT,
                competitor INTEGER NOT NULL DEFAULT 0, timezone TEXT NOT NULL DEFAULT 'UTC',
                import_id INTEGER NOT NULL)
            """,
            """
            CREATE TABLE account_daily (
                account_id TEXT NOT NULL REFERENCES accounts(account_id), day INTEGER NOT NULL,
                followers INTEGER NOT NULL, new_followers INTEGER, unfollows INTEGER, reach INTEGER,
                reach_organic INTEGER, reach_viral INTEGER, reach_paid INTEGER, impressions INTEGER,
                page_views INTEGER, unique_visitors INTEGER, engaged_users INTEGER,
                import_id INTEGER NOT NULL, PRIMARY KEY (account_id, day))
            """,
            "CREATE INDEX account_daily_day ON account_daily(day, account_id)",
            """
            CREATE TABLE account_periods (
                account_id TEXT NOT NULL REFERENCES accounts(account_id), from_day INTEGER NOT NULL,
                to_day INTEGER NOT NULL, reach INTEGER, reach_organic INTEGER, reach_viral INTEGER,
                reach_paid INTEGER, unique_visitors INTEGER, engaged_users INTEGER,
                import_id INTEGER NOT NULL, PRIMARY KEY (account_id, from_day, to_day))
            """,
            """
            CREATE TABLE posts (
                post_id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(account_id),
                published_at INTEGER NOT NULL, day INTEGER NOT NULL, hour INTEGER NOT NULL,
                type TEXT, rubric TEXT, url TEXT, text TEXT,
                likes INTEGER NOT NULL, comments INTEGER NOT NULL, shares INTEGER NOT NULL,
                saves INTEGER, views INTEGER, reach INTEGER, clicks INTEGER, spend_cents INTEGER,
                import_id INTEGER NOT NULL)
            """,
            "CREATE INDEX posts_account_day ON posts(account_id, day)",
            // Per-day post sums of each account, kept at import (see PostRollup). `slices`
            // holds the day's posts and engagements by hour, type and rubric (RollupDay.encode).
            // Reports read these rows, never the posts.
            """
            CREATE TABLE post_rollup (
                account_id TEXT NOT NULL, day INTEGER NOT NULL,
                posts INTEGER NOT NULL, likes INTEGER NOT NULL, comments INTEGER NOT NULL,
                shares INTEGER NOT NULL, views INTEGER NOT NULL, clicks INTEGER NOT NULL,
                clicks_known INTEGER NOT NULL, spend_cents INTEGER NOT NULL, spend_known INTEGER NOT NULL,
                er_view_sum REAL NOT NULL, er_view_posts INTEGER NOT NULL, slices TEXT NOT NULL,
                PRIMARY KEY (day, account_id))
            """,
            """
            CREATE TABLE costs (
                day INTEGER NOT NULL, amount_cents INTEGER NOT NULL, account_id TEXT NOT NULL DEFAULT '',
                note TEXT NOT NULL DEFAULT '', occurrence INTEGER NOT NULL, import_id INTEGER NOT NULL,
                PRIMARY KEY (day, account_id, note, amount_cents, occurrence))
            """,
            """
            CREATE TABLE messages (
                message_id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(account_id),
                received_at INTEGER NOT NULL, is_question INTEGER NOT NULL, replied_at INTEGER,
                import_id INTEGER NOT NULL)
            """,
            "CREATE INDEX messages_account_time ON messages(account_id, received_at)",
            """
            CREATE TABLE sessions (
                session_id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL, started_at INTEGER NOT NULL,
                utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_content TEXT, utm_term TEXT,
                referrer TEXT, landing_page TEXT, converted INTEGER NOT NULL, conversion_value_cents INTEGER,
                lead INTEGER NOT NULL, import_id INTEGER NOT NULL)
            """,
            "CREATE INDEX sessions_time ON sessions(started_at)",
            "CREATE INDEX sessions_visitor_time ON sessions(visitor_id, started_at)",
        ],
        // 2: the web app: users, API tokens (hashes only), login failures (hashed keys),
        // instance settings (the shared secret that signs session cookies)
        [
            """
            CREATE TABLE users (
                user_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
                password_hash TEXT NOT NULL, created_at INTEGER NOT NULL, session_epoch INTEGER NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE api_tokens (
                token_id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                role TEXT NOT NULL, created_at INTEGER NOT NULL, last_used_at INTEGER)
            """,
            "CREATE TABLE login_failures (key_hash TEXT NOT NULL, at INTEGER NOT NULL)",
            "CREATE INDEX login_failures_key ON login_failures(key_hash, at)",
            "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ],
        // 3: employee advocacy (CONTRACT.md §1). Instants are UTC seconds, dates day numbers,
        // money cents. Tracked links and clicks created by the server have import_id 0.
        [
            """
            CREATE TABLE employees (
                employee_id TEXT PRIMARY KEY, name TEXT, email TEXT, department TEXT, title TEXT,
                is_manager INTEGER, hired_on INTEGER, left_on INTEGER, birth_year INTEGER, gender TEXT,
                import_id INTEGER NOT NULL)
            """,
            """
            CREATE TABLE invitations (
                employee_id TEXT NOT NULL, invited_at INTEGER NOT NULL, cohort TEXT, joined_at INTEGER,
                import_id INTEGER NOT NULL, PRIMARY KEY (employee_id, invited_at))
            """,
            """
            CREATE TABLE content (
                content_id TEXT PRIMARY KEY, title TEXT, url TEXT, submitted_by TEXT, submitted_at INTEGER,
                status TEXT, approved_at INTEGER, published_at INTEGER, import_id INTEGER NOT NULL)
            """,
            """
            CREATE TABLE shares (
                share_id TEXT PRIMARY KEY, employee_id TEXT NOT NULL, shared_at INTEGER NOT NULL, content_id TEXT,
                network TEXT, impressions INTEGER, likes INTEGER, comments INTEGER, shares INTEGER, clicks INTEGER,
                import_id INTEGER NOT NULL)
            """,
            "CREATE INDEX shares_time ON shares(shared_at)",
            """
            CREATE TABLE links (
                link_code TEXT PRIMARY KEY, target TEXT NOT NULL, employee_id TEXT, content_id TEXT,
                utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_content TEXT, utm_term TEXT,
                created_at INTEGER, import_id INTEGER NOT NULL)
            """,
            """
            CREATE TABLE clicks (
                link_code TEXT NOT NULL, clicked_at INTEGER NOT NULL, visitor_hash TEXT NOT NULL DEFAULT '',
                user_agent TEXT, agent_class TEXT, referrer TEXT, is_bot INTEGER NOT NULL DEFAULT 0,
                occurrence INTEGER NOT NULL, import_id INTEGER NOT NULL,
                PRIMARY KEY (link_code, clicked_at, visitor_hash, occurrence))
            """,
            "CREATE INDEX clicks_time ON clicks(clicked_at)",
            """
            CREATE TABLE leads (
                lead_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, source TEXT, utm_source TEXT, utm_medium TEXT,
                utm_campaign TEXT, utm_content TEXT, rep_id TEXT, stage TEXT, closed_at INTEGER, won INTEGER,
                value_cents INTEGER, import_id INTEGER NOT NULL)
            """,
            """
            CREATE TABLE ssi (
                employee_id TEXT NOT NULL, day INTEGER NOT NULL, total REAL NOT NULL, brand REAL, people REAL,
                insights REAL, relationships REAL, import_id INTEGER NOT NULL, PRIMARY KEY (employee_id, day))
            """,
            """
            CREATE TABLE candidates (
                candidate_id TEXT PRIMARY KEY, source TEXT NOT NULL, first_contact_at INTEGER NOT NULL,
                referred_by TEXT, position TEXT, offer_accepted_at INTEGER, hired INTEGER, import_id INTEGER NOT NULL)
            """,
        ],
        // 4: the content library and advocates in the web app (a user may be an employee),
        // earned media values per network and action (emv_rates.csv)
        [
            "ALTER TABLE users ADD COLUMN employee_id TEXT",
            """
            CREATE TABLE emv_rates (
                network TEXT NOT NULL, action TEXT NOT NULL, from_day INTEGER NOT NULL, value REAL NOT NULL,
                import_id INTEGER NOT NULL, PRIMARY KEY (network, action, from_day))
            """,
        ],
        // 5: click tables without sorting: each click keeps its UTC day and the employee who
        // owned its link when it was recorded, and two partial covering indexes hand the
        // per-link and per-advocate daily counts (distinct visitors too) over in key order
        [
            "ALTER TABLE clicks ADD COLUMN day INTEGER",
            "ALTER TABLE clicks ADD COLUMN employee_id TEXT",
            "UPDATE clicks SET day = clicked_at / 86400, employee_id = (SELECT l.employee_id FROM links l WHERE l.link_code = clicks.link_code)",
            "CREATE INDEX clicks_link_day ON clicks(day, link_code, visitor_hash) WHERE is_bot = 0",
            "CREATE INDEX clicks_employee_day ON clicks(day, employee_id, visitor_hash) WHERE is_bot = 0 AND employee_id IS NOT NULL",
        ],
        // 6: employee surveys (DESIGN.md "Survey anonymity"). Invitations know the employee
        // and their single-use token (as a hash); responses and answers never do: they keep
        // only the strata copied at invitation and the date.
        [
            """
            CREATE TABLE surveys (
                survey_id TEXT PRIMARY KEY, name TEXT NOT NULL, questionnaire_id TEXT NOT NULL,
                questionnaire_version INTEGER NOT NULL, method TEXT NOT NULL, questionnaire TEXT NOT NULL,
                created_at INTEGER NOT NULL, closes_on INTEGER, closed_at INTEGER, import_id INTEGER NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE survey_invitations (
                token_hash TEXT PRIMARY KEY, survey_id TEXT NOT NULL REFERENCES surveys(survey_id), employee_id TEXT NOT NULL,
                department TEXT, is_manager INTEGER, age_band TEXT, gender TEXT, invited_on INTEGER NOT NULL,
                used INTEGER NOT NULL DEFAULT 0, claim TEXT, import_id INTEGER NOT NULL DEFAULT 0, UNIQUE (survey_id, employee_id))
            """,
            """
            CREATE TABLE survey_responses (
                response_id TEXT PRIMARY KEY, survey_id TEXT NOT NULL REFERENCES surveys(survey_id),
                department TEXT, is_manager INTEGER, age_band TEXT, gender TEXT, day INTEGER, import_id INTEGER NOT NULL)
            """,
            """
            CREATE TABLE survey_answers (
                response_id TEXT NOT NULL REFERENCES survey_responses(response_id), item_id TEXT NOT NULL,
                answer TEXT NOT NULL, points REAL NOT NULL, import_id INTEGER NOT NULL, PRIMARY KEY (response_id, item_id))
            """,
            """
            CREATE TABLE hr_metrics (
                department TEXT NOT NULL, period TEXT NOT NULL, headcount INTEGER, turnover_pct REAL, absenteeism_pct REAL,
                productivity REAL, import_id INTEGER NOT NULL, PRIMARY KEY (department, period))
            """,
            """
            CREATE TABLE events (
                event_id TEXT PRIMARY KEY, day INTEGER NOT NULL, invited INTEGER NOT NULL, attended INTEGER NOT NULL, name TEXT,
                import_id INTEGER NOT NULL)
            """,
        ],
        // 7: sessions name a user by a random id (`uid`) that is never used again, and a
        // generation (`session_epoch`) that a password or role change raises; names are
        // unique by `name_key` (normalised, case-folded: no look-alike second "admin").
        // SQLite reuses the largest INTEGER PRIMARY KEY after a delete: AUTOINCREMENT
        // does not, so the table is rebuilt (PostgreSQL's identity never reuses).
        [
            """
            \(sqliteOnly)CREATE TABLE users_v7 (
                user_id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,
                name_key TEXT NOT NULL UNIQUE, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL,
                session_epoch INTEGER NOT NULL DEFAULT 0, employee_id TEXT)
            """,
            """
            \(sqliteOnly)INSERT INTO users_v7 (user_id, uid, name, name_key, role, password_hash, created_at, session_epoch, employee_id)
            SELECT user_id, lower(hex(randomblob(16))), name, lower(name), role, password_hash, created_at, session_epoch, employee_id FROM users
            """,
            "\(sqliteOnly)DROP TABLE users",
            "\(sqliteOnly)ALTER TABLE users_v7 RENAME TO users",
            "\(postgresOnly)ALTER TABLE users ADD COLUMN uid TEXT",
            "\(postgresOnly)ALTER TABLE users ADD COLUMN name_key TEXT",
            "\(postgresOnly)UPDATE users SET uid = md5(random()::text || clock_timestamp()::text || user_id::text), name_key = lower(name)",
            "\(postgresOnly)ALTER TABLE users ALTER COLUMN uid SET NOT NULL",
            "\(postgresOnly)ALTER TABLE users ALTER COLUMN name_key SET NOT NULL",
            "\(postgresOnly)CREATE UNIQUE INDEX users_by_uid ON users(uid)",
            "\(postgresOnly)CREATE UNIQUE INDEX users_by_name_key ON users(name_key)",
        ],
        // 8: survey answers that cannot be traced (DESIGN.md, survey anonymity; docs/privacy.md).
        // A response is kept as its answers only (`survey_vectors`: a random key, no strata,
        // no time, no order); groups by department, role, age band and gender are additive
        // tallies per dimension (`survey_tallies`), never a joint vector of strata; comments
        // are kept per department only (`survey_comments`). The old tables are converted and
        // dropped (their pages overwritten: secure_delete). `settings.survey_threshold` is the
        // anonymity threshold; changes to it are written to `audit_log`.
        [
            """
            CREATE TABLE survey_vectors (
                vector_key TEXT PRIMARY KEY, survey_id TEXT NOT NULL REFERENCES surveys(survey_id), answers TEXT NOT NULL,
                comment TEXT, import_id INTEGER NOT NULL) WITHOUT ROWID
            """,
            "CREATE INDEX survey_vectors_survey ON survey_vectors(survey_id)",
            """
            CREATE TABLE survey_tallies (
                survey_id TEXT NOT NULL REFERENCES surveys(survey_id), dimension TEXT NOT NULL, grp TEXT NOT NULL,
                measure TEXT NOT NULL, value REAL NOT NULL, import_id INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (survey_id, dimension, grp, measure)) WITHOUT ROWID
            """,
            """
            CREATE TABLE survey_comments (
                comment_key TEXT PRIMARY KEY, survey_id TEXT NOT NULL REFERENCES surveys(survey_id), department TEXT NOT NULL,
                text TEXT NOT NULL, import_id INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID
            """,
            "CREATE TABLE audit_log (at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)",
            """
            \(sqliteOnly)INSERT INTO survey_vectors (vector_key, survey_id, answers, comment, import_id)
            SELECT lower(hex(randomblob(16))), r.survey_id,
                   COALESCE((SELECT json_group_object(a.item_id, a.answer) FROM survey_answers a WHERE a.response_id = r.response_id AND a.item_id <> 'comment'), '{}'),
                   (SELECT a.answer FROM survey_answers a WHERE a.response_id = r.response_id AND a.item_id = 'comment'), r.import_id
            FROM survey_responses r
            """,
            """
            \(postgresOnly)INSERT INTO survey_vectors (vector_key, survey_id, answers, comment, import_id)
            SELECT md5(random()::text || clock_timestamp()::text || r.response_id), r.survey_id,
                   COALESCE((SELECT json_object_agg(a.item_id, a.answer)::text FROM survey_answers a WHERE a.response_id = r.response_id AND a.item_id <> 'comment'), '{}'),
                   (SELECT a.answer FROM survey_answers a WHERE a.response_id = r.response_id AND a.item_id = 'comment'), r.import_id
            FROM survey_responses r
            """,
            """
            INSERT INTO survey_tallies (survey_id, dimension, grp, measure, value)
            WITH strata (response_id, survey_id, dimension, grp) AS (\(strataOfResponses)),
                 totals (response_id, total) AS (
                     SELECT response_id, SUM(points) FROM survey_answers WHERE item_id NOT IN ('enps', 'comment') GROUP BY response_id)
            SELECT s.survey_id, s.dimension, s.grp, 'n', COUNT(*) FROM strata s GROUP BY s.survey_id, s.dimension, s.grp
            UNION ALL
            SELECT s.survey_id, s.dimension, s.grp, 'person', SUM(COALESCE(t.total, 0)) FROM strata s LEFT JOIN totals t ON t.response_id = s.response_id
            GROUP BY s.survey_id, s.dimension, s.grp
            UNION ALL
            SELECT s.survey_id, s.dimension, s.grp, 'person2', SUM(COALESCE(t.total, 0) * COALESCE(t.total, 0)) FROM strata s
            LEFT JOIN totals t ON t.response_id = s.response_id GROUP BY s.survey_id, s.dimension, s.grp
            UNION ALL
            SELECT s.survey_id, s.dimension, s.grp, 'sum:' || a.item_id, SUM(a.points) FROM strata s
            JOIN survey_answers a ON a.response_id = s.response_id AND a.item_id NOT IN ('enps', 'comment')
            GROUP BY s.survey_id, s.dimension, s.grp, a.item_id
            UNION ALL
            SELECT s.survey_id, s.dimension, s.grp, 'count:' || a.item_id || '=' || a.answer, COUNT(*) FROM strata s
            JOIN survey_answers a ON a.response_id = s.response_id AND a.item_id <> 'comment'
            GROUP BY s.survey_id, s.dimension, s.grp, a.item_id, a.answer
            """,
            """
            \(sqliteOnly)INSERT INTO survey_comments (comment_key, survey_id, department, text)
            SELECT lower(hex(randomblob(16))), r.survey_id, r.department, a.answer FROM survey_responses r
            JOIN survey_answers a ON a.response_id = r.response_id AND a.item_id = 'comment'
            WHERE r.department IS NOT NULL AND r.department <> ''
            """,
            """
            \(postgresOnly)INSERT INTO survey_comments (comment_key, survey_id, department, text)
            SELECT md5(random()::text || clock_timestamp()::text || r.response_id), r.survey_id, r.department, a.answer FROM survey_responses r
            JOIN survey_answers a ON a.response_id = r.response_id AND a.item_id = 'comment'
            WHERE r.department IS NOT NULL AND r.department <> ''
            """,
            "DROP TABLE survey_answers",
            "DROP TABLE survey_responses",
        ],
        // 9: native exports (docs/import.md#native-exports). Most networks give new and lost
        // followers per day but no total: `followers` may be unknown (NULL) and
        // `followers_given` says whether the total came from a file or an anchor (1) or was
        // rebuilt from the daily changes (0). A post's `as_of` is the day its lifetime
        // totals were taken (the export): an older export never overwrites a newer one.
        [
            """
            \(sqliteOnly)CREATE TABLE account_daily_v9 (
                account_id TEXT NOT NULL REFERENCES accounts(account_id), day INTEGER NOT NULL,
                followers INTEGER, new_followers INTEGER, unfollows INTEGER, reach INTEGER,
                reach_organic INTEGER, reach_viral INTEGER, reach_paid INTEGER, impressions INTEGER,
                page_views INTEGER, unique_visitors INTEGER, engaged_users INTEGER,
                import_id INTEGER NOT NULL, followers_given INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (account_id, day))
            """,
            """
            \(sqliteOnly)INSERT INTO account_daily_v9 (account_id, day, followers, new_followers, unfollows, reach, reach_organic,
                reach_viral, reach_paid, impressions, page_views, unique_visitors, engaged_users, import_id, followers_given)
            SELECT account_id, day, followers, new_followers, unfollows, reach, reach_organic, reach_viral, reach_paid,
                impressions, page_views, unique_visitors, engaged_users, import_id, 1 FROM account_daily
            """,
            "\(sqliteOnly)DROP TABLE account_daily",
            "\(sqliteOnly)ALTER TABLE account_daily_v9 RENAME TO account_daily",
            "\(sqliteOnly)CREATE INDEX account_daily_day ON account_daily(day, account_id)",
            "\(postgresOnly)ALTER TABLE account_daily ALTER COLUMN followers DROP NOT NULL",
            "\(postgresOnly)ALTER TABLE account_daily ADD COLUMN followers_given INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE posts ADD COLUMN as_of INTEGER",
        ],
        // 10: scale. PostgreSQL checks posts' foreign key to accounts once per account and
        // import (PostgresImportSession.lockAccounts: the account's row must exist and is
        // locked FOR KEY SHARE until commit, as the per-row check did) instead of once per
        // row, which was more than half of a COPY's time; what the key refused besides — an
        // account deleted or renamed while it has posts — a trigger refuses.
        [
            "\(postgresOnly)ALTER TABLE posts DROP CONSTRAINT IF EXISTS posts_account_id_fkey",
            """
            \(postgresOnly)CREATE FUNCTION engage_account_keeps_posts() RETURNS trigger LANGUAGE plpgsql
            SET search_path FROM CURRENT AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND NEW.account_id = OLD.account_id THEN RETURN NEW; END IF;
                IF EXISTS (SELECT 1 FROM posts WHERE account_id = OLD.account_id) THEN
                    RAISE EXCEPTION 'account % has posts', OLD.account_id USING ERRCODE = 'foreign_key_violation';
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$
            """,
            "\(postgresOnly)CREATE TRIGGER account_keeps_posts BEFORE DELETE OR UPDATE OF account_id ON accounts FOR EACH ROW EXECUTE FUNCTION engage_account_keeps_posts()",
        ],
        // 11: clicks for years of traffic. PostgreSQL keeps `clicks` partitioned by UTC month
        // of `clicked_at` (`clicks_pYYYYMM`; `clicks_default` takes what no month has yet):
        // each month's indexes stay small enough to cache, and `engage clicks prune` drops
        // whole months. Partitions are made ahead of time by the server and, for the months
        // an import brings, by the import (`PostgresStore.prepareClickMonths`). The time
        // index gives way to partition pruning. SQLite keeps one table.
        [
            "\(postgresOnly)ALTER TABLE clicks RENAME TO clicks_v10",
            "\(postgresOnly)ALTER INDEX clicks_link_day RENAME TO clicks_v10_link_day",
            "\(postgresOnly)ALTER INDEX clicks_employee_day RENAME TO clicks_v10_employee_day",
            "\(postgresOnly)ALTER INDEX clicks_pkey RENAME TO clicks_v10_pkey",
            """
            \(postgresOnly)CREATE TABLE clicks (
                link_code TEXT NOT NULL, clicked_at INTEGER NOT NULL, visitor_hash TEXT NOT NULL DEFAULT '',
                user_agent TEXT, agent_class TEXT, referrer TEXT, is_bot INTEGER NOT NULL DEFAULT 0,
                occurrence INTEGER NOT NULL, import_id INTEGER NOT NULL, day INTEGER, employee_id TEXT,
                PRIMARY KEY (link_code, clicked_at, visitor_hash, occurrence)) PARTITION BY RANGE (clicked_at)
            """,
            "\(postgresOnly)CREATE TABLE clicks_default PARTITION OF clicks DEFAULT",
            "\(postgresOnly)CREATE INDEX clicks_link_day ON clicks(day, link_code, visitor_hash) WHERE is_bot = 0",
            "\(postgresOnly)CREATE INDEX clicks_employee_day ON clicks(day, employee_id, visitor_hash) WHERE is_bot = 0 AND employee_id IS NOT NULL",
            """
            \(postgresOnly)DO $$
            DECLARE m timestamp;
            BEGIN
                -- the months that have clicks, from ClickMonth.firstPartitioned (2000-01) on;
                -- older clicks stay in clicks_default
                FOR m IN SELECT DISTINCT date_trunc('month', to_timestamp(clicked_at) AT TIME ZONE 'UTC') FROM clicks_v10
                         WHERE clicked_at >= 946684800 LOOP
                    EXECUTE format('CREATE TABLE %I PARTITION OF clicks FOR VALUES FROM (%s) TO (%s)', 'clicks_p' || to_char(m, 'YYYYMM'),
                                   extract(epoch FROM m)::bigint, extract(epoch FROM m + interval '1 month')::bigint);
                END LOOP;
            END $$
            """,
            """
            \(postgresOnly)INSERT INTO clicks (link_code, clicked_at, visitor_hash, user_agent, agent_class, referrer, is_bot, occurrence,
                import_id, day, employee_id)
            SELECT link_code, clicked_at, visitor_hash, user_agent, agent_class, referrer, is_bot, occurrence, import_id, day, employee_id
            FROM clicks_v10
            """,
            "\(postgresOnly)DROP TABLE clicks_v10",
        ],
        // 12: PostgreSQL reads an account's top posts of a period (highest reach first) from an
        // index in that order instead of sorting all the account's posts of the period: the
        // year report over 1M posts spent 0.57 s of its 0.8 s in the server there (SQLite,
        // whose report was within 1.1× of DuckDB's, keeps its import lighter without it).
        // The planner only takes it with statistics: a large import ends with ANALYZE.
        [
            // ties on reach are sorted as they come (incremental sort): a narrow index
            "\(postgresOnly)CREATE INDEX posts_top ON posts (account_id, reach DESC) WHERE reach IS NOT NULL",
        ],
        // 13: the history of imports the import page lists: who, when, which files, how many
        // rows, the outcome (imported, dry run, refused) and what the page said (the summary
        // as JSON: files, formats, columns, or the first errors) — refusals included, which
        // leave no trace in `imports` (their transaction is rolled back).
        [
            """
            CREATE TABLE import_history (
                entry_id INTEGER PRIMARY KEY, at INTEGER NOT NULL, by_name TEXT NOT NULL, files TEXT NOT NULL,
                rows INTEGER NOT NULL, outcome TEXT NOT NULL, summary TEXT NOT NULL)
            """,
        ],
        // 14: reports sent by mail on a schedule. `due_at` is the regular time being served
        // (the report's period is the one before it, however late a retry sends it);
        // `next_at` is when to try next (a retry's time, or a lease while one instance sends:
        // instances take a due schedule by moving it, so only one sends it).
        [
            """
            CREATE TABLE report_schedules (
                schedule_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, survey_id TEXT, every TEXT NOT NULL,
                lang TEXT NOT NULL, format TEXT NOT NULL, recipients TEXT NOT NULL, created_by TEXT NOT NULL,
                created_at INTEGER NOT NULL, due_at INTEGER NOT NULL, next_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                last_sent_at INTEGER, last_error TEXT)
            """,
        ],
        // 15: accounts archived in the dashboard: left out of reports unless asked for by id,
        // their data kept (imports do not touch the column).
        [
            "ALTER TABLE accounts ADD COLUMN archived_at INTEGER",
        ],
        // 16: survey invitations and reminders by e-mail. An employee's language (employees.csv
        // `lang`) for their messages; a reminder's link is a second token of the same
        // invitation (`reminder_hash`: the token of the first message is never stored, so it
        // cannot be sent again, and it keeps working); what happened to each message (never its
        // link), so a failure is shown and sent again, not lost.
        [
            "ALTER TABLE employees ADD COLUMN lang TEXT",
            "ALTER TABLE survey_invitations ADD COLUMN reminder_hash TEXT",
            "CREATE UNIQUE INDEX survey_invitations_reminder ON survey_invitations (reminder_hash)",
            """
            CREATE TABLE survey_mail (
                survey_id TEXT NOT NULL, employee_id TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, updated_at INTEGER NOT NULL,
                PRIMARY KEY (survey_id, employee_id, kind))
            """,
        ],
        // 17: clicks at the speed of the log (#14). A click log repeats a few hundred user
        // agents millions of times (130 bytes a click): each is stored once in `user_agents`
        // and a click keeps its id. On SQLite the click's key leads with its time and the table
        // is clustered on it (WITHOUT ROWID): a log arrives in time order, so new clicks go to
        // the right edge of one B-tree instead of random places in a table, its key index and a
        // time index (SQLite's own insert rate for the same rows: 128k/s → 216k/s, BENCHMARKS.md).
        // PostgreSQL keeps its monthly partitions and key; only the agent moves out. What read a
        // link's clicks through the old key reads `link_days` instead: on SQLite a table kept
        // at write time, on PostgreSQL a view over the clicks' link-led key (nothing to keep,
        // so no row an import holds locked until it commits can make a redirect wait).
        [
            "CREATE TABLE user_agents (agent_id INTEGER PRIMARY KEY, user_agent TEXT NOT NULL UNIQUE)",
            "INSERT INTO user_agents (user_agent) SELECT DISTINCT user_agent FROM clicks WHERE user_agent IS NOT NULL ORDER BY user_agent",
            """
            \(sqliteOnly)CREATE TABLE clicks_v17 (
                clicked_at INTEGER NOT NULL, link_code TEXT NOT NULL, visitor_hash TEXT NOT NULL DEFAULT '',
                occurrence INTEGER NOT NULL, agent_id INTEGER, agent_class TEXT, referrer TEXT, is_bot INTEGER NOT NULL DEFAULT 0,
                import_id INTEGER NOT NULL, day INTEGER, employee_id TEXT,
                PRIMARY KEY (clicked_at, link_code, visitor_hash, occurrence)) WITHOUT ROWID
            """,
            """
            \(sqliteOnly)INSERT INTO clicks_v17 (clicked_at, link_code, visitor_hash, occurrence, agent_id, agent_class, referrer, is_bot,
                import_id, day, employee_id)
            SELECT c.clicked_at, c.link_code, c.visitor_hash, c.occurrence, a.agent_id, c.agent_class, c.referrer, c.is_bot,
                c.import_id, c.day, c.employee_id
            FROM clicks c LEFT JOIN user_agents a ON a.user_agent = c.user_agent
            """,
            "\(sqliteOnly)DROP TABLE clicks",
            "\(sqliteOnly)ALTER TABLE clicks_v17 RENAME TO clicks",
            // the partial indexes carry `is_bot` (and the first, the owner): SQLite reads a WITHOUT
            // ROWID table's row for a column its partial index only implies (a year's link-day
            // scan 8.9 s → 1.35 s)
            "\(sqliteOnly)CREATE INDEX clicks_link_day ON clicks(day, link_code, visitor_hash, is_bot, employee_id) WHERE is_bot = 0",
            "\(sqliteOnly)CREATE INDEX clicks_employee_day ON clicks(day, employee_id, visitor_hash, is_bot) WHERE is_bot = 0 AND employee_id IS NOT NULL",
            // human clicks per link and day (`LinkDays`): a link's clicks without reading them
            "\(sqliteOnly)CREATE TABLE link_days (link_code TEXT NOT NULL, day INTEGER NOT NULL, clicks INTEGER NOT NULL, PRIMARY KEY (link_code, day))",
            """
            \(sqliteOnly)INSERT INTO link_days (link_code, day, clicks)
            SELECT link_code, day, COUNT(*) FROM clicks WHERE is_bot = 0 AND day IS NOT NULL GROUP BY link_code, day
            """,
            "\(postgresOnly)ALTER TABLE clicks ADD COLUMN agent_id BIGINT",
            "\(postgresOnly)UPDATE clicks c SET agent_id = a.agent_id FROM user_agents a WHERE a.user_agent = c.user_agent",
            "\(postgresOnly)ALTER TABLE clicks DROP COLUMN user_agent",
            """
            \(postgresOnly)CREATE VIEW link_days AS
            SELECT link_code, day, COUNT(*) AS clicks FROM clicks WHERE is_bot = 0 AND day IS NOT NULL GROUP BY link_code, day
            """,
        ],
        // 18: SQLite keeps the click tables per day (`ClickDays`): clicks and distinct visitors
        // per (kind, day, key) — kind 0 a link, 1 an advocate, 2 advocate ('1') or brand ('0')
        // links —, recounted by imports, prunes and the server for the days they change (a
        // server click marks its day dirty; a dirty day is read from the clicks until then).
        // The two partial day indexes go: with them SQLite did twice the work per click
        // (BENCHMARKS.md). PostgreSQL keeps its indexes and counts from the clicks.
        [
            """
            \(sqliteOnly)CREATE TABLE click_days (
                kind INTEGER NOT NULL, day INTEGER NOT NULL, key TEXT NOT NULL, clicks INTEGER NOT NULL, visitors INTEGER NOT NULL,
                PRIMARY KEY (kind, day, key)) WITHOUT ROWID
            """,
            "\(sqliteOnly)CREATE TABLE click_dirty_days (day INTEGER PRIMARY KEY)",
            """
            \(sqliteOnly)INSERT INTO click_days (kind, day, key, clicks, visitors)
            SELECT 0, day, link_code, COUNT(*), COUNT(DISTINCT NULLIF(visitor_hash, '')) FROM clicks
            WHERE is_bot = 0 AND day IS NOT NULL GROUP BY day, link_code
            """,
            """
            \(sqliteOnly)INSERT INTO click_days (kind, day, key, clicks, visitors)
            SELECT 1, day, employee_id, COUNT(*), COUNT(DISTINCT NULLIF(visitor_hash, '')) FROM clicks
            WHERE is_bot = 0 AND day IS NOT NULL AND employee_id IS NOT NULL GROUP BY day, employee_id
            """,
            """
            \(sqliteOnly)INSERT INTO click_days (kind, day, key, clicks, visitors)
            SELECT 2, day, CASE WHEN employee_id IS NULL THEN '0' ELSE '1' END, COUNT(*), COUNT(DISTINCT NULLIF(visitor_hash, '')) FROM clicks
            WHERE is_bot = 0 AND day IS NOT NULL GROUP BY day, CASE WHEN employee_id IS NULL THEN '0' ELSE '1' END
            """,
            "\(sqliteOnly)DROP INDEX clicks_link_day",
            "\(sqliteOnly)DROP INDEX clicks_employee_day",
            // a recount replaces a day's rows of `link_days` (keyed by link first)
            "\(sqliteOnly)CREATE INDEX link_days_day ON link_days (day)",
        ],
        // 19: PostgreSQL compares posts' ids byte by byte (collation "C", as SQLite's BINARY):
        // an import spends most of its server time in the three B-trees of `posts`, and with
        // the database's locale every key comparison went through strcoll. Equality with the
        // other tables' ids is unchanged (their default collation yields to this one).
        [
            "\(postgresOnly)ALTER TABLE posts ALTER COLUMN post_id TYPE TEXT COLLATE \"C\", ALTER COLUMN account_id TYPE TEXT COLLATE \"C\"",
        ],
    ]

    /// The (response, survey, dimension, group) rows of the old joint-strata responses.
    static let strataOfResponses = """
        SELECT response_id, survey_id, 'department', department FROM survey_responses WHERE department IS NOT NULL AND department <> ''
        UNION ALL SELECT response_id, survey_id, 'role', CASE WHEN is_manager = 1 THEN 'manager' ELSE 'staff' END FROM survey_responses WHERE is_manager IS NOT NULL
        UNION ALL SELECT response_id, survey_id, 'age_band', age_band FROM survey_responses WHERE age_band IS NOT NULL AND age_band <> ''
        UNION ALL SELECT response_id, survey_id, 'gender', gender FROM survey_responses WHERE gender IS NOT NULL AND gender <> ''
        """

    /// Statements that only one engine runs start with one of these markers.
    static let sqliteOnly = "-- sqlite only\n"
    static let postgresOnly = "-- postgres only\n"

    /// The statements of migration step `index` that `engine` runs.
    public static func statements(_ index: Int, engine: String) -> [String] {
        steps[index].filter { sql in
            if sql.hasPrefix(sqliteOnly) { return engine == "sqlite" }
            if sql.hasPrefix(postgresOnly) { return engine == "postgres" }
            return true
        }
    }

    public static var latest: Int { steps.count }

    /// Tables of imported data (what `Store.counts()` reports).
    public static let dataTables = ["accounts", "account_daily", "account_periods", "posts", "post_rollup", "costs", "messages",
                                    "sessions", "imports", "employees", "invitations", "content", "shares", "links", "clicks",
                                    "leads", "ssi", "candidates", "emv_rates", "surveys",
                                    "survey_invitations", "survey_vectors", "survey_tallies", "survey_comments", "hr_metrics", "events"]
}
