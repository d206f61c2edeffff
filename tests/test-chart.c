/* test-chart.c — the chart's axes and series, without a display
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fw-core.h"
#include "fw-test-util.h"

static FwTime
local (GTimeZone *tz,
       int        year,
       int        month,
       int        day,
       int        hour,
       int        minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new (tz, year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

static const FwTimeTick *
tick (GArray *ticks,
      guint   i)
{
  g_assert_cmpuint (i, <, ticks->len);
  return &g_array_index (ticks, FwTimeTick, i);
}

/* Budapest springs forward at 02:00 on 29 March 2026: the hour 02:00 does
 * not exist, and 01:00 and 03:00 are one real hour apart. */
static void
test_time_ticks_spring_forward (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Budapest");
  FwTime from = local (tz, 2026, 3, 29, 0, 0);
  FwTime to = local (tz, 2026, 3, 29, 6, 0);
  g_autoptr(GArray) ticks = NULL;

  g_assert_nonnull (tz);
  g_assert_cmpint (to - from, ==, 5 * 3600);

  ticks = fw_time_axis_get_ticks (from, to, tz, 8);
  g_assert_cmpuint (ticks->len, ==, 6);
  g_assert_true (tick (ticks, 0)->major);
  g_assert_cmpstr (tick (ticks, 0)->label, ==, "29 Mar");
  g_assert_cmpstr (tick (ticks, 1)->label, ==, "01:00");
  g_assert_cmpstr (tick (ticks, 2)->label, ==, "03:00");
  g_assert_cmpint (tick (ticks, 2)->time - tick (ticks, 1)->time, ==, 3600);
  g_assert_cmpstr (tick (ticks, 5)->label, ==, "06:00");
  for (guint i = 1; i < ticks->len; i++)
    g_assert_false (tick (ticks, i)->major);
}

/* …and falls back at 03:00 on 25 October 2026: 02:00 comes twice, so
 * six local hours hold seven ticks an hour apart. */
static void
test_time_ticks_fall_back (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Budapest");
  FwTime from = local (tz, 2026, 10, 25, 0, 0);
  FwTime to = from + 6 * 3600;
  g_autoptr(GArray) ticks = fw_time_axis_get_ticks (from, to, tz, 8);
  guint twos = 0;

  g_assert_cmpuint (ticks->len, ==, 7);
  for (guint i = 0; i < ticks->len; i++)
    {
      g_assert_cmpint (tick (ticks, i)->time, ==, from + i * 3600);
      twos += g_strcmp0 (tick (ticks, i)->label, "02:00") == 0;
    }
  g_assert_cmpuint (twos, ==, 2);
  g_assert_cmpstr (tick (ticks, 6)->label, ==, "05:00");
}

/* Day ticks fall on local midnights: the day of the change is 25 hours. */
static void
test_time_ticks_days_across_dst (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Budapest");
  FwTime from = local (tz, 2026, 10, 22, 12, 0);
  FwTime to = local (tz, 2026, 10, 28, 12, 0);
  g_autoptr(GArray) ticks = fw_time_axis_get_ticks (from, to, tz, 8);

  g_assert_cmpuint (ticks->len, ==, 6);
  g_assert_cmpstr (tick (ticks, 0)->label, ==, "23 Oct");
  g_assert_cmpint (tick (ticks, 0)->time, ==, local (tz, 2026, 10, 23, 0, 0));
  g_assert_cmpint (tick (ticks, 3)->time - tick (ticks, 2)->time, ==, 25 * 3600);
  g_assert_cmpint (tick (ticks, 4)->time - tick (ticks, 3)->time, ==, 24 * 3600);
  g_assert_cmpstr (tick (ticks, 5)->label, ==, "28 Oct");
}

