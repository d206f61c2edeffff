/* fw-cache.c — the local SQLite cache
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One connection per cache, used from whichever thread holds the lock: the
 * UI calls the _async functions, which run the query in a GTask thread, and
 * the tools call the blocking ones directly. Writes go through
 * fw_cache_run_in_transaction(), which nests with savepoints so that a
 * caller can group several writes into one commit.
 *
 * Opening, checking and migrating the file is fw-database.c's work, shared
 * with the server's store.
 */

#include "config.h"

#include <math.h>
#include <sqlite3.h>
#include <glib/gi18n-lib.h>

#include "fw-cache.h"
#include "fw-cache-private.h"
#include "fw-alert.h"
#include "fw-alert-rule.h"
#include "fw-logbook-entry.h"
#include "fw-wire.h"
#include "fw-database.h"

struct _FwCache
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GRecMutex   lock;
  GHashTable *statements;       /* SQL text (static) → sqlite3_stmt */
  guint       savepoint_depth;
  guint       schema_version;
};

G_DEFINE_FINAL_TYPE (FwCache, fw_cache, G_TYPE_OBJECT)

/* How far back the trend of a sensor is fitted, at the least. */
#define TREND_WINDOW 3600

static gboolean
set_error_from_db (FwCache     *self,
                   GError     **error,
                   int          rc,
                   const char  *doing)
{
  return fw_database_set_error (self->db, self->path, rc, doing, error);
}

static gboolean
exec (FwCache     *self,
      const char  *sql,
      const char  *doing,
      GError     **error)
{
  return fw_database_exec (self->db, self->path, sql, doing, error);
}

/* Statements are prepared once and kept; @sql must be a string literal,
 * since its address is the key. */
static sqlite3_stmt *
prepare (FwCache     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_db (self, error, rc, _("preparing a query"));
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
fw_cache_finalize (GObject *object)
{
  FwCache *self = FW_CACHE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_rec_mutex_clear (&self->lock);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (fw_cache_parent_class)->finalize (object);
}

static void
fw_cache_class_init (FwCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fw_cache_finalize;
}

static void
fw_cache_init (FwCache *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
}

/**
 * fw_cache_get_default_path:
 *
 * Returns: (transfer full): the cache file in the user's data directory
 */
char *
fw_cache_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "fishwatch", "cache.sqlite", NULL);
}

guint
fw_cache_get_latest_schema_version (void)
{
  return fw_cache_n_migrations;
}

/**
 * fw_cache_open:
 * @path: the cache file; created with its folder when missing
 *
 * Opens a cache and brings its format up to date. Blocks: call it from a
 * thread, or use fw_cache_open_async().
 *
 * A file that is not a cache, is damaged, or was written by a newer Fish
 * Watch gives an error that names it, and is left exactly as it was.
 *
 * Returns: (transfer full): the cache, or %NULL with @error set
 */
FwCache *
fw_cache_open (const char    *path,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(FwCache) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  self = g_object_new (FW_TYPE_CACHE, NULL);
  self->path = g_strdup (path);
  self->db = fw_database_open (path, fw_cache_migrations, fw_cache_n_migrations,
                               &self->schema_version, error);
  if (self->db == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  FwCache *cache = fw_cache_open (task_data, cancellable, &error);

  if (cache == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cache, g_object_unref);
}

void
fw_cache_open_async (const char          *path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fw_cache_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

FwCache *
fw_cache_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fw_cache_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
fw_cache_get_path (FwCache *self)
{
  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  return self->path;
}

guint
fw_cache_get_schema_version (FwCache *self)
{
  g_return_val_if_fail (FW_IS_CACHE (self), 0);

  return self->schema_version;
}

void
fw_cache_set_page_limit (FwCache *self,
                         guint    pages)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %u", pages);

  g_return_if_fail (FW_IS_CACHE (self));

  g_rec_mutex_lock (&self->lock);
  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  g_rec_mutex_unlock (&self->lock);
}

/**
 * fw_cache_run_in_transaction:
 * @func: does the writes; returns %FALSE with its error set to undo them
 *
 * Runs @func with the cache locked inside a savepoint: everything it wrote
 * is committed together, or nothing is. Calls nest.
 *
 * Returns: %TRUE when @func succeeded and its writes were committed
 */
gboolean
fw_cache_run_in_transaction (FwCache                *self,
                             FwCacheTransactionFunc  func,
                             gpointer                user_data,
                             GError                **error)
{
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);

  if (!exec (self, "SAVEPOINT fw", _("starting a change"), error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }

  self->savepoint_depth++;
  ok = func (self, user_data, &local_error);
  self->savepoint_depth--;

  if (ok)
    ok = exec (self, "RELEASE fw", _("saving a change"), &local_error);

  if (!ok)
    {
      /* Undo and leave the savepoint, so an outer one carries on clean. */
      sqlite3_exec (self->db, "ROLLBACK TO fw; RELEASE fw", NULL, NULL, NULL);
      g_propagate_error (error, local_error);
    }

  g_rec_mutex_unlock (&self->lock);
  return ok;
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static void
bind_record (sqlite3_stmt *stmt,
             FwRecord     *record)
{
  sqlite3_bind_text (stmt, 1, fw_record_get_uuid (record), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, fw_record_get_revision (record));
  sqlite3_bind_int64 (stmt, 3, fw_record_get_created_at (record));
  sqlite3_bind_int64 (stmt, 4, fw_record_get_updated_at (record));
  sqlite3_bind_int (stmt, 5, fw_record_get_deleted (record));
}

/* Upserts are keyed by uuid: saving a record twice updates it, and its
 * local id comes back through RETURNING. */
static gboolean
save_record (FwCache       *self,
             sqlite3_stmt  *stmt,
             FwRecord      *record,
             const char    *doing,
             GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return set_error_from_db (self, error, rc, doing);
    }

  fw_record_set_id (record, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  return TRUE;
}

#define RECORD_COLUMNS "uuid, revision, created_at, updated_at, deleted"
#define RECORD_UPDATE \
  "revision = excluded.revision, updated_at = excluded.updated_at, deleted = excluded.deleted"

static gboolean
save_farm_cb (FwCache  *self,
              gpointer  user_data,
              GError  **error)
{
  FwFarm *farm = user_data;
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO farms (" RECORD_COLUMNS ", name, timezone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (uuid) DO UPDATE SET " RECORD_UPDATE ", name = excluded.name, timezone = excluded.timezone "
    "RETURNING id", error);

  if (stmt == NULL)
    return FALSE;

  bind_record (stmt, FW_RECORD (farm));
  sqlite3_bind_text (stmt, 6, fw_farm_get_name (farm), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, fw_farm_get_timezone (farm), -1, SQLITE_STATIC);

  return save_record (self, stmt, FW_RECORD (farm), _("saving a farm"), error);
}

gboolean
fw_cache_save_farm (FwCache  *self,
                    FwFarm   *farm,
                    GError  **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (FW_IS_FARM (farm), FALSE);

  return fw_cache_run_in_transaction (self, save_farm_cb, farm, error);
}

static gboolean
save_site_cb (FwCache  *self,
              gpointer  user_data,
              GError  **error)
{
  FwSite *site = user_data;
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO sites (" RECORD_COLUMNS ", farm_id, name) "
    "VALUES (?1, ?2, ?3, ?4, ?5, (SELECT id FROM farms WHERE uuid = ?6), ?7) "
    "ON CONFLICT (uuid) DO UPDATE SET " RECORD_UPDATE ", farm_id = excluded.farm_id, name = excluded.name "
    "RETURNING id", error);

  if (stmt == NULL)
    return FALSE;

  bind_record (stmt, FW_RECORD (site));
  sqlite3_bind_text (stmt, 6, fw_site_get_farm_uuid (site), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, fw_site_get_name (site), -1, SQLITE_STATIC);

  return save_record (self, stmt, FW_RECORD (site), _("saving a site"), error);
}

gboolean
fw_cache_save_site (FwCache  *self,
                    FwSite   *site,
                    GError  **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (FW_IS_SITE (site), FALSE);

  return fw_cache_run_in_transaction (self, save_site_cb, site, error);
}

static gboolean
save_unit_cb (FwCache  *self,
              gpointer  user_data,
              GError  **error)
{
  FwUnit *unit = user_data;
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO units (" RECORD_COLUMNS ", site_id, name, kind, area_m2, volume_m3, species) "
    "VALUES (?1, ?2, ?3, ?4, ?5, (SELECT id FROM sites WHERE uuid = ?6), ?7, ?8, ?9, ?10, ?11) "
    "ON CONFLICT (uuid) DO UPDATE SET " RECORD_UPDATE ", site_id = excluded.site_id, "
    "name = excluded.name, kind = excluded.kind, area_m2 = excluded.area_m2, "
    "volume_m3 = excluded.volume_m3, species = excluded.species "
    "RETURNING id", error);

  if (stmt == NULL)
    return FALSE;

  bind_record (stmt, FW_RECORD (unit));
  sqlite3_bind_text (stmt, 6, fw_unit_get_site_uuid (unit), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, fw_unit_get_name (unit), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, fw_unit_kind_to_id (fw_unit_get_kind (unit)), -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 9, fw_unit_get_area (unit));
  sqlite3_bind_double (stmt, 10, fw_unit_get_volume (unit));
  sqlite3_bind_text (stmt, 11, fw_unit_get_species (unit) ?: "", -1, SQLITE_STATIC);

  return save_record (self, stmt, FW_RECORD (unit), _("saving a unit"), error);
}

