/* test-import.c — the CSV importer, on real pond logs
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fw-core.h"
#include "fw-test-util.h"

static void
test_parse_time (void)
{
  g_autoptr(GTimeZone) dhaka = g_time_zone_new_identifier ("+06:00");
  FwTime t = 0;

  g_assert_true (fw_import_parse_time ("2020-01-15 16:00:35", "%Y-%m-%d %H:%M:%S", dhaka, &t));
  g_assert_cmpint (t, ==, 1579082435);   /* 10:00:35 UTC */
  g_assert_true (fw_import_parse_time (" 2021-06-25 15:48:59 CET ", "%Y-%m-%d %H:%M:%S", dhaka, &t));
  g_assert_true (fw_import_parse_time ("5/12/2021", "%d/%m/%Y", dhaka, &t));
  g_assert_cmpint (t, ==, 1638640800);   /* 5 December, 00:00 +06 */

  g_assert_false (fw_import_parse_time ("2021-02-30 10:00:00", "%Y-%m-%d %H:%M:%S", dhaka, &t));
  g_assert_false (fw_import_parse_time ("2021-06-25 25:00:00", "%Y-%m-%d %H:%M:%S", dhaka, &t));
  g_assert_false (fw_import_parse_time ("10/10/2021", "%Y-%m-%d %H:%M:%S", dhaka, &t));
  g_assert_false (fw_import_parse_time ("2021-06-25 15:48:59 +1", "%Y-%m-%d %H:%M:%S", dhaka, &t));
  g_assert_false (fw_import_parse_time ("", "%Y-%m-%d", dhaka, &t));
  /* AM and PM would move the hour: refused, not misread. */
  g_assert_false (fw_import_parse_time ("2021-06-25 01:30:00 PM", "%Y-%m-%d %H:%M:%S", dhaka, &t));
}

static FwImportMapping *
mapping (const char *format,
         const char *zone)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);

  return fw_import_mapping_new ("Date", format, tz);
}

/* Quotes, a byte order mark, empty and absurd values, a repeated time. */
static void
test_small_file (void)
{
  static const char text[] =
    "\xEF\xBB\xBF" "Date,\"Water, temp\",pH\r\n"
    "2024-03-01 06:00:00,27.5,7.2\r\n"
    "2024-03-01 06:01:00,\"27,6\",\r\n"
    "2024-03-01 06:01:00,27.7,7.3\r\n"
    "yesterday,27.8,7.4\r\n"
    "2024-03-01 06:03:00,-127,15.45\r\n"
    "\r\n"
    "2024-03-01 06:04:00,inf,6.9\r\n";
  g_autoptr(FwImportMapping) map = mapping ("%Y-%m-%d %H:%M:%S", "UTC");
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  FwImportResult result;

  fw_import_mapping_add (map, "Water, temp", FW_PARAMETER_TEMPERATURE, 1);
  fw_import_mapping_add (map, "pH", FW_PARAMETER_PH, 1);

  g_assert_true (fw_import_csv (text, strlen (text), map, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.rows, ==, 6);
  g_assert_cmpuint (result.rows_imported, ==, 3);
  g_assert_cmpuint (result.rows_bad_time, ==, 1);
  g_assert_cmpuint (result.rows_duplicate_time, ==, 0);
  g_assert_cmpuint (result.rows_no_value, ==, 2);
  g_assert_cmpuint (result.values_imported, ==, 5);
  g_assert_cmpuint (result.values_not_number, ==, 1);      /* "27,6" */
  g_assert_cmpuint (result.values_empty, ==, 1);
  g_assert_cmpuint (result.values_out_of_range, ==, 3);    /* −127 °C, pH 15.45, inf */

  /* The 06:01 row with nothing to keep leaves its time free for the next. */
  g_assert_cmpuint (g_array_index (result.readings, GArray *, 0)->len, ==, 2);
  g_assert_cmpfloat (g_array_index (g_array_index (result.readings, GArray *, 0), FwReading, 1).value, ==, 27.7);
  g_assert_cmpuint (g_array_index (result.readings, GArray *, 1)->len, ==, 3);

  report = fw_import_result_describe (&result);
  g_assert_nonnull (strstr (report, "rows skipped, time not in the format: 1\n"));
  fw_import_result_clear (&result);
}

static void
test_errors (void)
{
  g_autoptr(FwImportMapping) map = mapping ("%Y-%m-%d", "UTC");
  g_autoptr(GError) error = NULL;
  FwImportResult result;

  fw_import_mapping_add (map, "Oxygen", FW_PARAMETER_DISSOLVED_OXYGEN, 1);

  g_assert_false (fw_import_csv ("", 0, map, &result, &error));
  g_assert_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_NO_HEADER);
  fw_import_result_clear (&result);
  g_clear_error (&error);

  g_assert_false (fw_import_csv ("Date,DO\n2024-01-01,5\n", 22, map, &result, &error));
  g_assert_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_NO_COLUMN);
  g_assert_cmpstr (error->message, ==, "The file has no column “Oxygen”; its columns are: Date, DO");
  fw_import_result_clear (&result);
  g_clear_error (&error);

  /* A quote never closed would swallow the rest of the file: refused. */
  {
    static const char text[] = "Date,Oxygen\r2024-01-01,5\r2024-01-02,\"6\r2024-01-03,7\r";

    g_assert_false (fw_import_csv (text, strlen (text), map, &result, &error));
    g_assert_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_BAD_FORMAT);
    g_assert_cmpstr (error->message, ==, "A quote opened in row 3 is never closed: the file is not valid CSV");
    fw_import_result_clear (&result);
  }
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