/* Months start on the first; the year shows where January would. */
static void
test_time_ticks_months_and_years (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
  FwTime from = local (tz, 2025, 10, 20, 0, 0);
  FwTime to = local (tz, 2026, 3, 10, 0, 0);
  g_autoptr(GArray) ticks = fw_time_axis_get_ticks (from, to, tz, 8);
  g_autoptr(GArray) years = NULL;
  g_autoptr(GArray) decades = NULL;

  g_assert_cmpuint (ticks->len, ==, 5);
  g_assert_cmpstr (tick (ticks, 0)->label, ==, "Nov");
  g_assert_cmpint (tick (ticks, 0)->time, ==, local (tz, 2025, 11, 1, 0, 0));
  g_assert_cmpstr (tick (ticks, 2)->label, ==, "2026");
  g_assert_true (tick (ticks, 2)->major);
  g_assert_cmpint (tick (ticks, 2)->time, ==, local (tz, 2026, 1, 1, 0, 0));
  g_assert_cmpstr (tick (ticks, 4)->label, ==, "Mar");

  years = fw_time_axis_get_ticks (local (tz, 2019, 6, 1, 0, 0), local (tz, 2026, 6, 1, 0, 0), tz, 8);
  g_assert_cmpuint (years->len, ==, 7);
  g_assert_cmpstr (tick (years, 0)->label, ==, "2020");

  decades = fw_time_axis_get_ticks (local (tz, 1990, 1, 1, 0, 0), local (tz, 2030, 1, 2, 0, 0), tz, 6);
  g_assert_cmpuint (decades->len, ==, 5);
  g_assert_cmpstr (tick (decades, 0)->label, ==, "1990");
  g_assert_cmpstr (tick (decades, 4)->label, ==, "2030");
}

/* Minutes, and a zone half an hour off: ticks on local whole hours. */
static void
test_time_ticks_minutes_and_offsets (void)
{
  g_autoptr(GTimeZone) kolkata = g_time_zone_new_identifier ("Asia/Kolkata");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  FwTime from = local (kolkata, 2026, 5, 1, 9, 7);
  g_autoptr(GArray) minutes = fw_time_axis_get_ticks (from, from + 1800, kolkata, 8);
  g_autoptr(GArray) hours = fw_time_axis_get_ticks (from, from + 6 * 3600, kolkata, 8);
  g_autoptr(GArray) none = fw_time_axis_get_ticks (from, from, utc, 8);

  g_assert_cmpuint (minutes->len, ==, 6);
  g_assert_cmpstr (tick (minutes, 0)->label, ==, "09:10");
  g_assert_cmpstr (tick (minutes, 5)->label, ==, "09:35");

  g_assert_cmpuint (hours->len, ==, 6);
  g_assert_cmpstr (tick (hours, 0)->label, ==, "10:00");
  g_assert_cmpint ((tick (hours, 0)->time + 1800) % 3600, ==, 0);

  g_assert_cmpuint (none->len, ==, 0);
}

static void
assert_value_ticks (double        min,
                    double        max,
                    guint         max_ticks,
                    FwValueTicks *ticks)
{
  guint count;

  fw_value_axis_get_ticks (min, max, max_ticks, ticks);
  count = fw_value_ticks_get_count (ticks);

  g_assert_true (isfinite (ticks->step) && ticks->step > 0);
  g_assert_cmpfloat (ticks->first, <=, MIN (min, max));
  g_assert_cmpfloat (ticks->last, >=, MAX (min, max));
  g_assert_cmpuint (count, >=, 2);
  g_assert_cmpuint (count, <=, MAX (max_ticks, 2));

  /* Every label differs from its neighbours. */
  for (guint i = 1; i < count; i++)
    {
      g_autofree char *a = fw_value_ticks_format (ticks, fw_value_ticks_get_value (ticks, i - 1));
      g_autofree char *b = fw_value_ticks_format (ticks, fw_value_ticks_get_value (ticks, i));

      g_assert_cmpstr (a, !=, b);
    }
}

