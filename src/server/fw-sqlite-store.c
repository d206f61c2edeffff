/* fw-sqlite-store.c — the embedded store: one SQLite file
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Records of every entity live in one table as the JSON they travel as,
 * with the columns that queries and access checks need beside it: the
 * entity, the farm it belongs to, its parent, its revision. Readings have
 * tables of their own, keyed by a small integer per sensor, with hourly
 * rollups kept up to date as readings arrive.
 *
 * Revisions and the change cursor. Every write takes the next value of one
 * counter, in the same transaction as the write, and a record carries the
 * revision of its latest write. SQLite lets one writer at a time commit
 * (BEGIN IMMEDIATE), so revisions become visible in the order they were
 * taken: a reader that sees revision n sees every revision below n. A
 * pull "after cursor c, ordered by revision" can therefore never skip a
 * change. (An engine with concurrent writers needs more: see
 * docs/sync-protocol.md.)
 *
 * Connections come from a small pool; handlers run in worker threads, and
 * each call takes a connection for its duration.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "fw-sqlite-store.h"

struct _FwSqliteStore
{
  GObject      parent_instance;

  char        *path;
  char        *epoch;
  GAsyncQueue *pool;          /* Connection */
  guint        n_connections;
};

typedef struct
{
  sqlite3    *db;
  GHashTable *statements;     /* SQL literal → sqlite3_stmt */
} Connection;

static void fw_sqlite_store_iface_init (FwStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FwSqliteStore, fw_sqlite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FW_TYPE_STORE, fw_sqlite_store_iface_init))