gboolean
fw_cache_save_unit (FwCache  *self,
                    FwUnit   *unit,
                    GError  **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (FW_IS_UNIT (unit), FALSE);

  return fw_cache_run_in_transaction (self, save_unit_cb, unit, error);
}

static gboolean
save_sensor_cb (FwCache  *self,
                gpointer  user_data,
                GError  **error)
{
  FwSensor *sensor = user_data;
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO sensors (" RECORD_COLUMNS ", unit_id, parameter, unit_of_measure, interval_s) "
    "VALUES (?1, ?2, ?3, ?4, ?5, (SELECT id FROM units WHERE uuid = ?6), ?7, ?8, ?9) "
    "ON CONFLICT (uuid) DO UPDATE SET " RECORD_UPDATE ", unit_id = excluded.unit_id, "
    "parameter = excluded.parameter, unit_of_measure = excluded.unit_of_measure, "
    "interval_s = excluded.interval_s "
    "RETURNING id", error);

  if (stmt == NULL)
    return FALSE;

  bind_record (stmt, FW_RECORD (sensor));
  sqlite3_bind_text (stmt, 6, fw_sensor_get_unit_uuid (sensor), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, fw_parameter_to_id (fw_sensor_get_parameter (sensor)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, fw_sensor_get_unit_of_measure (sensor), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, fw_sensor_get_interval (sensor));

  return save_record (self, stmt, FW_RECORD (sensor), _("saving a sensor"), error);
}

gboolean
fw_cache_save_sensor (FwCache   *self,
                      FwSensor  *sensor,
                      GError   **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (FW_IS_SENSOR (sensor), FALSE);

  return fw_cache_run_in_transaction (self, save_sensor_cb, sensor, error);
}

static gboolean
save_logbook_entry_cb (FwCache  *self,
                       gpointer  user_data,
                       GError  **error)
{
  FwLogbookEntry *entry = user_data;
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO logbook_entries (" RECORD_COLUMNS ", unit_id, kind, occurred_at, author_uuid, payload) "
    "VALUES (?1, ?2, ?3, ?4, ?5, (SELECT id FROM units WHERE uuid = ?6), ?7, ?8, ?9, ?10) "
    "ON CONFLICT (uuid) DO UPDATE SET " RECORD_UPDATE ", unit_id = excluded.unit_id, "
    "kind = excluded.kind, occurred_at = excluded.occurred_at, "
    "author_uuid = excluded.author_uuid, payload = excluded.payload "
    "RETURNING id", error);

  if (stmt == NULL)
    return FALSE;

  bind_record (stmt, FW_RECORD (entry));
  sqlite3_bind_text (stmt, 6, fw_logbook_entry_get_unit_uuid (entry), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, fw_logbook_entry_get_kind (entry), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, fw_logbook_entry_get_occurred_at (entry));
  sqlite3_bind_text (stmt, 9, fw_logbook_entry_get_author_uuid (entry), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, fw_logbook_entry_get_payload (entry), -1, SQLITE_STATIC);

  return save_record (self, stmt, FW_RECORD (entry), _("saving a logbook entry"), error);
}

gboolean
fw_cache_save_logbook_entry (FwCache         *self,
                             FwLogbookEntry  *entry,
                             GError         **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (FW_IS_LOGBOOK_ENTRY (entry), FALSE);

  return fw_cache_run_in_transaction (self, save_logbook_entry_cb, entry, error);
}

static gboolean
save_alert_rule_cb (FwCache  *self,
                    gpointer  user_data,
                    GError  **error)
{
  FwAlertRule *rule = user_data;
  const FwAlertRuleFields *f = fw_alert_rule_get_fields (rule);
  g_autoptr(JsonNode) node = fw_wire_encode_record (FW_RECORD (rule));
  g_autofree char *body = json_to_string (node, FALSE);
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO alert_rules (" RECORD_COLUMNS ", farm_id, unit_uuid, kind, body) "
    "VALUES (?1, ?2, ?3, ?4, ?5, (SELECT id FROM farms WHERE uuid = ?6), ?7, ?8, ?9) "
    "ON CONFLICT (uuid) DO UPDATE SET " RECORD_UPDATE ", unit_uuid = excluded.unit_uuid, "
    "kind = excluded.kind, body = excluded.body "
    "RETURNING id", error);

  if (stmt == NULL)
    return FALSE;

  bind_record (stmt, FW_RECORD (rule));
  sqlite3_bind_text (stmt, 6, f->farm_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, f->unit_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, fw_alert_rule_kind_to_string (f->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, body, -1, SQLITE_STATIC);

  return save_record (self, stmt, FW_RECORD (rule), _("saving an alert rule"), error);
}

