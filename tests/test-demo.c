/* test-demo.c — the demo farm generator
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fw-core.h"
#include "fw-test-util.h"

/* 2026-07-15 12:00 UTC: high summer, when pond oxygen swings widest. */
#define SUMMER_NOON G_GINT64_CONSTANT (1784116800)
#define DAYS 4
#define PER_DAY (86400 / 300)

typedef struct
{
  char    *dir;
  FwCache *cache;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = fw_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "demo.sqlite", NULL);
  fixture->cache = fw_cache_open (path, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  fw_test_wait_for_last_ref (G_OBJECT (fixture->cache));
  g_assert_finalize_object (fixture->cache);
  fw_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static void
populate (FwCache *cache,
          FwTime   now,
          guint    days)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fw_demo_populate (cache, now, days, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static double
solar_hour (FwTime t)
{
  return fmod ((t / 3600.0) - 6.0 + 48.0, 24.0);
}

static void
test_demo_counts_and_ranges (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GPtrArray) sites = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GHashTable) species = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  FwFarm *farm;
  guint n_sensors = 0;
  guint n_kinds[4] = { 0, };
  double dawn_sum = 0, afternoon_sum = 0;
  guint dawn_n = 0, afternoon_n = 0;
  gint64 total = 0;

  populate (fixture->cache, SUMMER_NOON, DAYS);

  farms = fw_cache_list_farms (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 1);
  farm = g_ptr_array_index (farms, 0);
  g_assert_cmpstr (fw_record_get_uuid (FW_RECORD (farm)), ==, FW_DEMO_FARM_UUID);
  g_assert_cmpstr (fw_farm_get_timezone (farm), ==, "America/Chicago");

  sites = fw_cache_list_sites (fixture->cache, fw_record_get_id (FW_RECORD (farm)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sites->len, >=, 3);

  units = fw_cache_list_units (fixture->cache, fw_record_get_id (FW_RECORD (farm)), SUMMER_NOON, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, fw_demo_get_n_units ());
  g_assert_cmpuint (units->len, >=, 10);
  g_assert_cmpuint (units->len, <=, 16);

  for (guint i = 0; i < units->len; i++)
    {
      FwUnit *unit = g_ptr_array_index (units, i);
      g_autoptr(GPtrArray) sensors = NULL;

      g_hash_table_add (species, (gpointer) fw_unit_get_species (unit));
      n_kinds[fw_unit_get_kind (unit)]++;
      g_assert_cmpfloat (fw_unit_get_volume (unit), >, 0);
      g_assert_cmpfloat (fw_unit_get_area (unit), >, 0);

      sensors = fw_cache_list_sensors (fixture->cache, fw_record_get_id (FW_RECORD (unit)),
                                       SUMMER_NOON, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (sensors->len, >=, 3);
      g_assert_cmpuint (sensors->len, <=, 4);
      n_sensors += sensors->len;

      for (guint j = 0; j < sensors->len; j++)
        {
          FwSensor *sensor = g_ptr_array_index (sensors, j);
          FwParameter parameter = fw_sensor_get_parameter (sensor);
          const FwParameterInfo *info = fw_parameter_get_info (parameter);
          g_autoptr(GArray) readings = NULL;
          double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;

          readings = fw_cache_get_readings (fixture->cache, fw_record_get_id (FW_RECORD (sensor)),
                                            0, G_MAXINT64, &error);
          g_assert_no_error (error);

          /* Five-minute readings over the days asked for, less a few gaps. */
          g_assert_cmpuint (readings->len, <=, DAYS * PER_DAY + 1);
          g_assert_cmpuint (readings->len, >=, DAYS * PER_DAY * 8 / 10);
          total += readings->len;

          for (guint k = 0; k < readings->len; k++)
            {
              FwReading *r = &g_array_index (readings, FwReading, k);

              g_assert_cmpint (r->time % 300, ==, 0);
              g_assert_cmpint (r->time, <=, SUMMER_NOON);
              g_assert_cmpint (r->time, >, SUMMER_NOON - DAYS * 86400 - 300);
              g_assert_true (isfinite (r->value));
              g_assert_cmpfloat (r->value, >=, info->plausible_min);
              g_assert_cmpfloat (r->value, <=, info->plausible_max);
              lo = MIN (lo, r->value);
              hi = MAX (hi, r->value);

              if (parameter == FW_PARAMETER_DISSOLVED_OXYGEN && fw_unit_get_kind (unit) == FW_UNIT_KIND_POND)
                {
                  double h = solar_hour (r->time);

                  if (h >= 5.0 && h < 7.0)
                    dawn_sum += r->value, dawn_n++;
                  else if (h >= 15.0 && h < 17.0)
                    afternoon_sum += r->value, afternoon_n++;
                }
            }

          switch (parameter)
            {
            case FW_PARAMETER_TEMPERATURE:
              g_assert_cmpfloat (lo, >, 5.0);
              g_assert_cmpfloat (hi, <, 36.0);
              break;
            case FW_PARAMETER_DISSOLVED_OXYGEN:
              g_assert_cmpfloat (lo, >, 1.0);
              g_assert_cmpfloat (hi, <, 20.0);
              break;
            case FW_PARAMETER_PH:
              g_assert_cmpfloat (lo, >, 6.0);
              g_assert_cmpfloat (hi, <, 9.6);
              break;
            case FW_PARAMETER_TOTAL_AMMONIA:
              g_assert_cmpfloat (lo, >=, 0.0);
              g_assert_cmpfloat (hi, <, 3.0);
              break;
            case FW_PARAMETER_NITRITE:
            case FW_PARAMETER_SALINITY:
            case FW_PARAMETER_TURBIDITY:
            default:
              g_assert_not_reached ();
            }

          /* Water moves: no sensor is a flat line. */
          g_assert_cmpfloat (hi - lo, >, 0.05);
        }
    }

  g_assert_cmpuint (n_sensors, ==, fw_demo_get_n_sensors ());
  g_assert_cmpint (fw_cache_count_readings (fixture->cache, NULL), ==, total);
  g_assert_cmpuint (g_hash_table_size (species), >=, 2);
  g_assert_cmpuint (n_kinds[FW_UNIT_KIND_POND], >, 0);
  g_assert_cmpuint (n_kinds[FW_UNIT_KIND_TANK], >, 0);

  /* The diurnal cycle: pond oxygen is well above its dawn low by the
   * middle of the afternoon. */
  g_assert_cmpuint (dawn_n, >, 0);
  g_assert_cmpuint (afternoon_n, >, 0);
  g_assert_cmpfloat (afternoon_sum / afternoon_n, >, dawn_sum / dawn_n + 2.0);

  g_clear_pointer (&farms, g_ptr_array_unref);
  g_clear_pointer (&sites, g_ptr_array_unref);
  g_clear_pointer (&units, g_ptr_array_unref);
}

static void
test_demo_top_up (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before, after;

  populate (fixture->cache, SUMMER_NOON, 2);
  before = fw_cache_count_readings (fixture->cache, NULL);

  /* Populating again at the same time changes nothing ... */
  populate (fixture->cache, SUMMER_NOON, 2);
  g_assert_cmpint (fw_cache_count_readings (fixture->cache, NULL), ==, before);

  /* ... and a day later adds about one day per sensor to the same farm. */
  populate (fixture->cache, SUMMER_NOON + 86400, 2);
  after = fw_cache_count_readings (fixture->cache, NULL);
  g_assert_cmpint (after - before, <=, (gint64) fw_demo_get_n_sensors () * PER_DAY);
  g_assert_cmpint (after - before, >=, (gint64) fw_demo_get_n_sensors () * PER_DAY * 8 / 10);

  farms = fw_cache_list_farms (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (farms->len, ==, 1);
}

static void
test_demo_deterministic (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *other_path = g_build_filename (fixture->dir, "other.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  FwCache *other = fw_cache_open (other_path, NULL, &error);
  FwReading a, b;

  g_assert_no_error (error);
  populate (fixture->cache, SUMMER_NOON, 1);
  populate (other, SUMMER_NOON, 1);

  /* Same ids in both, since both were made in the same order. */
  for (gint64 sensor_id = 1; sensor_id <= fw_demo_get_n_sensors (); sensor_id++)
    {
      g_assert_true (fw_cache_get_latest_reading (fixture->cache, sensor_id, &a, NULL));
      g_assert_true (fw_cache_get_latest_reading (other, sensor_id, &b, NULL));
      g_assert_cmpint (a.time, ==, b.time);
      g_assert_cmpfloat (a.value, ==, b.value);
    }

  g_assert_finalize_object (other);
}

typedef struct
{
  double last;
  guint  calls;
  gboolean done;
} Progress;

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_false (progress->done);
  g_assert_cmpfloat (fraction, >=, progress->last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  progress->last = fraction;
  progress->calls++;
}

static void
populated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Progress *progress = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (fw_demo_populate_finish (FW_CACHE (source), result, &error));
  g_assert_no_error (error);
  progress->done = TRUE;
}

static void
test_demo_async_progress (Fixture       *fixture,
                          gconstpointer  data)
{
  Progress progress = { 0, };

  fw_demo_populate_async (fixture->cache, SUMMER_NOON, 1,
                          progress_cb, &progress, NULL,
                          NULL, populated_cb, &progress);

  while (!progress.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (progress.calls, ==, fw_demo_get_n_sensors ());
  g_assert_cmpfloat (progress.last, ==, 1.0);
  g_assert_cmpint (fw_cache_count_readings (fixture->cache, NULL), >, 0);
}

static void
cancelled_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (fw_demo_populate_finish (FW_CACHE (source), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done = TRUE;
}

static void
test_demo_cancel (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gboolean done = FALSE;

  g_cancellable_cancel (cancellable);
  fw_demo_populate_async (fixture->cache, SUMMER_NOON, 1, NULL, NULL, NULL,
                          cancellable, cancelled_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* The model may be there, but no sensor has a half-written history. */
  g_assert_cmpint (fw_cache_count_readings (fixture->cache, NULL), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

#define ADD(name, func) \
  g_test_add ("/demo/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("counts-and-ranges", test_demo_counts_and_ranges);
  ADD ("top-up", test_demo_top_up);
  ADD ("deterministic", test_demo_deterministic);
  ADD ("async-progress", test_demo_async_progress);
  ADD ("cancel", test_demo_cancel);

#undef ADD

  return g_test_run ();
}
