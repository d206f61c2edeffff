/* bench-startup.c — from process start to the first frame of the demo farm
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark, not a test. Needs a display (run it under xvfb-run). It runs
 * itself again as a child several times; each child opens a window on a
 * prepared demo cache and reports, in milliseconds since it started:
 *   - the first frame of the window (still loading),
 *   - the first frame that shows the farm with the first unit's tiles.
 * The parent prints the medians and their ratio.
 */

#include "config.h"

#include <stdlib.h>
#include <adwaita.h>

#include "fw-application.h"
#include "fw-test-util.h"
#include "fw-window.h"

#define RUNS 9

static gint64 process_start;
static gint64 first_frame = -1;
static gint64 farm_frame = -1;

static void
after_paint_cb (GdkFrameClock *clock,
                FwWindow      *window)
{
  FwUnitPage *page = fw_window_get_unit_page (window);
  gint64 now = g_get_monotonic_time () - process_start;

  if (first_frame < 0)
    first_frame = now;

  if (farm_frame < 0 &&
      g_strcmp0 (fw_window_get_state (window), "farm") == 0 &&
      fw_unit_page_get_unit (page) != NULL &&
      !fw_unit_page_get_loading (page) &&
      g_list_model_get_n_items (fw_unit_page_get_sensors (page)) > 0)
    farm_frame = now;
}

static void
on_realize_cb (GtkWidget *widget)
{
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                    G_CALLBACK (after_paint_cb), widget);
}

static void
on_cache_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FwCache) cache = fw_cache_open_finish (result, &error);

  g_assert_no_error (error);
  fw_window_set_cache (user_data, cache, FALSE);
}

static int
run_child (const char *cache_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FwApplication) app = NULL;
  FwWindow *window;

  gtk_init ();
  adw_init ();

  app = fw_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  /* As the application does: the window first, the cache off the main
   * thread. */
  window = fw_window_new (GTK_APPLICATION (app));
  g_signal_connect (window, "realize", G_CALLBACK (on_realize_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
  fw_cache_open_async (cache_path, NULL, on_cache_opened_cb, window);

  while (farm_frame < 0)
    g_main_context_iteration (NULL, TRUE);

  g_print ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", first_frame, farm_frame);
  return 0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GArray) firsts = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) farms = g_array_new (FALSE, FALSE, sizeof (double));

  process_start = g_get_monotonic_time ();

  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2]);

  dir = fw_test_make_tmpdir ();
  path = g_build_filename (dir, "demo.sqlite", NULL);
  {
    g_autoptr(FwCache) cache = fw_cache_open (path, NULL, &error);

    g_assert_no_error (error);
    if (!fw_demo_populate (cache, g_get_real_time () / G_USEC_PER_SEC, FW_DEMO_DEFAULT_DAYS,
                           NULL, NULL, NULL, &error))
      g_error ("%s", error->message);
  }

  for (int i = 0; i < RUNS; i++)
    {
      const char *child_argv[] = { argv[0], "--child", path, NULL };
      g_autofree char *out = NULL;
      double first, farm;
      int status;

      if (!g_spawn_sync (NULL, (char **) child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                         &out, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error) ||
          sscanf (out, "%lf %lf", &first, &farm) != 2)
        g_error ("child run failed: %s", error != NULL ? error->message : out);

      first /= 1000.0;
      farm /= 1000.0;
      g_array_append_val (firsts, first);
      g_array_append_val (farms, farm);
    }

  g_print ("runs: %d, demo farm of %u units and 90 days\n", RUNS, fw_demo_get_n_units ());
  g_print ("median first frame: %.1f ms after process start\n", median (firsts));
  g_print ("median first frame with the farm and tiles: %.1f ms after process start\n", median (farms));
  g_print ("ratio farm frame/first frame: %.2f\n", median (farms) / median (firsts));

  fw_test_remove_tree (dir);
  return 0;
}