static gboolean
save_alert_cb (FwCache  *self,
               gpointer  user_data,
               GError  **error)
{
  FwAlert *alert = user_data;
  const FwAlertFields *f = fw_alert_get_fields (alert);
  g_autoptr(JsonNode) node = fw_wire_encode_record (FW_RECORD (alert));
  g_autofree char *body = json_to_string (node, FALSE);
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO alerts (" RECORD_COLUMNS ", unit_id, severity, state, started_at, body) "
    "VALUES (?1, ?2, ?3, ?4, ?5, (SELECT id FROM units WHERE uuid = ?6), ?7, ?8, ?9, ?10) "
    "ON CONFLICT (uuid) DO UPDATE SET " RECORD_UPDATE ", unit_id = excluded.unit_id, "
    "severity = excluded.severity, state = excluded.state, "
    "started_at = excluded.started_at, body = excluded.body "
    "RETURNING id", error);

  if (stmt == NULL)
    return FALSE;

  bind_record (stmt, FW_RECORD (alert));
  sqlite3_bind_text (stmt, 6, f->unit_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, fw_severity_to_string (f->severity), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, fw_alert_state_to_string (f->state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, f->started_at);
  sqlite3_bind_text (stmt, 10, body, -1, SQLITE_STATIC);

  return save_record (self, stmt, FW_RECORD (alert), _("saving an alert"), error);
}

/* Records kept in their wire form: @sql selects the local id and the body. */
static GPtrArray *
list_bodies (FwCache     *self,
             FwEntity     entity,
             const char  *sql,
             const char  *key,
             const char  *doing,
             GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = json_from_string (column_text (stmt, 1), NULL);
      g_autoptr(GError) decode_error = NULL;
      FwRecord *record = fw_wire_decode_record (entity, node, 0, NULL, &decode_error);

      /* Only this cache wrote it; a row it cannot read is skipped, not
       * allowed to hide all the others. */
      if (record == NULL)
        {
          g_warning ("Skipping an unreadable %s in the cache: %s",
                     fw_entity_to_string (entity), decode_error->message);
          continue;
        }

      fw_record_set_id (record, sqlite3_column_int64 (stmt, 0));
      g_ptr_array_add (records, record);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    set_error_from_db (self, error, rc, doing);

  g_rec_mutex_unlock (&self->lock);

  return rc == SQLITE_DONE ? g_steal_pointer (&records) : NULL;
}

/**
 * fw_cache_list_alerts:
 * @farm_uuid: the farm
 *
 * Blocks: call it from a worker thread.
 *
 * Returns: (transfer container) (element-type FwAlert): the farm's alerts,
 *   open ones first, then newest first; %NULL on error
 */
GPtrArray *
fw_cache_list_alerts (FwCache     *self,
                      const char  *farm_uuid,
                      GError     **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), NULL);
  g_return_val_if_fail (farm_uuid != NULL, NULL);

  return list_bodies (self, FW_ENTITY_ALERT,
                      "SELECT a.id, a.body FROM alerts a "
                      "JOIN units u ON u.id = a.unit_id JOIN sites s ON s.id = u.site_id "
                      "JOIN farms f ON f.id = s.farm_id "
                      "WHERE a.deleted = 0 AND f.uuid = ?1 "
                      "ORDER BY a.state = 'resolved', a.started_at DESC, a.id DESC",
                      farm_uuid, _("reading alerts"), error);
}

/**
 * fw_cache_list_alert_rules:
 *
 * Blocks: call it from a worker thread.
 *
 * Returns: (transfer container) (element-type FwAlertRule): the farm's
 *   rules and maintenance windows; %NULL on error
 */
GPtrArray *
fw_cache_list_alert_rules (FwCache     *self,
                           const char  *farm_uuid,
                           GError     **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), NULL);
  g_return_val_if_fail (farm_uuid != NULL, NULL);

  return list_bodies (self, FW_ENTITY_ALERT_RULE,
                      "SELECT r.id, r.body FROM alert_rules r JOIN farms f ON f.id = r.farm_id "
                      "WHERE r.deleted = 0 AND f.uuid = ?1 ORDER BY r.id",
                      farm_uuid, _("reading alert rules"), error);
}

/**
 * fw_cache_save_record:
 *
 * Saves a record of any synced kind; the parent it names must be in the
 * cache already.
 */