static const char migration_1[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
  "INSERT INTO meta VALUES ('epoch', lower (hex (randomblob (16)))), ('revision', '0');"
  "CREATE TABLE records ("
  "  uuid TEXT PRIMARY KEY,"
  "  entity TEXT NOT NULL,"
  "  farm_uuid TEXT NOT NULL,"
  "  parent_uuid TEXT,"
  "  revision INTEGER NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  body TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE INDEX records_farm ON records (farm_uuid, entity);"
  "CREATE INDEX records_parent ON records (parent_uuid, entity);"
  "CREATE TABLE sensors ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  farm_uuid TEXT NOT NULL,"
  "  unit_uuid TEXT NOT NULL,"
  "  parameter TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX sensors_farm ON sensors (farm_uuid);"
  "CREATE TABLE readings ("
  "  sensor_id INTEGER NOT NULL,"
  "  t INTEGER NOT NULL,"
  "  value REAL NOT NULL,"
  "  PRIMARY KEY (sensor_id, t)"
  ") WITHOUT ROWID;"
  "CREATE TABLE rollups_hourly ("
  "  sensor_id INTEGER NOT NULL,"
  "  hour INTEGER NOT NULL,"
  "  min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,"
  "  PRIMARY KEY (sensor_id, hour)"
  ") WITHOUT ROWID;"
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  username TEXT NOT NULL UNIQUE,"
  "  display_name TEXT NOT NULL DEFAULT '',"
  "  role TEXT NOT NULL CHECK (role IN ('worker', 'manager', 'admin')),"
  "  password_hash TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  disabled INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE user_farms ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  farm_uuid TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, farm_uuid)"
  ") WITHOUT ROWID;"
  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE TABLE devices ("
  "  uuid TEXT PRIMARY KEY,"
  "  farm_uuid TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  token_hash TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  /* Every mutation id the server has answered, with the answer, so that a
   * mutation delivered again gets the same answer and is applied once. */
  "CREATE TABLE mutations ("
  "  mutation_id TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL,"
  "  record_uuid TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  code TEXT, message TEXT, field TEXT,"
  "  answered_at INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE TABLE login_failures ("
  "  key TEXT PRIMARY KEY,"
  "  window_start INTEGER NOT NULL,"
  "  failures INTEGER NOT NULL"
  ") WITHOUT ROWID;";

/* Each sensor's newest reading, kept on ingest: what dashboards poll. */
static const char migration_2[] =
  "CREATE TABLE latest_readings ("
  "  sensor_id INTEGER PRIMARY KEY,"
  "  t INTEGER NOT NULL,"
  "  value REAL NOT NULL"
  ");"
  "INSERT INTO latest_readings (sensor_id, t, value) "
  "SELECT r.sensor_id, r.t, r.value FROM readings r "
  "WHERE r.t = (SELECT max (t) FROM readings WHERE sensor_id = r.sensor_id);";

/* Alerts are counted across farms for /metrics, and listed by farm:
 * both look records up by entity without a farm. */
static const char migration_3[] =
  "CREATE INDEX records_entity ON records (entity, deleted);";

static const char * const migrations[] = { migration_1, migration_2, migration_3 };

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
connection_free (Connection *connection)
{
  g_hash_table_unref (connection->statements);
  sqlite3_close (connection->db);
  g_free (connection);
}

static Connection *
acquire (FwSqliteStore *self)
{
  return g_async_queue_pop (self->pool);
}

static void
release (FwSqliteStore *self,
         Connection    *connection)
{
  g_async_queue_push (self->pool, connection);
}

static gboolean
db_error (FwSqliteStore  *self,
          Connection     *connection,
          int             rc,
          const char     *doing,
          GError        **error)
{
  return fw_database_set_error (connection->db, self->path, rc, doing, error);
}

/* @sql must be a literal: its address is the key. */
static sqlite3_stmt *
prepare (FwSqliteStore  *self,
         Connection     *connection,
         const char     *sql,
         GError        **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (connection->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (connection->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      db_error (self, connection, rc, "preparing a query", error);
      return NULL;
    }

  g_hash_table_insert (connection->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
exec (FwSqliteStore  *self,
      Connection     *connection,
      const char     *sql,
      GError        **error)
{
  return fw_database_exec (connection->db, self->path, sql, sql, error);
}

static gboolean
step_done (FwSqliteStore  *self,
           Connection     *connection,
           sqlite3_stmt   *stmt,
           const char     *doing,
           GError        **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return db_error (self, connection, rc, doing, error);

  return TRUE;
}

static const char *
text (sqlite3_stmt *stmt,
      int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static void
fw_sqlite_store_finalize (GObject *object)
{
  FwSqliteStore *self = FW_SQLITE_STORE (object);

  g_clear_pointer (&self->pool, g_async_queue_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->epoch, g_free);

  G_OBJECT_CLASS (fw_sqlite_store_parent_class)->finalize (object);
}

static void
fw_sqlite_store_class_init (FwSqliteStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fw_sqlite_store_finalize;
}

static void
fw_sqlite_store_init (FwSqliteStore *self)
{
  self->pool = g_async_queue_new_full ((GDestroyNotify) connection_free);
}

static char *
read_meta (FwSqliteStore  *self,
           Connection     *connection,
           const char     *key,
           GError        **error)
{
  sqlite3_stmt *stmt = prepare (self, connection, "SELECT value FROM meta WHERE key = ?1", error);
  char *value = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup (text (stmt, 0));
  else
    db_error (self, connection, rc, "reading the store's bookkeeping", error);
  sqlite3_reset (stmt);

  return value;
}

/**
 * fw_sqlite_store_open:
 * @path: the store's file; created and migrated on first use
 * @n_connections: how many requests may use the store at once
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
FwSqliteStore *
fw_sqlite_store_open (const char  *path,
                      guint        n_connections,
                      GError     **error)
{
  g_autoptr(FwSqliteStore) self = g_object_new (FW_TYPE_SQLITE_STORE, NULL);

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (n_connections > 0, NULL);

  self->path = g_strdup (path);
  self->n_connections = n_connections;

  for (guint i = 0; i < n_connections; i++)
    {
      Connection *connection = g_new0 (Connection, 1);
      guint version;

      connection->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
      connection->db = fw_database_open (path, migrations, G_N_ELEMENTS (migrations), &version, error);
      if (connection->db == NULL)
        {
          g_hash_table_unref (connection->statements);
          g_free (connection);
          return NULL;
        }

      /* A readings batch is many pages; let SQLite keep them in memory. */
      sqlite3_exec (connection->db, "PRAGMA cache_size = -32768", NULL, NULL, NULL);

      if (self->epoch == NULL && (self->epoch = read_meta (self, connection, "epoch", error)) == NULL)
        {
          connection_free (connection);
          return NULL;
        }

      g_async_queue_push (self->pool, connection);
    }

  return g_steal_pointer (&self);
}

static gboolean
store_ping (FwStore  *store,
            GError  **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autofree char *revision = read_meta (self, connection, "revision", error);

  release (self, connection);
  return revision != NULL;
}

static const char *
store_get_epoch (FwStore *store)
{
  return FW_SQLITE_STORE (store)->epoch;
}

static FwUser *
load_user (FwSqliteStore  *self,
           Connection     *connection,
           sqlite3_stmt   *stmt,
           gboolean        with_hash,
           GError        **error)
{
  FwUser *user = fw_user_new ();
  sqlite3_stmt *farms;
  int rc;

  user->id = sqlite3_column_int64 (stmt, 0);
  user->uuid = g_strdup (text (stmt, 1));
  user->username = g_strdup (text (stmt, 2));
  user->display_name = g_strdup (text (stmt, 3));
  fw_role_from_string (text (stmt, 4), &user->role);
  if (with_hash)
    user->password_hash = g_strdup (text (stmt, 5));

  farms = prepare (self, connection, "SELECT farm_uuid FROM user_farms WHERE user_id = ?1 ORDER BY farm_uuid", error);
  if (farms == NULL)
    {
      fw_user_free (user);
      return NULL;
    }

  sqlite3_bind_int64 (farms, 1, user->id);
  while ((rc = sqlite3_step (farms)) == SQLITE_ROW)
    g_ptr_array_add (user->farm_uuids, g_strdup (text (farms, 0)));
  sqlite3_reset (farms);

  if (rc != SQLITE_DONE)
    {
      db_error (self, connection, rc, "reading a user's farms", error);
      fw_user_free (user);
      return NULL;
    }

  return user;
}

#define USER_COLUMNS "u.id, u.uuid, u.username, u.display_name, u.role, u.password_hash "

static FwUser *
store_find_user (FwStore     *store,
                 const char  *username,
                 GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  FwUser *user = NULL;
  sqlite3_stmt *stmt;

  stmt = prepare (self, connection,
                  "SELECT " USER_COLUMNS "FROM users u WHERE u.username = ?1 AND u.disabled = 0",
                  error);
  if (stmt != NULL)
    {
      int rc;

      sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        user = load_user (self, connection, stmt, TRUE, error);
      else if (rc != SQLITE_DONE)
        db_error (self, connection, rc, "looking up a user", error);
      sqlite3_reset (stmt);
    }

  release (self, connection);
  return user;
}

static GPtrArray *
store_list_users (FwStore  *store,
                  GError  **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_user_free);
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  stmt = prepare (self, connection,
                  "SELECT " USER_COLUMNS "FROM users u WHERE u.disabled = 0 ORDER BY u.username",
                  error);
  if (stmt != NULL)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          FwUser *user = load_user (self, connection, stmt, FALSE, error);

          if (user == NULL)
            break;
          g_ptr_array_add (users, user);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        db_error (self, connection, rc, "listing users", error);
    }

  release (self, connection);
  return rc == SQLITE_DONE ? g_steal_pointer (&users) : NULL;
}

static gboolean
store_add_user (FwStore     *store,
                FwUser      *user,
                const char  *password_hash,
                GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  if (!exec (self, connection, "BEGIN IMMEDIATE", error))
    goto out;

  stmt = prepare (self, connection,
                  "INSERT INTO users (uuid, username, display_name, role, password_hash, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                  error);
  if (stmt == NULL)
    goto rollback;

  sqlite3_bind_text (stmt, 1, user->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, user->username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, user->display_name ?: "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, fw_role_to_string (user->role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, password_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    user->id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_EXISTS,
                   "A user named “%s” exists already", user->username);
      goto rollback;
    }
  if (rc != SQLITE_ROW)
    {
      db_error (self, connection, rc, "adding a user", error);
      goto rollback;
    }

  stmt = prepare (self, connection, "INSERT OR IGNORE INTO user_farms VALUES (?1, ?2)", error);
  if (stmt == NULL)
    goto rollback;

  for (guint i = 0; i < user->farm_uuids->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, user->id);
      sqlite3_bind_text (stmt, 2, g_ptr_array_index (user->farm_uuids, i), -1, SQLITE_STATIC);
      if (!step_done (self, connection, stmt, "adding a user's farms", error))
        goto rollback;
    }

  ok = exec (self, connection, "COMMIT", error);
  if (ok)
    goto out;

rollback:
  sqlite3_exec (connection->db, "ROLLBACK", NULL, NULL, NULL);
out:
  release (self, connection);
  return ok;
}

static gboolean
store_add_session (FwStore     *store,
                   FwUser      *user,
                   const char  *token_hash,
                   FwTime       expires_at,
                   GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;

  /* Expired sessions go when new ones come, so the table stays small. */
  stmt = prepare (self, connection, "DELETE FROM sessions WHERE expires_at <= ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, now);
      step_done (self, connection, stmt, "expiring sessions", NULL);
    }

  stmt = prepare (self, connection,
                  "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, user->id);
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_int64 (stmt, 4, expires_at);
      ok = step_done (self, connection, stmt, "starting a session", error);
    }

  release (self, connection);
  return ok;
}

static FwUser *
store_find_session (FwStore     *store,
                    const char  *token_hash,
                    FwTime       now,
                    GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  FwUser *user = NULL;
  sqlite3_stmt *stmt;

  stmt = prepare (self, connection,
                  "SELECT " USER_COLUMNS "FROM sessions s JOIN users u ON u.id = s.user_id "
                  "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
                  error);
  if (stmt != NULL)
    {
      int rc;

      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        user = load_user (self, connection, stmt, FALSE, error);
      else if (rc != SQLITE_DONE)
        db_error (self, connection, rc, "checking a session", error);
      sqlite3_reset (stmt);
    }

  release (self, connection);
  return user;
}

static gboolean
store_remove_session (FwStore     *store,
                      const char  *token_hash,
                      GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  stmt = prepare (self, connection, "DELETE FROM sessions WHERE token_hash = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      ok = step_done (self, connection, stmt, "ending a session", error);
    }

  release (self, connection);
  return ok;
}

/* Counts failed logins per key in fixed windows; kept in the store so that
 * every server instance behind a balancer sees the same counts. */
static gboolean
store_throttle_login (FwStore         *store,
                      const char      *key,
                      FwLoginAttempt   attempt,
                      FwTime           now,
                      guint            window,
                      guint           *failures,
                      FwTime          *window_start,
                      GError         **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  FwTime start = now;
  guint count = 0;
  int rc;

  if (!exec (self, connection, "BEGIN IMMEDIATE", error))
    goto out;

  stmt = prepare (self, connection, "SELECT window_start, failures FROM login_failures WHERE key = ?1", error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) + window > now)
    {
      start = sqlite3_column_int64 (stmt, 0);
      count = sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_error (self, connection, rc, "counting failed logins", error);
      goto rollback;
    }

  switch (attempt)
    {
    case FW_LOGIN_ATTEMPT_CHECK:
      break;

    case FW_LOGIN_ATTEMPT_FAILED:
      count++;
      stmt = prepare (self, connection,
                      "INSERT INTO login_failures VALUES (?1, ?2, ?3) "
                      "ON CONFLICT (key) DO UPDATE SET window_start = ?2, failures = ?3",
                      error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, start);
      sqlite3_bind_int (stmt, 3, count);
      if (!step_done (self, connection, stmt, "counting failed logins", error))
        goto rollback;

      /* Old windows are of no use; keep the table from growing under a
       * stream of made-up names. */
      stmt = prepare (self, connection, "DELETE FROM login_failures WHERE window_start + ?1 <= ?2", error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_int64 (stmt, 1, window);
      sqlite3_bind_int64 (stmt, 2, now);
      if (!step_done (self, connection, stmt, "forgetting old failed logins", error))
        goto rollback;
      break;

    case FW_LOGIN_ATTEMPT_SUCCEEDED:
      count = 0;
      stmt = prepare (self, connection, "DELETE FROM login_failures WHERE key = ?1", error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (!step_done (self, connection, stmt, "clearing failed logins", error))
        goto rollback;
      break;

    default:
      g_assert_not_reached ();
    }

  ok = exec (self, connection, "COMMIT", error);
  if (ok)
    {
      if (failures != NULL)
        *failures = count;
      if (window_start != NULL)
        *window_start = start;
      goto out;
    }

rollback:
  sqlite3_exec (connection->db, "ROLLBACK", NULL, NULL, NULL);
out:
  release (self, connection);
  return ok;
}

static gboolean
store_add_device (FwStore     *store,
                  const char  *farm_uuid,
                  const char  *name,
                  const char  *token_hash,
                  char       **uuid,
                  GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autofree char *new_uuid = g_uuid_string_random ();
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  stmt = prepare (self, connection,
                  "INSERT INTO devices (uuid, farm_uuid, name, token_hash, created_at) "
                  "SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS "
                  "(SELECT 1 FROM records WHERE uuid = ?2 AND entity = 'farm' AND deleted = 0)",
                  error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, new_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, farm_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, token_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
      ok = step_done (self, connection, stmt, "adding a device", error);
      if (ok && sqlite3_changes (connection->db) == 0)
        {
          g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND, "No farm with id “%s”", farm_uuid);
          ok = FALSE;
        }
    }

  release (self, connection);

  if (ok && uuid != NULL)
    *uuid = g_steal_pointer (&new_uuid);
  return ok;
}

static FwDevice *
store_find_device (FwStore     *store,
                   const char  *token_hash,
                   GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  FwDevice *device = NULL;
  sqlite3_stmt *stmt;

  stmt = prepare (self, connection, "SELECT uuid, farm_uuid, name FROM devices WHERE token_hash = ?1", error);
  if (stmt != NULL)
    {
      int rc;

      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          device = g_new0 (FwDevice, 1);
          device->uuid = g_strdup (text (stmt, 0));
          device->farm_uuid = g_strdup (text (stmt, 1));
          device->name = g_strdup (text (stmt, 2));
        }
      else if (rc != SQLITE_DONE)
        db_error (self, connection, rc, "checking a device", error);
      sqlite3_reset (stmt);
    }

  release (self, connection);
  return device;
}

