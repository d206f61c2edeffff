/* test-cache.c — the local SQLite cache
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "fw-core.h"
#include "fw-cache-private.h"
#include "fw-test-util.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = fw_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "nested", "cache.sqlite", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  fw_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static FwCache *
open_cache (const char *path)
{
  g_autoptr(GError) error = NULL;
  FwCache *cache = fw_cache_open (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (FW_IS_CACHE (cache));
  return cache;
}

/* A farm with one site, one unit and one sensor; returns the sensor. */
static FwSensor *
add_sensor (FwCache     *cache,
            const char  *unit_name,
            FwParameter  parameter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FwFarm) farm = fw_farm_new ("Test farm", "Europe/Budapest");
  g_autoptr(FwSite) site = NULL;
  g_autoptr(FwUnit) unit = NULL;
  FwSensor *sensor;

  g_assert_true (fw_cache_save_farm (cache, farm, &error));
  g_assert_no_error (error);

  site = fw_site_new (fw_record_get_uuid (FW_RECORD (farm)), "Site");
  g_assert_true (fw_cache_save_site (cache, site, &error));
  g_assert_no_error (error);

  unit = g_object_new (FW_TYPE_UNIT,
                       "site-uuid", fw_record_get_uuid (FW_RECORD (site)),
                       "name", unit_name,
                       "kind", FW_UNIT_KIND_TANK,
                       "volume", 20.0,
                       "species", "nile_tilapia",
                       NULL);
  g_assert_true (fw_cache_save_unit (cache, unit, &error));
  g_assert_no_error (error);

  sensor = fw_sensor_new (fw_record_get_uuid (FW_RECORD (unit)), parameter, 300);
  g_assert_true (fw_cache_save_sensor (cache, sensor, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fw_record_get_id (FW_RECORD (sensor)), >, 0);

  return sensor;
}

static void
insert (FwCache         *cache,
        FwSensor        *sensor,
        const FwReading *readings,
        gsize            n)
{
  g_autoptr(GError) error = NULL;

  fw_cache_insert_readings (cache, fw_record_get_id (FW_RECORD (sensor)), readings, n, &error);
  g_assert_no_error (error);
}

