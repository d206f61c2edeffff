/* fw-pg-store.c — the store on PostgreSQL, for several server instances
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same tables and the same answers as the embedded SQLite store
 * (fw-sqlite-store.c), over libpq, so that every handler works unchanged
 * on either. Records live as the JSON text they travel as, beside the
 * columns that queries and access checks need; readings have tables of
 * their own, with hourly rollups and each sensor's latest reading kept up
 * to date as they arrive.
 *
 * Revisions and the change cursor. PostgreSQL lets many transactions
 * write at once, and a sequence hands out numbers in the order they are
 * asked for, not the order their transactions commit: a reader could see
 * revision 8 committed while 7 is still in flight, move its cursor to 8,
 * and never see 7. Two ways out: serve only what lies below the oldest
 * open transaction (the snapshot horizon), or let one writer at a time
 * take revisions. We serialise: every transaction that assigns revisions
 * first locks the one row of the `revision` table (SELECT … FOR UPDATE)
 * and holds the lock until it commits. PostgreSQL makes a commit visible
 * before it releases the transaction's locks, so the next writer takes
 * its revisions only after the previous ones are visible to everyone: a
 * reader that sees revision n sees every revision below n, and a pull
 * "after cursor c, ordered by revision" never skips a change, exactly as
 * on SQLite. The horizon approach would let record writes run in
 * parallel, but it needs the transaction ids of the writers kept beside
 * each change, holds every puller back behind the slowest writer, and is
 * easy to get subtly wrong; record writes are small and rare next to
 * readings, and readings (the bulk of the load) take no revision and no
 * lock, so they still run in parallel on every instance.
 *
 * The lock is taken at the start of the writing transaction rather than
 * just before the first revision: a push must also see, under the lock,
 * the answers recorded by a concurrent push of the same mutation ids (a
 * client retrying through the balancer on another instance), so that a
 * mutation is applied once however the deliveries interleave.
 *
 * Connections come from a small pool; handlers run in worker threads, and
 * each call takes a connection for its duration. A connection that broke
 * (the server restarted, a failover, the network) is closed, the call
 * fails with FW_STORE_ERROR_UNAVAILABLE (503, and /readyz says so), and
 * the next call that takes it connects again: the server rides out a
 * restart of PostgreSQL without being restarted itself.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <libpq-fe.h>

#include "fw-pg-store.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* Any constant will do, as long as every instance uses the same one: it
 * names the lock that one migrating instance holds. ("fishwat" in ASCII) */
#define MIGRATION_LOCK G_GINT64_CONSTANT (0x66697368776174)

/* How long to wait for PostgreSQL to accept a connection, in seconds: a
 * store that does not answer should fail a request, not hang it. */
#define CONNECT_TIMEOUT "5"
/* How long a request waits for a free connection of the pool. */
#define POOL_WAIT_SECONDS 15

/* How long a starting server waits for PostgreSQL to come up. */
#define STARTUP_WAIT_SECONDS 30

/* A deadlock or serialisation failure is retried this often. */
#define MAX_TRIES 4

struct _FwPgStore
{
  GObject      parent_instance;

  char        *conninfo;
  char        *epoch;         /* atomic: read again on every new connection */
  GPtrArray   *old_epochs;    /* kept: a handler may still hold one */
  GMutex       epoch_lock;
  GAsyncQueue *pool;          /* Connection */
};

typedef struct
{
  PGconn *conn;               /* NULL: connect again before use */
} Connection;

/* Query parameters, all as text: PostgreSQL parses them by the type the
 * query needs, so no value is ever spliced into SQL. */
#define MAX_PARAMS 12

typedef struct
{
  const char *values[MAX_PARAMS];
  char       *owned[MAX_PARAMS];
  int         n;
} Params;

static void fw_pg_store_iface_init (FwStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FwPgStore, fw_pg_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FW_TYPE_STORE, fw_pg_store_iface_init))

static const char migration_1[] =
  "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);"
  "INSERT INTO meta VALUES ('epoch', replace (gen_random_uuid ()::text, '-', ''));"
  /* One row: the last revision handed out, and the lock every writer of
   * records holds until it commits (see the top of this file). */
  "CREATE TABLE revision ("
  "  id integer PRIMARY KEY CHECK (id = 1),"
  "  value bigint NOT NULL"
  ");"
  "INSERT INTO revision VALUES (1, 0);"
  "CREATE TABLE records ("
  "  uuid text PRIMARY KEY,"
  "  entity text NOT NULL,"
  "  farm_uuid text NOT NULL,"
  "  parent_uuid text,"
  "  revision bigint NOT NULL UNIQUE,"
  "  created_at bigint NOT NULL,"
  "  updated_at bigint NOT NULL,"
  "  deleted boolean NOT NULL DEFAULT false,"
  "  body text NOT NULL"
  ");"
  "CREATE INDEX records_farm ON records (farm_uuid, entity);"
  "CREATE INDEX records_parent ON records (parent_uuid, entity);"
  "CREATE INDEX records_entity ON records (entity, deleted);"
  "CREATE TABLE sensors ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  uuid text NOT NULL UNIQUE,"
  "  farm_uuid text NOT NULL,"
  "  unit_uuid text NOT NULL,"
  "  parameter text NOT NULL,"
  "  deleted boolean NOT NULL DEFAULT false"
  ");"
  "CREATE INDEX sensors_farm ON sensors (farm_uuid);"
  "CREATE TABLE readings ("
  "  sensor_id bigint NOT NULL,"
  "  t bigint NOT NULL,"
  "  value double precision NOT NULL,"
  "  PRIMARY KEY (sensor_id, t)"
  ");"
  "CREATE TABLE rollups_hourly ("
  "  sensor_id bigint NOT NULL,"
  "  hour bigint NOT NULL,"
  "  min double precision NOT NULL,"
  "  max double precision NOT NULL,"
  "  sum double precision NOT NULL,"
  "  count bigint NOT NULL,"
  "  PRIMARY KEY (sensor_id, hour)"
  ");"
  "CREATE TABLE latest_readings ("
  "  sensor_id bigint PRIMARY KEY,"
  "  t bigint NOT NULL,"
  "  value double precision NOT NULL"
  ");"
  "CREATE TABLE users ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  uuid text NOT NULL UNIQUE,"
  "  username text NOT NULL UNIQUE,"
  "  display_name text NOT NULL DEFAULT '',"
  "  role text NOT NULL CHECK (role IN ('worker', 'manager', 'admin')),"
  "  password_hash text NOT NULL,"
  "  created_at bigint NOT NULL,"
  "  disabled boolean NOT NULL DEFAULT false"
  ");"
  "CREATE TABLE user_farms ("
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  farm_uuid text NOT NULL,"
  "  PRIMARY KEY (user_id, farm_uuid)"
  ");"
  "CREATE TABLE sessions ("
  "  token_hash text PRIMARY KEY,"
  "  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created_at bigint NOT NULL,"
  "  expires_at bigint NOT NULL"
  ");"
  "CREATE INDEX sessions_expiry ON sessions (expires_at);"
  "CREATE TABLE devices ("
  "  uuid text PRIMARY KEY,"
  "  farm_uuid text NOT NULL,"
  "  name text NOT NULL,"
  "  token_hash text NOT NULL UNIQUE,"
  "  created_at bigint NOT NULL"
  ");"
  /* Every mutation id the server has answered, with the answer, so that a
   * mutation delivered again, to any instance, gets the same answer and
   * is applied once. */
  "CREATE TABLE mutations ("
  "  mutation_id text PRIMARY KEY,"
  "  user_id bigint NOT NULL,"
  "  record_uuid text NOT NULL,"
  "  status text NOT NULL,"
  "  revision bigint NOT NULL DEFAULT 0,"
  "  code text, message text, field text,"
  "  answered_at bigint NOT NULL"
  ");"
  /* In the store, not in a process, so that every instance behind the
   * balancer counts the same failures. */
  "CREATE TABLE login_failures ("
  "  key text PRIMARY KEY,"
  "  window_start bigint NOT NULL,"
  "  failures integer NOT NULL"
  ");";

