/* test-model.c — records, parameters, trends and the words on a tile
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fw-core.h"
#include "fw-test-util.h"

static void
test_record_lifecycle (void)
{
  FwFarm *farm = fw_farm_new ("Farm", "Asia/Dhaka");
  FwSite *site = fw_site_new (fw_record_get_uuid (FW_RECORD (farm)), "Site");
  FwSensor *sensor = fw_sensor_new ("0b8c6d1e-1111-4111-8111-111111111111", FW_PARAMETER_PH, 60);
  FwUnit *unit = g_object_new (FW_TYPE_UNIT, "name", "Pond", "kind", FW_UNIT_KIND_CAGE, NULL);
  FwRecord *records[] = { FW_RECORD (farm), FW_RECORD (site), FW_RECORD (unit), FW_RECORD (sensor) };

  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      /* A new record has its own uuid, no local id and no server revision. */
      g_assert_true (g_uuid_string_is_valid (fw_record_get_uuid (records[i])));
      g_assert_cmpint (fw_record_get_id (records[i]), ==, 0);
      g_assert_cmpint (fw_record_get_revision (records[i]), ==, 0);
      g_assert_cmpint (fw_record_get_created_at (records[i]), >, 0);
      g_assert_cmpint (fw_record_get_updated_at (records[i]), ==, fw_record_get_created_at (records[i]));
      g_assert_false (fw_record_get_deleted (records[i]));
    }

  g_assert_cmpstr (fw_record_get_uuid (records[0]), !=, fw_record_get_uuid (records[1]));
  g_assert_cmpstr (fw_farm_get_timezone (farm), ==, "Asia/Dhaka");
  g_assert_cmpint (fw_unit_get_kind (unit), ==, FW_UNIT_KIND_CAGE);
  g_assert_cmpint (fw_unit_get_status (unit), ==, FW_STATUS_NO_DATA);
  g_assert_cmpstr (fw_sensor_get_unit_of_measure (sensor), ==, "");
  g_assert_cmpuint (fw_sensor_get_interval (sensor), ==, 60);

  g_assert_finalize_object (farm);
  g_assert_finalize_object (site);
  g_assert_finalize_object (unit);
  g_assert_finalize_object (sensor);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_record_notify_only_on_change (void)
{
  FwSensor *sensor = fw_sensor_new ("0b8c6d1e-1111-4111-8111-111111111111", FW_PARAMETER_DISSOLVED_OXYGEN, 300);
  guint notified = 0;

  g_signal_connect (sensor, "notify::latest-value", G_CALLBACK (count_notify_cb), &notified);
  g_signal_connect (sensor, "notify::revision", G_CALLBACK (count_notify_cb), &notified);

  fw_sensor_set_latest (sensor, 1000, 5.5, 0.0, 1000);
  g_assert_cmpuint (notified, ==, 1);
  fw_sensor_set_latest (sensor, 1000, 5.5, 0.0, 1000);
  g_assert_cmpuint (notified, ==, 1);
  fw_record_set_revision (FW_RECORD (sensor), 7);
  fw_record_set_revision (FW_RECORD (sensor), 7);
  g_assert_cmpuint (notified, ==, 2);

  g_assert_finalize_object (sensor);
}

static void
test_record_lists_match (void)
{
  g_autoptr(GListStore) store = g_list_store_new (FW_TYPE_RECORD);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(FwFarm) a = fw_farm_new ("A", NULL);
  g_autoptr(FwFarm) b = fw_farm_new ("B", NULL);
  FwFarm *a_again;

  g_list_store_append (store, a);
  g_list_store_append (store, b);

  /* The same records read again, as new objects. */
  a_again = g_object_new (FW_TYPE_FARM, "uuid", fw_record_get_uuid (FW_RECORD (a)),
                          "updated-at", fw_record_get_updated_at (FW_RECORD (a)),
                          "name", "A", NULL);
  g_ptr_array_add (fresh, a_again);
  g_assert_false (fw_record_lists_match (G_LIST_MODEL (store), fresh));   /* one missing */
  g_ptr_array_add (fresh, g_object_ref (b));
  g_assert_true (fw_record_lists_match (G_LIST_MODEL (store), fresh));

  /* An edit shows in updated_at; a new order is a different list. */
  fw_record_set_updated_at (FW_RECORD (a_again), fw_record_get_updated_at (FW_RECORD (a)) + 1);
  g_assert_false (fw_record_lists_match (G_LIST_MODEL (store), fresh));
  fw_record_set_updated_at (FW_RECORD (a_again), fw_record_get_updated_at (FW_RECORD (a)));
  g_ptr_array_remove_index (fresh, 0);
  g_ptr_array_add (fresh, g_object_ref (a));
  g_assert_false (fw_record_lists_match (G_LIST_MODEL (store), fresh));
}