static void
test_value_ticks (void)
{
  FwValueTicks ticks;
  g_autofree char *label = NULL;

  /* Dissolved oxygen over a day. */
  assert_value_ticks (4.13, 9.87, 6, &ticks);
  g_assert_cmpfloat (ticks.step, ==, 2);
  g_assert_cmpfloat (ticks.first, ==, 4);
  g_assert_cmpfloat (ticks.last, ==, 10);

  /* Tiny: a pH probe stuck but for its last digit. */
  assert_value_ticks (7.0000001, 7.0000003, 5, &ticks);
  g_assert_cmpfloat (ticks.step, <, 1e-7);

  /* Huge, and far below zero. */
  assert_value_ticks (0, 3e12, 6, &ticks);
  label = fw_value_ticks_format (&ticks, 1e12);
  g_assert_cmpstr (label, ==, "1e+12");
  assert_value_ticks (-1e300, 1e300, 5, &ticks);
  /* Beyond that the axis stays finite rather than enclosing it all. */
  fw_value_axis_get_ticks (-DBL_MAX, DBL_MAX, 5, &ticks);
  g_assert_true (isfinite (ticks.first) && isfinite (ticks.last) && ticks.step > 0);
  g_assert_cmpuint (fw_value_ticks_get_count (&ticks), <=, 5);

  /* A constant series gets a range around its value; zero too. */
  assert_value_ticks (28.5, 28.5, 5, &ticks);
  g_assert_cmpfloat (ticks.last - ticks.first, <, 10);
  assert_value_ticks (0, 0, 5, &ticks);
  g_assert_cmpfloat (ticks.first, ==, -1);
  g_assert_cmpfloat (ticks.last, ==, 1);

  /* The axis crosses zero cleanly. */
  assert_value_ticks (-0.3, 0.7, 6, &ticks);
  g_clear_pointer (&label, g_free);
  for (guint i = 0; i < fw_value_ticks_get_count (&ticks); i++)
    if (fw_value_ticks_get_value (&ticks, i) == 0)
      label = fw_value_ticks_format (&ticks, 0);
  g_assert_cmpfloat (ticks.step, ==, 0.25);
  g_assert_cmpstr (label, ==, "0.00");

  /* Nothing to show, or reversed. */
  fw_value_axis_get_ticks (NAN, NAN, 5, &ticks);
  g_assert_cmpfloat (ticks.first, ==, 0);
  g_assert_cmpfloat (ticks.last, ==, 1);
  assert_value_ticks (10, 2, 5, &ticks);
}

static FwChartSeries *
series_with_readings (const FwReading *readings,
                      guint            n,
                      guint            interval)
{
  FwChartSeries *series = fw_chart_series_new (1, FW_PARAMETER_DISSOLVED_OXYGEN, "Pond 1", interval);
  g_autofree FwBucket *buckets = g_new (FwBucket, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    buckets[i] = (FwBucket) { readings[i].time, readings[i].value, readings[i].value, readings[i].value, 1 };
  fw_chart_series_add_buckets (series, FW_SPAN_RAW, 0, G_MAXINT32, G_MAXINT32, buckets, n);

  return series;
}

/* Random readings with rare one-reading spikes, drawn on fewer pixels
 * than readings: every reading lies inside its column's envelope, every
 * spike is some column's extreme, and nothing is counted twice. */
static void
test_decimation_keeps_extremes (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  const guint n = 100000;
  const FwTime start = 1700000000;
  g_autofree FwReading *readings = g_new (FwReading, n);
  g_autoptr(FwChartSeries) series = NULL;
  FwChartColumn columns[487];
  gint64 counted = 0;
  guint spikes = 0;

  for (guint i = 0; i < n; i++)
    {
      double v = 6 + g_rand_double_range (rand, -1, 1);

      if (g_rand_int_range (rand, 0, 5000) == 0)
        v = g_rand_boolean (rand) ? 0.5 : 19.5, spikes++;
      readings[i] = (FwReading) { start + 60 * i, v };
    }
  g_assert_cmpuint (spikes, >, 5);

  series = series_with_readings (readings, n, 60);
  g_assert_cmpuint (fw_chart_series_decimate (series, start, start + 60 * n, columns, G_N_ELEMENTS (columns)),
                    ==, G_N_ELEMENTS (columns));

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      g_assert_cmpint (columns[c].count, >, 0);
      g_assert_true (c == 0 || columns[c].joined);
      counted += columns[c].count;
    }
  g_assert_cmpint (counted, ==, n);

  for (guint i = 0; i < n; i++)
    {
      guint c = (guint) ((double) (readings[i].time - start) * G_N_ELEMENTS (columns) / (60.0 * n));
      FwChartColumn *column = &columns[c];

      g_assert_cmpint (readings[i].time, >=, column->first);
      g_assert_cmpint (readings[i].time, <=, column->last);
      g_assert_cmpfloat (column->min, <=, readings[i].value);
      g_assert_cmpfloat (column->max, >=, readings[i].value);
      if (readings[i].value == 0.5)
        g_assert_cmpfloat (column->min, ==, 0.5);
      if (readings[i].value == 19.5)
        g_assert_cmpfloat (column->max, ==, 19.5);
    }
}

/* Hourly summaries keep the extremes the hours had, and a missing hour
 * is a gap in the line. */