static const char * const migrations[] = { migration_1 };

static void
params_add (Params     *params,
            const char *value)
{
  g_assert (params->n < MAX_PARAMS);
  params->values[params->n++] = value;
}

static void
params_take (Params *params,
             char   *value)
{
  g_assert (params->n < MAX_PARAMS);
  params->owned[params->n] = value;
  params->values[params->n++] = value;
}

static void
params_int (Params *params,
            gint64  value)
{
  params_take (params, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

static void
params_bool (Params   *params,
             gboolean  value)
{
  params_add (params, value ? "t" : "f");
}

static void
params_clear (Params *params)
{
  for (int i = 0; i < params->n; i++)
    g_clear_pointer (&params->owned[i], g_free);
  params->n = 0;
}

static gint64
get_int (PGresult *result,
         int       row,
         int       column)
{
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

static double
get_double (PGresult *result,
            int       row,
            int       column)
{
  return g_ascii_strtod (PQgetvalue (result, row, column), NULL);
}

static gboolean
get_bool (PGresult *result,
          int       row,
          int       column)
{
  return PQgetvalue (result, row, column)[0] == 't';
}

/* NULL for SQL NULL, unlike PQgetvalue(). */
static const char *
get_text (PGresult *result,
          int       row,
          int       column)
{
  return PQgetisnull (result, row, column) ? NULL : PQgetvalue (result, row, column);
}

static void
connection_close (Connection *connection)
{
  g_clear_pointer (&connection->conn, PQfinish);
}

static void
connection_free (Connection *connection)
{
  connection_close (connection);
  g_free (connection);
}

/* Whether @sqlstate says the connection, or the server behind it, is
 * gone: class 08 (connection exceptions), the server shutting down or
 * restarting (57P01–57P03), or refusing connections (53300). */
static gboolean
sqlstate_is_unavailable (const char *sqlstate)
{
  return sqlstate == NULL ||
         g_str_has_prefix (sqlstate, "08") ||
         g_str_equal (sqlstate, "57P01") ||
         g_str_equal (sqlstate, "57P02") ||
         g_str_equal (sqlstate, "57P03") ||
         g_str_equal (sqlstate, "53300") ||
         /* A standby just promoted, or one we were pointed at by mistake,
          * cannot take writes: another try, on another connection, may. */
         g_str_equal (sqlstate, "25006");
}

/* Sets @error from what went wrong on @connection and closes it when it
 * broke, so that the next use connects again. Returns: %FALSE */
static gboolean
set_error (Connection  *connection,
           PGresult    *result,
           const char  *doing,
           GError     **error)
{
  const char *sqlstate = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *detail = result != NULL ? PQresultErrorMessage (result) : NULL;
  g_autofree char *message = NULL;

  if (detail == NULL || *detail == '\0')
    detail = connection->conn != NULL ? PQerrorMessage (connection->conn) : "no connection";
  message = g_strstrip (g_strdup (detail));

  if (connection->conn == NULL || PQstatus (connection->conn) != CONNECTION_OK ||
      sqlstate_is_unavailable (sqlstate))
    {
      connection_close (connection);
      g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_UNAVAILABLE,
                   "PostgreSQL is unreachable while %s: %s", doing, message);
    }
  else if (g_str_equal (sqlstate, "40P01") || g_str_equal (sqlstate, "40001") ||
           g_str_equal (sqlstate, "55P03"))
    g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_BUSY,
                 "The store is busy while %s: %s", doing, message);
  else if (g_str_equal (sqlstate, "53100"))
    g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FULL,
                 "The store's disk is full while %s: %s", doing, message);
  else if (g_str_equal (sqlstate, "23505"))
    g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_EXISTS,
                 "Exists already, while %s: %s", doing, message);
  else
    g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_FAILED,
                 "PostgreSQL failed while %s (%s): %s", doing, sqlstate, message);

  return FALSE;
}

/* Notices ("relation exists, skipping") are for people at a psql prompt;
 * the server's log is JSON, and they would break it. */
static void
ignore_notice_cb (void       *user_data,
                  const char *message)
{
}

static PGconn *
connect_to (const char  *conninfo,
            GError     **error)
{
  /* Later keywords override earlier ones, so what the URL says wins over
   * these defaults. */
  const char * const keywords[] = {
    "connect_timeout", "application_name", "keepalives_idle", "keepalives_interval",
    "tcp_user_timeout", "options", "dbname", NULL,
  };
  /* A writer that waits for the revision lock longer than SQLite's busy
   * timeout is answered 503 with Retry-After, as on SQLite. A statement
   * never runs unbounded, and a network that drops silently is noticed in
   * seconds (keepalives, tcp_user_timeout), not when the kernel gives up:
   * a stuck connection would hold a worker thread and its pool slot.
   * Transactions are READ COMMITTED whatever the server's default: the
   * revision lock relies on it (see the top of this file). */
  const char * const values[] = {
    CONNECT_TIMEOUT, "fishwatch-server", "30", "10", "15000",
    "-c lock_timeout=10s -c statement_timeout=60s -c default_transaction_isolation=read\\ committed",
    conninfo, NULL,
  };
  PGconn *conn = PQconnectdbParams (keywords, values, TRUE);

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strstrip (g_strdup (PQerrorMessage (conn)));

      g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_UNAVAILABLE,
                   "Cannot connect to PostgreSQL: %s", message);
      PQfinish (conn);
      return NULL;
    }

  PQsetNoticeProcessor (conn, ignore_notice_cb, NULL);
  return conn;
}

static PGresult *query (Connection    *connection,
                        const char    *sql,
                        const Params  *params,
                        const char    *doing,
                        GError       **error);

/* The epoch names the store's history in every cursor. It changes when
 * that history was cut short (a restore, or a promotion of a replica that
 * was behind: docs/scaling.md); a server that reconnects after such a
 * failover picks up the new one, and clients resynchronise. */
static void
refresh_epoch (FwPgStore  *self,
               Connection *connection)
{
  g_autoptr(PGresult) result = query (connection, "SELECT value FROM meta WHERE key = 'epoch'", NULL,
                                      "reading the store's epoch", NULL);
  const char *epoch;

  if (result == NULL || PQntuples (result) == 0)
    return;

  epoch = PQgetvalue (result, 0, 0);
  g_mutex_lock (&self->epoch_lock);
  if (g_strcmp0 (epoch, g_atomic_pointer_get (&self->epoch)) != 0)
    {
      char *previous = g_atomic_pointer_get (&self->epoch);

      if (previous != NULL)
        g_ptr_array_add (self->old_epochs, previous);
      g_atomic_pointer_set (&self->epoch, g_strdup (epoch));
    }
  g_mutex_unlock (&self->epoch_lock);
}

/* Takes a connection from the pool, connected. Returns: %NULL with
 * @error set when PostgreSQL cannot be reached; the pool keeps its slot. */
static Connection *
acquire (FwPgStore  *self,
         GError    **error)
{
  Connection *connection = g_async_queue_timeout_pop (self->pool, POOL_WAIT_SECONDS * G_USEC_PER_SEC);

  /* Every connection busy for that long: the store is as good as away,
   * and the request is answered 503 rather than waiting for ever. */
  if (connection == NULL)
    {
      g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_UNAVAILABLE,
                   "Every connection to PostgreSQL has been busy for %d s", POOL_WAIT_SECONDS);
      return NULL;
    }

  /* A connection the server closed while it sat in the pool (a restart,
   * an idle timeout) reads as broken only once its input is read. */
  if (connection->conn != NULL &&
      (!PQconsumeInput (connection->conn) || PQstatus (connection->conn) != CONNECTION_OK))
    connection_close (connection);

  if (connection->conn == NULL)
    {
      connection->conn = connect_to (self->conninfo, error);
      if (connection->conn == NULL)
        {
          g_async_queue_push (self->pool, connection);
          return NULL;
        }
      refresh_epoch (self, connection);
    }

  return connection;
}