static JsonNode *
parse_body (const char *body)
{
  /* The store wrote it; a body that does not parse is a damaged store. */
  JsonNode *node = json_from_string (body, NULL);

  return node != NULL ? node : json_node_new (JSON_NODE_NULL);
}

static GPtrArray *
store_list_records (FwStore     *store,
                    FwEntity     entity,
                    const char  *farm_uuid,
                    const char  *parent_uuid,
                    GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  stmt = prepare (self, connection,
                  "SELECT body FROM records WHERE entity = ?1 AND deleted = 0 "
                  "AND (?2 IS NULL OR farm_uuid = ?2) AND (?3 IS NULL OR parent_uuid = ?3) "
                  "ORDER BY revision",
                  error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, fw_entity_to_string (entity), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, farm_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, parent_uuid, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (records, parse_body (text (stmt, 0)));
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        db_error (self, connection, rc, "listing records", error);
    }

  release (self, connection);
  return rc == SQLITE_DONE ? g_steal_pointer (&records) : NULL;
}

static JsonNode *
store_get_record (FwStore     *store,
                  FwEntity     entity,
                  const char  *uuid,
                  char       **farm_uuid,
                  GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  JsonNode *record = NULL;
  sqlite3_stmt *stmt;

  stmt = prepare (self, connection, "SELECT body, farm_uuid FROM records WHERE uuid = ?1 AND entity = ?2", error);
  if (stmt != NULL)
    {
      int rc;

      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, fw_entity_to_string (entity), -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          record = parse_body (text (stmt, 0));
          if (farm_uuid != NULL)
            *farm_uuid = g_strdup (text (stmt, 1));
        }
      else if (rc == SQLITE_DONE)
        g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND,
                     "No %s with id “%s”", fw_entity_to_string (entity), uuid);
      else
        db_error (self, connection, rc, "reading a record", error);
      sqlite3_reset (stmt);
    }

  release (self, connection);
  return record;
}

