/* test-chart-ui.c — the chart widget drawn on a real display (xvfb-run)
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "fw-chart.h"
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
  fw_chart_set_limits (FW_CHART (chart), FW_PARAMETER_DISSOLVED_OXYGEN);
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

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/chart-ui/renders-line-gap-and-band", test_chart_renders_line_gap_and_band);
  g_test_add_func ("/chart-ui/accessible-and-keyboard", test_chart_accessible_and_keyboard);

  return g_test_run ();
}