static void
release (FwPgStore  *self,
         Connection *connection)
{
  /* A call that failed half-way leaves nothing open for the next. */
  if (connection->conn != NULL && PQtransactionStatus (connection->conn) != PQTRANS_IDLE)
    {
      PGresult *result = PQexec (connection->conn, "ROLLBACK");

      PQclear (result);
      if (PQtransactionStatus (connection->conn) != PQTRANS_IDLE)
        connection_close (connection);
    }

  g_async_queue_push (self->pool, connection);
}

/* Runs @sql with @params. Returns: (transfer full): the result, or %NULL
 * with @error set */
static PGresult *
query (Connection    *connection,
       const char    *sql,
       const Params  *params,
       const char    *doing,
       GError       **error)
{
  PGresult *result;
  ExecStatusType status;

  if (connection->conn == NULL)
    {
      set_error (connection, NULL, doing, error);
      return NULL;
    }

  result = PQexecParams (connection->conn, sql, params != NULL ? params->n : 0, NULL,
                         params != NULL ? params->values : NULL, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return result;

  set_error (connection, result, doing, error);
  PQclear (result);
  return NULL;
}

static gboolean
exec (Connection  *connection,
      const char  *sql,
      const char  *doing,
      GError     **error)
{
  g_autoptr(PGresult) result = query (connection, sql, NULL, doing, error);

  return result != NULL;
}

static gboolean
exec_params (Connection  *connection,
             const char  *sql,
             Params      *params,
             const char  *doing,
             GError     **error)
{
  g_autoptr(PGresult) result = query (connection, sql, params, doing, error);

  params_clear (params);
  return result != NULL;
}

/* Takes the revision lock (see the top of this file) and reads the last
 * revision handed out. Only in a transaction. */
static gboolean
lock_revision (Connection  *connection,
               gint64      *revision,
               GError     **error)
{
  g_autoptr(PGresult) result = query (connection, "SELECT value FROM revision WHERE id = 1 FOR UPDATE",
                                      NULL, "taking the revision lock", error);

  if (result == NULL)
    return FALSE;

  *revision = get_int (result, 0, 0);
  return TRUE;
}

static gboolean
write_revision (Connection  *connection,
                gint64       revision,
                GError     **error)
{
  Params params = { 0, };

  params_int (&params, revision);
  return exec_params (connection, "UPDATE revision SET value = $1 WHERE id = 1",
                      &params, "advancing the revision", error);
}

static void
fw_pg_store_finalize (GObject *object)
{
  FwPgStore *self = FW_PG_STORE (object);

  g_clear_pointer (&self->pool, g_async_queue_unref);
  g_clear_pointer (&self->conninfo, g_free);
  g_clear_pointer (&self->epoch, g_free);
  g_clear_pointer (&self->old_epochs, g_ptr_array_unref);
  g_mutex_clear (&self->epoch_lock);

  G_OBJECT_CLASS (fw_pg_store_parent_class)->finalize (object);
}

static void
fw_pg_store_class_init (FwPgStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fw_pg_store_finalize;
}

static void
fw_pg_store_init (FwPgStore *self)
{
  self->pool = g_async_queue_new_full ((GDestroyNotify) connection_free);
  self->old_epochs = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->epoch_lock);
}

/* Brings the schema up to date in one transaction. The advisory lock
 * makes a second instance starting at the same moment wait, then find
 * the work done; it is released by the commit. */
static gboolean
migrate (Connection  *connection,
         GError     **error)
{
  g_autoptr(PGresult) result = NULL;
  Params params = { 0, };
  gint64 version;

  if (!exec (connection, "BEGIN", "migrating", error))
    return FALSE;

  params_int (&params, MIGRATION_LOCK);
  if (!exec_params (connection, "SELECT pg_advisory_xact_lock ($1)", &params,
                    "waiting for another instance's migration", error) ||
      !exec (connection, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)",
             "migrating", error))
    return FALSE;

  result = query (connection, "SELECT coalesce (max (version), 0) FROM schema_version", NULL,
                  "reading the schema version", error);
  if (result == NULL)
    return FALSE;
  version = get_int (result, 0, 0);

  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_TOO_NEW,
                   "The store's schema (version %" G_GINT64_FORMAT ") is newer than this server knows (%u)",
                   version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (gint64 v = version; v < (gint64) G_N_ELEMENTS (migrations); v++)
    {
      /* Several statements, no parameters: PQexec takes them at once. */
      PGresult *step = PQexec (connection->conn, migrations[v]);

      if (PQresultStatus (step) != PGRES_COMMAND_OK)
        {
          set_error (connection, step, "migrating the schema", error);
          PQclear (step);
          return FALSE;
        }
      PQclear (step);

      params_int (&params, v + 1);
      if (!exec_params (connection, "INSERT INTO schema_version VALUES ($1)", &params,
                        "migrating the schema", error))
        return FALSE;
    }

  return exec (connection, "COMMIT", "migrating the schema", error);
}

/**
 * fw_pg_store_is_conninfo:
 * @db: what --db says
 *
 * Returns: whether @db names a PostgreSQL database rather than a file
 */
gboolean
fw_pg_store_is_conninfo (const char *db)
{
  g_return_val_if_fail (db != NULL, FALSE);

  return g_str_has_prefix (db, "postgresql://") || g_str_has_prefix (db, "postgres://");
}

/**
 * fw_pg_store_open:
 * @conninfo: a libpq connection URI; a password is better left to
 *   PGPASSWORD or a password file than put here, where `ps` shows it
 * @n_connections: how many requests may use the store at once
 *
 * Connects, and creates or migrates the schema.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
FwPgStore *
fw_pg_store_open (const char  *conninfo,
                  guint        n_connections,
                  GError     **error)
{
  g_autoptr(FwPgStore) self = g_object_new (FW_TYPE_PG_STORE, NULL);
  g_autoptr(PGresult) result = NULL;
  Connection *connection;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (n_connections > 0, NULL);

  self->conninfo = g_strdup (conninfo);

  /* A machine that boots the database and the server together starts the
   * server first as often as not: wait a little for PostgreSQL rather
   * than leave it to systemd's restarts. */
  connection = g_new0 (Connection, 1);
  for (gint64 deadline = g_get_monotonic_time () + STARTUP_WAIT_SECONDS * G_USEC_PER_SEC; ; )
    {
      g_autoptr(GError) local_error = NULL;

      connection->conn = connect_to (conninfo, &local_error);
      if (connection->conn != NULL)
        break;

      if (g_get_monotonic_time () > deadline)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          connection_free (connection);
          return NULL;
        }
      g_usleep (G_USEC_PER_SEC);
    }

  if (!migrate (connection, error) ||
      (result = query (connection, "SELECT value FROM meta WHERE key = 'epoch'", NULL,
                       "reading the store's epoch", error)) == NULL)
    {
      connection_free (connection);
      return NULL;
    }
  self->epoch = g_strdup (PQgetvalue (result, 0, 0));
  g_async_queue_push (self->pool, connection);

  /* The others connect when first used. */
  for (guint i = 1; i < n_connections; i++)
    g_async_queue_push (self->pool, g_new0 (Connection, 1));

  return g_steal_pointer (&self);
}

/* Reads the epoch, so that the probes of /readyz also carry a new one
 * (after a failover, docs/scaling.md) to every instance within seconds. */
static gboolean
store_ping (FwStore  *store,
            GError  **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  gboolean ok;

  if (connection == NULL)
    return FALSE;

  ok = exec (connection, "SELECT value FROM revision WHERE id = 1", "answering a ping", error);
  if (ok)
    refresh_epoch (self, connection);
  release (self, connection);
  return ok;
}

static const char *
store_get_epoch (FwStore *store)
{
  FwPgStore *self = FW_PG_STORE (store);

  return g_atomic_pointer_get (&self->epoch);
}