/* KU-MWQ, 30 cm (CC BY 4.0, tests/data/README.md): 9,623 rows a minute
 * apart, two of them out of order, local time UTC+6. Every row and value
 * is good; the out-of-order rows are not duplicates. */
static void
test_ku_mwq (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "kumwq_30cm.csv", NULL);
  g_autofree char *text = read_file (path);
  g_autoptr(FwImportMapping) map = mapping ("%Y-%m-%d %H:%M:%S", "+06:00");
  g_autoptr(GError) error = NULL;
  FwImportResult result;
  GArray *temperature;

  fw_import_mapping_add (map, "Temperature", FW_PARAMETER_TEMPERATURE, 1);
  fw_import_mapping_add (map, "pH", FW_PARAMETER_PH, 1);
  fw_import_mapping_add (map, "Turbidity", FW_PARAMETER_TURBIDITY, 1);

  g_assert_true (fw_import_csv (text, strlen (text), map, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.rows, ==, 9623);
  g_assert_cmpuint (result.rows_imported, ==, 9623);
  g_assert_cmpuint (result.rows_bad_time + result.rows_duplicate_time + result.rows_no_value, ==, 0);
  g_assert_cmpuint (result.values_imported, ==, 3 * 9623);

  temperature = g_array_index (result.readings, GArray *, 0);
  g_assert_cmpint (g_array_index (temperature, FwReading, 0).time, ==, 1579082435);
  g_assert_cmpfloat (g_array_index (temperature, FwReading, 0).value, ==, 20.99);
  fw_import_result_clear (&result);
}

/* IoTPond 10 (no stated licence: read from ../shared/data, never copied):
 * half the rows carry a day-first date without a time, repeating earlier
 * readings; the probes read −127 °C, pH 15.45, negative turbidity and an
 * ammonia of inf. With the file's own time format the date-only rows are
 * refused for their time; with the day-first format, all but one row a
 * day are duplicates. Counts checked against an independent reading of
 * the file. */