static void
test_parameter_catalogue (void)
{
  for (guint i = 0; i < FW_N_PARAMETERS; i++)
    {
      const FwParameterInfo *info = fw_parameter_get_info (i);
      FwParameter back;

      g_assert_cmpint (info->parameter, ==, i);
      g_assert_true (fw_parameter_from_id (info->id, &back));
      g_assert_cmpint (back, ==, i);
      g_assert_cmpfloat (info->plausible_min, <, info->plausible_max);
      g_assert_cmpfloat (info->steady_per_hour, >, 0);
      /* Where limits exist, they nest: critical outside warning. */
      if (!isnan (info->critical_low))
        g_assert_cmpfloat (info->critical_low, <, info->warning_low);
      if (!isnan (info->critical_high))
        g_assert_cmpfloat (info->critical_high, >, info->warning_high);
    }

  g_assert_false (fw_parameter_from_id ("chlorophyll", NULL));
}

static void
test_parameter_classify (void)
{
  struct {
    FwParameter parameter;
    double      value;
    FwStatus    expected;
  } cases[] = {
    { FW_PARAMETER_DISSOLVED_OXYGEN, 7.0, FW_STATUS_OK },
    { FW_PARAMETER_DISSOLVED_OXYGEN, 5.0, FW_STATUS_OK },
    { FW_PARAMETER_DISSOLVED_OXYGEN, 4.99, FW_STATUS_WARNING },
    { FW_PARAMETER_DISSOLVED_OXYGEN, 2.9, FW_STATUS_CRITICAL },
    { FW_PARAMETER_DISSOLVED_OXYGEN, 25.0, FW_STATUS_OK },
    { FW_PARAMETER_PH, 7.5, FW_STATUS_OK },
    { FW_PARAMETER_PH, 9.2, FW_STATUS_WARNING },
    { FW_PARAMETER_PH, 5.5, FW_STATUS_CRITICAL },
    { FW_PARAMETER_TOTAL_AMMONIA, 0.4, FW_STATUS_OK },
    { FW_PARAMETER_TOTAL_AMMONIA, 2.5, FW_STATUS_CRITICAL },
    { FW_PARAMETER_TEMPERATURE, 40.0, FW_STATUS_OK },   /* no species-free limit */
    { FW_PARAMETER_PH, NAN, FW_STATUS_NO_DATA },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (fw_parameter_classify (cases[i].parameter, cases[i].value), ==, cases[i].expected);

  g_assert_cmpint (fw_status_worst (FW_STATUS_SILENT, FW_STATUS_WARNING), ==, FW_STATUS_WARNING);
  g_assert_cmpint (fw_status_worst (FW_STATUS_OK, FW_STATUS_SILENT), ==, FW_STATUS_SILENT);
}

static void
test_sensor_status_at (void)
{
  /* Silent after three missed intervals, not before. */
  g_assert_cmpint (fw_sensor_status_at (FW_PARAMETER_PH, 300, 1000, 7.0, 1900), ==, FW_STATUS_OK);
  g_assert_cmpint (fw_sensor_status_at (FW_PARAMETER_PH, 300, 1000, 7.0, 1901), ==, FW_STATUS_SILENT);
  g_assert_cmpint (fw_sensor_status_at (FW_PARAMETER_PH, 300, 1000, 5.0, 99999), ==, FW_STATUS_CRITICAL);
  g_assert_cmpint (fw_sensor_status_at (FW_PARAMETER_PH, 300, 0, 7.0, 1000), ==, FW_STATUS_NO_DATA);
}

static void
test_slope_and_trend (void)
{
  FwReading rising[] = { { 0, 5.0 }, { 1800, 5.5 }, { 3600, 6.0 } };
  FwReading flat[] = { { 0, 7.0 }, { 600, 7.01 }, { 1200, 6.99 } };
  FwReading one[] = { { 0, 7.0 } };
  FwReading same_time[] = { { 10, 7.0 }, { 10, 8.0 } };

  g_assert_cmpfloat_with_epsilon (fw_readings_slope_per_hour (rising, 3), 1.0, 1e-12);
  g_assert_cmpint (fw_trend_from_slope (FW_PARAMETER_DISSOLVED_OXYGEN, 1.0), ==, FW_TREND_RISING);
  g_assert_cmpint (fw_trend_from_slope (FW_PARAMETER_DISSOLVED_OXYGEN, -1.0), ==, FW_TREND_FALLING);
  g_assert_cmpint (fw_trend_from_slope (FW_PARAMETER_DISSOLVED_OXYGEN,
                                        fw_readings_slope_per_hour (flat, 3)), ==, FW_TREND_STEADY);
  g_assert_true (isnan (fw_readings_slope_per_hour (one, 1)));
  g_assert_true (isnan (fw_readings_slope_per_hour (same_time, 2)));
  g_assert_cmpint (fw_trend_from_slope (FW_PARAMETER_PH, NAN), ==, FW_TREND_UNKNOWN);
}

static void
test_format_value (void)
{
  struct {
    FwParameter parameter;
    double      value;
    const char *expected;
  } cases[] = {
    { FW_PARAMETER_DISSOLVED_OXYGEN, 6.44, "6.4 mg/L" },
    { FW_PARAMETER_TEMPERATURE, 27.25, "27.2 °C" },
    { FW_PARAMETER_PH, 7.855, "7.86" },
    { FW_PARAMETER_TOTAL_AMMONIA, -0.001, "0.00 mg/L" },
    { FW_PARAMETER_TURBIDITY, 12.4, "12 NTU" },
    { FW_PARAMETER_PH, NAN, "—" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = fw_format_value_with_unit (cases[i].parameter, cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_format_slope (void)
{
  g_autofree char *oxygen = fw_format_slope (FW_PARAMETER_DISSOLVED_OXYGEN, -0.42);
  g_autofree char *ph = fw_format_slope (FW_PARAMETER_PH, 0.05);
  g_autofree char *none = fw_format_slope (FW_PARAMETER_PH, NAN);

  g_autofree char *tiny = fw_format_slope (FW_PARAMETER_TEMPERATURE, -0.01);

  g_assert_cmpstr (oxygen, ==, "-0.4 mg/L per hour");
  g_assert_cmpstr (tiny, ==, "+0.0 °C per hour");
  g_assert_cmpstr (ph, ==, "+0.05 per hour");
  g_assert_cmpstr (none, ==, "No trend yet");
}

static void
test_format_area_volume (void)
{
  g_autofree char *pond = fw_format_area (40000);
  g_autofree char *tank = fw_format_area (12.6);
  g_autofree char *unknown = fw_format_area (0);
  g_autofree char *big = fw_format_volume (52000);
  g_autofree char *small = fw_format_volume (20);

  g_assert_cmpstr (pond, ==, "4.0 ha");
  g_assert_cmpstr (tank, ==, "12.6 m²");
  g_assert_cmpstr (unknown, ==, "Not recorded");
  g_assert_cmpstr (big, ==, "52000 m³");
  g_assert_cmpstr (small, ==, "20.0 m³");
}

static void
test_format_age (void)
{
  struct {
    FwTime      age;
    const char *expected;
  } cases[] = {
    { 0, "Just now" },
    { -30, "Just now" },
    { 59, "Just now" },
    { 60, "1 minute ago" },
    { 299, "4 minutes ago" },
    { 3600, "1 hour ago" },
    { 47 * 3600, "47 hours ago" },
    { 2 * 86400, "2 days ago" },
    { 400 * 86400, "400 days ago" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = fw_format_age (100000000 - cases[i].age, 100000000);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  {
    g_autofree char *never = fw_format_age (0, 1000000);

    g_assert_cmpstr (never, ==, "Never");
  }
}

/* Every kind the cache accepts has words for people; others have none. */
static void
test_logbook_kind_labels (void)
{
  const char *known[] = { "feeding", "mortality", "water_sample", "observation", "treatment",
                          "stocking", "weight_sample", "harvest", "transfer" };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      g_assert_true (fw_logbook_kind_is_valid (known[i]));
      g_assert_nonnull (fw_logbook_kind_get_label (known[i]));
      g_assert_cmpstr (fw_logbook_kind_get_label (known[i]), !=, known[i]);
    }

  g_assert_cmpstr (fw_logbook_kind_get_label ("water_sample"), ==, "Water sample");
  g_assert_null (fw_logbook_kind_get_label ("Feeding"));
  g_assert_null (fw_logbook_kind_get_label (""));
  g_assert_null (fw_logbook_kind_get_label (NULL));
  g_assert_false (fw_logbook_kind_is_valid ("spawning"));
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

  g_test_add_func ("/model/record-lifecycle", test_record_lifecycle);
  g_test_add_func ("/model/logbook-kind-labels", test_logbook_kind_labels);
  g_test_add_func ("/model/notify-only-on-change", test_record_notify_only_on_change);
  g_test_add_func ("/model/record-lists-match", test_record_lists_match);
  g_test_add_func ("/model/parameter-catalogue", test_parameter_catalogue);
  g_test_add_func ("/model/parameter-classify", test_parameter_classify);
  g_test_add_func ("/model/sensor-status-at", test_sensor_status_at);
  g_test_add_func ("/model/slope-and-trend", test_slope_and_trend);
  g_test_add_func ("/format/value", test_format_value);
  g_test_add_func ("/format/slope", test_format_slope);
  g_test_add_func ("/format/area-volume", test_format_area_volume);
  g_test_add_func ("/format/age", test_format_age);

  return g_test_run ();
}