#define USER_COLUMNS "u.id, u.uuid, u.username, u.display_name, u.role, u.password_hash "

/* Row @row of @result, in USER_COLUMNS, with the user's farms. */
static FwUser *
load_user (Connection  *connection,
           PGresult    *result,
           int          row,
           gboolean     with_hash,
           GError     **error)
{
  g_autoptr(FwUser) user = fw_user_new ();
  g_autoptr(PGresult) farms = NULL;
  Params params = { 0, };

  user->id = get_int (result, row, 0);
  user->uuid = g_strdup (PQgetvalue (result, row, 1));
  user->username = g_strdup (PQgetvalue (result, row, 2));
  user->display_name = g_strdup (PQgetvalue (result, row, 3));
  fw_role_from_string (PQgetvalue (result, row, 4), &user->role);
  if (with_hash)
    user->password_hash = g_strdup (PQgetvalue (result, row, 5));

  params_int (&params, user->id);
  farms = query (connection, "SELECT farm_uuid FROM user_farms WHERE user_id = $1 ORDER BY farm_uuid",
                 &params, "reading a user's farms", error);
  params_clear (&params);
  if (farms == NULL)
    return NULL;

  for (int i = 0; i < PQntuples (farms); i++)
    g_ptr_array_add (user->farm_uuids, g_strdup (PQgetvalue (farms, i, 0)));

  return g_steal_pointer (&user);
}

static FwUser *
store_find_user (FwStore     *store,
                 const char  *username,
                 GError     **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(PGresult) result = NULL;
  FwUser *user = NULL;
  Params params = { 0, };

  if (connection == NULL)
    return NULL;

  params_add (&params, username);
  result = query (connection, "SELECT " USER_COLUMNS "FROM users u WHERE u.username = $1 AND NOT u.disabled",
                  &params, "looking up a user", error);
  if (result != NULL && PQntuples (result) > 0)
    user = load_user (connection, result, 0, TRUE, error);

  params_clear (&params);
  release (self, connection);
  return user;
}

static GPtrArray *
store_list_users (FwStore  *store,
                  GError  **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_user_free);
  g_autoptr(PGresult) result = NULL;
  gboolean ok = FALSE;

  if (connection == NULL)
    return NULL;

  result = query (connection, "SELECT " USER_COLUMNS "FROM users u WHERE NOT u.disabled ORDER BY u.username",
                  NULL, "listing users", error);
  if (result != NULL)
    {
      ok = TRUE;
      for (int i = 0; ok && i < PQntuples (result); i++)
        {
          FwUser *user = load_user (connection, result, i, FALSE, error);

          if (user == NULL)
            ok = FALSE;
          else
            g_ptr_array_add (users, user);
        }
    }

  release (self, connection);
  return ok ? g_steal_pointer (&users) : NULL;
}

