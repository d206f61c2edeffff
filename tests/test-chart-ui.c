/* test-chart-ui.c — the chart widget drawn on a real display (xvfb-run)
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "fw-app-util.h"
#include "fw-chart.h"
#include "fw-chart-export.h"
#include "fw-compare-page.h"
#include "fw-print-report.h"
#include "fw-range-bar.h"
#include "fw-unit-charts.h"
#include "fw-test-util.h"

#define START G_GINT64_CONSTANT (1784073600)   /* 2026-07-15 00:00 UTC */
#define WIDTH  640
#define HEIGHT 240

typedef struct
{
  guint8 r, g, b;
} Pixel;

static Pixel
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 argb;

  x = CLAMP (x, 0, cairo_image_surface_get_width (surface) - 1);
  y = CLAMP (y, 0, cairo_image_surface_get_height (surface) - 1);
  argb = *(guint32 *) (gpointer) (data + y * stride + 4 * x);

  return (Pixel) { (argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff };
}

/* The series' blue (GNOME blue 3) within a little antialiasing. */
static gboolean
is_line (Pixel p)
{
  return abs (p.r - 53) < 40 && abs (p.g - 132) < 40 && abs (p.b - 228) < 40;
}

static gboolean
column_has_line (cairo_surface_t *surface,
                 int              x)
{
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    if (is_line (pixel_at (surface, x, y)))
      return TRUE;
  return FALSE;
}

/* Six hours of dissolved oxygen each minute on a white page: 6 mg/L,
 * a sensor outage from 02:00 to 03:00, a single-reading dip to 2 mg/L at
 * 04:30. The PNG shows the line where there are readings, nothing in the
 * outage, the dip drawn although one reading among hundreds of pixels'
 * worth, and the critical band (below 3 mg/L) in red. */
static void
test_chart_renders_line_gap_and_band (void)
{
  g_autoptr(FwChartSeries) series = fw_chart_series_new (1, FW_PARAMETER_DISSOLVED_OXYGEN, "Pond 1", 60);
  g_autoptr(FwTimeRange) range = fw_time_range_new (START, START + 6 * 3600, START + 6 * 3600);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GArray) buckets = g_array_new (FALSE, FALSE, sizeof (FwBucket));
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *png = NULL;
  g_autofree char *dir = fw_test_make_tmpdir ();
  GtkWidget *chart = g_object_ref_sink (fw_chart_new ());
  cairo_surface_t *surface;
  graphene_point_t at, outage, dip, band, above;
  FwLimits limits;
  cairo_t *cr;
  Pixel p;

  for (FwTime t = START; t < START + 6 * 3600; t += 60)
    {
      double v = t == START + 4 * 3600 + 1800 ? 2.0 : 6.0;
      FwBucket bucket = { t, v, v, v, 1 };

      if (t >= START + 2 * 3600 && t < START + 3 * 3600)
        continue;
      g_array_append_val (buckets, bucket);
    }
  fw_chart_series_add_buckets (series, FW_SPAN_RAW, START, START + 6 * 3600, START + 6 * 3600,
                               (FwBucket *) (gpointer) buckets->data, buckets->len);

  fw_chart_set_range (FW_CHART (chart), range);
  fw_chart_set_timezone (FW_CHART (chart), utc);
  fw_chart_set_title (FW_CHART (chart), "Dissolved oxygen · mg/L");
  fw_parameter_get_limits (FW_PARAMETER_DISSOLVED_OXYGEN, &limits);
  fw_chart_set_limits (FW_CHART (chart), &limits);
  fw_chart_add_series (FW_CHART (chart), series);

  node = fw_chart_create_node (FW_CHART (chart), WIDTH, HEIGHT);
  g_assert_nonnull (node);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  png = g_build_filename (g_getenv ("FW_TEST_KEEP_PNG") ? g_getenv ("FW_TEST_KEEP_PNG") : dir,
                          "chart.png", NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);

  g_assert_true (fw_chart_get_point (FW_CHART (chart), START + 3600, 6.0, &at));
  g_assert_true (fw_chart_get_point (FW_CHART (chart), START + 2 * 3600 + 1800, 6.0, &outage));
  g_assert_true (fw_chart_get_point (FW_CHART (chart), START + 4 * 3600 + 1800, 2.0, &dip));
  g_assert_true (fw_chart_get_point (FW_CHART (chart), START + 5 * 3600, 2.5, &band));
  g_assert_true (fw_chart_get_point (FW_CHART (chart), START + 5 * 3600, 5.5, &above));

  /* The line at 6 mg/L an hour in. */
  g_assert_true (is_line (pixel_at (surface, (int) at.x, (int) at.y)));

  /* Nothing but the page (and bands) across the outage. */
  g_assert_false (column_has_line (surface, (int) outage.x));
  g_assert_false (column_has_line (surface, (int) outage.x - 5));
  g_assert_true (column_has_line (surface, (int) outage.x - 80));

  /* The one-minute dip reaches 2 mg/L. */
  g_assert_true (is_line (pixel_at (surface, (int) dip.x, (int) dip.y)) ||
                 is_line (pixel_at (surface, (int) dip.x + 1, (int) dip.y)) ||
                 is_line (pixel_at (surface, (int) dip.x - 1, (int) dip.y)));

  /* Below 3 mg/L the page is tinted red; between the limits it is not. */
  p = pixel_at (surface, (int) band.x, (int) band.y);
  g_assert_cmpint (p.r, >, p.g + 20);
  g_assert_cmpint (p.r, >, p.b + 20);
  p = pixel_at (surface, (int) above.x + 3, (int) above.y - 30);
  g_assert_cmpint (abs (p.r - p.b), <, 12);

  cairo_surface_destroy (surface);
  g_object_unref (chart);
  fw_test_remove_tree (dir);
}