static gboolean
load_existing (FwSqliteStore  *self,
               Connection     *connection,
               const char     *uuid,
               FwStoredRecord *existing,
               GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  fw_stored_record_clear (existing);

  stmt = prepare (self, connection,
                  "SELECT entity, farm_uuid, revision, created_at, deleted, body FROM records WHERE uuid = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      existing->exists = TRUE;
      fw_entity_from_string (text (stmt, 0), &existing->entity);
      existing->farm_uuid = g_strdup (text (stmt, 1));
      existing->revision = sqlite3_column_int64 (stmt, 2);
      existing->created_at = sqlite3_column_int64 (stmt, 3);
      existing->deleted = sqlite3_column_int (stmt, 4);
      fw_stored_record_take_body (existing, parse_body (text (stmt, 5)));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return db_error (self, connection, rc, "reading a record", error);

  return TRUE;
}

static gboolean
write_record (FwSqliteStore  *self,
              Connection     *connection,
              FwEntity        entity,
              const char     *uuid,
              const char     *farm_uuid,
              const char     *parent_uuid,
              gint64          revision,
              FwTime          created_at,
              FwTime          updated_at,
              gboolean        deleted,
              JsonNode       *body,
              GError        **error)
{
  g_autofree char *json = json_to_string (body, FALSE);
  sqlite3_stmt *stmt;

  stmt = prepare (self, connection,
                  "INSERT INTO records (uuid, entity, farm_uuid, parent_uuid, revision, created_at, updated_at, deleted, body) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                  "ON CONFLICT (uuid) DO UPDATE SET parent_uuid = ?4, revision = ?5, updated_at = ?7, deleted = ?8, body = ?9",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fw_entity_to_string (entity), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, farm_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, parent_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, revision);
  sqlite3_bind_int64 (stmt, 6, created_at);
  sqlite3_bind_int64 (stmt, 7, updated_at);
  sqlite3_bind_int (stmt, 8, deleted);
  sqlite3_bind_text (stmt, 9, json, -1, SQLITE_STATIC);
  if (!step_done (self, connection, stmt, "saving a record", error))
    return FALSE;

  if (entity != FW_ENTITY_SENSOR)
    return TRUE;

  /* Readings refer to sensors by a small integer of this store's own. */
  stmt = prepare (self, connection,
                  "INSERT INTO sensors (uuid, farm_uuid, unit_uuid, parameter, deleted) VALUES (?1, ?2, ?3, ?4, ?5) "
                  "ON CONFLICT (uuid) DO UPDATE SET unit_uuid = ?3, parameter = ?4, deleted = ?5",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, farm_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, parent_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, json_object_get_string_member_with_default (json_node_get_object (body), "parameter", ""), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, deleted);
  return step_done (self, connection, stmt, "saving a sensor", error);
}

typedef struct
{
  FwSqliteStore *self;
  Connection    *connection;
} Access;

static gboolean
load_cb (gpointer         data,
         const char      *uuid,
         FwStoredRecord  *record,
         GError         **error)
{
  Access *access = data;

  return load_existing (access->self, access->connection, uuid, record, error);
}

static gboolean
write_cb (gpointer     data,
          FwEntity     entity,
          const char  *uuid,
          const char  *farm_uuid,
          const char  *parent_uuid,
          gint64       revision,
          FwTime       created_at,
          FwTime       updated_at,
          gboolean     deleted,
          JsonNode    *body,
          GError     **error)
{
  Access *access = data;

  return write_record (access->self, access->connection, entity, uuid, farm_uuid, parent_uuid,
                       revision, created_at, updated_at, deleted, body, error);
}

/* Applies one mutation inside the open transaction (fw_store_apply_mutation()). */
static FwMutationResult *
apply_one (FwSqliteStore  *self,
           Connection     *connection,
           FwUser         *user,
           FwMutation     *mutation,
           gint64         *revision,
           FwTime          now,
           GError        **error)
{
  Access access = { self, connection };

  return fw_store_apply_mutation (user, mutation, revision, now, load_cb, write_cb, &access, error);
}

static FwMutationResult *
load_answer (FwSqliteStore  *self,
             Connection     *connection,
             FwUser         *user,
             FwMutation     *mutation,
             gboolean       *found,
             GError        **error)
{
  FwMutationResult *result = NULL;
  sqlite3_stmt *stmt;
  int rc;

  *found = FALSE;
  stmt = prepare (self, connection,
                  "SELECT status, revision, code, message, field, user_id, record_uuid "
                  "FROM mutations WHERE mutation_id = ?1",
                  error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, mutation->mutation_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 5) != user->id)
    {
      /* Someone else's id: answer, but neither apply nor reveal theirs. */
      result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "duplicate_mutation_id",
                           "This mutation id was used already; make a new one", "mutation_id");
      *found = TRUE;
    }
  else if (rc == SQLITE_ROW)
    {
      FwMutationStatus status = FW_MUTATION_APPLIED;

      if (g_str_equal (text (stmt, 0), "rejected"))
        status = FW_MUTATION_REJECTED;
      else if (g_str_equal (text (stmt, 0), "conflict"))
        status = FW_MUTATION_CONFLICT;

      result = fw_mutation_result_new (mutation, status, text (stmt, 2), text (stmt, 3), text (stmt, 4));
      result->revision = sqlite3_column_int64 (stmt, 1);
      g_free (result->record_uuid);
      result->record_uuid = g_strdup (text (stmt, 6));
      *found = TRUE;
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      db_error (self, connection, rc, "looking up a mutation", error);
      return NULL;
    }

  /* A conflict answered again comes with the server's version as it is
   * now, as the first answer did. */
  if (result != NULL && result->status == FW_MUTATION_CONFLICT)
    {
      FwStoredRecord existing = { 0, };

      if (!load_existing (self, connection, result->record_uuid, &existing, error))
        {
          fw_mutation_result_free (result);
          return NULL;
        }
      if (existing.exists)
        {
          result->server_record = json_node_ref (existing.body);
          result->revision = existing.revision;
        }
      fw_stored_record_clear (&existing);
    }

  return result;
}