static gboolean
store_add_user (FwStore     *store,
                FwUser      *user,
                const char  *password_hash,
                GError     **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  Params params = { 0, };
  gboolean ok = FALSE;

  if (connection == NULL)
    return FALSE;

  if (!exec (connection, "BEGIN", "adding a user", error))
    goto out;

  params_add (&params, user->uuid);
  params_add (&params, user->username);
  params_add (&params, user->display_name ?: "");
  params_add (&params, fw_role_to_string (user->role));
  params_add (&params, password_hash);
  params_int (&params, g_get_real_time () / G_USEC_PER_SEC);
  result = query (connection,
                  "INSERT INTO users (uuid, username, display_name, role, password_hash, created_at) "
                  "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                  &params, "adding a user", &local_error);
  params_clear (&params);
  if (result == NULL)
    {
      if (g_error_matches (local_error, FW_STORE_ERROR, FW_STORE_ERROR_EXISTS))
        g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_EXISTS,
                     "A user named “%s” exists already", user->username);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      goto out;
    }
  user->id = get_int (result, 0, 0);

  for (guint i = 0; i < user->farm_uuids->len; i++)
    {
      params_int (&params, user->id);
      params_add (&params, g_ptr_array_index (user->farm_uuids, i));
      if (!exec_params (connection, "INSERT INTO user_farms VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        &params, "adding a user's farms", error))
        goto out;
    }

  ok = exec (connection, "COMMIT", "adding a user", error);

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
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;
  Params params = { 0, };
  gboolean ok;

  if (connection == NULL)
    return FALSE;

  /* Expired sessions go when new ones come, so the table stays small. */
  params_int (&params, now);
  exec_params (connection, "DELETE FROM sessions WHERE expires_at <= $1", &params, "expiring sessions", NULL);

  params_add (&params, token_hash);
  params_int (&params, user->id);
  params_int (&params, now);
  params_int (&params, expires_at);
  ok = exec_params (connection,
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                    &params, "starting a session", error);

  release (self, connection);
  return ok;
}

static FwUser *
store_find_session (FwStore     *store,
                    const char  *token_hash,
                    FwTime       now,
                    GError     **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(PGresult) result = NULL;
  FwUser *user = NULL;
  Params params = { 0, };

  if (connection == NULL)
    return NULL;

  params_add (&params, token_hash);
  params_int (&params, now);
  result = query (connection,
                  "SELECT " USER_COLUMNS "FROM sessions s JOIN users u ON u.id = s.user_id "
                  "WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
                  &params, "checking a session", error);
  params_clear (&params);
  if (result != NULL && PQntuples (result) > 0)
    user = load_user (connection, result, 0, FALSE, error);

  release (self, connection);
  return user;
}

static gboolean
store_remove_session (FwStore     *store,
                      const char  *token_hash,
                      GError     **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  Params params = { 0, };
  gboolean ok;

  if (connection == NULL)
    return FALSE;

  params_add (&params, token_hash);
  ok = exec_params (connection, "DELETE FROM sessions WHERE token_hash = $1", &params, "ending a session", error);

  release (self, connection);
  return ok;
}

/* Counts failed logins per key in fixed windows, in the store so that
 * every instance sees the same counts. A failure is counted by one
 * upsert, so two instances counting at once both count. */
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
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(PGresult) result = NULL;
  Params params = { 0, };
  gboolean ok = FALSE;
  FwTime start = now;
  guint count = 0;

  if (connection == NULL)
    return FALSE;

  switch (attempt)
    {
    case FW_LOGIN_ATTEMPT_CHECK:
    case FW_LOGIN_ATTEMPT_SUCCEEDED:
      params_add (&params, key);
      result = query (connection, "SELECT window_start, failures FROM login_failures WHERE key = $1",
                      &params, "counting failed logins", error);
      params_clear (&params);
      if (result == NULL)
        goto out;
      if (PQntuples (result) > 0 && get_int (result, 0, 0) + window > now)
        {
          start = get_int (result, 0, 0);
          count = get_int (result, 0, 1);
        }

      if (attempt == FW_LOGIN_ATTEMPT_SUCCEEDED)
        {
          count = 0;
          params_add (&params, key);
          if (!exec_params (connection, "DELETE FROM login_failures WHERE key = $1", &params,
                            "clearing failed logins", error))
            goto out;
        }
      break;

    case FW_LOGIN_ATTEMPT_FAILED:
      params_add (&params, key);
      params_int (&params, now);
      params_int (&params, window);
      result = query (connection,
                      "INSERT INTO login_failures AS f VALUES ($1, $2, 1) ON CONFLICT (key) DO UPDATE SET "
                      "window_start = CASE WHEN f.window_start + $3 > $2 THEN f.window_start ELSE $2 END, "
                      "failures = CASE WHEN f.window_start + $3 > $2 THEN f.failures + 1 ELSE 1 END "
                      "RETURNING window_start, failures",
                      &params, "counting failed logins", error);
      params_clear (&params);
      if (result == NULL)
        goto out;
      start = get_int (result, 0, 0);
      count = get_int (result, 0, 1);

      /* Old windows are of no use; keep the table from growing under a
       * stream of made-up names. */
      params_int (&params, window);
      params_int (&params, now);
      if (!exec_params (connection, "DELETE FROM login_failures WHERE window_start + $1 <= $2", &params,
                        "forgetting old failed logins", error))
        goto out;
      break;

    default:
      g_assert_not_reached ();
    }

  ok = TRUE;
  if (failures != NULL)
    *failures = count;
  if (window_start != NULL)
    *window_start = start;

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
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autofree char *new_uuid = g_uuid_string_random ();
  g_autoptr(PGresult) result = NULL;
  Params params = { 0, };
  gboolean ok = FALSE;

  if (connection == NULL)
    return FALSE;

  params_add (&params, new_uuid);
  params_add (&params, farm_uuid);
  params_add (&params, name);
  params_add (&params, token_hash);
  params_int (&params, g_get_real_time () / G_USEC_PER_SEC);
  result = query (connection,
                  "INSERT INTO devices (uuid, farm_uuid, name, token_hash, created_at) "
                  "SELECT $1, $2, $3, $4, $5 WHERE EXISTS "
                  "(SELECT 1 FROM records WHERE uuid = $2 AND entity = 'farm' AND NOT deleted)",
                  &params, "adding a device", error);
  params_clear (&params);
  if (result != NULL)
    {
      ok = g_str_equal (PQcmdTuples (result), "1");
      if (!ok)
        g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND, "No farm with id “%s”", farm_uuid);
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
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(PGresult) result = NULL;
  FwDevice *device = NULL;
  Params params = { 0, };

  if (connection == NULL)
    return NULL;

  params_add (&params, token_hash);
  result = query (connection, "SELECT uuid, farm_uuid, name FROM devices WHERE token_hash = $1",
                  &params, "checking a device", error);
  params_clear (&params);
  if (result != NULL && PQntuples (result) > 0)
    {
      device = g_new0 (FwDevice, 1);
      device->uuid = g_strdup (PQgetvalue (result, 0, 0));
      device->farm_uuid = g_strdup (PQgetvalue (result, 0, 1));
      device->name = g_strdup (PQgetvalue (result, 0, 2));
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
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(PGresult) result = NULL;
  Params params = { 0, };

  if (connection == NULL)
    return NULL;

  params_add (&params, fw_entity_to_string (entity));
  params_add (&params, farm_uuid);
  params_add (&params, parent_uuid);
  result = query (connection,
                  "SELECT body FROM records WHERE entity = $1 AND NOT deleted "
                  "AND ($2::text IS NULL OR farm_uuid = $2) AND ($3::text IS NULL OR parent_uuid = $3) "
                  "ORDER BY revision",
                  &params, "listing records", error);
  params_clear (&params);
  for (int i = 0; result != NULL && i < PQntuples (result); i++)
    g_ptr_array_add (records, parse_body (PQgetvalue (result, i, 0)));

  release (self, connection);
  return result != NULL ? g_steal_pointer (&records) : NULL;
}

static JsonNode *
store_get_record (FwStore     *store,
                  FwEntity     entity,
                  const char  *uuid,
                  char       **farm_uuid,
                  GError     **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(PGresult) result = NULL;
  JsonNode *record = NULL;
  Params params = { 0, };

  if (connection == NULL)
    return NULL;

  params_add (&params, uuid);
  params_add (&params, fw_entity_to_string (entity));
  result = query (connection, "SELECT body, farm_uuid FROM records WHERE uuid = $1 AND entity = $2",
                  &params, "reading a record", error);
  params_clear (&params);
  if (result != NULL && PQntuples (result) > 0)
    {
      record = parse_body (PQgetvalue (result, 0, 0));
      if (farm_uuid != NULL)
        *farm_uuid = g_strdup (PQgetvalue (result, 0, 1));
    }
  else if (result != NULL)
    g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND,
                 "No %s with id “%s”", fw_entity_to_string (entity), uuid);

  release (self, connection);
  return record;
}

static gboolean
load_existing (Connection  *connection,
               const char  *uuid,
               FwStoredRecord *existing,
               GError     **error)
{
  g_autoptr(PGresult) result = NULL;
  Params params = { 0, };

  fw_stored_record_clear (existing);

  params_add (&params, uuid);
  result = query (connection,
                  "SELECT entity, farm_uuid, revision, created_at, deleted, body FROM records WHERE uuid = $1",
                  &params, "reading a record", error);
  params_clear (&params);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return TRUE;

  existing->exists = TRUE;
  fw_entity_from_string (PQgetvalue (result, 0, 0), &existing->entity);
  existing->farm_uuid = g_strdup (PQgetvalue (result, 0, 1));
  existing->revision = get_int (result, 0, 2);
  existing->created_at = get_int (result, 0, 3);
  existing->deleted = get_bool (result, 0, 4);
  fw_stored_record_take_body (existing, parse_body (PQgetvalue (result, 0, 5)));

  return TRUE;
}

static gboolean
write_record (Connection  *connection,
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
  g_autofree char *json = json_to_string (body, FALSE);
  Params params = { 0, };

  params_add (&params, uuid);
  params_add (&params, fw_entity_to_string (entity));
  params_add (&params, farm_uuid);
  params_add (&params, parent_uuid);
  params_int (&params, revision);
  params_int (&params, created_at);
  params_int (&params, updated_at);
  params_bool (&params, deleted);
  params_add (&params, json);
  if (!exec_params (connection,
                    "INSERT INTO records (uuid, entity, farm_uuid, parent_uuid, revision, created_at, updated_at, deleted, body) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                    "ON CONFLICT (uuid) DO UPDATE SET parent_uuid = $4, revision = $5, updated_at = $7, deleted = $8, body = $9",
                    &params, "saving a record", error))
    return FALSE;

  if (entity != FW_ENTITY_SENSOR)
    return TRUE;

  /* Readings refer to sensors by a small integer of this store's own. */
  params_add (&params, uuid);
  params_add (&params, farm_uuid);
  params_add (&params, parent_uuid);
  params_add (&params, json_object_get_string_member_with_default (json_node_get_object (body), "parameter", ""));
  params_bool (&params, deleted);
  return exec_params (connection,
                      "INSERT INTO sensors (uuid, farm_uuid, unit_uuid, parameter, deleted) VALUES ($1, $2, $3, $4, $5) "
                      "ON CONFLICT (uuid) DO UPDATE SET unit_uuid = $3, parameter = $4, deleted = $5",
                      &params, "saving a sensor", error);
}

static gboolean
load_cb (gpointer         data,
         const char      *uuid,
         FwStoredRecord  *record,
         GError         **error)
{
  return load_existing (data, uuid, record, error);
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
  return write_record (data, entity, uuid, farm_uuid, parent_uuid, revision, created_at, updated_at,
                       deleted, body, error);
}

/* Applies one mutation inside the open transaction, which holds the
 * revision lock (fw_store_apply_mutation()). */
static FwMutationResult *
apply_one (Connection  *connection,
           FwUser      *user,
           FwMutation  *mutation,
           gint64      *revision,
           FwTime       now,
           GError     **error)
{
  return fw_store_apply_mutation (user, mutation, revision, now, load_cb, write_cb, connection, error);
}

static FwMutationResult *
load_answer (Connection  *connection,
             FwUser      *user,
             FwMutation  *mutation,
             gboolean    *found,
             GError     **error)
{
  g_autoptr(PGresult) answer = NULL;
  FwMutationResult *result = NULL;
  Params params = { 0, };

  *found = FALSE;
  params_add (&params, mutation->mutation_id);
  answer = query (connection,
                  "SELECT status, revision, code, message, field, user_id, record_uuid "
                  "FROM mutations WHERE mutation_id = $1",
                  &params, "looking up a mutation", error);
  params_clear (&params);
  if (answer == NULL)
    return NULL;
  if (PQntuples (answer) == 0)
    return NULL;

  *found = TRUE;
  if (get_int (answer, 0, 5) != user->id)
    {
      /* Someone else's id: answer, but neither apply nor reveal theirs. */
      return fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "duplicate_mutation_id",
                         "This mutation id was used already; make a new one", "mutation_id");
    }
  else
    {
      const char *status_text = PQgetvalue (answer, 0, 0);
      FwMutationStatus status = FW_MUTATION_APPLIED;

      if (g_str_equal (status_text, "rejected"))
        status = FW_MUTATION_REJECTED;
      else if (g_str_equal (status_text, "conflict"))
        status = FW_MUTATION_CONFLICT;

      result = fw_mutation_result_new (mutation, status, get_text (answer, 0, 2), get_text (answer, 0, 3),
                           get_text (answer, 0, 4));
      result->revision = get_int (answer, 0, 1);
      g_free (result->record_uuid);
      result->record_uuid = g_strdup (PQgetvalue (answer, 0, 6));
    }

  /* A conflict answered again comes with the server's version as it is
   * now, as the first answer did. */
  if (result->status == FW_MUTATION_CONFLICT)
    {
      FwStoredRecord existing = { 0, };

      if (!load_existing (connection, result->record_uuid, &existing, error))
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
save_answer (Connection        *connection,
             FwUser            *user,
             FwMutation        *mutation,
             FwMutationResult  *result,
             FwTime             now,
             GError           **error)
{
  Params params = { 0, };

  params_add (&params, mutation->mutation_id);
  params_int (&params, user->id);
  params_add (&params, mutation->record_uuid ?: "");
  params_add (&params, fw_mutation_status_to_string (result->status));
  params_int (&params, result->revision);
  params_add (&params, result->code);
  params_add (&params, result->message);
  params_add (&params, result->field);
  params_int (&params, now);
  return exec_params (connection,
                      "INSERT INTO mutations (mutation_id, user_id, record_uuid, status, revision, code, message, field, answered_at) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                      &params, "recording a mutation", error);
}

/* All mutations of a push commit together, each with the record of its
 * answer, and only then does the server answer. A mutation already
 * answered, by this instance or another, gets its first answer again; a
 * rejected one is answered and recorded too, so that it can never block
 * a client's queue. */
static GPtrArray *
apply_mutations_once (Connection  *connection,
                      FwUser      *user,
                      GPtrArray   *mutations,
                      FwTime       now,
                      GError     **error)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_mutation_result_free);
  gint64 revision;

  if (!exec (connection, "BEGIN", "applying changes", error) ||
      !lock_revision (connection, &revision, error))
    return NULL;

  for (guint i = 0; i < mutations->len; i++)
    {
      FwMutation *mutation = g_ptr_array_index (mutations, i);
      FwMutationResult *result;
      gboolean answered;
      gint64 before = revision;

      result = load_answer (connection, user, mutation, &answered, error);
      if (result == NULL && !answered && error != NULL && *error != NULL)
        return NULL;

      if (!answered)
        {
          if (!exec (connection, "SAVEPOINT mutation", "applying a change", error))
            return NULL;

          result = apply_one (connection, user, mutation, &revision, now, error);
          if (result == NULL)
            return NULL;

          /* Nothing of a refused mutation stays but its answer. */
          if (result->status != FW_MUTATION_APPLIED)
            {
              if (!exec (connection, "ROLLBACK TO SAVEPOINT mutation", "undoing a change", error))
                {
                  fw_mutation_result_free (result);
                  return NULL;
                }
              revision = before;
            }

          if (!exec (connection, "RELEASE SAVEPOINT mutation", "applying a change", error) ||
              !save_answer (connection, user, mutation, result, now, error))
            {
              fw_mutation_result_free (result);
              return NULL;
            }
        }

      g_ptr_array_add (results, result);
    }

  if (!write_revision (connection, revision, error) ||
      !exec (connection, "COMMIT", "applying changes", error))
    return NULL;

  return g_steal_pointer (&results);
}

static GPtrArray *
store_apply_mutations (FwStore     *store,
                       FwUser      *user,
                       GPtrArray   *mutations,
                       FwTime       now,
                       GError     **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  GPtrArray *results;

  if (connection == NULL)
    return NULL;

  results = apply_mutations_once (connection, user, mutations, now, error);
  release (self, connection);
  return results;
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
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_change_free);
  g_autoptr(PGresult) counter = NULL;
  g_autoptr(PGresult) result = NULL;
  Params params = { 0, };

  *last = after;
  *more = FALSE;

  if (connection == NULL)
    return NULL;

  counter = query (connection, "SELECT value FROM revision WHERE id = 1", NULL, "reading the revision", error);
  if (counter == NULL)
    {
      release (self, connection);
      return NULL;
    }
  if (after > get_int (counter, 0, 0))
    {
      release (self, connection);
      g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_INVALID,
                   "Cursor %" G_GINT64_FORMAT " is ahead of the store's revision %s",
                   after, PQgetvalue (counter, 0, 0));
      return NULL;
    }

  /* Revisions become visible in order (the top of this file), so what
   * this one statement sees above @after has no holes. */
  params_int (&params, after);
  params_bool (&params, user->role == FW_ROLE_ADMIN);
  params_int (&params, user->id);
  params_int (&params, limit);
  result = query (connection,
                  "SELECT entity, farm_uuid, body, revision FROM records "
                  "WHERE revision > $1 AND ($2::boolean OR farm_uuid IN (SELECT farm_uuid FROM user_farms WHERE user_id = $3)) "
                  "ORDER BY revision LIMIT $4",
                  &params, "reading changes", error);
  params_clear (&params);
  release (self, connection);
  if (result == NULL)
    return NULL;

  for (int i = 0; i < PQntuples (result); i++)
    {
      FwChange *change = g_new0 (FwChange, 1);

      fw_entity_from_string (PQgetvalue (result, i, 0), &change->entity);
      change->farm_uuid = g_strdup (PQgetvalue (result, i, 1));
      change->record = parse_body (PQgetvalue (result, i, 2));
      *last = get_int (result, i, 3);
      g_ptr_array_add (changes, change);
    }

  *more = changes->len == limit;
  return g_steal_pointer (&changes);
}