gboolean
fw_cache_save_record (FwCache   *self,
                      FwRecord  *record,
                      GError   **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (FW_IS_RECORD (record), FALSE);

  switch (fw_entity_of_record (record))
    {
    case FW_ENTITY_FARM:
      return fw_cache_run_in_transaction (self, save_farm_cb, record, error);
    case FW_ENTITY_SITE:
      return fw_cache_run_in_transaction (self, save_site_cb, record, error);
    case FW_ENTITY_UNIT:
      return fw_cache_run_in_transaction (self, save_unit_cb, record, error);
    case FW_ENTITY_SENSOR:
      return fw_cache_run_in_transaction (self, save_sensor_cb, record, error);
    case FW_ENTITY_LOGBOOK_ENTRY:
      return fw_cache_run_in_transaction (self, save_logbook_entry_cb, record, error);
    case FW_ENTITY_ALERT_RULE:
      return fw_cache_run_in_transaction (self, save_alert_rule_cb, record, error);
    case FW_ENTITY_ALERT:
      return fw_cache_run_in_transaction (self, save_alert_cb, record, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

typedef struct
{
  gint64           sensor_id;
  const FwReading *readings;
  gsize            n_readings;
} InsertReadings;

/* The start of the span of @span seconds that holds @t. */
static inline FwTime
span_start (FwTime t,
            FwTime span)
{
  FwTime into = t % span;

  return t - (into < 0 ? into + span : into);
}

/* Runs @sql, bound to @id when it has a parameter, for the one number
 * it selects; @fallback when it selects no row or NULL. The caller holds
 * the lock. */
static gboolean
query_number (FwCache     *self,
              const char  *sql,
              gint64       id,
              gint64       fallback,
              gint64      *number,
              const char  *doing,
              GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  *number = rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL
            ? sqlite3_column_int64 (stmt, 0) : fallback;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_error_from_db (self, error, rc, doing);
  return TRUE;
}

/* Raw readings before this time were folded away (fw_cache_roll_up_readings());
 * only their summaries remain. */
static gboolean
get_folded_before (FwCache  *self,
                   FwTime   *folded_before,
                   GError  **error)
{
  return query_number (self,
                       "SELECT CAST (value AS INTEGER) FROM sync_state "
                       "WHERE key = 'readings-folded-before'",
                       0, G_MININT64, folded_before, _("reading sensor history"), error);
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  FwTime ta = *(const FwTime *) a;
  FwTime tb = *(const FwTime *) b;

  return (ta > tb) - (ta < tb);
}

/* The distinct starts of the spans of @span seconds that hold @times,
 * oldest first. @times is mostly in order already: a sensor's batch. */
static GArray *
span_starts (const FwTime *times,
             guint         n_times,
             FwTime        span)
{
  GArray *starts = g_array_sized_new (FALSE, FALSE, sizeof (FwTime), 16);
  gboolean in_order = TRUE;
  guint kept = 0;

  for (guint i = 0; i < n_times; i++)
    {
      FwTime start = span_start (times[i], span);

      if (starts->len > 0)
        {
          FwTime last = g_array_index (starts, FwTime, starts->len - 1);

          if (start == last)
            continue;
          in_order = in_order && start > last;
        }
      g_array_append_val (starts, start);
    }

  if (in_order)
    return starts;

  g_array_sort (starts, compare_times);
  for (guint i = 0; i < starts->len; i++)
    if (kept == 0 || g_array_index (starts, FwTime, i) != g_array_index (starts, FwTime, kept - 1))
      g_array_index (starts, FwTime, kept++) = g_array_index (starts, FwTime, i);
  g_array_set_size (starts, kept);

  return starts;
}

/* Sums up each span of @span seconds that starts at one of @starts afresh
 * from the level below it: raw rows for an hour, hours for a day. Recomputing, rather than adding, keeps the
 * figures exact when a reading replaces an earlier copy of itself. */
static gboolean
summarise_spans (FwCache  *self,
                 gint64    sensor_id,
                 FwSpan    span,
                 GArray   *starts,
                 GError  **error)
{
  sqlite3_stmt *stmt;

  /* An hour from its raw rows, unless it is folded: then it has none, and
   * its own figures are already whole. */
  if (span == FW_SPAN_HOUR)
    stmt = prepare (self,
                    "INSERT OR REPLACE INTO reading_summaries "
                    "(sensor_id, span, start, lowest, highest, total, count) "
                    "SELECT ?1, 3600, ?2, min (value), max (value), sum (value), count (*) "
                    "FROM readings WHERE sensor_id = ?1 AND t >= ?2 AND t < ?2 + 3600 "
                    "HAVING count (*) > 0",
                    error);
  else
    stmt = prepare (self,
                    "INSERT OR REPLACE INTO reading_summaries "
                    "(sensor_id, span, start, lowest, highest, total, count) "
                    "SELECT ?1, 86400, ?2, min (lowest), max (highest), sum (total), sum (count) "
                    "FROM reading_summaries "
                    "WHERE sensor_id = ?1 AND span = 3600 AND start >= ?2 AND start < ?2 + 86400 "
                    "HAVING count (*) > 0",
                    error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, sensor_id);

  for (guint i = 0; i < starts->len; i++)
    {
      sqlite3_bind_int64 (stmt, 2, g_array_index (starts, FwTime, i));
      if (!fw_cache_step (self, stmt, _("summing up readings"), error))
        return FALSE;
    }

  return TRUE;
}

/* Adds the figures of @bucket, which starts a span of @span seconds, to
 * what that span holds already. */
static gboolean
add_to_summary (FwCache         *self,
                gint64           sensor_id,
                FwSpan           span,
                const FwBucket  *bucket,
                GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "INSERT INTO reading_summaries (sensor_id, span, start, lowest, highest, total, count) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                  "ON CONFLICT (sensor_id, span, start) DO UPDATE SET "
                  "lowest = min (lowest, excluded.lowest), highest = max (highest, excluded.highest), "
                  "total = total + excluded.total, count = count + excluded.count",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, sensor_id);
  sqlite3_bind_int64 (stmt, 2, span);
  sqlite3_bind_int64 (stmt, 3, bucket->time);
  sqlite3_bind_double (stmt, 4, bucket->min);
  sqlite3_bind_double (stmt, 5, bucket->max);
  sqlite3_bind_double (stmt, 6, bucket->sum);
  sqlite3_bind_int64 (stmt, 7, bucket->count);

  return fw_cache_step (self, stmt, _("summing up readings"), error);
}

/* The figures of readings appended in time order, span by span: each
 * span's bucket is written once it is complete, or at the end. */
typedef struct
{
  FwSpan   span;
  FwBucket bucket;
} Accumulator;

static gboolean
accumulate (FwCache      *self,
            gint64        sensor_id,
            Accumulator  *acc,
            FwTime        t,
            double        value,
            GError      **error)
{
  FwTime start = span_start (t, acc->span);

  if (acc->bucket.count > 0 && acc->bucket.time != start)
    {
      if (!add_to_summary (self, sensor_id, acc->span, &acc->bucket, error))
        return FALSE;
      acc->bucket.count = 0;
    }

  if (acc->bucket.count == 0)
    acc->bucket = (FwBucket) { start, value, value, 0, 0 };

  acc->bucket.min = MIN (acc->bucket.min, value);
  acc->bucket.max = MAX (acc->bucket.max, value);
  acc->bucket.sum += value;
  acc->bucket.count++;

  return TRUE;
}

/* Inserting keeps the summaries exact in two ways. Readings newer than
 * every raw reading of the sensor (the sync's usual batch) are summed in
 * memory and added to their spans: a few writes per hundred readings.
 * Anything else (a late reading, a reading sent again with a new value)
 * has its spans summed up afresh from the raw rows once all is written. */
static gboolean
insert_readings_cb (FwCache  *self,
                    gpointer  user_data,
                    GError  **error)
{
  InsertReadings *insert = user_data;
  g_autofree FwTime *late = g_new (FwTime, MAX (insert->n_readings, 1));
  g_autofree FwTime *changed = g_new (FwTime, MAX (insert->n_readings, 1));
  Accumulator appended[] = {
    { FW_SPAN_HOUR, { 0 } },
    { FW_SPAN_DAY, { 0 } },
  };
  g_autoptr(GArray) late_hours = NULL;
  g_autoptr(GArray) hours = NULL;
  g_autoptr(GArray) days = NULL;
  sqlite3_stmt *raw;
  FwTime folded_before;
  FwTime newest;
  guint n_late = 0;
  guint n_changed = 0;
  int rc;

  if (!get_folded_before (self, &folded_before, error))
    return FALSE;

  if (!query_number (self, "SELECT max (t) FROM readings WHERE sensor_id = ?1",
                     insert->sensor_id, G_MININT64, &newest, _("saving readings"), error))
    return FALSE;

  /* A reading delivered twice is the same reading: the later copy wins,
   * so a re-sent batch changes nothing. */
  raw = prepare (self,
                 "INSERT INTO readings (sensor_id, t, value) VALUES (?1, ?2, ?3) "
                 "ON CONFLICT (sensor_id, t) DO UPDATE SET value = excluded.value",
                 error);
  if (raw == NULL)
    return FALSE;

  for (gsize i = 0; i < insert->n_readings; i++)
    {
      const FwReading *reading = &insert->readings[i];

      /* A late reading for folded history has no raw rows left to join:
       * it is added to the figures of its hour. The sync never pulls
       * folded hours again, so it arrives once. */
      if (reading->time < folded_before)
        {
          FwBucket one = { span_start (reading->time, FW_SPAN_HOUR),
                           reading->value, reading->value, reading->value, 1 };

          if (!add_to_summary (self, insert->sensor_id, FW_SPAN_HOUR, &one, error))
            return FALSE;
          changed[n_changed++] = reading->time;
          continue;
        }

      sqlite3_bind_int64 (raw, 1, insert->sensor_id);
      sqlite3_bind_int64 (raw, 2, reading->time);
      sqlite3_bind_double (raw, 3, reading->value);
      rc = sqlite3_step (raw);
      sqlite3_reset (raw);
      if (rc != SQLITE_DONE)
        return set_error_from_db (self, error, rc, _("saving readings"));

      if (reading->time > newest)
        {
          newest = reading->time;
          for (guint s = 0; s < G_N_ELEMENTS (appended); s++)
            if (!accumulate (self, insert->sensor_id, &appended[s],
                             reading->time, reading->value, error))
              return FALSE;
        }
      else
        {
          late[n_late++] = reading->time;
          changed[n_changed++] = reading->time;
        }
    }

  for (guint s = 0; s < G_N_ELEMENTS (appended); s++)
    if (appended[s].bucket.count > 0 &&
        !add_to_summary (self, insert->sensor_id, appended[s].span, &appended[s].bucket, error))
      return FALSE;

  if (n_changed == 0)
    return TRUE;

  /* Summed up afresh after the additions above, so the later figures win. */
  late_hours = span_starts (late, n_late, FW_SPAN_HOUR);
  hours = span_starts (changed, n_changed, FW_SPAN_HOUR);
  days = span_starts ((FwTime *) (gpointer) hours->data, hours->len, FW_SPAN_DAY);

  return summarise_spans (self, insert->sensor_id, FW_SPAN_HOUR, late_hours, error) &&
         summarise_spans (self, insert->sensor_id, FW_SPAN_DAY, days, error);
}

/**
 * fw_cache_insert_readings:
 * @readings: (array length=n_readings): the readings, in any order
 *
 * Adds readings of one sensor in one transaction: all of them, or, on any
 * error, none, with the sensor's hourly and daily summaries
 * brought up to date in the same transaction. A value that is not a
 * finite number is refused before anything is written.
 */
gboolean
fw_cache_insert_readings (FwCache          *self,
                          gint64            sensor_id,
                          const FwReading  *readings,
                          gsize             n_readings,
                          GError          **error)
{
  InsertReadings insert = { sensor_id, readings, n_readings };

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (readings != NULL || n_readings == 0, FALSE);

  for (gsize i = 0; i < n_readings; i++)
    {
      if (!isfinite (readings[i].value))
        {
          /* Numbers as strings: gettext cannot see through G_GINT64_FORMAT. */
          g_autofree char *index = g_strdup_printf ("%" G_GSIZE_FORMAT, i + 1);
          g_autofree char *sensor = g_strdup_printf ("%" G_GINT64_FORMAT, sensor_id);
          g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT, readings[i].time);

          g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_INVALID,
                       _("Reading %s of sensor %s at %s is not a number; no reading was saved"),
                       index, sensor, time);
          return FALSE;
        }
    }

  return fw_cache_run_in_transaction (self, insert_readings_cb, &insert, error);
}

