/* bench-cache.c — what the demo farm costs on disk, and how fast it is written
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark, not a test: it prints figures from one run. The ratio
 * compares the demo generator writing through FwCache with plain prepared
 * inserts of the same number of rows into a bare table of the same shape,
 * both measured here and now, so that machine noise cancels out.
 */

#include "config.h"

#include <sqlite3.h>
#include <glib/gstdio.h>

#include "fw-core.h"
#include "fw-test-util.h"

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static double
raw_insert_rate (const char *dir,
                 gint64      n_rows,
                 guint       n_sensors)
{
  g_autofree char *path = g_build_filename (dir, "raw.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 per_sensor = n_rows / n_sensors;
  gint64 start;

  g_assert (sqlite3_open (path, &db) == SQLITE_OK);
  sqlite3_exec (db,
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                "CREATE TABLE readings (sensor_id INTEGER NOT NULL, t INTEGER NOT NULL,"
                " value REAL NOT NULL, PRIMARY KEY (sensor_id, t)) WITHOUT ROWID;",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO readings VALUES (?1, ?2, ?3)", -1, &stmt, NULL);

  start = g_get_monotonic_time ();
  for (guint s = 1; s <= n_sensors; s++)
    {
      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
      for (gint64 i = 0; i < per_sensor; i++)
        {
          sqlite3_bind_int64 (stmt, 1, s);
          sqlite3_bind_int64 (stmt, 2, 1700000000 + i * 300);
          sqlite3_bind_double (stmt, 3, 7.0 + (i % 100) / 100.0);
          sqlite3_step (stmt);
          sqlite3_reset (stmt);
        }
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }

  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return per_sensor * n_sensors / seconds_since (start);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fw_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "demo.sqlite", NULL);
  g_autoptr(FwCache) cache = NULL;
  GStatBuf st;
  gint64 start, n;
  double populate_s, demo_rate, raw_rate;

  cache = fw_cache_open (path, NULL, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  if (!fw_demo_populate (cache, g_get_real_time () / G_USEC_PER_SEC, FW_DEMO_DEFAULT_DAYS,
                         NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
  populate_s = seconds_since (start);

  n = fw_cache_count_readings (cache, &error);
  g_assert_no_error (error);
  g_clear_object (&cache);     /* checkpoints the WAL into the file */

  g_assert (g_stat (path, &st) == 0);
  demo_rate = n / populate_s;
  raw_rate = raw_insert_rate (dir, n, fw_demo_get_n_sensors ());

  g_print ("demo farm: %u units, %u sensors, %" G_GINT64_FORMAT " readings over %d days\n",
           fw_demo_get_n_units (), fw_demo_get_n_sensors (), n, FW_DEMO_DEFAULT_DAYS);
  g_print ("cache file: %.1f MiB, %.1f bytes per reading\n",
           st.st_size / 1048576.0, (double) st.st_size / n);
  g_print ("demo write: %.2f s, %.0f readings/s (generation included)\n", populate_s, demo_rate);
  g_print ("raw insert: %.0f readings/s (same rows, bare table, same pragmas)\n", raw_rate);
  g_print ("ratio demo/raw: %.2f\n", demo_rate / raw_rate);

  fw_test_remove_tree (dir);
  return 0;
}