/* The chart tells a screen reader what it shows, and zooms from the
 * keyboard. */
static void
test_chart_accessible_and_keyboard (void)
{
  g_autoptr(FwChartSeries) series = fw_chart_series_new (1, FW_PARAMETER_TEMPERATURE, "Tank 3", 60);
  g_autoptr(FwTimeRange) range = fw_time_range_new (START, START + 86400, START + 86400);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  FwBucket readings[] = { { START + 3600, 27.5, 27.5, 27.5, 1 }, { START + 7200, 29.0, 29.0, 29.0, 1 } };
  g_autofree char *description = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = fw_chart_new ();
  FwTime span;

  gtk_window_set_default_size (GTK_WINDOW (window), 600, 200);

  fw_chart_series_add_buckets (series, FW_SPAN_RAW, START, START + 86400, START + 86400, readings, 2);
  fw_chart_set_range (FW_CHART (chart), range);
  fw_chart_set_timezone (FW_CHART (chart), utc);
  fw_chart_add_series (FW_CHART (chart), series);

  description = fw_chart_dup_description (FW_CHART (chart));
  g_assert_nonnull (strstr (description, "lowest 27.5 °C"));
  g_assert_nonnull (strstr (description, "latest 29.0 °C"));

  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_grab_focus (chart);

  /* The actions the keys are bound to: + halves the span about the
   * middle, → moves a tenth on, End comes back to the present. */
  span = fw_time_range_get_span (range);
  g_assert_true (gtk_widget_activate_action (chart, "chart.zoom", "d", 0.5));
  g_assert_cmpint (fw_time_range_get_span (range), ==, span / 2);
  g_assert_cmpint (fw_time_range_get_from (range), ==, START + span / 4);
  g_assert_true (gtk_widget_activate_action (chart, "chart.pan", "d", -0.1));
  g_assert_cmpint (fw_time_range_get_from (range), ==, START + span / 4 - span / 20);
  g_assert_true (gtk_widget_activate_action (chart, "chart.show-now", NULL));
  g_assert_true (fw_time_range_follows_now (range));
  g_assert_cmpint (fw_time_range_get_span (range), ==, span / 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  char       *dir;
  FwCache    *cache;
  FwUnit     *unit;
  GListStore *units;
  GListStore *sensors;
  GTimeZone  *timezone;
  FwTime      now;
} Farm;

/* Two days of the demo farm up to now, its first unit and that unit's
 * sensors. */
static void
farm_set_up (Farm *farm)
{
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GPtrArray) sensors = NULL;
  g_autoptr(GError) error = NULL;

  farm->dir = fw_test_make_tmpdir ();
  path = g_build_filename (farm->dir, "cache.sqlite", NULL);
  farm->now = fw_now ();
  farm->cache = fw_cache_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fw_demo_populate (farm->cache, farm->now, 2, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  farms = fw_cache_list_farms (farm->cache, &error);
  g_assert_no_error (error);
  farm->timezone = g_time_zone_new_identifier (fw_farm_get_timezone (g_ptr_array_index (farms, 0)));
  units = fw_cache_list_units (farm->cache, fw_record_get_id (g_ptr_array_index (farms, 0)), farm->now, &error);
  g_assert_no_error (error);
  farm->units = g_list_store_new (FW_TYPE_UNIT);
  g_list_store_splice (farm->units, 0, 0, units->pdata, units->len);
  farm->unit = g_object_ref (g_ptr_array_index (units, 0));

  sensors = fw_cache_list_sensors (farm->cache, fw_record_get_id (FW_RECORD (farm->unit)), farm->now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sensors->len, >, 1);
  farm->sensors = g_list_store_new (FW_TYPE_SENSOR);
  g_list_store_splice (farm->sensors, 0, 0, sensors->pdata, sensors->len);
}

static void
farm_tear_down (Farm *farm)
{
  g_clear_object (&farm->sensors);
  g_clear_object (&farm->units);
  g_clear_object (&farm->unit);
  g_clear_pointer (&farm->timezone, g_time_zone_unref);
  fw_test_wait_for_last_ref (G_OBJECT (farm->cache));
  g_clear_object (&farm->cache);
  fw_test_remove_tree (farm->dir);
  g_free (farm->dir);
}

/* Every chart of @charts has data in its range. */
static gboolean
charts_loaded (gpointer data)
{
  GPtrArray *charts = data;

  if (charts->len == 0)
    return FALSE;

  for (guint i = 0; i < charts->len; i++)
    {
      FwChart *chart = g_ptr_array_index (charts, i);
      FwTimeRange *range = fw_chart_get_range (chart);

      for (guint s = 0; s < fw_chart_get_n_series (chart); s++)
        {
          FwChartSummary summary;

          fw_chart_series_summarize (fw_chart_get_series (chart, s),
                                     fw_time_range_get_from (range), fw_time_range_get_to (range),
                                     &summary);
          if (summary.count == 0)
            return FALSE;
        }
    }

  return TRUE;
}

typedef struct
{
  FwChartSeries *series;
  FwTime         time;
} Expect;

static gboolean
series_reaches (gpointer data)
{
  Expect *expect = data;
  FwChartSummary summary;

  fw_chart_series_summarize (expect->series, expect->time, expect->time + 1, &summary);
  return summary.count > 0;
}

static gboolean
unit_charts_idle (gpointer data)
{
  return !fw_unit_charts_get_loading (data);
}

/* The Charts view of a unit: a chart per sensor, titled, read for the
 * range; a preset changes the span; new readings appear on refresh
 * without a reload. */
static void
test_unit_charts (void)
{
  Farm farm = { 0 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = g_object_new (FW_TYPE_UNIT_CHARTS, NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *charts;
  FwTimeRange *range;
  FwChartSeries *series;
  FwReading fresh;
  Expect expect;

  farm_set_up (&farm);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));

  fw_unit_charts_show (FW_UNIT_CHARTS (view), farm.cache, farm.unit, G_LIST_MODEL (farm.sensors), farm.timezone);
  charts = fw_unit_charts_get_charts (FW_UNIT_CHARTS (view));
  g_assert_cmpuint (charts->len, ==, g_list_model_get_n_items (G_LIST_MODEL (farm.sensors)));
  fw_test_wait_until (charts_loaded, charts, "every chart's last day");

  g_assert_nonnull (fw_chart_get_title (g_ptr_array_index (charts, 0)));
  fw_test_wait_until (unit_charts_idle, view, "the charts to stop reading");
  range = fw_unit_charts_get_range (FW_UNIT_CHARTS (view));
  g_assert_cmpint (fw_time_range_get_span (range), ==, 86400);
  g_assert_true (fw_time_range_follows_now (range));

  /* Every chart shares the range: a zoom on one moves all. */
  g_assert_true (fw_chart_get_range (g_ptr_array_index (charts, 1)) == range);
  g_assert_true (gtk_widget_activate_action (g_ptr_array_index (charts, 0), "chart.zoom", "d", 0.25));
  g_assert_cmpint (fw_time_range_get_span (range), ==, 86400 / 4);

  /* Seven days: wider than the demo's history, still drawn. */
  fw_time_range_show_last (range, 7 * 86400);
  fw_test_wait_until (charts_loaded, charts, "the last week");

  /* Live: a reading the sync brings a minute from now shows on refresh. */
  series = fw_chart_get_series (g_ptr_array_index (charts, 0), 0);
  fresh = (FwReading) { farm.now + 60, 42.0 };
  g_assert_true (fw_cache_insert_readings (farm.cache, fw_chart_series_get_sensor_id (series), &fresh, 1, &error));
  g_assert_no_error (error);
  fw_time_range_show_last (range, 6 * 3600);
  fw_unit_charts_refresh (FW_UNIT_CHARTS (view), farm.now + 120);
  expect = (Expect) { series, farm.now + 60 };
  fw_test_wait_until (series_reaches, &expect, "the new reading in the chart");
  fw_test_wait_until (unit_charts_idle, view, "the charts to stop reading");
  g_assert_true (fw_time_range_follows_now (range));
  g_assert_cmpint (fw_time_range_get_now (range), ==, farm.now + 120);

  gtk_window_destroy (GTK_WINDOW (window));
  farm_tear_down (&farm);
}

/* What an export holds, format by format, for the charts on screen. */
static void
test_export (void)
{
  Farm farm = { 0 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = g_object_new (FW_TYPE_UNIT_CHARTS, NULL);
  static const FwChartExportFormat formats[] = {
    FW_CHART_EXPORT_PNG, FW_CHART_EXPORT_SVG, FW_CHART_EXPORT_PDF, FW_CHART_EXPORT_CSV,
  };
  static const char *const starts[] = { "\x89PNG", NULL, "%PDF", "time,series,parameter," };
  GPtrArray *charts;

  farm_set_up (&farm);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  fw_unit_charts_show (FW_UNIT_CHARTS (view), farm.cache, farm.unit, G_LIST_MODEL (farm.sensors), farm.timezone);
  charts = fw_unit_charts_get_charts (FW_UNIT_CHARTS (view));
  fw_test_wait_until (charts_loaded, charts, "every chart's last day");

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = fw_chart_export_render (charts, formats[i], "Tank A1, 26 Nov 2026", &error);
      gsize size;
      const char *data;

      g_assert_no_error (error);
      data = g_bytes_get_data (bytes, &size);
      g_assert_cmpuint (size, >, 1000);

      if (g_getenv ("FW_TEST_KEEP_PNG") != NULL)
        {
          g_autofree char *name = g_strdup_printf ("export-%u", i);
          g_autofree char *path = g_build_filename (g_getenv ("FW_TEST_KEEP_PNG"), name, NULL);

          g_file_set_contents (path, data, size, NULL);
        }
      if (starts[i] != NULL)
        g_assert_true (strncmp (data, starts[i], strlen (starts[i])) == 0);
      else
        g_assert_nonnull (g_strstr_len (data, MIN (size, 400), "<svg"));

      if (formats[i] == FW_CHART_EXPORT_CSV)
        {
          g_autofree char *text = g_strndup (data, size);
          g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);
          guint expected = 0;

          /* One row per reading of every sensor in the range shown. */
          for (guint c = 0; c < charts->len; c++)
            {
              FwChart *chart = g_ptr_array_index (charts, c);
              FwTimeRange *range = fw_chart_get_range (chart);
              FwChartSummary summary;

              fw_chart_series_summarize (fw_chart_get_series (chart, 0), fw_time_range_get_from (range),
                                         fw_time_range_get_to (range), &summary);
              expected += summary.count;
            }
          g_assert_cmpuint (g_strv_length (lines), ==, expected + 2);
        }
    }

  gtk_window_destroy (GTK_WINDOW (window));
  farm_tear_down (&farm);
}

