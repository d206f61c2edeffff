/* bench-chart.c — query, decimate and draw a year of minute readings
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark, not a test. Needs a display (run it under xvfb-run). It
 * builds a cache of 10 sensors × 1 year of 1-minute readings (5.3 million
 * rows), then times, on a chart 1,000 pixels wide, the whole path from the
 * cache to pixels (read the rows the range needs, decimate, build the
 * render node and rasterise it):
 *   (a) a year of one sensor,
 *   (b) a year of all ten on one chart,
 *   (c) 24 hours of one sensor,
 *   (d) a pan step of a tenth at the 30-day range, over many steps,
 * and the naive way to draw (a): every raw reading read and stroked.
 * Each figure is the median of several repetitions in this one run; the
 * ratios are what to compare between machines. Last, it opens the app on
 * the cache and reports its memory.
 *
 * FW_BENCH_CACHE=path keeps (and reuses) the cache there.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fw-chart.h"
#include "fw-test-util.h"

#define N_SENSORS  10
#define DAYS       365
#define WIDTH      1000
#define HEIGHT     240
#define REPEATS    7
#define PAN_STEPS  40

static FwTime year_end;

static FwCache *
build_cache (const char *path,
             gint64      sensor_ids[N_SENSORS])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FwCache) cache = fw_cache_open (path, NULL, &error);
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(FwFarm) farm = NULL;
  g_autoptr(FwSite) site = NULL;
  g_autoptr(FwUnit) unit = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree FwReading *day = g_new (FwReading, 1440);
  gint64 start_us;

  g_assert_no_error (error);

  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  if (farms->len > 0)
    {
      g_autoptr(GPtrArray) units = fw_cache_list_units (cache, fw_record_get_id (g_ptr_array_index (farms, 0)),
                                                        year_end, &error);
      g_autoptr(GPtrArray) sensors = fw_cache_list_sensors (cache, fw_record_get_id (g_ptr_array_index (units, 0)),
                                                            year_end, &error);

      g_assert_cmpuint (sensors->len, ==, N_SENSORS);
      for (guint i = 0; i < N_SENSORS; i++)
        sensor_ids[i] = fw_record_get_id (g_ptr_array_index (sensors, i));
      g_print ("reusing %s\n", path);
      return g_steal_pointer (&cache);
    }

  farm = fw_farm_new ("Benchmark Farm", "Asia/Ho_Chi_Minh");
  g_assert_true (fw_cache_save_farm (cache, farm, &error));
  site = fw_site_new (fw_record_get_uuid (FW_RECORD (farm)), "Ponds");
  g_assert_true (fw_cache_save_site (cache, site, &error));
  unit = g_object_new (FW_TYPE_UNIT,
                       "site-uuid", fw_record_get_uuid (FW_RECORD (site)),
                       "name", "Pond 1",
                       "kind", FW_UNIT_KIND_POND,
                       "area", 2000.0,
                       "species", "channel_catfish",
                       NULL);
  g_assert_true (fw_cache_save_unit (cache, unit, &error));

  start_us = g_get_monotonic_time ();
  for (guint s = 0; s < N_SENSORS; s++)
    {
      g_autoptr(FwSensor) sensor = fw_sensor_new (fw_record_get_uuid (FW_RECORD (unit)), s % FW_N_PARAMETERS, 60);
      double level = 6.0 + s;

      g_assert_true (fw_cache_save_sensor (cache, sensor, &error));
      g_assert_no_error (error);
      sensor_ids[s] = fw_record_get_id (FW_RECORD (sensor));

      for (guint d = 0; d < DAYS; d++)
        {
          FwTime day_start = year_end - (FwTime) (DAYS - d) * 86400;

          for (guint m = 0; m < 1440; m++)
            {
              /* A daily swing, noise, and now and then a one-minute spike. */
              double v = level + 2 * sin (2 * G_PI * m / 1440.0) + g_rand_double_range (rand, -0.2, 0.2);

              if (g_rand_int_range (rand, 0, 20000) == 0)
                v -= 5;
              day[m] = (FwReading) { day_start + 60 * m, v };
            }
          g_assert_true (fw_cache_insert_readings (cache, sensor_ids[s], day, 1440, &error));
        }
      g_print ("  sensor %u of %u written\n", s + 1, N_SENSORS);
    }

  g_print ("cache: %d sensors × %d days of 1-minute readings = %" G_GINT64_FORMAT " rows in %.1f s\n",
           N_SENSORS, DAYS, fw_cache_count_readings (cache, NULL),
           (g_get_monotonic_time () - start_us) / 1e6);

  return g_steal_pointer (&cache);
}