typedef struct
{
  gint64 hour;
  double min, max, sum;
  gint64 count;
} Rollup;

static int
compare_rollups (gconstpointer a,
                 gconstpointer b)
{
  const Rollup *x = a, *y = b;

  return (x->hour > y->hour) - (x->hour < y->hour);
}

/* Appends @value to a PostgreSQL array literal being built in @array. */
static void
array_separate (GString *array)
{
  g_string_append_c (array, array->len == 0 ? '{' : ',');
}

static void
array_add_int (GString *array,
               gint64   value)
{
  array_separate (array);
  g_string_append_printf (array, "%" G_GINT64_FORMAT, value);
}

static void
array_add_double (GString *array,
                  double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  array_separate (array);
  g_string_append (array, g_ascii_dtostr (buffer, sizeof buffer, value));
}

static char *
array_end (GString *array)
{
  if (array->len == 0)
    g_string_append_c (array, '{');
  g_string_append_c (array, '}');
  return g_string_free (array, FALSE);
}

/* The rollups and latest reading of one sensor, from the readings the
 * insert just added (not those it found there already). Hours are written
 * in order, so that two requests for one sensor lock them in one order. */
static gboolean
flush_rollups (Connection  *connection,
               const char  *sensor_id,
               PGresult    *added,
               GError     **error)
{
  g_autoptr(GHashTable) hours = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Rollup));
  GString *a_hour, *a_min, *a_max, *a_sum, *a_count;
  GHashTableIter iter;
  gpointer value;
  Params params = { 0, };
  int newest = -1;

  if (PQntuples (added) == 0)
    return TRUE;

  for (int i = 0; i < PQntuples (added); i++)
    {
      FwTime t = get_int (added, i, 0);
      double v = get_double (added, i, 1);
      gint64 hour = t - t % 3600;
      Rollup *rollup = g_hash_table_lookup (hours, &hour);

      if (newest < 0 || t > get_int (added, newest, 0))
        newest = i;

      if (rollup == NULL)
        {
          rollup = g_new0 (Rollup, 1);
          rollup->hour = hour;
          rollup->min = rollup->max = v;
          g_hash_table_insert (hours, &rollup->hour, rollup);
        }
      rollup->min = MIN (rollup->min, v);
      rollup->max = MAX (rollup->max, v);
      rollup->sum += v;
      rollup->count++;
    }

  params_add (&params, sensor_id);
  params_add (&params, PQgetvalue (added, newest, 0));
  params_add (&params, PQgetvalue (added, newest, 1));
  if (!exec_params (connection,
                    "INSERT INTO latest_readings AS l (sensor_id, t, value) VALUES ($1, $2, $3) "
                    "ON CONFLICT (sensor_id) DO UPDATE SET t = excluded.t, value = excluded.value "
                    "WHERE excluded.t > l.t",
                    &params, "updating the latest reading", error))
    return FALSE;

  g_hash_table_iter_init (&iter, hours);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_append_vals (sorted, value, 1);
  g_array_sort (sorted, compare_rollups);

  a_hour = g_string_new (NULL);
  a_min = g_string_new (NULL);
  a_max = g_string_new (NULL);
  a_sum = g_string_new (NULL);
  a_count = g_string_new (NULL);
  for (guint i = 0; i < sorted->len; i++)
    {
      Rollup *rollup = &g_array_index (sorted, Rollup, i);

      array_add_int (a_hour, rollup->hour);
      array_add_double (a_min, rollup->min);
      array_add_double (a_max, rollup->max);
      array_add_double (a_sum, rollup->sum);
      array_add_int (a_count, rollup->count);
    }

  params_add (&params, sensor_id);
  params_take (&params, array_end (a_hour));
  params_take (&params, array_end (a_min));
  params_take (&params, array_end (a_max));
  params_take (&params, array_end (a_sum));
  params_take (&params, array_end (a_count));
  return exec_params (connection,
                      "INSERT INTO rollups_hourly AS h (sensor_id, hour, min, max, sum, count) "
                      "SELECT $1, u.hour, u.mn, u.mx, u.sm, u.n "
                      "FROM unnest ($2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::bigint[]) "
                      "AS u (hour, mn, mx, sm, n) ORDER BY u.hour "
                      "ON CONFLICT (sensor_id, hour) DO UPDATE SET min = least (h.min, excluded.min), "
                      "max = greatest (h.max, excluded.max), sum = h.sum + excluded.sum, count = h.count + excluded.count",
                      &params, "updating rollups", error);
}