static void
test_iotpond (void)
{
  const char *dir = g_getenv ("FW_SHARED_DATA");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GTimeZone) lagos = g_time_zone_new_identifier ("+01:00");
  const char *formats[] = { "%Y-%m-%d %H:%M:%S", "%d/%m/%Y" };
  const guint imported[] = { 310, 5 }, bad_time[] = { 310, 310 }, duplicate[] = { 0, 305 };
  const guint values[] = { 1328, 21 }, implausible[] = { 222, 4 };

  if (dir != NULL)
    path = g_build_filename (dir, "iotpond", "IoTPond10.csv", NULL);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("IoTPond10.csv is not in ../shared/data/iotpond: it is never copied into the project");
      return;
    }
  text = read_file (path);

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autoptr(FwImportMapping) map = fw_import_mapping_new ("created_at", formats[f], lagos);
      g_autoptr(GError) error = NULL;
      FwImportResult result;

      fw_import_mapping_add (map, "Temperature (C)", FW_PARAMETER_TEMPERATURE, 1);
      fw_import_mapping_add (map, "Turbidity(NTU)", FW_PARAMETER_TURBIDITY, 1);
      fw_import_mapping_add (map, "Dissolved Oxygen(g/ml)", FW_PARAMETER_DISSOLVED_OXYGEN, 1);
      fw_import_mapping_add (map, "PH", FW_PARAMETER_PH, 1);
      fw_import_mapping_add (map, "Ammonia(g/ml)", FW_PARAMETER_TOTAL_AMMONIA, 1);

      g_assert_true (fw_import_csv (text, strlen (text), map, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (result.rows, ==, 620);
      g_assert_cmpuint (result.rows_imported, ==, imported[f]);
      g_assert_cmpuint (result.rows_bad_time, ==, bad_time[f]);
      g_assert_cmpuint (result.rows_duplicate_time, ==, duplicate[f]);
      g_assert_cmpuint (result.values_imported, ==, values[f]);
      g_assert_cmpuint (result.values_out_of_range, ==, implausible[f]);
      fw_import_result_clear (&result);
    }
}

/* fishwatch-cli import: the report, then the readings in the unit's
 * sensors; a column with no sensor to take it saves nothing. */
static void
test_cli_import (void)
{
  const char *cli = g_getenv ("FISHWATCH_CLI");
  g_autofree char *dir = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "kumwq_30cm.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(FwCache) cache = NULL;
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GPtrArray) sensors = NULL;
  g_autoptr(GError) error = NULL;
  FwTime start = 1579082435, end = 1600000000;   /* the file: 15 to 22 January 2020 */
  gint64 before = -1;
  int status;

  if (cli == NULL)
    {
      g_test_skip ("FISHWATCH_CLI is not set");
      return;
    }

  dir = fw_test_make_tmpdir ();
  cache_path = g_build_filename (dir, "cache.sqlite", NULL);
  cache = fw_cache_open (cache_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fw_demo_populate (cache, 1800000000, 1, NULL, NULL, NULL, &error));
  before = fw_cache_count_readings (cache, NULL);
  g_clear_object (&cache);

  {
    const char *argv[] = { cli, "--cache", cache_path, "import", csv, "time=Date", "zone=+06:00",
                           "unit=Tank A1", "Temperature=temperature", "pH=ph", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "rows imported: 9623\n"));
    g_assert_nonnull (strstr (out, "readings saved: 19246\n"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  {
    const char *argv[] = { cli, "--cache", cache_path, "import", csv, "time=Date", "zone=+06:00",
                           "unit=Tank A1", "Turbidity=turbidity", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
    g_assert_nonnull (strstr (err, "Tank A1: The unit has no Turbidity sensor for column “Turbidity”"));
  }

  cache = fw_cache_open (cache_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fw_cache_count_readings (cache, NULL), ==, before + 19246);

  farms = fw_cache_list_farms (cache, &error);
  units = fw_cache_list_units (cache, fw_record_get_id (g_ptr_array_index (farms, 0)), 0, &error);
  for (guint u = 0; u < units->len; u++)
    if (g_str_equal (fw_unit_get_name (g_ptr_array_index (units, u)), "Tank A1"))
      sensors = fw_cache_list_sensors (cache, fw_record_get_id (g_ptr_array_index (units, u)), 0, &error);
  g_assert_nonnull (sensors);
  for (guint s = 0; s < sensors->len; s++)
    if (fw_sensor_get_parameter (g_ptr_array_index (sensors, s)) == FW_PARAMETER_TEMPERATURE)
      {
        g_autoptr(GArray) readings = fw_cache_get_readings (cache, fw_record_get_id (g_ptr_array_index (sensors, s)),
                                                            start, end, &error);

        g_assert_cmpuint (readings->len, ==, 9623);
      }

  g_clear_object (&cache);
  fw_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

  g_test_add_func ("/import/parse-time", test_parse_time);
  g_test_add_func ("/import/small-file", test_small_file);
  g_test_add_func ("/import/errors", test_errors);
  g_test_add_func ("/import/ku-mwq", test_ku_mwq);
  g_test_add_func ("/import/iotpond", test_iotpond);
  g_test_add_func ("/import/cli", test_cli_import);

  return g_test_run ();
}