/* Copies the farm, site, unit and sensors of the cache at @path into
 * @bare, without readings. */
static void
copy_farm (FwCache    *bare,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FwCache) full = fw_cache_open (path, NULL, &error);
  g_autoptr(GPtrArray) farms = fw_cache_list_farms (full, &error);
  FwFarm *farm = g_ptr_array_index (farms, 0);
  g_autoptr(GPtrArray) sites = fw_cache_list_sites (full, fw_record_get_id (FW_RECORD (farm)), &error);
  g_autoptr(GPtrArray) units = fw_cache_list_units (full, fw_record_get_id (FW_RECORD (farm)), year_end, &error);
  g_autoptr(GPtrArray) sensors = fw_cache_list_sensors (full, fw_record_get_id (g_ptr_array_index (units, 0)),
                                                        year_end, &error);

  g_assert_no_error (error);
  g_assert_true (fw_cache_save_farm (bare, farm, &error));
  for (guint i = 0; i < sites->len; i++)
    g_assert_true (fw_cache_save_site (bare, g_ptr_array_index (sites, i), &error));
  g_assert_true (fw_cache_save_unit (bare, g_ptr_array_index (units, 0), &error));
  for (guint i = 0; i < sensors->len; i++)
    g_assert_true (fw_cache_save_sensor (bare, g_ptr_array_index (sensors, i), &error));
  g_assert_no_error (error);
}

static cairo_surface_t *surface;

/* Where the time of the last draw() went, in ms. */
static double node_ms;
static double raster_ms;

/* Builds the chart's render node (decimation included) and rasterises it,
 * as the renderer would. */
static void
draw (FwChart *chart)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GskRenderNode) node = fw_chart_create_node (chart, WIDTH, HEIGHT);
  gint64 built = g_get_monotonic_time ();
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  node_ms = (built - start) / 1000.0;
  raster_ms = (g_get_monotonic_time () - built) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[n / 2];
}

/* Query + decimate + draw of [@from, @to) with fresh series: nothing held. */
static double
time_view (FwCache      *cache,
           FwTimeRange  *range,
           const gint64 *sensors,
           guint         n_sensors,
           FwTime        from,
           FwTime        to,
           gsize        *n_rows)
{
  double times[REPEATS], query_ms[REPEATS], nodes_ms[REPEATS], rasters_ms[REPEATS];
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");

  fw_time_range_set (range, from, to);

  for (guint r = 0; r < REPEATS; r++)
    {
      GtkWidget *chart = g_object_ref_sink (fw_chart_new ());
      g_autoptr(GError) error = NULL;
      gint64 start;

      fw_chart_set_range (FW_CHART (chart), range);
      fw_chart_set_timezone (FW_CHART (chart), tz);
      for (guint s = 0; s < n_sensors; s++)
        {
          g_autoptr(FwChartSeries) series = fw_chart_series_new (sensors[s], FW_PARAMETER_TEMPERATURE, "Pond 1", 60);

          fw_chart_add_series (FW_CHART (chart), series);
        }

      start = g_get_monotonic_time ();
      *n_rows = 0;
      for (guint s = 0; s < n_sensors; s++)
        {
          FwChartSeries *series = fw_chart_get_series (FW_CHART (chart), s);
          guint n;

          g_assert_true (fw_chart_series_load (series, cache, from, to, WIDTH - 60, year_end, &error));
          fw_chart_series_get_buckets (series, &n);
          *n_rows += n;
        }
      query_ms[r] = (g_get_monotonic_time () - start) / 1000.0;
      draw (FW_CHART (chart));
      times[r] = (g_get_monotonic_time () - start) / 1000.0;
      nodes_ms[r] = node_ms;
      rasters_ms[r] = raster_ms;

      g_object_unref (chart);
    }

  g_print ("    (read %.2f ms, decimate and build %.2f ms, rasterise %.2f ms)\n",
           median (query_ms, REPEATS), median (nodes_ms, REPEATS), median (rasters_ms, REPEATS));
  return median (times, REPEATS);
}