/* What the store set in a batch, so a retried transaction starts clean. */
typedef struct
{
  gboolean had_error;
  guint    rejected;
  guint    n_rejections;
} BatchMark;

static gboolean
ingest_once (Connection  *connection,
             FwDevice    *device,
             GPtrArray   *batches,
             GError     **error)
{
  if (!exec (connection, "BEGIN", "saving readings", error))
    return FALSE;

  for (guint b = 0; b < batches->len; b++)
    {
      FwIngestBatch *batch = g_ptr_array_index (batches, b);
      g_autoptr(PGresult) sensor = NULL;
      g_autoptr(PGresult) added = NULL;
      g_autofree char *sensor_id = NULL;
      const FwParameterInfo *info;
      FwParameter parameter;
      GString *times, *values;
      Params params = { 0, };

      if (batch->error != NULL)
        continue;

      params_add (&params, batch->sensor_uuid);
      params_add (&params, device->farm_uuid);
      sensor = query (connection,
                      "SELECT id, parameter FROM sensors WHERE uuid = $1 AND farm_uuid = $2 AND NOT deleted",
                      &params, "looking up a sensor", error);
      params_clear (&params);
      if (sensor == NULL)
        return FALSE;
      if (PQntuples (sensor) == 0)
        {
          /* Another farm's sensor is as unknown as one that does not exist. */
          batch->error = g_strdup ("unknown_sensor");
          batch->rejected += batch->readings->len;
          continue;
        }
      sensor_id = g_strdup (PQgetvalue (sensor, 0, 0));
      if (!fw_parameter_from_id (PQgetvalue (sensor, 0, 1), &parameter))
        parameter = FW_PARAMETER_TEMPERATURE;
      info = fw_parameter_get_info (parameter);

      times = g_string_new (NULL);
      values = g_string_new (NULL);
      for (guint i = 0; i < batch->readings->len; i++)
        {
          FwReading *reading = &g_array_index (batch->readings, FwReading, i);

          if (reading->value < info->plausible_min || reading->value > info->plausible_max)
            {
              fw_ingest_batch_reject (batch, g_array_index (batch->indexes, guint, i),
                                      reading->time, "out_of_range");
              continue;
            }

          array_add_int (times, reading->time);
          array_add_double (values, reading->value);
          /* A reading delivered again is accepted but counted once. */
          batch->accepted++;
        }

      /* One statement for the whole batch; RETURNING names the readings
       * that were new, which alone count in the rollups. In time order,
       * so that two deliveries of one batch lock its rows in one order. */
      params_add (&params, sensor_id);
      params_take (&params, array_end (times));
      params_take (&params, array_end (values));
      added = query (connection,
                     "INSERT INTO readings (sensor_id, t, value) "
                     "SELECT $1, u.t, u.v FROM unnest ($2::bigint[], $3::float8[]) AS u (t, v) ORDER BY u.t "
                     "ON CONFLICT DO NOTHING RETURNING t, value",
                     &params, "saving readings", error);
      params_clear (&params);
      if (added == NULL || !flush_rollups (connection, sensor_id, added, error))
        return FALSE;
    }

  return exec (connection, "COMMIT", "saving readings", error);
}

/* Readings are validated by the caller for what can be seen without the
 * store (types, future times, duplicates within a batch); here the store
 * checks the sensor belongs to the device's farm and the value to its
 * parameter's plausible range. One transaction for the whole request,
 * taking no revision: ingests run side by side on every instance. */
