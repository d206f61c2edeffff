/* test-sync.c — offline work reaching the server exactly once
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real fishwatch-server and fishwatch-cli processes on loopback.
 */

#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "fw-core.h"
#include "fw-cache-private.h"
#include "fw-test-server.h"
#include "fw-test-util.h"

typedef struct
{
  FwTestServer *server;
  char         *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = fw_test_server_start (NULL);
  fixture->dir = fw_test_make_tmpdir ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_cmpint (fw_test_server_stop (fixture->server), ==, 0);
  fw_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Runs fishwatch-cli; returns its exit status and standard output. */
static int
cli (Fixture     *fixture,
     const char  *cache,
     const char  *input,
     char       **output,
     ...) G_GNUC_NULL_TERMINATED;

static int
cli (Fixture     *fixture,
     const char  *cache,
     const char  *input,
     char       **output,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, cache, NULL);
  va_list args;

  g_ptr_array_add (argv, g_strdup (g_getenv ("FISHWATCH_CLI")));
  g_ptr_array_add (argv, g_strdup ("--cache"));
  g_ptr_array_add (argv, g_strdup (path));
  g_ptr_array_add (argv, g_strdup ("--server"));
  g_ptr_array_add (argv, g_strdup (fixture->server->base_url));
  va_start (args, output);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (err != NULL && *err != '\0')
    g_test_message ("fishwatch-cli: %s", err);

  if (output != NULL)
    *output = g_steal_pointer (&out);

  return g_subprocess_get_exit_status (process);
}

static void
sign_in (Fixture    *fixture,
         const char *cache,
         const char *username)
{
  g_autofree char *password = g_strconcat (fw_test_server_password (fixture->server, username), "\n", NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (cli (fixture, cache, password, NULL, "login", username, NULL), ==, 0);
  g_assert_cmpint (cli (fixture, cache, NULL, &out, "sync", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "changes pulled: 66"));
}

/* Returns: (transfer full): the uuid the CLI reported as saved */
static char *
log_feeding (Fixture    *fixture,
             const char *cache,
             const char *unit,
             guint       kg)
{
  g_autofree char *out = NULL;
  g_autofree char *unit_arg = g_strconcat ("unit=", unit, NULL);
  g_autofree char *kg_arg = g_strdup_printf ("kg=%u", kg);

  g_assert_cmpint (cli (fixture, cache, NULL, &out, "log", "feeding", unit_arg, "feed_type=Grower", kg_arg, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "saved "));
  g_strstrip (out);
  g_assert_true (g_uuid_string_is_valid (out + strlen ("saved ")));

  return g_strdup (out + strlen ("saved "));
}

/* Every logbook entry on the server, by uuid, with how often it appears. */
static GHashTable *
server_entries (Fixture *fixture)
{
  g_autofree char *admin = fw_test_server_login (fixture->server, "admin");
  GHashTable *entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(JsonNode) page = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/sync/pull?limit=1000%s%s",
                                               cursor != NULL ? "&cursor=" : "", cursor ?: "");
      JsonArray *changes;

      g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", path, admin, NULL, &page, NULL), ==, 200);
      changes = json_object_get_array_member (json_node_get_object (page), "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          JsonObject *record = json_object_get_object_member (change, "record");
          const char *uuid = json_object_get_string_member (record, "id");

          if (!g_str_equal (json_object_get_string_member (change, "entity"), "logbook_entry"))
            continue;
          g_hash_table_insert (entries, g_strdup (uuid),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (entries, uuid)) + 1));
        }

      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (json_node_get_object (page), "cursor"));
      more = json_object_get_boolean_member (json_node_get_object (page), "more");
    }

  return entries;
}

