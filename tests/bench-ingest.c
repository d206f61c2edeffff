/* bench-ingest.c — readings per second through the ingest API
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark, not a test; it prints figures from one run:
 *   1. ingest through HTTP: a fishwatch-server on loopback with 1,000
 *      sensors, fed by fishwatch-sim backfilling their history in large
 *      requests, exactly as a gateway would;
 *   2. the raw rate: the same number of rows inserted into a bare SQLite
 *      table of the same shape with the same pragmas, in this process;
 *   3. the store's bytes per reading (readings, rollups and indexes);
 *   4. if wrk is installed, requests per second and latency percentiles
 *      for GET /api/v1/farms/{id}/latest under load.
 * Ratios of 1 and 2 from the same run cancel out a noisy machine.
 */

#include "config.h"

#include <sqlite3.h>
#include <glib/gstdio.h>

#include "fw-core.h"
#include "fw-test-server.h"
#include "fw-test-util.h"

/* 13 demo units with 49 sensors, plus 238 ponds of four: 1,001 sensors. */
#define EXTRA_UNITS 238
#define BACKFILL "2d"

static double
raw_insert_rate (const char *dir,
                 guint       n_sensors,
                 gint64      per_sensor)
{
  g_autofree char *path = g_build_filename (dir, "raw.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 start, n = 0;

  g_assert (sqlite3_open (path, &db) == SQLITE_OK);
  sqlite3_exec (db,
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;"
                "CREATE TABLE readings (sensor_id INTEGER NOT NULL, t INTEGER NOT NULL,"
                " value REAL NOT NULL, PRIMARY KEY (sensor_id, t)) WITHOUT ROWID;",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO readings VALUES (?1, ?2, ?3)", -1, &stmt, NULL);

  /* Commits of 100,000 rows, as the API commits one request of that size. */
  start = g_get_monotonic_time ();
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  for (guint s = 1; s <= n_sensors; s++)
    for (gint64 i = 0; i < per_sensor; i++)
      {
        sqlite3_bind_int64 (stmt, 1, s);
        sqlite3_bind_int64 (stmt, 2, 1700000000 + i * 300);
        sqlite3_bind_double (stmt, 3, 7.0 + (i % 100) / 100.0);
        sqlite3_step (stmt);
        sqlite3_reset (stmt);
        if (++n % 100000 == 0)
          {
            sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
            sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
          }
      }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);

  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return n / ((g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

static gint64
count_store_readings (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert (sqlite3_open (db_path, &db) == SQLITE_OK);
  if (sqlite3_prepare_v2 (db, "SELECT count (*) FROM readings", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  /* Fold the WAL into the file, so its size is the store's size. */
  sqlite3_exec (db, "PRAGMA wal_checkpoint (TRUNCATE)", NULL, NULL, NULL);
  sqlite3_close (db);
  return n;
}

static void
run_wrk (FwTestServer *server)
{
  g_autofree char *wrk = g_find_program_in_path ("wrk");
  g_autofree char *token = NULL;
  g_autofree char *header = NULL;
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (wrk == NULL)
    {
      g_print ("wrk is not installed: no latency figures (apt-get install wrk)\n");
      return;
    }

  token = fw_test_server_login (server, "worker");
  header = g_strconcat ("Authorization: Bearer ", token, NULL);
  url = g_strdup_printf ("%s/api/v1/farms/%s/latest", server->base_url, FW_DEMO_FARM_UUID);

  {
    const char *argv[] = { wrk, "-t2", "-c16", "-d10s", "--latency", "-H", header, url, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error))
      g_error ("wrk: %s", error->message);
  }

  g_print ("GET /api/v1/farms/{id}/latest (1,001 sensors' latest readings), wrk -t2 -c16 -d10s:\n%s", out);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = fw_test_make_tmpdir ();
  g_autofree char *summary = NULL;
  g_autofree char *sim_error = NULL;
  g_autoptr(GError) error = NULL;
  FwTestServer *server;
  const char *sim = g_getenv ("FISHWATCH_SIM");
  g_autofree char *extra = g_strdup_printf ("--extra-units %d", EXTRA_UNITS);
  guint n_sensors = fw_demo_get_n_sensors () + EXTRA_UNITS * 4;
  double seconds, api_rate, raw_rate, sim_rate = 0;
  guint64 pushed = 0, rejected = 0;
  gint64 stored, started;
  GStatBuf st;
  int status;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_assert_nonnull (sim);

  server = fw_test_server_start_full (extra, NULL);

  {
    g_autofree char *token_env = g_strconcat ("FISHWATCH_DEVICE_TOKEN=", fw_test_server_device_token (server), NULL);
    const char *sim_argv[] = { sim, "--server", server->base_url, "--backfill", BACKFILL,
                               "--duration", "0", "--quiet", NULL };
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "FISHWATCH_DEVICE_TOKEN",
                                          fw_test_server_device_token (server), TRUE);

    started = g_get_monotonic_time ();
    if (!g_spawn_sync (NULL, (char **) sim_argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                       &summary, &sim_error, &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      g_error ("fishwatch-sim failed: %s\n%s", error->message, sim_error);
    seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  }

  /* "pushed N readings in S s (R readings/s), rejected M" */
  if (sscanf (summary, "pushed %" G_GUINT64_FORMAT " readings in %*f s (%lf readings/s), rejected %" G_GUINT64_FORMAT,
              &pushed, &sim_rate, &rejected) != 3)
    g_error ("Unexpected summary from fishwatch-sim: %s", summary);

  run_wrk (server);

  stored = count_store_readings (server->db);
  g_assert (g_stat (server->db, &st) == 0);
  api_rate = stored / seconds;
  raw_rate = raw_insert_rate (dir, n_sensors, stored / n_sensors);

  g_print ("sensors: %u, history: %s at 5 min, readings stored: %" G_GINT64_FORMAT " (pushed %" G_GUINT64_FORMAT ", rejected %" G_GUINT64_FORMAT ")\n",
           n_sensors, BACKFILL, stored, pushed, rejected);
  g_print ("ingest through HTTP (fishwatch-sim process start to end): %.2f s, %.0f readings/s\n", seconds, api_rate);
  g_print ("fishwatch-sim's own figure (first push to last answer): %.0f readings/s\n", sim_rate);
  g_print ("raw SQLite insert, same rows, same pragmas: %.0f readings/s\n", raw_rate);
  g_print ("ratio API/raw: %.2f (simulator's figure: %.2f)\n", api_rate / raw_rate, sim_rate / raw_rate);
  g_print ("store: %.1f MiB, %.1f bytes per reading (readings, hourly rollups, indexes)\n",
           st.st_size / 1048576.0, (double) st.st_size / stored);

  fw_test_server_stop (server);
  fw_test_remove_tree (dir);
  return 0;
}