static void
test_cache_create (Fixture       *fixture,
                   gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (fw_cache_get_path (cache), ==, fixture->path);
  g_assert_cmpuint (fw_cache_get_schema_version (cache), ==, fw_cache_get_latest_schema_version ());
  g_assert_cmpuint (fw_cache_get_latest_schema_version (), ==, fw_cache_n_migrations);
  /* WAL mode keeps its log beside the file while the cache is open. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 0);
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, 0);

  g_assert_finalize_object (cache);
}

static void
test_cache_reopen (Fixture       *fixture,
                   gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(FwSensor) sensor = add_sensor (cache, "Tank 1", FW_PARAMETER_DISSOLVED_OXYGEN);
  g_autofree char *farm_uuid = NULL;
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GArray) readings = NULL;
  g_autoptr(GError) error = NULL;
  FwReading batch[] = { { 1000, 6.5 }, { 1300, 6.25 }, { 1600, 6.0 } };

  insert (cache, sensor, batch, G_N_ELEMENTS (batch));
  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  farm_uuid = g_strdup (fw_record_get_uuid (g_ptr_array_index (farms, 0)));
  g_clear_pointer (&farms, g_ptr_array_unref);
  g_assert_finalize_object (cache);

  cache = open_cache (fixture->path);

  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 1);
  g_assert_cmpstr (fw_record_get_uuid (g_ptr_array_index (farms, 0)), ==, farm_uuid);
  g_assert_cmpstr (fw_farm_get_timezone (g_ptr_array_index (farms, 0)), ==, "Europe/Budapest");

  units = fw_cache_list_units (cache, fw_record_get_id (g_ptr_array_index (farms, 0)), 1700, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 1);
  g_assert_cmpstr (fw_unit_get_name (g_ptr_array_index (units, 0)), ==, "Tank 1");
  g_assert_cmpfloat (fw_unit_get_volume (g_ptr_array_index (units, 0)), ==, 20.0);
  g_assert_cmpstr (fw_unit_get_species (g_ptr_array_index (units, 0)), ==, "nile_tilapia");

  readings = fw_cache_get_readings (cache, fw_record_get_id (FW_RECORD (sensor)), 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (readings->len, ==, 3);
  g_assert_cmpfloat (g_array_index (readings, FwReading, 1).value, ==, 6.25);

  g_clear_pointer (&farms, g_ptr_array_unref);
  g_clear_pointer (&units, g_ptr_array_unref);
  g_assert_finalize_object (cache);
}

/* A cache left at version 1 by an older Fish Watch. */
static void
write_version_1 (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, fw_cache_migrations[0], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO farms (uuid, created_at, updated_at, name) "
                                 "VALUES ('0b8c6d1e-1111-4111-8111-111111111111', 1, 1, 'Old farm');"
                                 "PRAGMA user_version = 1;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_cache_migrate (Fixture       *fixture,
                    gconstpointer  data)
{
  FwCache *cache;
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  write_version_1 (fixture->path);

  cache = open_cache (fixture->path);
  g_assert_cmpuint (fw_cache_get_schema_version (cache), ==, fw_cache_get_latest_schema_version ());

  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 1);
  g_assert_cmpstr (fw_farm_get_name (g_ptr_array_index (farms, 0)), ==, "Old farm");
  g_clear_pointer (&farms, g_ptr_array_unref);
  g_assert_finalize_object (cache);

  /* The later steps' tables are there, and the version is recorded. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM outbox", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, (int) fw_cache_n_migrations);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
assert_bucket (GArray *buckets,
               guint   index,
               FwTime  time,
               double  min,
               double  max,
               double  sum,
               gint64  count)
{
  FwBucket *bucket = &g_array_index (buckets, FwBucket, index);

  g_assert_cmpint (bucket->time, ==, time);
  g_assert_cmpfloat (bucket->min, ==, min);
  g_assert_cmpfloat (bucket->max, ==, max);
  g_assert_cmpfloat (bucket->sum, ==, sum);
  g_assert_cmpint (bucket->count, ==, count);
}

/* A cache of version 5: hours 10:00 and 11:00 folded into rollups, a late
 * reading left raw in the folded 10:00, and raw readings from 12:00. */
static void
write_version_5 (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (sqlite3_exec (db, fw_cache_migrations[i], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO farms (id, uuid, created_at, updated_at, name) "
                                 "VALUES (1, 'f0000000-0000-4000-8000-000000000001', 1, 1, 'Old farm');"
                                 "INSERT INTO sites (id, uuid, created_at, updated_at, farm_id, name) "
                                 "VALUES (1, 'f0000000-0000-4000-8000-000000000002', 1, 1, 1, 'Site');"
                                 "INSERT INTO units (id, uuid, created_at, updated_at, site_id, name, kind) "
                                 "VALUES (1, 'f0000000-0000-4000-8000-000000000003', 1, 1, 1, 'Pond', 'pond');"
                                 "INSERT INTO sensors (id, uuid, created_at, updated_at, unit_id, parameter, "
                                 "  unit_of_measure, interval_s) "
                                 "VALUES (1, 'f0000000-0000-4000-8000-000000000004', 1, 1, 1, 'temperature', '°C', 600);"
                                 "INSERT INTO reading_rollups VALUES (1, 36000, 20, 22, 126, 6), (1, 39600, 21, 23, 132, 6);"
                                 "INSERT INTO readings VALUES (1, 36030, 30), (1, 43200, 24), (1, 43800, 25);"
                                 "PRAGMA user_version = 5;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Version 6 sums up every reading per hour and day: the folded hours keep
 * their figures, the late raw reading joins its hour, and the folding
 * point is recorded. */
static void
test_cache_migrate_summaries (Fixture       *fixture,
                              gconstpointer  data)
{
  FwCache *cache;
  g_autoptr(GArray) hours = NULL;
  g_autoptr(GArray) days = NULL;
  g_autoptr(GArray) raw = NULL;
  g_autoptr(GError) error = NULL;
  FwTime folded_before = 0;

  write_version_5 (fixture->path);
  cache = open_cache (fixture->path);

  hours = fw_cache_get_buckets (cache, 1, 0, G_MAXINT64, FW_SPAN_HOUR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hours->len, ==, 3);
  assert_bucket (hours, 0, 36000, 20, 30, 156, 7);
  assert_bucket (hours, 1, 39600, 21, 23, 132, 6);
  assert_bucket (hours, 2, 43200, 24, 25, 49, 2);

  days = fw_cache_get_buckets (cache, 1, 0, G_MAXINT64, FW_SPAN_DAY, &error);
  g_assert_cmpuint (days->len, ==, 1);
  assert_bucket (days, 0, 0, 20, 30, 337, 15);

  g_assert_true (fw_cache_get_folded_before (cache, &folded_before, &error));
  g_assert_cmpint (folded_before, ==, 43200);
  raw = fw_cache_get_readings (cache, 1, 0, G_MAXINT64, &error);
  g_assert_cmpuint (raw->len, ==, 2);
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, 2);

  g_assert_finalize_object (cache);
}

/* Opening @path must fail with @code, name the file, and change nothing. */
static void
assert_refused (const char   *path,
                gint          code)
{
  g_autofree char *before = fw_test_file_checksum (path);
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  FwCache *cache;

  cache = fw_cache_open (path, NULL, &error);
  g_assert_null (cache);
  g_assert_error (error, FW_DATABASE_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));

  after = fw_test_file_checksum (path);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_cache_refuse_newer (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %u",
                                          fw_cache_get_latest_schema_version () + 1);
  sqlite3 *db = NULL;

  g_assert_finalize_object (open_cache (fixture->path));

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  assert_refused (fixture->path, FW_DATABASE_ERROR_TOO_NEW);
}

static void
test_cache_refuse_not_sqlite (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new ("Date,Temperature,pH\n");

  for (int i = 0; i < 400; i++)
    g_string_append_printf (text, "2020-01-15 16:%02d:00,%.1f,7.%d\n", i % 60, 20.0 + i % 5, i % 10);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents (fixture->path, text->str, text->len, &error);
  g_assert_no_error (error);
  g_string_free (text, TRUE);

  assert_refused (fixture->path, FW_DATABASE_ERROR_FOREIGN);
}

static void
test_cache_refuse_corrupt (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  sqlite3 *db = NULL;

  /* A real cache, checkpointed into the main file ... */
  g_assert_finalize_object (open_cache (fixture->path));
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  /* ... whose schema page is then overwritten behind the header. */
  g_file_get_contents (fixture->path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 4096);
  for (gsize i = 100; i < 4096; i++)
    contents[i] = (char) (i * 7 + 3);
  g_file_set_contents (fixture->path, contents, length, &error);
  g_assert_no_error (error);

  assert_refused (fixture->path, FW_DATABASE_ERROR_CORRUPT);
}

static void
test_cache_refuse_foreign (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  assert_refused (fixture->path, FW_DATABASE_ERROR_FOREIGN);
}

static void
test_cache_range_edges (Fixture       *fixture,
                        gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(FwSensor) sensor = add_sensor (cache, "Tank 1", FW_PARAMETER_TEMPERATURE);
  gint64 id = fw_record_get_id (FW_RECORD (sensor));
  /* Out of order on purpose: the cache returns them sorted. */
  FwReading batch[] = { { 1600, 3.0 }, { 1000, 1.0 }, { 1900, 4.0 }, { 1300, 2.0 } };
  FwReading again[] = { { 1300, 2.5 } };
  FwReading latest;
  g_autoptr(GError) error = NULL;
  struct {
    FwTime from, to;
    guint  count;
    FwTime first;
  } cases[] = {
    { 1000, 1300, 1, 1000 },        /* from included, to excluded */
    { 1001, 1300, 0, 0 },
    { 999, 1000, 0, 0 },
    { 1000, 1000, 0, 0 },           /* empty range */
    { 1900, 1000, 0, 0 },           /* reversed range */
    { 1900, 1901, 1, 1900 },        /* the last one alone */
    { G_MININT64, G_MAXINT64, 4, 1000 },
  };

  insert (cache, sensor, batch, G_N_ELEMENTS (batch));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GArray) readings = fw_cache_get_readings (cache, id, cases[i].from, cases[i].to, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (readings->len, ==, cases[i].count);
      if (cases[i].count > 0)
        g_assert_cmpint (g_array_index (readings, FwReading, 0).time, ==, cases[i].first);
      for (guint j = 1; j < readings->len; j++)
        g_assert_cmpint (g_array_index (readings, FwReading, j - 1).time, <,
                         g_array_index (readings, FwReading, j).time);
    }

  /* An unknown sensor has no history, and that is not an error. */
  {
    g_autoptr(GArray) none = fw_cache_get_readings (cache, id + 1000, 0, G_MAXINT64, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
    g_assert_true (fw_cache_get_latest_reading (cache, id + 1000, &latest, &error));
    g_assert_cmpint (latest.time, ==, 0);
    g_assert_true (isnan (latest.value));
  }

  /* Delivering a reading again replaces it rather than adding a second. */
  insert (cache, sensor, again, 1);
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, 4);
  {
    g_autoptr(GArray) one = fw_cache_get_readings (cache, id, 1300, 1301, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (g_array_index (one, FwReading, 0).value, ==, 2.5);
  }

  g_assert_true (fw_cache_get_latest_reading (cache, id, &latest, &error));
  g_assert_no_error (error);
  g_assert_cmpint (latest.time, ==, 1900);
  g_assert_cmpfloat (latest.value, ==, 4.0);

  g_assert_finalize_object (cache);
}


/* Six hours of readings every ten minutes; the first three are folded
 * away, and the hourly view reads the same before and after. */
static void
test_cache_roll_up (Fixture       *fixture,
                    gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(FwSensor) sensor = add_sensor (cache, "Tank 1", FW_PARAMETER_TEMPERATURE);
  gint64 id = fw_record_get_id (FW_RECORD (sensor));
  const FwTime start = 10 * 3600;
  FwReading readings[36];
  FwReading late = { start + 30, 100.0 };
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autoptr(GArray) raw = NULL;
  g_autoptr(GError) error = NULL;
  FwTime folded_before = 0;
  gint64 rolled = -1;

  for (guint i = 0; i < G_N_ELEMENTS (readings); i++)
    readings[i] = (FwReading) { start + i * 600, i % 6 };
  insert (cache, sensor, readings, G_N_ELEMENTS (readings));

  g_assert_true (fw_cache_get_folded_before (cache, &folded_before, &error));
  g_assert_cmpint (folded_before, ==, G_MININT64);

  before = fw_cache_get_buckets (cache, id, 0, G_MAXINT64, FW_SPAN_HOUR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, 6);
  assert_bucket (before, 0, start, 0, 5, 15, 6);

  /* A limit in the middle of an hour keeps that hour raw. */
  g_assert_true (fw_cache_roll_up_readings (cache, start + 3 * 3600 + 1200, &rolled, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rolled, ==, 18);
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, 18);
  g_assert_true (fw_cache_get_folded_before (cache, &folded_before, &error));
  g_assert_cmpint (folded_before, ==, start + 3 * 3600);
  raw = fw_cache_get_readings (cache, id, 0, G_MAXINT64, &error);
  g_assert_cmpint (g_array_index (raw, FwReading, 0).time, ==, start + 3 * 3600);

  after = fw_cache_get_buckets (cache, id, 0, G_MAXINT64, FW_SPAN_HOUR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    assert_bucket (after, i, start + i * 3600, 0, 5, 15, 6);

  /* The raw view of folded hours is their hourly figures. */
  g_clear_pointer (&after, g_array_unref);
  after = fw_cache_get_buckets (cache, id, 0, G_MAXINT64, FW_SPAN_RAW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 3 + 18);
  assert_bucket (after, 2, start + 2 * 3600, 0, 5, 15, 6);
  assert_bucket (after, 3, start + 3 * 3600, 0, 0, 0, 1);

  /* Folding again, or further back, finds nothing more to let go. */
  g_assert_true (fw_cache_roll_up_readings (cache, start + 3 * 3600, &rolled, &error));
  g_assert_cmpint (rolled, ==, 0);
  g_assert_true (fw_cache_roll_up_readings (cache, start, &rolled, &error));
  g_assert_cmpint (rolled, ==, 0);
  g_assert_true (fw_cache_get_folded_before (cache, &folded_before, &error));
  g_assert_cmpint (folded_before, ==, start + 3 * 3600);

  /* A reading arriving late for a folded hour is counted with it at once,
   * in every span, and never kept raw. */
  insert (cache, sensor, &late, 1);
  g_clear_pointer (&after, g_array_unref);
  after = fw_cache_get_buckets (cache, id, start, start + 3600, FW_SPAN_HOUR, &error);
  g_assert_cmpuint (after->len, ==, 1);
  assert_bucket (after, 0, start, 0, 100, 115, 7);
  g_clear_pointer (&after, g_array_unref);
  after = fw_cache_get_buckets (cache, id, 0, G_MAXINT64, FW_SPAN_DAY, &error);
  g_assert_cmpuint (after->len, ==, 1);
  assert_bucket (after, 0, 0, 0, 100, 190, 37);
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, 18);

  g_assert_finalize_object (cache);
}

typedef struct
{
  double  min;
  double  max;
  double  sum;
  gint64  count;
} Expected;

/* Sums up @truth (time → value) into spans of @span, the slow way. */
static GHashTable *
expected_spans (GHashTable *truth,
                FwTime      span)
{
  GHashTable *spans = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, truth);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FwTime t = *(gint64 *) key;
      double v = *(double *) value;
      FwTime start = t - t % span;
      Expected *e = g_hash_table_lookup (spans, &start);

      if (e == NULL)
        {
          e = g_new0 (Expected, 1);
          *e = (Expected) { v, v, 0, 0 };
          g_hash_table_insert (spans, g_memdup2 (&start, sizeof start), e);
        }
      e->min = MIN (e->min, v);
      e->max = MAX (e->max, v);
      e->sum += v;
      e->count++;
    }

  return spans;
}