static gint64
count_rows (Fixture    *fixture,
            const char *cache,
            const char *sql)
{
  g_autofree char *path = g_build_filename (fixture->dir, cache, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return count;
}

static void
test_two_clients (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) on_server = NULL;
  g_autofree char *status = NULL;

  sign_in (fixture, "a.sqlite", "worker");
  sign_in (fixture, "b.sqlite", "manager");

  /* Both log while neither syncs: offline, as at the pond side. */
  for (guint i = 0; i < 5; i++)
    {
      g_ptr_array_add (saved, log_feeding (fixture, "a.sqlite", "Pond 1", 10 + i));
      g_ptr_array_add (saved, log_feeding (fixture, "b.sqlite", "Tank A1", 2 + i));
    }

  /* A mistake is refused, named, and nothing of it is queued. */
  {
    g_autofree char *refused = NULL;

    g_assert_cmpint (cli (fixture, "a.sqlite", NULL, &refused, "log", "water_sample", "unit=Pond 1",
                          "dissolved_oxygen_mg_l=35", NULL), ==, 2);
    g_assert_cmpstr (refused, ==, "");
  }

  g_assert_cmpint (cli (fixture, "a.sqlite", NULL, &status, "status", NULL), ==, 0);
  g_assert_nonnull (strstr (status, "pending: 5\n"));

  /* Then each syncs; A again to see what B sent. */
  g_assert_cmpint (cli (fixture, "a.sqlite", NULL, NULL, "sync", NULL), ==, 0);
  g_assert_cmpint (cli (fixture, "b.sqlite", NULL, NULL, "sync", NULL), ==, 0);
  g_assert_cmpint (cli (fixture, "a.sqlite", NULL, NULL, "sync", NULL), ==, 0);

  on_server = server_entries (fixture);
  g_assert_cmpuint (g_hash_table_size (on_server), ==, saved->len);
  for (guint i = 0; i < saved->len; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (on_server, g_ptr_array_index (saved, i))), ==, 1);

  /* Both clients hold all ten, once, and nothing waits. */
  g_assert_cmpint (count_rows (fixture, "a.sqlite", "SELECT count (*) FROM logbook_entries"), ==, 10);
  g_assert_cmpint (count_rows (fixture, "b.sqlite", "SELECT count (*) FROM logbook_entries"), ==, 10);
  g_assert_cmpint (count_rows (fixture, "a.sqlite", "SELECT count (*) FROM outbox"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "b.sqlite", "SELECT count (*) FROM outbox"), ==, 0);
  /* The server's author, not a claim of the client. */
  g_assert_cmpint (count_rows (fixture, "a.sqlite", "SELECT count (DISTINCT author_uuid) FROM logbook_entries"), ==, 2);
}

/* fishwatch-cli sync, killed with SIGKILL after @delay microseconds
 * (or allowed to finish when it is quicker). */
static void
sync_and_kill (Fixture *fixture,
               guint    delay)
{
  g_autofree char *path = g_build_filename (fixture->dir, "crash.sqlite", NULL);
  const char *argv[] = { g_getenv ("FISHWATCH_CLI"), "--cache", path, "sync", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_usleep (delay);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
}

static void
test_crash_consistency (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) on_server = NULL;
  const char *units[] = { "Pond 1", "Pond 2", "Tank A1", "Raceway 1" };
  guint rounds = g_test_slow () ? 1000 : 200;
  guint killed_early = 0;

  sign_in (fixture, "crash.sqlite", "worker");

  for (guint round = 0; round < rounds; round++)
    {
      guint delay = g_test_rand_int_range (0, 60000);

      g_ptr_array_add (saved, log_feeding (fixture, "crash.sqlite", units[round % G_N_ELEMENTS (units)], round));
      sync_and_kill (fixture, delay);
      if (delay < 20000)
        killed_early++;
    }

  /* The link comes back for good. */
  g_assert_cmpint (cli (fixture, "crash.sqlite", NULL, NULL, "sync", NULL), ==, 0);

  on_server = server_entries (fixture);
  g_test_message ("%u rounds, %u syncs killed within 20 ms", rounds, killed_early);
  g_assert_cmpuint (g_hash_table_size (on_server), ==, saved->len);
  for (guint i = 0; i < saved->len; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (on_server, g_ptr_array_index (saved, i))), ==, 1);

  g_assert_cmpint (count_rows (fixture, "crash.sqlite", "SELECT count (*) FROM outbox"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "crash.sqlite", "SELECT count (*) FROM logbook_entries"), ==, rounds);
}

static gboolean
fill_cb (FwCache  *cache,
         gpointer  user_data,
         GError  **error)
{
  return TRUE;
}