static gboolean
store_ingest (FwStore     *store,
              FwDevice    *device,
              GPtrArray   *batches,
              FwTime       now,
              GError     **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autofree BatchMark *marks = NULL;
  gboolean ok = FALSE;

  if (connection == NULL)
    return FALSE;

  marks = g_new0 (BatchMark, batches->len);
  for (guint b = 0; b < batches->len; b++)
    {
      FwIngestBatch *batch = g_ptr_array_index (batches, b);

      marks[b].had_error = batch->error != NULL;
      marks[b].rejected = batch->rejected;
      marks[b].n_rejections = batch->rejections->len;
    }

  for (guint tries = 1; !ok; tries++)
    {
      g_autoptr(GError) local_error = NULL;

      ok = ingest_once (connection, device, batches, &local_error);
      if (!ok)
        {
          release (self, connection);
          connection = NULL;

          /* Nothing was saved: say so in every batch's counts. */
          for (guint b = 0; b < batches->len; b++)
            {
              FwIngestBatch *batch = g_ptr_array_index (batches, b);

              batch->accepted = 0;
              batch->rejected = marks[b].rejected;
              g_array_set_size (batch->rejections, marks[b].n_rejections);
              if (!marks[b].had_error)
                g_clear_pointer (&batch->error, g_free);
            }

          /* Two gateways delivering overlapping readings may deadlock;
           * PostgreSQL breaks the tie, and the loser tries again. */
          if (tries >= MAX_TRIES || !g_error_matches (local_error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_BUSY))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }

          g_clear_error (&local_error);
          connection = acquire (self, error);
          if (connection == NULL)
            return FALSE;
        }
    }

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
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(GArray) buckets = g_array_new (FALSE, FALSE, sizeof (FwBucket));
  g_autoptr(PGresult) result = NULL;
  const char *sql = NULL;
  Params params = { 0, };

  if (connection == NULL)
    return NULL;

  switch (resolution)
    {
    case FW_RESOLUTION_RAW:
      sql = "SELECT r.t, r.value, r.value, r.value, 1 FROM readings r JOIN sensors s ON s.id = r.sensor_id "
            "WHERE s.uuid = $1 AND r.t >= $2 AND r.t < $3 ORDER BY r.t LIMIT $4";
      break;

    case FW_RESOLUTION_HOUR:
      sql = "SELECT h.hour, h.min, h.max, h.sum, h.count FROM rollups_hourly h JOIN sensors s ON s.id = h.sensor_id "
            "WHERE s.uuid = $1 AND h.hour >= $2 AND h.hour < $3 ORDER BY h.hour LIMIT $4";
      break;

    case FW_RESOLUTION_DAY:
      sql = "SELECT h.hour - h.hour % 86400 AS day, min (h.min), max (h.max), sum (h.sum), sum (h.count) "
            "FROM rollups_hourly h JOIN sensors s ON s.id = h.sensor_id "
            "WHERE s.uuid = $1 AND h.hour >= $2 AND h.hour < $3 GROUP BY day ORDER BY day LIMIT $4";
      break;

    default:
      g_assert_not_reached ();
    }

  params_add (&params, sensor_uuid);
  params_int (&params, from);
  params_int (&params, to);
  params_int (&params, limit);
  result = query (connection, sql, &params, "reading sensor history", error);
  params_clear (&params);
  release (self, connection);
  if (result == NULL)
    return NULL;

  for (int i = 0; i < PQntuples (result); i++)
    {
      FwBucket bucket = {
        get_int (result, i, 0),
        get_double (result, i, 1),
        get_double (result, i, 2),
        get_double (result, i, 3),
        get_int (result, i, 4),
      };

      g_array_append_val (buckets, bucket);
    }

  return g_steal_pointer (&buckets);
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
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_sensor_run_free);
  g_autoptr(PGresult) result = NULL;
  FwSensorRun *run = NULL;
  Params params = { 0, };

  if (connection == NULL)
    return NULL;

  /* Sensor by sensor, each a range scan of the readings' key. */
  params_add (&params, farm_uuid);
  params_int (&params, from);
  params_int (&params, to);
  params_int (&params, after_sensor);
  params_int (&params, after_time);
  params_int (&params, limit);
  result = query (connection,
                  "SELECT s.id, s.uuid, r.t, r.value FROM sensors s "
                  "JOIN readings r ON r.sensor_id = s.id "
                  "WHERE s.farm_uuid = $1 AND NOT s.deleted AND s.id >= $4 "
                  "AND r.t >= $2 AND r.t < $3 AND (s.id > $4 OR r.t > $5) "
                  "ORDER BY s.id, r.t LIMIT $6",
                  &params, "reading a farm's readings", error);
  params_clear (&params);
  release (self, connection);
  if (result == NULL)
    return NULL;

  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 sensor_id = get_int (result, i, 0);
      FwReading reading = { get_int (result, i, 2), get_double (result, i, 3) };

      if (run == NULL || run->sensor_id != sensor_id)
        {
          run = g_new0 (FwSensorRun, 1);
          run->sensor_id = sensor_id;
          run->sensor_uuid = g_strdup (PQgetvalue (result, i, 1));
          run->readings = g_array_new (FALSE, FALSE, sizeof (FwReading));
          g_ptr_array_add (runs, run);
        }
      g_array_append_val (run->readings, reading);
    }

  return g_steal_pointer (&runs);
}

static GPtrArray *
store_latest_readings (FwStore     *store,
                       const char  *farm_uuid,
                       GError     **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(GPtrArray) latest = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_latest_free);
  g_autoptr(PGresult) result = NULL;
  Params params = { 0, };

  if (connection == NULL)
    return NULL;

  params_add (&params, farm_uuid);
  result = query (connection,
                  "SELECT s.uuid, s.unit_uuid, s.parameter, l.t, l.value FROM sensors s "
                  "JOIN latest_readings l ON l.sensor_id = s.id "
                  "WHERE s.farm_uuid = $1 AND NOT s.deleted ORDER BY s.uuid",
                  &params, "reading the latest readings", error);
  params_clear (&params);
  release (self, connection);
  if (result == NULL)
    return NULL;

  for (int i = 0; i < PQntuples (result); i++)
    {
      FwLatest *entry = g_new0 (FwLatest, 1);

      entry->sensor_uuid = g_strdup (PQgetvalue (result, i, 0));
      entry->unit_uuid = g_strdup (PQgetvalue (result, i, 1));
      fw_parameter_from_id (PQgetvalue (result, i, 2), &entry->parameter);
      entry->time = get_int (result, i, 3);
      entry->value = get_double (result, i, 4);
      g_ptr_array_add (latest, entry);
    }

  return g_steal_pointer (&latest);
}

static gboolean
store_get_counts (FwStore        *store,
                  FwStoreCounts  *counts,
                  GError        **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) alerts = NULL;

  if (connection == NULL)
    return FALSE;

  /* Readings are counted from the hourly rollups: exact, and a small
   * fraction of the rows that counting readings would read. */
  result = query (connection,
                  "SELECT "
                  "(SELECT count (*) FROM records WHERE entity = 'farm' AND NOT deleted),"
                  "(SELECT count (*) FROM records WHERE entity = 'unit' AND NOT deleted),"
                  "(SELECT count (*) FROM sensors WHERE NOT deleted),"
                  "(SELECT count (*) FROM users WHERE NOT disabled),"
                  "(SELECT coalesce (sum (count), 0) FROM rollups_hourly),"
                  "(SELECT value FROM revision WHERE id = 1)",
                  NULL, "counting", error);

  /* Alerts nobody has acknowledged yet, for the firing gauge. */
  if (result != NULL)
    alerts = query (connection,
                    "SELECT body::json ->> 'severity', count (*) FROM records "
                    "WHERE entity = 'alert' AND NOT deleted AND body::json ->> 'state' = 'firing' "
                    "GROUP BY 1",
                    NULL, "counting alerts", error);
  release (self, connection);
  if (alerts == NULL)
    return FALSE;

  counts->farms = get_int (result, 0, 0);
  counts->units = get_int (result, 0, 1);
  counts->sensors = get_int (result, 0, 2);
  counts->users = get_int (result, 0, 3);
  counts->readings = get_int (result, 0, 4);
  counts->revision = get_int (result, 0, 5);

  memset (counts->alerts_firing, 0, sizeof counts->alerts_firing);
  for (int i = 0; i < PQntuples (alerts); i++)
    {
      FwSeverity severity;

      if (!PQgetisnull (alerts, i, 0) && fw_severity_from_string (PQgetvalue (alerts, i, 0), &severity))
        counts->alerts_firing[severity] += get_int (alerts, i, 1);
    }

  return TRUE;
}

static FwAlert *
save_alert_once (Connection          *connection,
                 FwAlert             *alert,
                 const FwAlertEvent  *event,
                 FwTime               now,
                 GError             **error)
{
  FwAlert *saved;
  gboolean wrote = FALSE;
  gint64 revision;

  /* An alert is a record like any other: it takes a revision, under the
   * same lock as a push. Unless it commits, the caller's release() rolls
   * the transaction back. */
  if (!exec (connection, "BEGIN", "saving an alert", error) ||
      !lock_revision (connection, &revision, error))
    return NULL;

  saved = fw_store_write_alert (alert, event, now, revision + 1, load_cb, write_cb, connection, &wrote, error);
  if (saved == NULL || !wrote)
    return saved;

  if (!write_revision (connection, revision + 1, error) ||
      !exec (connection, "COMMIT", "saving an alert", error))
    g_clear_object (&saved);

  return saved;
}

static FwAlert *
store_save_alert (FwStore             *store,
                  FwAlert             *alert,
                  const FwAlertEvent  *event,
                  FwTime               now,
                  GError             **error)
{
  FwPgStore *self = FW_PG_STORE (store);
  Connection *connection = acquire (self, error);
  FwAlert *saved;

  if (connection == NULL)
    return NULL;

  saved = save_alert_once (connection, alert, event, now, error);
  release (self, connection);
  return saved;
}

static void
fw_pg_store_iface_init (FwStoreInterface *iface)
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