static gboolean
save_answer (FwSqliteStore     *self,
             Connection        *connection,
             FwUser            *user,
             FwMutation        *mutation,
             FwMutationResult  *result,
             FwTime             now,
             GError           **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (self, connection,
                  "INSERT INTO mutations (mutation_id, user_id, record_uuid, status, revision, code, message, field, answered_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, mutation->mutation_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, user->id);
  sqlite3_bind_text (stmt, 3, mutation->record_uuid ?: "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, fw_mutation_status_to_string (result->status), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, result->revision);
  sqlite3_bind_text (stmt, 6, result->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, result->message, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, result->field, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, now);
  return step_done (self, connection, stmt, "recording a mutation", error);
}

static gboolean
write_revision (FwSqliteStore  *self,
                Connection     *connection,
                gint64          revision,
                GError        **error)
{
  sqlite3_stmt *stmt = prepare (self, connection, "UPDATE meta SET value = ?1 WHERE key = 'revision'", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, revision);
  return step_done (self, connection, stmt, "advancing the revision", error);
}

/* All mutations of a push commit together, each with the record of its
 * answer, and only then does the server answer. A mutation already
 * answered gets its first answer again; a rejected one is answered and
 * recorded too, so that it can never block a client's queue. */
static GPtrArray *
store_apply_mutations (FwStore     *store,
                       FwUser      *user,
                       GPtrArray   *mutations,
                       FwTime       now,
                       GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_mutation_result_free);
  g_autofree char *revision_text = NULL;
  gint64 revision;
  gboolean ok = FALSE;

  if (!exec (self, connection, "BEGIN IMMEDIATE", error))
    goto out;

  revision_text = read_meta (self, connection, "revision", error);
  if (revision_text == NULL)
    goto rollback;
  revision = g_ascii_strtoll (revision_text, NULL, 10);

  for (guint i = 0; i < mutations->len; i++)
    {
      FwMutation *mutation = g_ptr_array_index (mutations, i);
      FwMutationResult *result;
      gboolean answered;
      gint64 before = revision;

      result = load_answer (self, connection, user, mutation, &answered, error);
      if (result == NULL && !answered && error != NULL && *error != NULL)
        goto rollback;

      if (!answered)
        {
          if (!exec (self, connection, "SAVEPOINT mutation", error))
            goto rollback;

          result = apply_one (self, connection, user, mutation, &revision, now, error);
          if (result == NULL)
            goto rollback;

          if (result->status != FW_MUTATION_APPLIED)
            {
              /* Nothing of a refused mutation stays but its answer. */
              sqlite3_exec (connection->db, "ROLLBACK TO mutation", NULL, NULL, NULL);
              revision = before;
            }

          if (!exec (self, connection, "RELEASE mutation", error) ||
              !save_answer (self, connection, user, mutation, result, now, error))
            {
              fw_mutation_result_free (result);
              goto rollback;
            }
        }

      g_ptr_array_add (results, result);
    }

  if (!write_revision (self, connection, revision, error) ||
      !exec (self, connection, "COMMIT", error))
    goto rollback;

  ok = TRUE;
  goto out;

rollback:
  sqlite3_exec (connection->db, "ROLLBACK", NULL, NULL, NULL);
out:
  release (self, connection);
  return ok ? g_steal_pointer (&results) : NULL;
}

static GPtrArray *
store_pull (FwStore     *store,
            FwUser      *user,
            gint64       after,
            guint        limit,
            gint64      *last,
            gboolean    *more,
            GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_change_free);
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  *last = after;
  *more = FALSE;

  {
    g_autofree char *revision = read_meta (self, connection, "revision", error);

    if (revision == NULL)
      {
        release (self, connection);
        return NULL;
      }

    if (after > g_ascii_strtoll (revision, NULL, 10))
      {
        release (self, connection);
        g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_INVALID,
                     "Cursor %" G_GINT64_FORMAT " is ahead of the store's revision %s", after, revision);
        return NULL;
      }
  }

  stmt = prepare (self, connection,
                  "SELECT entity, farm_uuid, body, revision FROM records "
                  "WHERE revision > ?1 AND (?2 OR farm_uuid IN (SELECT farm_uuid FROM user_farms WHERE user_id = ?3)) "
                  "ORDER BY revision LIMIT ?4",
                  error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, after);
      sqlite3_bind_int (stmt, 2, user->role == FW_ROLE_ADMIN);
      sqlite3_bind_int64 (stmt, 3, user->id);
      sqlite3_bind_int64 (stmt, 4, limit);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          FwChange *change = g_new0 (FwChange, 1);

          fw_entity_from_string (text (stmt, 0), &change->entity);
          change->farm_uuid = g_strdup (text (stmt, 1));
          change->record = parse_body (text (stmt, 2));
          *last = sqlite3_column_int64 (stmt, 3);
          g_ptr_array_add (changes, change);
        }
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        db_error (self, connection, rc, "reading changes", error);
    }

  release (self, connection);

  if (rc != SQLITE_DONE)
    return NULL;

  *more = changes->len == limit;
  return g_steal_pointer (&changes);
}