static FwFarm *
farm_from_row (sqlite3_stmt *stmt)
{
  return g_object_new (FW_TYPE_FARM,
                       "id", sqlite3_column_int64 (stmt, 0),
                       "uuid", column_text (stmt, 1),
                       "revision", sqlite3_column_int64 (stmt, 2),
                       "created-at", sqlite3_column_int64 (stmt, 3),
                       "updated-at", sqlite3_column_int64 (stmt, 4),
                       "name", column_text (stmt, 5),
                       "timezone", column_text (stmt, 6),
                       NULL);
}

#define FARM_SELECT \
  "SELECT id, uuid, revision, created_at, updated_at, name, timezone FROM farms "

static int
compare_farm_names (gconstpointer a,
                    gconstpointer b)
{
  FwFarm *fa = *(FwFarm **) a;
  FwFarm *fb = *(FwFarm **) b;

  return g_utf8_collate (fw_farm_get_name (fa), fw_farm_get_name (fb));
}

/**
 * fw_cache_list_farms:
 *
 * Returns: (transfer container) (element-type FwFarm): the farms, by name
 */
GPtrArray *
fw_cache_list_farms (FwCache  *self,
                     GError  **error)
{
  g_autoptr(GPtrArray) farms = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self, FARM_SELECT "WHERE deleted = 0", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (farms, farm_from_row (stmt));
  sqlite3_reset (stmt);

  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      set_error_from_db (self, error, rc, _("listing farms"));
      return NULL;
    }

  g_ptr_array_sort (farms, compare_farm_names);
  return g_steal_pointer (&farms);
}

/**
 * fw_cache_lookup_farm:
 * @uuid: the farm's uuid
 *
 * Returns: (transfer full): the farm, or %NULL with %FW_DATABASE_ERROR_NOT_FOUND
 */
FwFarm *
fw_cache_lookup_farm (FwCache     *self,
                      const char  *uuid,
                      GError     **error)
{
  FwFarm *farm = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self, FARM_SELECT "WHERE uuid = ?1 AND deleted = 0", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    farm = farm_from_row (stmt);
  sqlite3_reset (stmt);

  g_rec_mutex_unlock (&self->lock);

  if (rc == SQLITE_DONE)
    g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_NOT_FOUND,
                 _("No farm with id “%s” in cache “%s”"), uuid, self->path);
  else if (rc != SQLITE_ROW)
    set_error_from_db (self, error, rc, _("looking up a farm"));

  return farm;
}

/**
 * fw_cache_get_unit_names:
 *
 * Returns: (transfer full) (element-type utf8 utf8): every unit's name by
 *   uuid, archived ones too, for describing records that point at a unit
 */
GHashTable *
fw_cache_get_unit_names (FwCache  *self,
                         GError  **error)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self, "SELECT uuid, name FROM units", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (names,
                         g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);

  /* The message is read while the connection is still ours. */
  if (rc != SQLITE_DONE)
    set_error_from_db (self, error, rc, _("reading unit names"));

  g_rec_mutex_unlock (&self->lock);

  return rc == SQLITE_DONE ? g_steal_pointer (&names) : NULL;
}

/**
 * fw_cache_list_sites:
 *
 * Returns: (transfer container) (element-type FwSite): the farm's sites
 */
GPtrArray *
fw_cache_list_sites (FwCache  *self,
                     gint64    farm_id,
                     GError  **error)
{
  g_autoptr(GPtrArray) sites = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self,
                  "SELECT s.id, s.uuid, s.revision, s.created_at, s.updated_at, f.uuid, s.name "
                  "FROM sites s JOIN farms f ON f.id = s.farm_id "
                  "WHERE s.farm_id = ?1 AND s.deleted = 0 ORDER BY s.name",
                  error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, farm_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (sites,
                     g_object_new (FW_TYPE_SITE,
                                   "id", sqlite3_column_int64 (stmt, 0),
                                   "uuid", column_text (stmt, 1),
                                   "revision", sqlite3_column_int64 (stmt, 2),
                                   "created-at", sqlite3_column_int64 (stmt, 3),
                                   "updated-at", sqlite3_column_int64 (stmt, 4),
                                   "farm-uuid", column_text (stmt, 5),
                                   "name", column_text (stmt, 6),
                                   NULL));
  sqlite3_reset (stmt);

  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_DONE)
    {
      set_error_from_db (self, error, rc, _("listing sites"));
      return NULL;
    }

  return g_steal_pointer (&sites);
}

