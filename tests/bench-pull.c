/* bench-pull.c — pulling a million readings into an empty cache
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark, not a test; it prints figures from one run. A
 * fishwatch-server on loopback with 1,001 sensors is fed about a million
 * readings by fishwatch-sim; then, in this process:
 *   1. fw_sync_run() pulls them into an empty cache (HTTP, JSON, inserts);
 *   2. the same rows are inserted into another empty cache through
 *      fw_cache_insert_readings(), committed a hundred thousand at a time
 *      as the pull commits them: the raw rate;
 * and the ratio of the two, with this process's peak memory (VmHWM)
 * before and after the pull.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "fw-core.h"
#include "fw-test-server.h"
#include "fw-test-util.h"

#define EXTRA_UNITS 238
#define BACKFILL "84h"

typedef struct
{
  gint64  sensor_id;
  GArray *readings;
} SensorRows;

static void
sensor_rows_free (SensorRows *rows)
{
  g_array_unref (rows->readings);
  g_free (rows);
}

static gboolean
insert_group_cb (FwCache  *cache,
                 gpointer  user_data,
                 GError  **error)
{
  GPtrArray *group = user_data;

  for (guint i = 0; i < group->len; i++)
    {
      SensorRows *rows = g_ptr_array_index (group, i);

      if (!fw_cache_insert_readings (cache, rows->sensor_id, (FwReading *) rows->readings->data,
                                     rows->readings->len, error))
        return FALSE;
    }

  return TRUE;
}

static gint64
peak_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = fw_test_make_tmpdir ();
  g_autofree char *pulled_path = g_build_filename (dir, "pulled.sqlite", NULL);
  g_autofree char *raw_path = g_build_filename (dir, "raw.sqlite", NULL);
  g_autofree char *extra = g_strdup_printf ("--extra-units %d", EXTRA_UNITS);
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FwCache) pulled = NULL;
  g_autoptr(FwCache) raw = NULL;
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GPtrArray) units = NULL;
  FwTestServer *server;
  FwSyncConfig config = { 0, };
  FwSyncReport report;
  gint64 start, peak_before, peak_after;
  double pull_seconds, raw_seconds;
  gint64 raw_rows = 0;
  int status;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  server = fw_test_server_start_full (extra, NULL);

  {
    const char *sim_argv[] = { g_getenv ("FISHWATCH_SIM"), "--server", server->base_url,
                               "--backfill", BACKFILL, "--duration", "0", "--quiet", NULL };
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "FISHWATCH_DEVICE_TOKEN",
                                          fw_test_server_device_token (server), TRUE);

    if (!g_spawn_sync (NULL, (char **) sim_argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                       NULL, NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      g_error ("fishwatch-sim failed: %s", error->message);
  }

  token = fw_test_server_login (server, "worker");
  config.server_url = server->base_url;
  config.token = token;
  config.raw_history_days = 30;

  pulled = fw_cache_open (pulled_path, NULL, &error);
  g_assert_no_error (error);

  peak_before = peak_kib ();
  start = g_get_monotonic_time ();
  if (!fw_sync_run (pulled, &config, &report, NULL, &error))
    g_error ("sync failed: %s", error->message);
  pull_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  peak_after = peak_kib ();

  /* The same rows, read back, into an empty cache with the same model. */
  raw = fw_cache_open (raw_path, NULL, &error);
  g_assert_no_error (error);
  farms = fw_cache_list_farms (pulled, &error);
  g_assert_no_error (error);
  units = fw_cache_list_units (pulled, fw_record_get_id (g_ptr_array_index (farms, 0)), 0, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) records = fw_demo_build_records (EXTRA_UNITS);

    for (guint i = 0; i < records->len; i++)
      if (!fw_cache_save_record (raw, g_ptr_array_index (records, i), &error))
        g_error ("%s", error->message);
  }

  /* Every sensor's rows, read back first so that only inserting is timed. */
  {
    g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
    GPtrArray *group = NULL;
    guint in_group = 0;

    for (guint u = 0; u < units->len; u++)
      {
        g_autoptr(GPtrArray) sensors = fw_cache_list_sensors (pulled, fw_record_get_id (g_ptr_array_index (units, u)), 0, &error);

        for (guint s = 0; sensors != NULL && s < sensors->len; s++)
          {
            FwSensor *sensor = g_ptr_array_index (sensors, s);
            SensorRows *rows = g_new0 (SensorRows, 1);

            rows->sensor_id = fw_record_get_id (FW_RECORD (sensor));
            rows->readings = fw_cache_get_readings (pulled, rows->sensor_id, 0, G_MAXINT64, &error);
            g_assert_no_error (error);
            raw_rows += rows->readings->len;

            /* Same batching as the pull: a commit per hundred thousand rows. */
            if (group == NULL || in_group >= 100000)
              {
                group = g_ptr_array_new_with_free_func ((GDestroyNotify) sensor_rows_free);
                g_ptr_array_add (groups, group);
                in_group = 0;
              }
            g_ptr_array_add (group, rows);
            in_group += rows->readings->len;
          }
      }

    /* Sensors got the same ids in both caches: same records, same order. */
    start = g_get_monotonic_time ();
    for (guint g = 0; g < groups->len; g++)
      if (!fw_cache_run_in_transaction (raw, insert_group_cb, g_ptr_array_index (groups, g), &error))
        g_error ("%s", error->message);
    raw_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  }

  g_print ("sensors: %u, readings pulled: %" G_GINT64_FORMAT ", records pulled: %u\n",
           fw_demo_get_n_sensors () + EXTRA_UNITS * 4, report.readings, report.changes);
  g_print ("pull through the sync engine: %.2f s, %.0f readings/s\n", pull_seconds, report.readings / pull_seconds);
  g_print ("raw cache inserts of the same %" G_GINT64_FORMAT " rows: %.2f s, %.0f readings/s\n",
           raw_rows, raw_seconds, raw_rows / raw_seconds);
  g_print ("ratio pull/raw: %.2f\n", (report.readings / pull_seconds) / (raw_rows / raw_seconds));
  g_print ("peak memory of this process: %.1f MiB before the pull, %.1f MiB after\n",
           peak_before / 1024.0, peak_after / 1024.0);

  fw_test_server_stop (server);
  fw_test_remove_tree (dir);
  return 0;
}