typedef struct
{
  double min, max, sum;
  gint64 count;
} Rollup;

static gboolean
flush_rollups (FwSqliteStore    *self,
               Connection       *connection,
               gint64            sensor_id,
               GHashTable       *hours,
               const FwReading  *newest,
               GError          **error)
{
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gpointer key, value;

  if (newest != NULL)
    {
      stmt = prepare (self, connection,
                      "INSERT INTO latest_readings (sensor_id, t, value) VALUES (?1, ?2, ?3) "
                      "ON CONFLICT (sensor_id) DO UPDATE SET t = ?2, value = ?3 WHERE ?2 > t",
                      error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, sensor_id);
      sqlite3_bind_int64 (stmt, 2, newest->time);
      sqlite3_bind_double (stmt, 3, newest->value);
      if (!step_done (self, connection, stmt, "updating the latest reading", error))
        return FALSE;
    }

  stmt = prepare (self, connection,
                  "INSERT INTO rollups_hourly (sensor_id, hour, min, max, sum, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                  "ON CONFLICT (sensor_id, hour) DO UPDATE SET min = min (min, ?3), max = max (max, ?4), "
                  "sum = sum + ?5, count = count + ?6",
                  error);
  if (stmt == NULL)
    return FALSE;

  g_hash_table_iter_init (&iter, hours);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Rollup *rollup = value;

      sqlite3_bind_int64 (stmt, 1, sensor_id);
      sqlite3_bind_int64 (stmt, 2, *(gint64 *) key);
      sqlite3_bind_double (stmt, 3, rollup->min);
      sqlite3_bind_double (stmt, 4, rollup->max);
      sqlite3_bind_double (stmt, 5, rollup->sum);
      sqlite3_bind_int64 (stmt, 6, rollup->count);
      if (!step_done (self, connection, stmt, "updating rollups", error))
        return FALSE;
    }

  return TRUE;
}

/* Readings are validated by the caller for what can be seen without the
 * store (types, future times, duplicates within a batch); here the store
 * checks the sensor belongs to the device's farm and the value to its
 * parameter's plausible range. One transaction for the whole request. */