static gboolean
load_latest (FwCache   *self,
             FwSensor  *sensor,
             FwTime     now,
             GError   **error)
{
  g_autoptr(GArray) recent = NULL;
  FwReading latest;
  FwTime window;

  if (!fw_cache_get_latest_reading (self, fw_record_get_id (FW_RECORD (sensor)), &latest, error))
    return FALSE;

  if (latest.time == 0)
    {
      fw_sensor_set_latest (sensor, 0, NAN, NAN, now);
      return TRUE;
    }

  window = MAX (TREND_WINDOW, 6 * (FwTime) fw_sensor_get_interval (sensor));
  recent = fw_cache_get_readings (self, fw_record_get_id (FW_RECORD (sensor)),
                                  latest.time - window, latest.time + 1, error);
  if (recent == NULL)
    return FALSE;

  fw_sensor_set_latest (sensor, latest.time, latest.value,
                        fw_readings_slope_per_hour ((FwReading *) recent->data, recent->len),
                        now);
  return TRUE;
}

/**
 * fw_cache_list_sensors:
 * @now: the time against which silence is judged
 *
 * Returns: (transfer container) (element-type FwSensor): the unit's sensors
 *   with their latest reading and trend, in catalogue order of parameter
 */
GPtrArray *
fw_cache_list_sensors (FwCache  *self,
                       gint64    unit_id,
                       FwTime    now,
                       GError  **error)
{
  g_autoptr(GPtrArray) sensors = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self,
                  "SELECT s.id, s.uuid, s.revision, s.created_at, s.updated_at, u.uuid, "
                  "s.parameter, s.unit_of_measure, s.interval_s "
                  "FROM sensors s JOIN units u ON u.id = s.unit_id "
                  "WHERE s.unit_id = ?1 AND s.deleted = 0 ORDER BY s.id",
                  error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, unit_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FwParameter parameter;

      /* A parameter from a newer server is kept in the cache but not
       * shown until this version knows how to read it. */
      if (!fw_parameter_from_id (column_text (stmt, 6), &parameter))
        continue;

      g_ptr_array_add (sensors,
                       g_object_new (FW_TYPE_SENSOR,
                                     "id", sqlite3_column_int64 (stmt, 0),
                                     "uuid", column_text (stmt, 1),
                                     "revision", sqlite3_column_int64 (stmt, 2),
                                     "created-at", sqlite3_column_int64 (stmt, 3),
                                     "updated-at", sqlite3_column_int64 (stmt, 4),
                                     "unit-uuid", column_text (stmt, 5),
                                     "parameter", parameter,
                                     "unit-of-measure", column_text (stmt, 7),
                                     "interval", (guint) sqlite3_column_int64 (stmt, 8),
                                     NULL));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_error_from_db (self, error, rc, _("listing sensors"));
      goto failed;
    }

  for (guint i = 0; i < sensors->len; i++)
    {
      if (!load_latest (self, g_ptr_array_index (sensors, i), now, error))
        goto failed;
    }

  g_rec_mutex_unlock (&self->lock);
  return g_steal_pointer (&sensors);

failed:
  g_rec_mutex_unlock (&self->lock);
  return NULL;
}

typedef struct
{
  FwUnit *unit;
  char   *key;
} SortableUnit;

static int
compare_sortable_units (gconstpointer a,
                        gconstpointer b)
{
  return strcmp (((const SortableUnit *) a)->key, ((const SortableUnit *) b)->key);
}

/* "Pond 2" before "Pond 10": filename collation sorts numbers as numbers,
 * and case-folding first keeps "pond 3" between them. */
static void
sort_units (GPtrArray *units)
{
  g_autoptr(GArray) sortable = g_array_sized_new (FALSE, FALSE, sizeof (SortableUnit), units->len);

  for (guint i = 0; i < units->len; i++)
    {
      FwUnit *unit = g_ptr_array_index (units, i);
      g_autofree char *joined = g_strconcat (fw_unit_get_site_name (unit), "\x01",
                                             fw_unit_get_name (unit), NULL);
      g_autofree char *folded = g_utf8_casefold (joined, -1);
      SortableUnit entry = { unit, g_utf8_collate_key_for_filename (folded, -1) };

      g_array_append_val (sortable, entry);
    }

  g_array_sort (sortable, compare_sortable_units);

  for (guint i = 0; i < sortable->len; i++)
    {
      SortableUnit *entry = &g_array_index (sortable, SortableUnit, i);

      units->pdata[i] = entry->unit;
      g_free (entry->key);
    }
}

static void
summarise_unit (FwUnit    *unit,
                GPtrArray *sensors)
{
  FwStatus status = sensors->len > 0 ? FW_STATUS_OK : FW_STATUS_NO_DATA;
  FwSensor *key = NULL;

  for (guint i = 0; i < sensors->len; i++)
    {
      FwSensor *sensor = g_ptr_array_index (sensors, i);

      status = fw_status_worst (status, fw_sensor_get_status (sensor));

      if (key == NULL || fw_sensor_get_parameter (sensor) == FW_PARAMETER_DISSOLVED_OXYGEN)
        {
          if (key == NULL || fw_sensor_get_parameter (key) != FW_PARAMETER_DISSOLVED_OXYGEN)
            key = sensor;
        }
    }

  if (key != NULL)
    fw_unit_set_summary (unit, status,
                         fw_sensor_get_parameter (key),
                         fw_sensor_get_latest_time (key),
                         fw_sensor_get_latest_value (key));
  else
    fw_unit_set_summary (unit, status, FW_PARAMETER_DISSOLVED_OXYGEN, 0, NAN);
}

/**
 * fw_cache_list_units:
 * @farm_id: the farm's local id
 * @now: the time against which silence is judged
 *
 * Returns: (transfer container) (element-type FwUnit): the farm's units,
 *   by site then by name, each with the summary of its sensors
 */
GPtrArray *
fw_cache_list_units (FwCache  *self,
                     gint64    farm_id,
                     FwTime    now,
                     GError  **error)
{
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self,
                  "SELECT u.id, u.uuid, u.revision, u.created_at, u.updated_at, s.uuid, "
                  "s.name, u.name, u.kind, u.area_m2, u.volume_m3, u.species "
                  "FROM units u JOIN sites s ON s.id = u.site_id "
                  "WHERE s.farm_id = ?1 AND u.deleted = 0 AND s.deleted = 0",
                  error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, farm_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FwUnitKind kind = FW_UNIT_KIND_POND;

      fw_unit_kind_from_id (column_text (stmt, 8), &kind);
      g_ptr_array_add (units,
                       g_object_new (FW_TYPE_UNIT,
                                     "id", sqlite3_column_int64 (stmt, 0),
                                     "uuid", column_text (stmt, 1),
                                     "revision", sqlite3_column_int64 (stmt, 2),
                                     "created-at", sqlite3_column_int64 (stmt, 3),
                                     "updated-at", sqlite3_column_int64 (stmt, 4),
                                     "site-uuid", column_text (stmt, 5),
                                     "site-name", column_text (stmt, 6),
                                     "name", column_text (stmt, 7),
                                     "kind", kind,
                                     "area", sqlite3_column_double (stmt, 9),
                                     "volume", sqlite3_column_double (stmt, 10),
                                     "species", column_text (stmt, 11),
                                     NULL));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_error_from_db (self, error, rc, _("listing units"));
      goto failed;
    }

  for (guint i = 0; i < units->len; i++)
    {
      FwUnit *unit = g_ptr_array_index (units, i);
      g_autoptr(GPtrArray) sensors = NULL;

      sensors = fw_cache_list_sensors (self, fw_record_get_id (FW_RECORD (unit)), now, error);
      if (sensors == NULL)
        goto failed;

      summarise_unit (unit, sensors);
    }

  g_rec_mutex_unlock (&self->lock);

  sort_units (units);
  return g_steal_pointer (&units);