/* A full disk: the change is refused whole, and the cache still works. */
static void
test_full_disk (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "full.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FwCache) cache = NULL;
  /* A farm large enough that its first page needs new pages in the file. */
  FwTestServer *big = fw_test_server_start_full ("--extra-units 60", NULL);
  g_autofree char *token = fw_test_server_login (big, "worker");
  FwSyncConfig config = { big->base_url, token, NULL, 10, 0 };
  FwSyncReport report;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GPtrArray) farms = NULL;
  guint pending = 0;
  g_autofree char *cursor = NULL;
  guint added = 0;

  cache = fw_cache_open (path, NULL, &error);
  g_assert_no_error (error);

  /* A pull into a cache with no room to grow (SQLite keeps the limit at
   * the file's size) stores nothing of the page, not even its cursor. */
  fw_cache_set_page_limit (cache, 1);
  g_assert_false (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FULL);
  g_clear_error (&error);
  cursor = fw_cache_get_sync_state (cache, "cursor", &error);
  g_assert_no_error (error);
  g_assert_null (cursor);
  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 0);
  g_clear_pointer (&farms, g_ptr_array_unref);

  /* With room, the same pull goes through. */
  fw_cache_set_page_limit (cache, 100000);
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  farms = fw_cache_list_farms (cache, &error);
  units = fw_cache_list_units (cache, fw_record_get_id (g_ptr_array_index (farms, 0)), 0, &error);
  g_assert_no_error (error);

  /* Entries until the disk is "full": each saved whole or not at all.
   * A few pages of room let some in first. */
  fw_cache_set_page_limit (cache, count_rows (fixture, "full.sqlite", "PRAGMA page_count") + 6);
  g_assert_true (fw_cache_run_in_transaction (cache, fill_cb, NULL, NULL));
  for (;;)
    {
      g_autofree char *payload = g_strdup_printf ("{\"note\":\"%0400d\"}", added);
      g_autoptr(FwRecord) entry = g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                                                "unit-uuid", fw_record_get_uuid (g_ptr_array_index (units, 0)),
                                                "kind", "observation",
                                                "occurred-at", g_get_real_time () / G_USEC_PER_SEC,
                                                "payload", payload,
                                                NULL);

      if (!fw_cache_record_change (cache, entry, FALSE, &error))
        break;
      added++;
    }

  /* Every entry that said "saved" has its outbox row; the one that did
   * not fit left neither. */
  g_assert_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpuint (added, >, 0);
  g_assert_true (fw_cache_count_outbox (cache, &pending, NULL, NULL, NULL));
  g_assert_cmpuint (pending, ==, added);
  g_assert_cmpint (count_rows (fixture, "full.sqlite", "SELECT count (*) FROM logbook_entries"), ==, added);
  g_clear_error (&error);

  /* Room again: the queue goes out. */
  fw_cache_set_page_limit (cache, 100000);
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, added);

  g_assert_cmpint (fw_test_server_stop (big), ==, 0);
}

static FwCache *
open_synced_cache (Fixture     *fixture,
                   const char  *name,
                   const char  *token)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  FwSyncConfig config = { fixture->server->base_url, token, NULL, 10, 0 };
  FwSyncReport report;
  FwCache *cache = fw_cache_open (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  return cache;
}

static FwUnit *
first_unit (FwCache *cache)
{
  g_autoptr(GPtrArray) farms = fw_cache_list_farms (cache, NULL);
  g_autoptr(GPtrArray) units = fw_cache_list_units (cache, fw_record_get_id (g_ptr_array_index (farms, 0)), 0, NULL);

  return g_object_ref (g_ptr_array_index (units, 0));
}

/* Readings pulled into a full cache: the sync fails with the disk's error,
 * and once there is room the next pull brings all of them, once. */