static void
assert_summaries (FwCache    *cache,
                  gint64      id,
                  GHashTable *truth)
{
  static const FwSpan spans[] = { FW_SPAN_HOUR, FW_SPAN_DAY };

  for (guint s = 0; s < G_N_ELEMENTS (spans); s++)
    {
      g_autoptr(GHashTable) expected = expected_spans (truth, spans[s]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) buckets = fw_cache_get_buckets (cache, id, 0, G_MAXINT64, spans[s], &error);

      g_assert_no_error (error);
      g_assert_cmpuint (buckets->len, ==, g_hash_table_size (expected));
      for (guint i = 0; i < buckets->len; i++)
        {
          FwBucket *b = &g_array_index (buckets, FwBucket, i);
          Expected *e = g_hash_table_lookup (expected, &b->time);

          g_assert_nonnull (e);
          if (i > 0)
            g_assert_cmpint (b->time, >, g_array_index (buckets, FwBucket, i - 1).time);
          g_assert_cmpfloat (b->min, ==, e->min);
          g_assert_cmpfloat (b->max, ==, e->max);
          g_assert_cmpfloat_with_epsilon (b->sum, e->sum, 1e-6);
          g_assert_cmpint (b->count, ==, e->count);
        }
    }
}

/* Random batches, in random order, with late readings, readings sent
 * again with new values and a fold half-way: the summaries at every span
 * always equal the same figures computed directly from what was sent. */