static gboolean
compare_ready (gpointer data)
{
  FwComparePage *page = data;
  FwChart *chart = FW_CHART (fw_compare_page_get_chart (page));
  g_autoptr(GPtrArray) charts = g_ptr_array_new ();

  if (fw_compare_page_get_loading (page) || fw_chart_get_n_series (chart) == 0)
    return FALSE;

  g_ptr_array_add (charts, chart);
  return charts_loaded (charts);
}

/* Dissolved oxygen across the farm: a line for each of the first six
 * units with an oxygen sensor. */
static void
test_compare (void)
{
  Farm farm = { 0 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = g_object_new (FW_TYPE_COMPARE_PAGE, NULL);
  g_autofree char *description = NULL;
  FwChart *chart;

  farm_set_up (&farm);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  fw_compare_page_show (FW_COMPARE_PAGE (page), farm.cache, G_LIST_MODEL (farm.units), farm.timezone);
  fw_test_wait_until (compare_ready, page, "the units' oxygen");

  chart = FW_CHART (fw_compare_page_get_chart (FW_COMPARE_PAGE (page)));
  g_assert_cmpuint (fw_chart_get_n_series (chart), ==, MIN (6, g_list_model_get_n_items (G_LIST_MODEL (farm.units))));
  for (guint i = 0; i < fw_chart_get_n_series (chart); i++)
    g_assert_cmpint (fw_chart_series_get_parameter (fw_chart_get_series (chart, i)), ==,
                     FW_PARAMETER_DISSOLVED_OXYGEN);

  description = fw_chart_dup_description (chart);
  g_assert_nonnull (strstr (description, fw_unit_get_name (farm.unit)));

  gtk_window_destroy (GTK_WINDOW (window));
  farm_tear_down (&farm);
}

/* A report of 120 entries runs to several A4 pages, each drawn, and the
 * PDF says so. */
static void
test_print_report (void)
{
  g_autoptr(FwPrintReport) report = fw_print_report_new ("Pond 3", "Last 30 Days, All Kinds");
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  const char *data;
  gsize size;
  guint pages;

  fw_print_report_add_figure (report, "Fish alive", "4500");
  g_assert_cmpuint (fw_print_report_count_pages (report, 842), ==, 1);

  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *when = g_strdup_printf ("%u November, 06:00", 1 + i % 30);

      fw_print_report_add_entry (report, when, "Pond 3", "Feeding", "Feed type Grower 32, Amount 12.5 kg");
    }

  pages = fw_print_report_count_pages (report, 842);
  g_assert_cmpuint (pages, >=, 3);
  g_assert_cmpuint (pages, <=, 4);

  pdf = fw_print_report_to_pdf (report, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (pdf, &size);
  g_assert_true (size > 1000 && strncmp (data, "%PDF", 4) == 0);
  if (g_getenv ("FW_TEST_KEEP_PNG") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("FW_TEST_KEEP_PNG"), "report.pdf", NULL);

      g_file_set_contents (path, data, size, NULL);
    }
  count = g_strdup_printf ("/Count %u", pages);
  {
    /* The PDF holds NUL bytes: search it whole. */
    gboolean found = FALSE;

    for (gsize i = 0; !found && i + strlen (count) <= size; i++)
      found = memcmp (data + i, count, strlen (count)) == 0;
    g_assert_true (found);
  }
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/chart-ui/renders-line-gap-and-band", test_chart_renders_line_gap_and_band);
  g_test_add_func ("/chart-ui/accessible-and-keyboard", test_chart_accessible_and_keyboard);
  g_test_add_func ("/chart-ui/unit-charts", test_unit_charts);
  g_test_add_func ("/chart-ui/export", test_export);
  g_test_add_func ("/chart-ui/compare", test_compare);
  g_test_add_func ("/chart-ui/print-report", test_print_report);

  return g_test_run ();
}