static void
test_readings_full_disk (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *token = fw_test_server_login (fixture->server, "worker");
  g_autoptr(FwCache) cache = open_synced_cache (fixture, "readings.sqlite", token);
  g_autoptr(FwUnit) unit = first_unit (cache);
  g_autoptr(GPtrArray) sensors = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) body = g_string_new ("{\"batches\":[");
  FwSyncConfig config = { fixture->server->base_url, token, NULL, 10, 30 };
  FwSyncReport report;
  /* Two days of minute readings ending two days ago. */
  FwTime start = g_get_real_time () / G_USEC_PER_SEC - 4 * 86400;
  const guint per_sensor = 3000;

  sensors = fw_cache_list_sensors (cache, fw_record_get_id (FW_RECORD (unit)), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sensors->len, >=, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_string_append_printf (body, "%s{\"sensor\":\"%s\",\"start\":%" G_GINT64_FORMAT ",\"interval\":60,\"values\":[",
                              i > 0 ? "," : "", fw_record_get_uuid (g_ptr_array_index (sensors, i)), start);
      for (guint j = 0; j < per_sensor; j++)
        g_string_append_printf (body, "%s%u.5", j > 0 ? "," : "", 5 + j % 3);
      g_string_append (body, "]}");
    }
  g_string_append (body, "]}");
  g_assert_cmpuint (fw_test_server_call (fixture->server, "POST", "/api/v1/ingest",
                                         fw_test_server_device_token (fixture->server), body->str, NULL, NULL), ==, 200);

  fw_cache_set_page_limit (cache, count_rows (fixture, "readings.sqlite", "PRAGMA page_count") + 2);
  g_assert_false (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FULL);
  g_clear_error (&error);
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, 0);

  fw_cache_set_page_limit (cache, 100000);
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.readings, ==, 2 * per_sensor);
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, 2 * per_sensor);

  /* Nothing new: nothing pulled again. */
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_cmpuint (report.readings, ==, 0);

  /* Keeping one day folds the rest into hours; keeping more again does not
   * fetch the folded hours a second time, so nothing is counted twice. */
  config.raw_history_days = 1;
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture, "readings.sqlite", "SELECT count (*) FROM readings"), <, 2 * per_sensor);
  config.raw_history_days = 30;
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.readings, ==, 0);
  g_assert_cmpint (count_rows (fixture, "readings.sqlite",
                               "SELECT sum (count) FROM reading_summaries WHERE span = 86400"),
                   ==, 2 * per_sensor);
}

static FwUnit *
renamed (FwUnit     *unit,
         const char *name)
{
  return g_object_new (FW_TYPE_UNIT,
                       "uuid", fw_record_get_uuid (FW_RECORD (unit)),
                       "revision", fw_record_get_revision (FW_RECORD (unit)),
                       "created-at", fw_record_get_created_at (FW_RECORD (unit)),
                       "site-uuid", fw_unit_get_site_uuid (unit),
                       "site-name", fw_unit_get_site_name (unit),
                       "name", name,
                       "kind", fw_unit_get_kind (unit),
                       "area", fw_unit_get_area (unit),
                       "volume", fw_unit_get_volume (unit),
                       "species", fw_unit_get_species (unit),
                       NULL);
}

/* Two managers rename the same unit offline. The second to sync gets a
 * conflict; both versions are kept; each choice does what it says. */