static void
test_cache_summaries (Fixture       *fixture,
                      gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(FwSensor) sensor = add_sensor (cache, "Pond 3", FW_PARAMETER_DISSOLVED_OXYGEN);
  gint64 id = fw_record_get_id (FW_RECORD (sensor));
  g_autoptr(GHashTable) truth = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  const FwTime start = 1767225600;          /* 2026-01-01 00:00 UTC */
  const FwTime days = 4;

  for (guint round = 0; round < 60; round++)
    {
      FwReading batch[200];
      guint n = g_rand_int_range (rand, 1, G_N_ELEMENTS (batch));
      FwTime base = start + g_rand_int_range (rand, 0, days * 86400 - 7200);
      FwTime folded_before = G_MININT64;
      g_autoptr(GError) error = NULL;

      g_assert_true (fw_cache_get_folded_before (cache, &folded_before, &error));

      for (guint i = 0; i < n; i++)
        {
          /* A run of minutes, shuffled now and then; a few far back. */
          FwTime t = base + 60 * g_rand_int_range (rand, 0, 120) + g_rand_int_range (rand, 0, 2) * 30;
          double v = g_rand_double_range (rand, 0, 20);
          gint64 *key;

          if (g_rand_int_range (rand, 0, 20) == 0)
            t = start + 60 * g_rand_int_range (rand, 0, days * 1440);

          /* The cache cannot tell a folded reading sent twice from two
           * readings; the sync never sends one twice. */
          if (t < folded_before && g_hash_table_contains (truth, &t))
            t = folded_before + 60 * g_rand_int_range (rand, 0, 60);

          /* A time sent twice keeps its last value. */
          batch[i] = (FwReading) { t, v };
          key = g_memdup2 (&t, sizeof t);
          g_hash_table_insert (truth, key, g_memdup2 (&v, sizeof v));
        }

      insert (cache, sensor, batch, n);

      if (round == 30)
        g_assert_true (fw_cache_roll_up_readings (cache, start + 2 * 86400 + 1800, NULL, &error));
      g_assert_no_error (error);

      if (round % 10 == 9)
        assert_summaries (cache, id, truth);
    }

  g_assert_finalize_object (cache);
}