static void
test_decimation_of_summaries (void)
{
  g_autoptr(FwChartSeries) series = fw_chart_series_new (1, FW_PARAMETER_TEMPERATURE, "Tank 2", 60);
  FwBucket hours[48];
  FwChartColumn columns[24];
  guint n = 0;

  for (guint h = 0; h < 48; h++)
    if (h != 30 && h != 31)
      hours[n++] = (FwBucket) { h * 3600, 20 - h * 0.1, 30 + h * 0.1, 60 * 25.0, 60 };

  fw_chart_series_add_buckets (series, FW_SPAN_HOUR, 0, 48 * 3600, 48 * 3600, hours, n);
  g_assert_cmpuint (fw_chart_series_decimate (series, 0, 48 * 3600, columns, 24), ==, 23);

  /* Two hours per column; hours 30 and 31 fill column 15 alone. */
  g_assert_cmpint (columns[0].count, ==, 120);
  g_assert_cmpfloat (columns[0].min, ==, 20 - 0.1);
  g_assert_cmpfloat (columns[0].max, ==, 30 + 0.1);
  g_assert_cmpfloat (columns[0].sum / columns[0].count, ==, 25);
  g_assert_cmpint (columns[15].count, ==, 0);
  g_assert_false (columns[16].joined);
  g_assert_true (columns[14].joined);
  g_assert_true (columns[17].joined);
}

/* A sensor silent for two hours: the line stops and starts again. */
static void
test_gaps (void)
{
  FwReading readings[200];
  g_autoptr(FwChartSeries) series = NULL;
  FwChartColumn columns[400];
  guint n = 0;
  guint breaks = 0;

  for (guint i = 0; i < 100; i++)
    readings[n++] = (FwReading) { 60 * i, 5 };
  for (guint i = 0; i < 100; i++)
    readings[n++] = (FwReading) { 60 * 100 + 7200 + 60 * i, 6 };

  series = series_with_readings (readings, n, 60);
  g_assert_cmpint (fw_chart_series_get_gap (series), ==, 180);
  fw_chart_series_decimate (series, 0, 60 * 200 + 7200, columns, G_N_ELEMENTS (columns));

  for (guint c = 0, seen = 0; c < G_N_ELEMENTS (columns); c++)
    {
      if (columns[c].count == 0)
        continue;
      if (seen++ > 0 && !columns[c].joined)
        {
          breaks++;
          g_assert_cmpint (columns[c].first, ==, 60 * 100 + 7200);
        }
    }
  g_assert_cmpuint (breaks, ==, 1);
}

/* Panning reads only the strip that comes into view; a new resolution
 * reads everything again; fresh readings are read again from where the
 * sync says they may be. */
static void
test_plan_load (void)
{
  g_autoptr(FwChartSeries) series = fw_chart_series_new (1, FW_PARAMETER_PH, "Pond 1", 60);
  const FwTime day = 86400;
  const FwTime now = 100 * day;
  FwTime from, to;
  FwBucket one = { 0, 7, 7, 7, 1 };

  /* First: the view and half a width either side, up to now. */
  g_assert_true (fw_chart_series_plan_load (series, 50 * day, 60 * day, FW_SPAN_RAW, now, &from, &to));
  g_assert_cmpint (from, ==, 45 * day);
  g_assert_cmpint (to, ==, 65 * day);
  one.time = 55 * day;
  fw_chart_series_add_buckets (series, FW_SPAN_RAW, from, to, now, &one, 1);

  /* A small pan needs nothing. */
  g_assert_false (fw_chart_series_plan_load (series, 51 * day, 61 * day, FW_SPAN_RAW, now, &from, &to));

  /* A longer one reads the strip past the held range, and some more. */
  g_assert_true (fw_chart_series_plan_load (series, 58 * day, 68 * day, FW_SPAN_RAW, now, &from, &to));
  g_assert_cmpint (from, ==, 65 * day);
  g_assert_cmpint (to, ==, 73 * day);
  one.time = 70 * day;
  fw_chart_series_add_buckets (series, FW_SPAN_RAW, from, to, now, &one, 1);
  g_assert_false (fw_chart_series_plan_load (series, 60 * day, 70 * day, FW_SPAN_RAW, now, &from, &to));

  /* Backwards too. */
  g_assert_true (fw_chart_series_plan_load (series, 40 * day, 50 * day, FW_SPAN_RAW, now, &from, &to));
  g_assert_cmpint (from, ==, 35 * day);
  g_assert_cmpint (to, ==, 45 * day);

  /* Zooming out to hours reads it all again. */
  g_assert_true (fw_chart_series_plan_load (series, 0, 100 * day, FW_SPAN_HOUR, now, &from, &to));
  g_assert_cmpint (from, ==, -50 * day);
  g_assert_cmpint (to, ==, now + 3600);

  /* The hour under way is read again each time; the rest is held. */
  fw_chart_series_add_buckets (series, FW_SPAN_HOUR, from, to, now, &one, 1);
  g_assert_true (fw_chart_series_plan_load (series, 0, 100 * day, FW_SPAN_HOUR, now, &from, &to));
  g_assert_cmpint (from, ==, now);
  g_assert_cmpint (to, ==, now + 3600);

  /* New readings: the stretch after the sync's mark is read again, from
   * the start of the hour that holds the mark. */
  fw_chart_series_invalidate_after (series, now - 3600 + 1234);
  g_assert_true (fw_chart_series_plan_load (series, 0, 100 * day, FW_SPAN_HOUR, now + 600, &from, &to));
  g_assert_cmpint (from, ==, now - 3600);
}