static void
test_conflicts (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *token = fw_test_server_login (fixture->server, "manager");
  g_autoptr(FwCache) a = open_synced_cache (fixture, "a.sqlite", token);
  g_autoptr(FwCache) b = open_synced_cache (fixture, "b.sqlite", token);
  g_autoptr(FwUnit) unit_a = first_unit (a);
  g_autoptr(FwUnit) unit_b = first_unit (b);
  g_autoptr(FwUnit) edit_a = renamed (unit_a, "Tank A1 (quarantine)");
  g_autoptr(FwUnit) edit_b = renamed (unit_b, "Tank A1 (broodstock)");
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autofree char *path = NULL;
  FwSyncConfig config = { fixture->server->base_url, token, NULL, 10, 0 };
  FwSyncReport report;
  guint pending = 0, conflicted = 0;

  g_assert_true (fw_cache_record_change (a, FW_RECORD (edit_a), FALSE, &error));
  g_assert_true (fw_cache_record_change (b, FW_RECORD (edit_b), FALSE, &error));
  g_assert_no_error (error);

  g_assert_true (fw_sync_run (a, &config, &report, NULL, &error));
  g_assert_cmpuint (report.applied, ==, 1);
  g_assert_true (fw_sync_run (b, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts, ==, 1);

  /* B still shows its own name until B's user chooses. */
  g_assert_true (fw_cache_count_outbox (b, &pending, NULL, &conflicted, NULL));
  g_assert_cmpuint (pending, ==, 0);
  g_assert_cmpuint (conflicted, ==, 1);
  conflicts = fw_cache_list_conflicts (b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_nonnull (strstr (((FwConflict *) g_ptr_array_index (conflicts, 0))->local_payload, "broodstock"));
  g_assert_nonnull (strstr (((FwConflict *) g_ptr_array_index (conflicts, 0))->server_payload, "quarantine"));

  /* B keeps its own: sent again over the server's version. */
  g_assert_true (fw_cache_resolve_conflict (b, ((FwConflict *) g_ptr_array_index (conflicts, 0))->id, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (fw_sync_run (b, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.applied, ==, 1);

  path = g_strdup_printf ("/api/v1/units/%s", fw_record_get_uuid (FW_RECORD (unit_a)));
  g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", path, token, NULL, &record, NULL), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (record), "name"), ==, "Tank A1 (broodstock)");

  /* A hears of it on its next pull, and nothing is left to settle. */
  g_assert_true (fw_sync_run (a, &config, &report, NULL, &error));
  g_clear_object (&unit_a);
  unit_a = first_unit (a);
  g_assert_cmpstr (fw_unit_get_name (unit_a), ==, "Tank A1 (broodstock)");
  g_clear_pointer (&conflicts, g_ptr_array_unref);
  conflicts = fw_cache_list_conflicts (b, &error);
  g_assert_cmpuint (conflicts->len, ==, 0);
}

/* The same cache meets a server that has never seen its cursor: a fresh
 * server with the same demo farm. Everything is downloaded again; what
 * came from the old server alone becomes a tombstone, and what waits to be
 * sent stays. A full download cut short is started over. */
static void
test_resync (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *token = fw_test_server_login (fixture->server, "worker");
  g_autoptr(FwCache) cache = open_synced_cache (fixture, "resync.sqlite", token);
  g_autoptr(FwUnit) unit = first_unit (cache);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) farms = NULL;
  g_autofree char *other_token = NULL;
  g_autofree char *resync = NULL;
  g_autofree char *sql = NULL;
  FwSyncConfig config = { fixture->server->base_url, token, NULL, 10, 0 };
  FwSyncReport report;
  FwTestServer *other;
  FwRecord *entries[2];
  g_autoptr(GPtrArray) sensors = NULL;
  g_autofree char *old_sql = NULL;
  FwReading old_reading = { g_get_real_time () / G_USEC_PER_SEC - 40 * 86400, 26.5 };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      entries[i] = g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                                 "unit-uuid", fw_record_get_uuid (FW_RECORD (unit)),
                                 "kind", "observation",
                                 "occurred-at", g_get_real_time () / G_USEC_PER_SEC - 60,
                                 "payload", "{\"note\":\"fish feeding well\"}",
                                 NULL);
      g_assert_true (fw_cache_record_change (cache, entries[i], FALSE, &error));
      g_assert_no_error (error);

      /* The first goes to the old server; the second waits offline. */
      if (i == 0)
        {
          g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (report.applied, ==, 1);
        }
    }

  other = fw_test_server_start (NULL);
  other_token = fw_test_server_login (other, "worker");
  config.server_url = other->base_url;
  config.token = other_token;

  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (report.resynced);
  g_assert_cmpuint (report.applied, ==, 1);
  g_assert_cmpuint (report.changes, >=, 66);

  resync = fw_cache_get_sync_state (cache, "resync", &error);
  g_assert_no_error (error);
  g_assert_null (resync);

  sql = g_strdup_printf ("SELECT deleted FROM logbook_entries WHERE uuid = '%s'", fw_record_get_uuid (entries[0]));
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", sql), ==, 1);
  g_free (sql);
  sql = g_strdup_printf ("SELECT deleted FROM logbook_entries WHERE uuid = '%s'", fw_record_get_uuid (entries[1]));
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", sql), ==, 0);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", "SELECT count (*) FROM units WHERE deleted = 0"), >, 0);
  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 1);

  /* A second sync with the new server's cursor is an ordinary one. It
   * pulls readings too, and folds what is older than the kept history. */
  sensors = fw_cache_list_sensors (cache, fw_record_get_id (FW_RECORD (unit)), 0, &error);
  g_assert_no_error (error);
  g_assert_true (fw_cache_insert_readings (cache, fw_record_get_id (g_ptr_array_index (sensors, 0)),
                                           &old_reading, 1, &error));
  g_assert_no_error (error);
  config.raw_history_days = 30;
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (report.resynced);
  g_assert_cmpuint (report.changes, ==, 0);
  old_sql = g_strdup_printf ("SELECT count (*) FROM readings WHERE t < %" G_GINT64_FORMAT,
                             old_reading.time + 9 * 86400);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", old_sql), ==, 0);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", "SELECT sum (count) FROM reading_summaries WHERE span = 3600"), ==, 1);
  config.raw_history_days = 0;

  /* A full download cut short right after the refusal (its flag saved,
   * its cursor gone) goes on at the next sync, and retires nothing the
   * server still has. */
  g_assert_true (fw_cache_set_sync_state (cache, "resync", "1", &error));
  g_assert_true (fw_cache_set_sync_state (cache, "cursor", NULL, &error));
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.changes, >=, 66);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", sql), ==, 0);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", "SELECT count (*) FROM sync_state WHERE key = 'resync'"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", "SELECT count (*) FROM resync_seen"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", "SELECT count (*) FROM units WHERE deleted = 1"), ==, 0);

  /* A download under way whose notes were lost (a cache from a version
   * that kept them in memory): it begins again rather than retire all. */
  g_assert_true (fw_cache_set_sync_state (cache, "resync", "1", &error));
  g_assert_true (fw_sync_run (cache, &config, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.changes, >=, 66);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", "SELECT count (*) FROM units WHERE deleted = 1"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", "SELECT count (*) FROM farms WHERE deleted = 1"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "resync.sqlite", "SELECT count (*) FROM sync_state WHERE key = 'resync'"), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_object_unref (entries[i]);
  g_assert_cmpint (fw_test_server_stop (other), ==, 0);
}