static void
test_cache_span_for_range (void)
{
  const FwTime year = 365 * 86400;

  /* About two points per pixel, never fewer than one. */
  g_assert_cmpint (fw_span_for_range (0, year, 1000), ==, FW_SPAN_HOUR);
  g_assert_cmpint (fw_span_for_range (0, 5 * year, 800), ==, FW_SPAN_DAY);
  g_assert_cmpint (fw_span_for_range (0, 90 * 86400, 1000), ==, FW_SPAN_HOUR);
  g_assert_cmpint (fw_span_for_range (0, 30 * 86400, 1000), ==, FW_SPAN_RAW);
  g_assert_cmpint (fw_span_for_range (0, 7 * 86400, 1000), ==, FW_SPAN_RAW);
  g_assert_cmpint (fw_span_for_range (0, 86400, 1000), ==, FW_SPAN_RAW);
  g_assert_cmpint (fw_span_for_range (0, 86400, 0), ==, FW_SPAN_HOUR);
  g_assert_cmpint (fw_span_for_range (0, 0, 1000), ==, FW_SPAN_RAW);
}

static void
test_cache_rejects_nan (Fixture       *fixture,
                        gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(FwSensor) sensor = add_sensor (cache, "Tank 1", FW_PARAMETER_PH);
  FwReading batch[] = { { 1000, 7.0 }, { 1300, NAN }, { 1600, 7.2 } };
  g_autoptr(GError) error = NULL;

  g_assert_false (fw_cache_insert_readings (cache, fw_record_get_id (FW_RECORD (sensor)),
                                            batch, G_N_ELEMENTS (batch), &error));
  g_assert_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "1300"));
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, 0);

  g_assert_finalize_object (cache);
}