static gboolean
store_ingest (FwStore     *store,
              FwDevice    *device,
              GPtrArray   *batches,
              FwTime       now,
              GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autoptr(GHashTable) hours = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  gboolean ok = FALSE;

  if (!exec (self, connection, "BEGIN IMMEDIATE", error))
    goto out;

  for (guint b = 0; b < batches->len; b++)
    {
      FwIngestBatch *batch = g_ptr_array_index (batches, b);
      const FwParameterInfo *info;
      const FwReading *newest;
      FwParameter parameter;
      sqlite3_stmt *stmt;
      gint64 sensor_id;
      int rc;

      if (batch->error != NULL)
        continue;

      stmt = prepare (self, connection,
                      "SELECT id, parameter FROM sensors WHERE uuid = ?1 AND farm_uuid = ?2 AND deleted = 0",
                      error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_text (stmt, 1, batch->sensor_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, device->farm_uuid, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          if (rc != SQLITE_DONE)
            {
              db_error (self, connection, rc, "looking up a sensor", error);
              goto rollback;
            }
          /* Another farm's sensor is as unknown as one that does not exist. */
          batch->error = g_strdup ("unknown_sensor");
          batch->rejected += batch->readings->len;
          continue;
        }
      sensor_id = sqlite3_column_int64 (stmt, 0);
      if (!fw_parameter_from_id (text (stmt, 1), &parameter))
        parameter = FW_PARAMETER_TEMPERATURE;
      sqlite3_reset (stmt);
      info = fw_parameter_get_info (parameter);

      stmt = prepare (self, connection,
                      "INSERT INTO readings (sensor_id, t, value) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                      error);
      if (stmt == NULL)
        goto rollback;

      g_hash_table_remove_all (hours);
      newest = NULL;
      sqlite3_bind_int64 (stmt, 1, sensor_id);

      for (guint i = 0; i < batch->readings->len; i++)
        {
          FwReading *reading = &g_array_index (batch->readings, FwReading, i);
          gint64 hour;
          Rollup *rollup;

          if (reading->value < info->plausible_min || reading->value > info->plausible_max)
            {
              fw_ingest_batch_reject (batch, g_array_index (batch->indexes, guint, i),
                                      reading->time, "out_of_range");
              continue;
            }

          sqlite3_bind_int64 (stmt, 2, reading->time);
          sqlite3_bind_double (stmt, 3, reading->value);
          rc = sqlite3_step (stmt);
          sqlite3_reset (stmt);
          if (rc != SQLITE_DONE)
            {
              db_error (self, connection, rc, "saving readings", error);
              goto rollback;
            }

          batch->accepted++;

          /* A reading delivered again is accepted but counted once. */
          if (sqlite3_changes (connection->db) == 0)
            continue;

          if (newest == NULL || reading->time > newest->time)
            newest = reading;

          hour = reading->time - reading->time % 3600;
          rollup = g_hash_table_lookup (hours, &hour);
          if (rollup == NULL)
            {
              rollup = g_new0 (Rollup, 1);
              rollup->min = rollup->max = reading->value;
              g_hash_table_insert (hours, g_memdup2 (&hour, sizeof hour), rollup);
            }
          rollup->min = MIN (rollup->min, reading->value);
          rollup->max = MAX (rollup->max, reading->value);
          rollup->sum += reading->value;
          rollup->count++;
        }

      if (!flush_rollups (self, connection, sensor_id, hours, newest, error))
        goto rollback;
    }

  ok = exec (self, connection, "COMMIT", error);
  if (ok)
    goto out;

rollback:
  sqlite3_exec (connection->db, "ROLLBACK", NULL, NULL, NULL);
  /* Nothing was saved: say so in every batch's counts. */
  for (guint b = 0; b < batches->len; b++)
    {
      FwIngestBatch *batch = g_ptr_array_index (batches, b);

      batch->accepted = 0;
    }
out:
  release (self, connection);
  return ok;
}

static GArray *
store_query_readings (FwStore       *store,
                      const char    *sensor_uuid,
                      FwTime         from,
                      FwTime         to,
                      FwResolution   resolution,
                      guint          limit,
                      GError       **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autoptr(GArray) buckets = g_array_new (FALSE, FALSE, sizeof (FwBucket));
  sqlite3_stmt *stmt = NULL;
  int rc = SQLITE_ERROR;

  switch (resolution)
    {
    case FW_RESOLUTION_RAW:
      stmt = prepare (self, connection,
                      "SELECT r.t, r.value, r.value, r.value, 1 FROM readings r JOIN sensors s ON s.id = r.sensor_id "
                      "WHERE s.uuid = ?1 AND r.t >= ?2 AND r.t < ?3 ORDER BY r.t LIMIT ?4",
                      error);
      break;

    case FW_RESOLUTION_HOUR:
      stmt = prepare (self, connection,
                      "SELECT h.hour, h.min, h.max, h.sum, h.count FROM rollups_hourly h JOIN sensors s ON s.id = h.sensor_id "
                      "WHERE s.uuid = ?1 AND h.hour >= ?2 AND h.hour < ?3 ORDER BY h.hour LIMIT ?4",
                      error);
      break;

    case FW_RESOLUTION_DAY:
      stmt = prepare (self, connection,
                      "SELECT h.hour - h.hour % 86400 AS day, min (h.min), max (h.max), sum (h.sum), sum (h.count) "
                      "FROM rollups_hourly h JOIN sensors s ON s.id = h.sensor_id "
                      "WHERE s.uuid = ?1 AND h.hour >= ?2 AND h.hour < ?3 GROUP BY day ORDER BY day LIMIT ?4",
                      error);
      break;

    default:
      g_assert_not_reached ();
    }

  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, sensor_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, from);
      sqlite3_bind_int64 (stmt, 3, to);
      sqlite3_bind_int64 (stmt, 4, limit);

      rc = fw_database_read_buckets (stmt, buckets);
      if (rc != SQLITE_DONE)
        db_error (self, connection, rc, "reading sensor history", error);
    }

  release (self, connection);
  return rc == SQLITE_DONE ? g_steal_pointer (&buckets) : NULL;
}

static GPtrArray *
store_farm_readings (FwStore     *store,
                     const char  *farm_uuid,
                     FwTime       from,
                     FwTime       to,
                     gint64       after_sensor,
                     FwTime       after_time,
                     guint        limit,
                     GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_sensor_run_free);
  FwSensorRun *run = NULL;
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  /* Sensor by sensor, each a range seek on the readings' key. */
  stmt = prepare (self, connection,
                  "SELECT s.id, s.uuid, r.t, r.value FROM sensors s "
                  "JOIN readings r ON r.sensor_id = s.id "
                  "WHERE s.farm_uuid = ?1 AND s.deleted = 0 AND s.id >= ?4 "
                  "AND r.t >= ?2 AND r.t < ?3 AND (s.id > ?4 OR r.t > ?5) "
                  "ORDER BY s.id, r.t LIMIT ?6",
                  error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, farm_uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, from);
      sqlite3_bind_int64 (stmt, 3, to);
      sqlite3_bind_int64 (stmt, 4, after_sensor);
      sqlite3_bind_int64 (stmt, 5, after_time);
      sqlite3_bind_int64 (stmt, 6, limit);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 sensor_id = sqlite3_column_int64 (stmt, 0);
          FwReading reading = { sqlite3_column_int64 (stmt, 2), sqlite3_column_double (stmt, 3) };

          if (run == NULL || run->sensor_id != sensor_id)
            {
              run = g_new0 (FwSensorRun, 1);
              run->sensor_id = sensor_id;
              run->sensor_uuid = g_strdup (text (stmt, 1));
              run->readings = g_array_new (FALSE, FALSE, sizeof (FwReading));
              g_ptr_array_add (runs, run);
            }
          g_array_append_val (run->readings, reading);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        db_error (self, connection, rc, "reading a farm's readings", error);
    }

  release (self, connection);
  return rc == SQLITE_DONE ? g_steal_pointer (&runs) : NULL;
}