/* The naive year: every raw reading read and stroked as one polyline. */
static double
time_naive_year (FwCache *cache,
                 gint64   sensor)
{
  double times[3];

  for (guint r = 0; r < G_N_ELEMENTS (times); r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) readings = NULL;
      gint64 start = g_get_monotonic_time ();
      FwTime from = year_end - DAYS * 86400;
      cairo_t *cr;

      readings = fw_cache_get_readings (cache, sensor, from, year_end, &error);
      g_assert_no_error (error);

      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 0.2, 0.5, 0.9);
      cairo_set_line_width (cr, 2);
      for (guint i = 0; i < readings->len; i++)
        {
          FwReading *reading = &g_array_index (readings, FwReading, i);

          cairo_line_to (cr, (double) (reading->time - from) / (DAYS * 86400.0) * WIDTH,
                         HEIGHT - (reading->value - 3) * 20);
        }
      cairo_stroke (cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);

      times[r] = (g_get_monotonic_time () - start) / 1000.0;
    }

  return median (times, G_N_ELEMENTS (times));
}

typedef struct
{
  double frame_median;     /* decimate + draw: what the main thread does */
  double frame_worst;
  double read_median;      /* the strips read ahead, in a worker thread */
  double read_worst;
  double both_worst;       /* read and draw back to back */
  guint  reads;
} Pan;

/* Pan steps of a tenth at 30 days: each reads what it lacks (the app does
 * that in a GTask, ahead of need), then decimates and draws. */
static void
time_pan (FwCache     *cache,
          FwTimeRange *range,
          gint64       sensor,
          Pan         *pan)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
  g_autoptr(FwChartSeries) series = fw_chart_series_new (sensor, FW_PARAMETER_TEMPERATURE, "Pond 1", 60);
  GtkWidget *chart = g_object_ref_sink (fw_chart_new ());
  g_autoptr(GError) error = NULL;
  double frames[PAN_STEPS], reads[PAN_STEPS];

  fw_chart_set_range (FW_CHART (chart), range);
  fw_chart_set_timezone (FW_CHART (chart), tz);
  fw_chart_add_series (FW_CHART (chart), series);

  fw_time_range_set (range, year_end - 30 * 86400, year_end);
  g_assert_true (fw_chart_series_load (series, cache, fw_time_range_get_from (range),
                                       fw_time_range_get_to (range), WIDTH - 60, year_end, &error));
  draw (FW_CHART (chart));

  pan->reads = 0;
  pan->both_worst = 0;
  for (guint i = 0; i < PAN_STEPS; i++)
    {
      guint generation = fw_chart_series_get_generation (series);
      gint64 start = g_get_monotonic_time ();
      gint64 read;

      fw_time_range_pan (range, -0.1);
      g_assert_true (fw_chart_series_load (series, cache, fw_time_range_get_from (range),
                                           fw_time_range_get_to (range), WIDTH - 60, year_end, &error));
      read = g_get_monotonic_time ();
      draw (FW_CHART (chart));

      frames[i] = (g_get_monotonic_time () - read) / 1000.0;
      pan->both_worst = MAX (pan->both_worst, (g_get_monotonic_time () - start) / 1000.0);
      if (fw_chart_series_get_generation (series) != generation)
        reads[pan->reads++] = (read - start) / 1000.0;
    }

  pan->frame_median = median (frames, PAN_STEPS);
  pan->frame_worst = frames[PAN_STEPS - 1];
  pan->read_median = pan->reads > 0 ? median (reads, pan->reads) : 0;
  pan->read_worst = pan->reads > 0 ? reads[pan->reads - 1] : 0;
  g_object_unref (chart);
}

static gint64
status_kib (const char *status,
            const char *field)
{
  const char *line = strstr (status, field);

  return line != NULL ? g_ascii_strtoll (line + strlen (field) + 1, NULL, 10) : -1;
}

/* The app on the cache, after it shows the farm; returns the resident
 * memory in MiB, or -1. */