failed:
  g_rec_mutex_unlock (&self->lock);
  return NULL;
}

/* Runs a history query bound to (@sensor_id, @from, @to) and, when it has
 * a fourth parameter, @extra, and reads its rows into @rows with @read;
 * takes @rows. An empty or reversed range is an
 * empty answer. */
static GArray *
query_history (FwCache     *self,
               const char  *sql,
               gint64       sensor_id,
               FwTime       from,
               FwTime       to,
               gint64       extra,
               GArray      *rows,
               int        (*read) (sqlite3_stmt *stmt, GArray *rows),
               GError     **error)
{
  g_autoptr(GArray) result = rows;
  sqlite3_stmt *stmt;
  int rc;

  if (to <= from)
    return g_steal_pointer (&result);

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, sensor_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  if (sqlite3_bind_parameter_count (stmt) >= 4)
    sqlite3_bind_int64 (stmt, 4, extra);
  rc = read (stmt, result);
  /* The connection's message is read before another thread can change it. */
  if (rc != SQLITE_DONE)
    set_error_from_db (self, error, rc, _("reading sensor history"));

  g_rec_mutex_unlock (&self->lock);

  return rc == SQLITE_DONE ? g_steal_pointer (&result) : NULL;
}

/**
 * fw_cache_get_readings:
 * @from: the first second included
 * @to: the first second excluded
 *
 * Returns: (transfer full) (element-type FwReading): the sensor's readings
 *   in [@from, @to), oldest first; empty for an unknown sensor or an empty
 *   range
 */
GArray *
fw_cache_get_readings (FwCache  *self,
                       gint64    sensor_id,
                       FwTime    from,
                       FwTime    to,
                       GError  **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  return query_history (self,
                        "SELECT t, value FROM readings "
                        "WHERE sensor_id = ?1 AND t >= ?2 AND t < ?3 ORDER BY t",
                        sensor_id, from, to, 0,
                        g_array_new (FALSE, FALSE, sizeof (FwReading)), fw_database_read_readings,
                        error);
}

/**
 * fw_cache_list_logbook:
 * @unit_uuid: (nullable): one unit's entries, with the transfers into it
 *   from other units; %NULL for every entry in the cache
 *
 * Blocks: call it from a worker thread.
 *
 * Returns: (transfer container) (element-type FwLogbookEntry): the entries
 *   that are not deleted, newest first; %NULL on error
 */
GPtrArray *
fw_cache_list_logbook (FwCache     *self,
                       const char  *unit_uuid,
                       GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self,
                  "SELECT e.id, e.uuid, e.revision, e.created_at, e.updated_at, u.uuid, e.kind, "
                  "       e.occurred_at, e.author_uuid, e.payload "
                  "FROM logbook_entries e JOIN units u ON u.id = e.unit_id "
                  "WHERE e.deleted = 0 AND (?1 IS NULL OR u.uuid = ?1 OR "
                  "      (e.kind = 'transfer' AND json_extract (e.payload, '$.to_unit') = ?1)) "
                  "ORDER BY e.occurred_at DESC, e.id DESC",
                  error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, unit_uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries,
                     g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                                   "id", sqlite3_column_int64 (stmt, 0),
                                   "uuid", column_text (stmt, 1),
                                   "revision", sqlite3_column_int64 (stmt, 2),
                                   "created-at", sqlite3_column_int64 (stmt, 3),
                                   "updated-at", sqlite3_column_int64 (stmt, 4),
                                   "unit-uuid", column_text (stmt, 5),
                                   "kind", column_text (stmt, 6),
                                   "occurred-at", sqlite3_column_int64 (stmt, 7),
                                   "author-uuid", column_text (stmt, 8),
                                   "payload", column_text (stmt, 9),
                                   NULL));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    set_error_from_db (self, error, rc, _("reading the logbook"));

  g_rec_mutex_unlock (&self->lock);

  return rc == SQLITE_DONE ? g_steal_pointer (&entries) : NULL;
}

/**
 * fw_cache_get_first_time:
 * @first: (out): the start of the hour of the sensor's first reading, or 0
 *   when it has none
 *
 * Blocks: call it from a worker thread.
 */