static GPtrArray *
store_latest_readings (FwStore     *store,
                       const char  *farm_uuid,
                       GError     **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  g_autoptr(GPtrArray) latest = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_latest_free);
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  stmt = prepare (self, connection,
                  "SELECT s.uuid, s.unit_uuid, s.parameter, l.t, l.value FROM sensors s "
                  "JOIN latest_readings l ON l.sensor_id = s.id "
                  "WHERE s.farm_uuid = ?1 AND s.deleted = 0 ORDER BY s.uuid",
                  error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, farm_uuid, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          FwLatest *entry = g_new0 (FwLatest, 1);

          entry->sensor_uuid = g_strdup (text (stmt, 0));
          entry->unit_uuid = g_strdup (text (stmt, 1));
          fw_parameter_from_id (text (stmt, 2), &entry->parameter);
          entry->time = sqlite3_column_int64 (stmt, 3);
          entry->value = sqlite3_column_double (stmt, 4);
          g_ptr_array_add (latest, entry);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        db_error (self, connection, rc, "reading the latest readings", error);
    }

  release (self, connection);
  return rc == SQLITE_DONE ? g_steal_pointer (&latest) : NULL;
}

static gboolean
store_get_counts (FwStore        *store,
                  FwStoreCounts  *counts,
                  GError        **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  /* Readings are counted from the hourly rollups: exact, and a small
   * fraction of the rows that counting readings would read. */
  stmt = prepare (self, connection,
                  "SELECT "
                  "(SELECT count (*) FROM records WHERE entity = 'farm' AND deleted = 0),"
                  "(SELECT count (*) FROM records WHERE entity = 'unit' AND deleted = 0),"
                  "(SELECT count (*) FROM sensors WHERE deleted = 0),"
                  "(SELECT count (*) FROM users WHERE disabled = 0),"
                  "(SELECT coalesce (sum (count), 0) FROM rollups_hourly),"
                  "(SELECT value FROM meta WHERE key = 'revision')",
                  error);
  if (stmt != NULL)
    {
      int rc = sqlite3_step (stmt);

      if (rc == SQLITE_ROW)
        {
          counts->farms = sqlite3_column_int64 (stmt, 0);
          counts->units = sqlite3_column_int64 (stmt, 1);
          counts->sensors = sqlite3_column_int64 (stmt, 2);
          counts->users = sqlite3_column_int64 (stmt, 3);
          counts->readings = sqlite3_column_int64 (stmt, 4);
          counts->revision = sqlite3_column_int64 (stmt, 5);
          ok = TRUE;
        }
      else
        db_error (self, connection, rc, "counting", error);
      sqlite3_reset (stmt);
    }

  /* Alerts nobody has acknowledged yet, for the firing gauge. */
  memset (counts->alerts_firing, 0, sizeof counts->alerts_firing);
  stmt = ok ? prepare (self, connection,
                       "SELECT json_extract (body, '$.severity'), count (*) FROM records "
                       "WHERE entity = 'alert' AND deleted = 0 AND json_extract (body, '$.state') = 'firing' "
                       "GROUP BY 1",
                       error) : NULL;
  if (stmt != NULL)
    {
      int rc;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          FwSeverity severity;

          if (fw_severity_from_string (text (stmt, 0), &severity))
            counts->alerts_firing[severity] += sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        ok = db_error (self, connection, rc, "counting alerts", error);
    }
  else
    ok = FALSE;

  release (self, connection);
  return ok;
}

static FwAlert *
store_save_alert (FwStore             *store,
                  FwAlert             *alert,
                  const FwAlertEvent  *event,
                  FwTime               now,
                  GError             **error)
{
  FwSqliteStore *self = FW_SQLITE_STORE (store);
  Connection *connection = acquire (self);
  Access access = { self, connection };
  g_autofree char *revision_text = NULL;
  FwAlert *saved = NULL;
  gboolean wrote = FALSE;
  gint64 revision;

  if (!exec (self, connection, "BEGIN IMMEDIATE", error))
    goto out;

  revision_text = read_meta (self, connection, "revision", error);
  if (revision_text == NULL)
    goto rollback;
  revision = g_ascii_strtoll (revision_text, NULL, 10) + 1;

  saved = fw_store_write_alert (alert, event, now, revision, load_cb, write_cb, &access, &wrote, error);
  if (saved == NULL || !wrote)
    goto rollback;

  if (!write_revision (self, connection, revision, error) ||
      !exec (self, connection, "COMMIT", error))
    {
      g_clear_object (&saved);
      goto rollback;
    }
  goto out;

rollback:
  sqlite3_exec (connection->db, "ROLLBACK", NULL, NULL, NULL);
out:
  release (self, connection);
  return saved;
}

static void
fw_sqlite_store_iface_init (FwStoreInterface *iface)
{
  iface->ping = store_ping;
  iface->get_epoch = store_get_epoch;
  iface->find_user = store_find_user;
  iface->list_users = store_list_users;
  iface->add_user = store_add_user;
  iface->add_session = store_add_session;
  iface->find_session = store_find_session;
  iface->remove_session = store_remove_session;
  iface->throttle_login = store_throttle_login;
  iface->add_device = store_add_device;
  iface->find_device = store_find_device;
  iface->list_records = store_list_records;
  iface->get_record = store_get_record;
  iface->apply_mutations = store_apply_mutations;
  iface->pull = store_pull;
  iface->ingest = store_ingest;
  iface->query_readings = store_query_readings;
  iface->farm_readings = store_farm_readings;
  iface->latest_readings = store_latest_readings;
  iface->get_counts = store_get_counts;
  iface->save_alert = store_save_alert;
}