static double
measure_app (const char *path)
{
  const char *app = g_getenv ("FISHWATCH_APP");
  g_autoptr(GError) error = NULL;
  g_autofree char *status_path = NULL;
  g_autofree char *status = NULL;
  GPid pid;
  char *argv[] = { (char *) app, (char *) "--cache", (char *) path, NULL };

  double rss = -1;

  if (app == NULL)
    {
      g_print ("app memory: not measured (FISHWATCH_APP is not set)\n");
      return -1;
    }

  if (!g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error))
    {
      g_print ("app memory: not measured: %s\n", error->message);
      return -1;
    }

  g_usleep (6 * G_USEC_PER_SEC);
  status_path = g_strdup_printf ("/proc/%d/status", pid);
  if (g_file_get_contents (status_path, &status, NULL, NULL))
    {
      rss = status_kib (status, "VmRSS:") / 1024.0;
      g_print ("app memory on %s: %.1f MiB resident, %.1f MiB at peak\n",
               path, rss, status_kib (status, "VmHWM:") / 1024.0);
    }

  kill (pid, SIGTERM);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
  return rss;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FwCache) cache = NULL;
  g_autoptr(FwTimeRange) range = NULL;
  gint64 sensors[N_SENSORS];
  double a, b, c, naive;
  gsize rows_a, rows_b, rows_c;
  Pan pan;
  struct stat info;

  gtk_init ();
  adw_init ();

  /* A fixed present, at a whole day, so the runs read the same rows. */
  year_end = (g_get_real_time () / G_USEC_PER_SEC) / 86400 * 86400;

  if (g_getenv ("FW_BENCH_CACHE") != NULL)
    path = g_strdup (g_getenv ("FW_BENCH_CACHE"));
  else
    {
      dir = fw_test_make_tmpdir ();
      path = g_build_filename (dir, "year.sqlite", NULL);
    }

  cache = build_cache (path, sensors);
  if (g_stat (path, &info) == 0)
    g_print ("cache file: %.1f MiB\n", info.st_size / 1048576.0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  range = fw_time_range_new (year_end - 86400, year_end, year_end);

  a = time_view (cache, range, sensors, 1, year_end - DAYS * 86400, year_end, &rows_a);
  if (g_getenv ("FW_BENCH_PNG") != NULL)
    cairo_surface_write_to_png (surface, g_getenv ("FW_BENCH_PNG"));
  b = time_view (cache, range, sensors, N_SENSORS, year_end - DAYS * 86400, year_end, &rows_b);
  c = time_view (cache, range, sensors, 1, year_end - 86400, year_end, &rows_c);
  naive = time_naive_year (cache, sensors[0]);
  time_pan (cache, range, sensors[0], &pan);

  g_print ("(a) 1 year, 1 sensor:    %7.2f ms  (%" G_GSIZE_FORMAT " rows read)\n", a, rows_a);
  g_print ("(b) 1 year, 10 sensors:  %7.2f ms  (%" G_GSIZE_FORMAT " rows read)\n", b, rows_b);
  g_print ("(c) 24 hours, 1 sensor:  %7.2f ms  (%" G_GSIZE_FORMAT " rows read)\n", c, rows_c);
  g_print ("(d) pan step at 30 days: %7.2f ms median, %.2f ms worst of %d to decimate and draw;\n"
           "    %u of them read a strip ahead (in a worker thread in the app): %.2f ms median, %.2f ms worst;\n"
           "    read and drawn back to back, the worst step took %.2f ms\n",
           pan.frame_median, pan.frame_worst, PAN_STEPS, pan.reads, pan.read_median, pan.read_worst,
           pan.both_worst);
  g_print ("naive 1 year, 1 sensor:  %7.2f ms  (every raw reading read and stroked)\n", naive);
  g_print ("ratio naive/(a): %.1f×; (a) against a 60 Hz frame: %.2f of 16.7 ms; "
           "(d) worst frame against 8 ms: %.2f, worst read and draw: %.2f\n",
           naive / a, a / 16.7, pan.frame_worst / 8.0, pan.both_worst / 8.0);

  cairo_surface_destroy (surface);
  g_clear_object (&cache);

  /* The same farm without its year of history, for comparison. */
  {
    g_autofree char *bare_dir = fw_test_make_tmpdir ();
    g_autofree char *bare_path = g_build_filename (bare_dir, "bare.sqlite", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(FwCache) bare = fw_cache_open (bare_path, NULL, &error);
    double with_history, without;

    g_assert_no_error (error);
    copy_farm (bare, path);
    g_clear_object (&bare);

    with_history = measure_app (path);
    without = measure_app (bare_path);
    if (with_history > 0 && without > 0)
      g_print ("app memory ratio, with a year of history / without: %.2f\n", with_history / without);
    fw_test_remove_tree (bare_dir);
  }

  if (dir != NULL)
    fw_test_remove_tree (dir);

  return 0;
}