gboolean
fw_cache_get_first_time (FwCache  *self,
                         gint64    sensor_id,
                         FwTime   *first,
                         GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (first != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  ok = query_number (self,
                     "SELECT min (start) FROM reading_summaries WHERE sensor_id = ?1 AND span = 3600",
                     sensor_id, 0, first, _("reading sensor history"), error);
  g_rec_mutex_unlock (&self->lock);

  return ok;
}

/**
 * fw_cache_get_latest_reading:
 * @reading: (out): the latest reading; its time is 0 when there is none
 *
 * Returns: %FALSE only on a database error
 */
gboolean
fw_cache_get_latest_reading (FwCache    *self,
                             gint64      sensor_id,
                             FwReading  *reading,
                             GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (reading != NULL, FALSE);

  reading->time = 0;
  reading->value = NAN;

  g_rec_mutex_lock (&self->lock);

  stmt = prepare (self,
                  "SELECT t, value FROM readings WHERE sensor_id = ?1 ORDER BY t DESC LIMIT 1",
                  error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, sensor_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      reading->time = sqlite3_column_int64 (stmt, 0);
      reading->value = sqlite3_column_double (stmt, 1);
    }
  sqlite3_reset (stmt);

  g_rec_mutex_unlock (&self->lock);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_error_from_db (self, error, rc, _("reading the latest value"));

  return TRUE;
}

/**
 * fw_cache_count_readings:
 *
 * Returns: the number of readings of all sensors, or -1 on error
 */
gint64
fw_cache_count_readings (FwCache  *self,
                         GError  **error)
{
  gint64 count = -1;

  g_return_val_if_fail (FW_IS_CACHE (self), -1);

  g_rec_mutex_lock (&self->lock);
  if (!query_number (self, "SELECT count (*) FROM readings", 0, 0, &count, _("counting readings"), error))
    count = -1;
  g_rec_mutex_unlock (&self->lock);

  return count;
}

typedef struct
{
  FwTime  before;
  gint64  rolled_up;
} RollUp;

/* One sensor at a time, so that each statement reads its own stretch of
 * the (sensor_id, t) key instead of the whole table. */
static gboolean
roll_up_cb (FwCache  *self,
            gpointer  user_data,
            GError  **error)
{
  RollUp *roll_up = user_data;
  g_autoptr(GArray) sensors = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  FwTime folded_before;
  int rc;

  if (!get_folded_before (self, &folded_before, error))
    return FALSE;
  if (roll_up->before <= folded_before)
    return TRUE;

  stmt = prepare (self, "SELECT id FROM sensors", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (sensors, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error_from_db (self, error, rc, _("folding old readings into hourly figures"));

  /* The summaries already hold every reading: folding only lets go of
   * the raw rows. */
  for (guint i = 0; i < sensors->len; i++)
    {
      stmt = prepare (self, "DELETE FROM readings WHERE sensor_id = ?1 AND t < ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (sensors, gint64, i));
      sqlite3_bind_int64 (stmt, 2, roll_up->before);
      if (!fw_cache_step (self, stmt, _("folding old readings into hourly figures"), error))
        return FALSE;

      roll_up->rolled_up += sqlite3_changes (self->db);
    }

  stmt = prepare (self,
                  "INSERT OR REPLACE INTO sync_state (key, value) "
                  "VALUES ('readings-folded-before', ?1)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, roll_up->before);

  return fw_cache_step (self, stmt, _("folding old readings into hourly figures"), error);
}

/**
 * fw_cache_roll_up_readings:
 * @before: raw readings before this time are let go; it is taken back to
 *   the start of its hour, so that an hour is either raw or folded
 * @n_rolled_up: (out) (optional): how many raw readings were let go
 *
 * Keeps the history before @before only as its summaries (hourly and
 * daily figures), in one transaction. A reading that arrives later for
 * that time is added to the summaries alone; with no raw row left to
 * tell, the same folded reading sent twice counts twice (the sync never
 * pulls folded hours again, so it does not). The folding point only
 * moves forward. Blocks: call it from a worker thread, as the sync
 * does after pulling readings.
 */
gboolean
fw_cache_roll_up_readings (FwCache  *self,
                           FwTime    before,
                           gint64   *n_rolled_up,
                           GError  **error)
{
  RollUp roll_up = { span_start (before, FW_SPAN_HOUR), 0 };

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);

  if (!fw_cache_run_in_transaction (self, roll_up_cb, &roll_up, error))
    return FALSE;

  if (n_rolled_up != NULL)
    *n_rolled_up = roll_up.rolled_up;
  return TRUE;
}

/**
 * fw_cache_get_folded_before:
 * @folded_before: (out): the time before which only summaries are kept,
 *   or %G_MININT64 when nothing was folded yet
 */
gboolean
fw_cache_get_folded_before (FwCache  *self,
                            FwTime   *folded_before,
                            GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (folded_before != NULL, FALSE);

  g_rec_mutex_lock (&self->lock);
  ok = get_folded_before (self, folded_before, error);
  g_rec_mutex_unlock (&self->lock);

  return ok;
}

/**
 * fw_cache_get_buckets:
 * @span: %FW_SPAN_RAW for every reading, or the span of the summaries
 *
 * Reads a sensor's history in [@from, @to) at one resolution. At
 * %FW_SPAN_RAW each reading is a bucket of one, and folded history, which
 * has no raw rows left, comes as its hourly summaries.
 *
 * Returns: (transfer full) (element-type FwBucket): the buckets, oldest
 *   first; %NULL on error
 */
GArray *
fw_cache_get_buckets (FwCache  *self,
                      gint64    sensor_id,
                      FwTime    from,
                      FwTime    to,
                      FwSpan    span,
                      GError  **error)
{
  FwTime folded_before = G_MININT64;
  GArray *buckets;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);
  g_return_val_if_fail (span == FW_SPAN_RAW || span == FW_SPAN_HOUR || span == FW_SPAN_DAY, NULL);

  g_rec_mutex_lock (&self->lock);

  if (span != FW_SPAN_RAW)
    buckets = query_history (self,
                             "SELECT start, lowest, highest, total, count FROM reading_summaries "
                             "WHERE sensor_id = ?1 AND span = ?4 AND start >= ?2 AND start < ?3 "
                             "ORDER BY start",
                             sensor_id, from, to, span,
                             g_array_new (FALSE, FALSE, sizeof (FwBucket)), fw_database_read_buckets,
                             error);
  else if (get_folded_before (self, &folded_before, error))
    buckets = query_history (self,
                             "SELECT start, lowest, highest, total, count FROM reading_summaries "
                             "WHERE sensor_id = ?1 AND span = 3600 AND start >= ?2 AND start < min (?3, ?4) "
                             "UNION ALL "
                             "SELECT t, value, value, value, 1 FROM readings "
                             "WHERE sensor_id = ?1 AND t >= ?2 AND t < ?3 "
                             "ORDER BY 1",
                             sensor_id, from, to, folded_before,
                             g_array_new (FALSE, FALSE, sizeof (FwBucket)), fw_database_read_buckets,
                             error);
  else
    buckets = NULL;

  g_rec_mutex_unlock (&self->lock);

  return buckets;
}

typedef enum
{
  LIST_FARMS,
  LIST_UNITS,
  LIST_SENSORS,
} ListKind;

typedef struct
{
  ListKind kind;
  gint64   id;
  FwTime   now;
} ListQuery;

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FwCache *self = source_object;
  ListQuery *query = task_data;
  GError *error = NULL;
  GPtrArray *result = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  switch (query->kind)
    {
    case LIST_FARMS:
      result = fw_cache_list_farms (self, &error);
      break;

    case LIST_UNITS:
      result = fw_cache_list_units (self, query->id, query->now, &error);
      break;

    case LIST_SENSORS:
      result = fw_cache_list_sensors (self, query->id, query->now, &error);
      break;

    default:
      g_assert_not_reached ();
    }

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

static void
run_list_async (FwCache             *self,
                ListKind             kind,
                gint64               id,
                FwTime               now,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListQuery *query = g_new0 (ListQuery, 1);

  query->kind = kind;
  query->id = id;
  query->now = now;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fw_cache_list_finish);
  g_task_set_task_data (task, query, g_free);
  g_task_run_in_thread (task, list_thread);
}

void
fw_cache_list_farms_async (FwCache             *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (FW_IS_CACHE (self));

  run_list_async (self, LIST_FARMS, 0, 0, cancellable, callback, user_data);
}

void
fw_cache_list_units_async (FwCache             *self,
                           gint64               farm_id,
                           FwTime               now,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (FW_IS_CACHE (self));

  run_list_async (self, LIST_UNITS, farm_id, now, cancellable, callback, user_data);
}

void
fw_cache_list_sensors_async (FwCache             *self,
                             gint64               unit_id,
                             FwTime               now,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FW_IS_CACHE (self));

  run_list_async (self, LIST_SENSORS, unit_id, now, cancellable, callback, user_data);
}

/**
 * fw_cache_list_finish:
 *
 * Completes any of the fw_cache_list_*_async() calls.
 *
 * Returns: (transfer container): the records, or %NULL with @error set
 */
GPtrArray *
fw_cache_list_finish (FwCache       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fw_cache_list_finish, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* For the other parts of the cache (fw-cache-outbox.c): the caller holds
 * the lock while it uses a statement. */

void
fw_cache_lock (FwCache *self)
{
  g_rec_mutex_lock (&self->lock);
}

void
fw_cache_unlock (FwCache *self)
{
  g_rec_mutex_unlock (&self->lock);
}

sqlite3_stmt *
fw_cache_prepare (FwCache     *self,
                  const char  *sql,
                  GError     **error)
{
  return prepare (self, sql, error);
}

/* Runs @stmt to its end (or its first row) and resets it. */
gboolean
fw_cache_step (FwCache       *self,
               sqlite3_stmt  *stmt,
               const char    *doing,
               GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return fw_cache_fail (self, rc, doing, error);

  return TRUE;
}

gboolean
fw_cache_fail (FwCache     *self,
               int          rc,
               const char  *doing,
               GError     **error)
{
  return set_error_from_db (self, error, rc, doing);
}