static void
test_cache_disk_full (Fixture       *fixture,
                      gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(FwSensor) sensor = add_sensor (cache, "Tank 1", FW_PARAMETER_TEMPERATURE);
  gint64 id = fw_record_get_id (FW_RECORD (sensor));
  g_autoptr(GArray) big = g_array_new (FALSE, FALSE, sizeof (FwReading));
  FwReading first[] = { { 10, 20.0 }, { 20, 20.5 } };
  g_autoptr(GError) error = NULL;

  insert (cache, sensor, first, G_N_ELEMENTS (first));

  for (FwTime t = 100; t < 100 + 200000 * 60; t += 60)
    {
      FwReading reading = { t, 20.0 + (t % 7) };

      g_array_append_val (big, reading);
    }

  fw_cache_set_page_limit (cache, 40);

  g_assert_false (fw_cache_insert_readings (cache, id, (FwReading *) big->data, big->len, &error));
  g_assert_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, fixture->path));

  /* All or nothing: what was there before is there, and none of the rest. */
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, 2);

  g_assert_finalize_object (cache);
}

static gboolean
save_then_fail_cb (FwCache  *cache,
                   gpointer  user_data,
                   GError  **error)
{
  if (!fw_cache_save_farm (cache, user_data, error))
    return FALSE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "changed my mind");
  return FALSE;
}