/* What was read replaces what was held in its range, and the rest stays. */
static void
test_add_buckets_merges (void)
{
  g_autoptr(FwChartSeries) series = fw_chart_series_new (1, FW_PARAMETER_PH, "Pond 1", 60);
  FwBucket first[] = { { 10, 1, 1, 1, 1 }, { 20, 2, 2, 2, 1 }, { 30, 3, 3, 3, 1 } };
  FwBucket second[] = { { 30, 9, 9, 9, 1 }, { 40, 4, 4, 4, 1 } };
  const FwBucket *held;
  guint n, generation;
  FwTime from, to;

  fw_chart_series_plan_load (series, 10, 40, FW_SPAN_RAW, 1000, &from, &to);
  fw_chart_series_add_buckets (series, FW_SPAN_RAW, 0, 35, 1000, first, 3);
  generation = fw_chart_series_get_generation (series);
  fw_chart_series_add_buckets (series, FW_SPAN_RAW, 30, 50, 1000, second, 2);
  g_assert_cmpuint (fw_chart_series_get_generation (series), >, generation);

  held = fw_chart_series_get_buckets (series, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (held[2].time, ==, 30);
  g_assert_cmpfloat (held[2].max, ==, 9);
  g_assert_cmpint (held[3].time, ==, 40);
}

static void
test_summary (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Budapest");
  FwTime start = local (tz, 2026, 7, 14, 0, 0);
  FwReading readings[] = {
    { start, 4.0 },
    { start + 3600, 3.5 },
    { start + 5 * 3600, 3.2 },
    { start + 6 * 3600, 4.0 },
    { start + 14 * 3600, 11.4 },
    { start + 23 * 3600, 9.0 },
  };
  g_autoptr(FwChartSeries) series = series_with_readings (readings, G_N_ELEMENTS (readings), 3600);
  g_autofree char *text = NULL;
  g_autofree char *empty = NULL;
  FwChartSummary summary;

  fw_chart_series_summarize (series, start, start + 86400, &summary);
  g_assert_cmpint (summary.count, ==, 6);
  g_assert_cmpfloat (summary.min, ==, 3.2);
  g_assert_cmpint (summary.min_time, ==, start + 5 * 3600);
  g_assert_cmpfloat (summary.max, ==, 11.4);
  g_assert_cmpfloat (summary.latest, ==, 9.0);
  g_assert_cmpint (summary.trend, ==, FW_TREND_RISING);

  text = fw_chart_series_describe (series, start, start + 86400, tz);
  g_assert_nonnull (strstr (text, "Pond 1"));
  g_assert_nonnull (strstr (text, "lowest 3.2 mg/L on Tue 14 Jul 2026, 05:00"));
  g_assert_nonnull (strstr (text, "highest 11.4 mg/L"));
  g_assert_nonnull (strstr (text, "latest 9.0 mg/L"));
  g_assert_nonnull (strstr (text, "Rising."));

  empty = fw_chart_series_describe (series, start - 86400, start, tz);
  g_assert_nonnull (strstr (empty, "no readings"));
}

static void
count_changes (guint *changes)
{
  (*changes)++;
}

/* Zoom keeps the anchor in place; pan moves by spans; the range never
 * shrinks below ten minutes nor runs far past the present, and a range
 * showing the present follows it. */
static void
test_time_range (void)
{
  const FwTime now = 1800000000;
  g_autoptr(FwTimeRange) range = fw_time_range_new (now - 86400, now, now);
  guint changes = 0;

  g_signal_connect_swapped (range, "changed", G_CALLBACK (count_changes), &changes);

  fw_time_range_zoom (range, 0.5, now - 86400);
  g_assert_cmpint (fw_time_range_get_from (range), ==, now - 86400);
  g_assert_cmpint (fw_time_range_get_to (range), ==, now - 43200);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_false (fw_time_range_follows_now (range));

  fw_time_range_pan (range, -1);
  g_assert_cmpint (fw_time_range_get_from (range), ==, now - 86400 - 43200);
  g_assert_cmpint (fw_time_range_get_span (range), ==, 43200);

  /* Past the present: held back at a fortieth of the span. */
  fw_time_range_pan (range, 10);
  g_assert_cmpint (fw_time_range_get_to (range), ==, now + 43200 / 40);
  g_assert_cmpint (fw_time_range_get_span (range), ==, 43200);
  g_assert_true (fw_time_range_follows_now (range));

  /* Following: the range slides with the present. */
  fw_time_range_set_now (range, now + 600);
  g_assert_cmpint (fw_time_range_get_to (range), ==, now + 600 + 43200 / 40);

  /* Ten minutes at the least, whichever way round. */
  changes = 0;
  fw_time_range_set (range, now - 60, now - 120);
  g_assert_cmpint (fw_time_range_get_span (range), ==, FW_TIME_RANGE_MIN_SPAN);
  g_assert_cmpuint (changes, ==, 1);
  fw_time_range_set (range, fw_time_range_get_from (range), fw_time_range_get_to (range));
  g_assert_cmpuint (changes, ==, 1);

  fw_time_range_show_last (range, 7 * 86400);
  g_assert_cmpint (fw_time_range_get_span (range), ==, 7 * 86400);
  g_assert_true (fw_time_range_follows_now (range));
}

/* The CSV of what a chart shows: ISO times in the farm's zone, a decimal
 * point, quotes where a name needs them. */
static void
test_csv (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
  g_autoptr(FwChartSeries) series = fw_chart_series_new (1, FW_PARAMETER_TEMPERATURE, "Pond \"A\", north", 60);
  FwBucket hours[] = {
    { 1767225600, 27.25, 28.75, 60 * 28.0, 60 },
    { 1767229200, 26.5, 27.5, 30 * 27.0, 30 },
  };
  g_autoptr(GString) csv = g_string_new (fw_chart_csv_get_header ());

  fw_chart_series_add_buckets (series, FW_SPAN_HOUR, 1767225600, 1767232800, 1800000000, hours, 2);
  fw_chart_series_append_csv (series, 1767225600, 1767232800, tz, csv);

  g_assert_cmpstr (csv->str, ==,
                   "time,series,parameter,unit,mean,min,max,readings\r\n"
                   "2026-01-01T07:00:00+07,\"Pond \"\"A\"\", north\",temperature,°C,28.000,27.250,28.750,60\r\n"
                   "2026-01-01T08:00:00+07,\"Pond \"\"A\"\", north\",temperature,°C,27.000,26.500,27.500,30\r\n");
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

  g_test_add_func ("/chart/time-ticks/spring-forward", test_time_ticks_spring_forward);
  g_test_add_func ("/chart/time-ticks/fall-back", test_time_ticks_fall_back);
  g_test_add_func ("/chart/time-ticks/days-across-dst", test_time_ticks_days_across_dst);
  g_test_add_func ("/chart/time-ticks/months-and-years", test_time_ticks_months_and_years);
  g_test_add_func ("/chart/time-ticks/minutes-and-offsets", test_time_ticks_minutes_and_offsets);
  g_test_add_func ("/chart/value-ticks", test_value_ticks);
  g_test_add_func ("/chart/decimation/keeps-extremes", test_decimation_keeps_extremes);
  g_test_add_func ("/chart/decimation/summaries", test_decimation_of_summaries);
  g_test_add_func ("/chart/gaps", test_gaps);
  g_test_add_func ("/chart/plan-load", test_plan_load);
  g_test_add_func ("/chart/add-buckets-merges", test_add_buckets_merges);
  g_test_add_func ("/chart/summary", test_summary);
  g_test_add_func ("/chart/time-range", test_time_range);
  g_test_add_func ("/chart/csv", test_csv);

  return g_test_run ();
}