static void
test_backoff (void)
{
  /* Grows from 5 s, spread by jitter, capped, never sooner than asked. */
  g_assert_cmpuint (fw_sync_backoff_delay (1, 0, 0.0), ==, 3);
  g_assert_cmpuint (fw_sync_backoff_delay (1, 0, 0.999), ==, 5);
  g_assert_cmpuint (fw_sync_backoff_delay (3, 0, 0.0), ==, 10);
  g_assert_cmpuint (fw_sync_backoff_delay (3, 0, 0.999), ==, 20);
  g_assert_cmpuint (fw_sync_backoff_delay (40, 0, 0.999), ==, 900);
  g_assert_cmpuint (fw_sync_backoff_delay (40, 0, 0.0), ==, 450);
  g_assert_cmpuint (fw_sync_backoff_delay (1, 120, 0.5), ==, 120);
}

static void
test_describe (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  struct {
    FwSyncState  state;
    guint        pending;
    FwTime       last;
    const char  *reason;
    const char  *expected;
  } cases[] = {
    { FW_SYNC_STATE_UP_TO_DATE, 0, 1795737600 + 14 * 3600 + 5 * 60, NULL, "Up to date at 14:05" },
    { FW_SYNC_STATE_UP_TO_DATE, 0, 0, NULL, "Up to date" },
    { FW_SYNC_STATE_UP_TO_DATE, 2, 1795737600, NULL, "2 changes waiting" },
    { FW_SYNC_STATE_OFFLINE, 1, 0, NULL, "Offline, 1 change waiting" },
    { FW_SYNC_STATE_OFFLINE, 0, 0, NULL, "Offline" },
    { FW_SYNC_STATE_SYNCING, 5, 0, NULL, "Syncing…" },
    { FW_SYNC_STATE_FAILING, 0, 0, "The server failed (HTTP 500)", "Sync failing: The server failed (HTTP 500)" },
    { FW_SYNC_STATE_NEEDS_SIGN_IN, 3, 0, NULL, "Sign in again, 3 changes waiting" },
    { FW_SYNC_STATE_SIGNED_OUT, 0, 0, NULL, "Not signed in" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = fw_sync_describe (cases[i].state, cases[i].pending, cases[i].last, utc, cases[i].reason);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);
  fw_test_server_check_store ();

  g_test_add_func ("/sync/backoff", test_backoff);
  g_test_add_func ("/sync/describe", test_describe);

#define ADD(name, func) \
  g_test_add ("/sync/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("two-clients", test_two_clients);
  ADD ("crash-consistency", test_crash_consistency);
  ADD ("full-disk", test_full_disk);
  ADD ("resync", test_resync);
  ADD ("readings-full-disk", test_readings_full_disk);
  ADD ("conflicts", test_conflicts);

#undef ADD

  return g_test_run ();
}