static void
test_cache_transaction_rollback (Fixture       *fixture,
                                 gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(FwFarm) farm = fw_farm_new ("Never saved", NULL);
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (fw_cache_run_in_transaction (cache, save_then_fail_cb, farm, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 0);

  /* The cache is usable after a rollback. */
  g_assert_true (fw_cache_save_farm (cache, farm, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fw_farm_get_timezone (farm), ==, "UTC");

  g_assert_finalize_object (cache);
}

static void
test_cache_unknown_parent (Fixture       *fixture,
                           gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(FwSite) orphan = fw_site_new ("0b8c6d1e-9999-4999-8999-999999999999", "Nowhere");
  g_autoptr(GError) error = NULL;

  /* Records name their parent by uuid; one the cache has not seen is
   * refused, not saved dangling. */
  g_assert_false (fw_cache_save_site (cache, orphan, &error));
  g_assert_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_INVALID);
  g_assert_cmpint (fw_record_get_id (FW_RECORD (orphan)), ==, 0);

  g_assert_finalize_object (cache);
}

static void
test_cache_units_summary (Fixture       *fixture,
                          gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(FwSensor) oxygen10 = add_sensor (cache, "Pond 10", FW_PARAMETER_DISSOLVED_OXYGEN);
  g_autoptr(FwSensor) oxygen2 = add_sensor (cache, "Pond 2", FW_PARAMETER_DISSOLVED_OXYGEN);
  FwReading low[] = { { 1000, 4.0 }, { 1300, 3.5 }, { 1600, 2.5 } };
  FwReading good[] = { { 1000, 7.0 }, { 1300, 7.0 }, { 1600, 7.05 } };
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GError) error = NULL;

  insert (cache, oxygen10, low, G_N_ELEMENTS (low));
  insert (cache, oxygen2, good, G_N_ELEMENTS (good));

  /* Each add_sensor() made its own farm; look at them one by one. */
  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 2);

  for (guint i = 0; i < farms->len; i++)
    {
      g_autoptr(GPtrArray) units = NULL;
      g_autoptr(GPtrArray) sensors = NULL;
      FwUnit *unit;
      FwSensor *sensor;

      units = fw_cache_list_units (cache, fw_record_get_id (g_ptr_array_index (farms, i)), 1700, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (units->len, ==, 1);
      unit = g_ptr_array_index (units, 0);

      sensors = fw_cache_list_sensors (cache, fw_record_get_id (FW_RECORD (unit)), 1700, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (sensors->len, ==, 1);
      sensor = g_ptr_array_index (sensors, 0);

      g_assert_cmpint (fw_unit_get_key_parameter (unit), ==, FW_PARAMETER_DISSOLVED_OXYGEN);
      g_assert_cmpint (fw_unit_get_key_time (unit), ==, 1600);

      if (g_str_equal (fw_unit_get_name (unit), "Pond 10"))
        {
          g_assert_cmpfloat (fw_unit_get_key_value (unit), ==, 2.5);
          g_assert_cmpint (fw_unit_get_status (unit), ==, FW_STATUS_CRITICAL);
          g_assert_cmpint (fw_sensor_get_trend (sensor), ==, FW_TREND_FALLING);
          g_assert_cmpfloat_with_epsilon (fw_sensor_get_slope (sensor), -9.0, 1e-9);
        }
      else
        {
          g_assert_cmpfloat (fw_unit_get_key_value (unit), ==, 7.05);
          g_assert_cmpint (fw_unit_get_status (unit), ==, FW_STATUS_OK);
          g_assert_cmpint (fw_sensor_get_trend (sensor), ==, FW_TREND_STEADY);
        }

      /* Three missed readings later the sensor is silent; a critical one
       * stays critical. */
      g_clear_pointer (&units, g_ptr_array_unref);
      units = fw_cache_list_units (cache, fw_record_get_id (g_ptr_array_index (farms, i)),
                                   1600 + 3 * 300 + 1, &error);
      g_assert_no_error (error);
      unit = g_ptr_array_index (units, 0);
      if (g_str_equal (fw_unit_get_name (unit), "Pond 10"))
        g_assert_cmpint (fw_unit_get_status (unit), ==, FW_STATUS_CRITICAL);
      else
        g_assert_cmpint (fw_unit_get_status (unit), ==, FW_STATUS_SILENT);
    }

  g_clear_pointer (&farms, g_ptr_array_unref);
  g_assert_finalize_object (cache);
}

static void
test_cache_units_sorted (Fixture       *fixture,
                         gconstpointer  data)
{
  FwCache *cache = open_cache (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(FwFarm) farm = fw_farm_new ("Farm", NULL);
  g_autoptr(FwSite) site = NULL;
  g_autoptr(GPtrArray) units = NULL;
  const char *names[] = { "Pond 10", "pond 3", "Pond 2", "Cage 1" };
  const char *expected[] = { "Cage 1", "Pond 2", "pond 3", "Pond 10" };

  g_assert_true (fw_cache_save_farm (cache, farm, &error));
  site = fw_site_new (fw_record_get_uuid (FW_RECORD (farm)), "Site");
  g_assert_true (fw_cache_save_site (cache, site, &error));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(FwUnit) unit = g_object_new (FW_TYPE_UNIT,
                                             "site-uuid", fw_record_get_uuid (FW_RECORD (site)),
                                             "name", names[i],
                                             NULL);

      g_assert_true (fw_cache_save_unit (cache, unit, &error));
      g_assert_no_error (error);
    }

  units = fw_cache_list_units (cache, fw_record_get_id (FW_RECORD (farm)), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < units->len; i++)
    {
      FwUnit *unit = g_ptr_array_index (units, i);

      g_assert_cmpstr (fw_unit_get_name (unit), ==, expected[i]);
      g_assert_cmpint (fw_unit_get_status (unit), ==, FW_STATUS_NO_DATA);
      g_assert_true (isnan (fw_unit_get_key_value (unit)));
    }

  g_clear_pointer (&units, g_ptr_array_unref);
  g_assert_finalize_object (cache);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_cache_async (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) refused = NULL;
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_path = g_build_filename (fixture->dir, "bad.sqlite", NULL);
  FwCache *cache;

  fw_cache_open_async (fixture->path, NULL, store_result_cb, &opened);
  cache = fw_cache_open_finish (wait_for (&opened), &error);
  g_assert_no_error (error);
  g_assert_true (FW_IS_CACHE (cache));

  g_object_unref (add_sensor (cache, "Tank 1", FW_PARAMETER_PH));

  fw_cache_list_farms_async (cache, NULL, store_result_cb, &listed);
  farms = fw_cache_list_finish (cache, wait_for (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 1);

  g_file_set_contents (bad_path, "not a database, not at all, no", -1, &error);
  g_assert_no_error (error);
  fw_cache_open_async (bad_path, NULL, store_result_cb, &refused);
  g_assert_null (fw_cache_open_finish (wait_for (&refused), &error));
  g_assert_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FOREIGN);

  g_clear_pointer (&farms, g_ptr_array_unref);
  g_clear_object (&listed);
  fw_test_wait_for_last_ref (G_OBJECT (cache));
  g_assert_finalize_object (cache);
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

#define ADD(name, func) \
  g_test_add ("/cache/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("create", test_cache_create);
  ADD ("reopen", test_cache_reopen);
  ADD ("migrate-from-version-1", test_cache_migrate);
  ADD ("migrate-summaries", test_cache_migrate_summaries);
  ADD ("refuse-newer-version", test_cache_refuse_newer);
  ADD ("refuse-not-sqlite", test_cache_refuse_not_sqlite);
  ADD ("refuse-corrupt", test_cache_refuse_corrupt);
  ADD ("refuse-foreign-database", test_cache_refuse_foreign);
  ADD ("range-edges", test_cache_range_edges);
  ADD ("roll-up", test_cache_roll_up);
  ADD ("summaries-match-raw", test_cache_summaries);
  g_test_add_func ("/cache/span-for-range", test_cache_span_for_range);
  ADD ("rejects-nan", test_cache_rejects_nan);
  ADD ("disk-full", test_cache_disk_full);
  ADD ("transaction-rollback", test_cache_transaction_rollback);
  ADD ("unknown-parent", test_cache_unknown_parent);
  ADD ("units-summary", test_cache_units_summary);
  ADD ("units-sorted", test_cache_units_sorted);
  ADD ("async", test_cache_async);

#undef ADD

  return g_test_run ();
}
