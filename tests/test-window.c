/* test-window.c — the main window on a real display (run under xvfb-run)
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <adwaita.h>

#include "fw-alert-rules-dialog.h"
#include "fw-application.h"
#include "fw-entry-dialog.h"
#include "fw-farm-stock.h"
#include "fw-import-dialog.h"
#include "fw-sensor-tile.h"
#include "fw-test-util.h"
#include "fw-unit-row.h"
#include "fw-window.h"

/* 2026-07-15 05:00 in the demo farm's solar time: the dawn oxygen low. */
#define DEMO_NOW G_GINT64_CONSTANT (1784098800)

typedef struct
{
  char          *dir;
  char          *path;
  FwApplication *app;
  FwWindow      *window;
} Fixture;

/* One registered application for all tests, as in a running program:
 * a registered GtkApplication cannot be registered again. Its own
 * lifecycle is tested unregistered in /window/types-create-destroy. */
static FwApplication *shared_app;

/* Notifications the app sent; a test display has no notification server,
 * so they are caught on their way out. */
static guint notifications_sent;
static char *last_notification;

static void
on_send_notification_cb (FwAlertMonitor *monitor,
                         const char     *id,
                         GNotification  *notification)
{
  notifications_sent++;
  g_free (last_notification);
  last_notification = g_strdup (id);
  g_signal_stop_emission_by_name (monitor, "send-notification");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint days = GPOINTER_TO_UINT (data);

  fixture->dir = fw_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->dir, "cache.sqlite", NULL);

  if (days > 0)
    {
      g_autoptr(FwCache) cache = fw_cache_open (fixture->path, NULL, &error);

      g_assert_no_error (error);
      g_assert_true (fw_demo_populate (cache, DEMO_NOW, days, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
    }

  fixture->app = shared_app;
  fixture->window = g_object_ref_sink (fw_window_new (GTK_APPLICATION (fixture->app)));
}

static gboolean
window_gone (gpointer data)
{
  Fixture *fixture = data;

  return fixture->window == NULL;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWindow *window = GTK_WINDOW (fixture->window);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &fixture->window);
  gtk_window_destroy (window);
  g_object_unref (window);

  /* Queries in flight hold the window until they come back cancelled. */
  fw_test_wait_until (window_gone, fixture, "the window to be finalized");

  fw_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static void
open_cache (Fixture  *fixture,
            gboolean  demo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FwCache) cache = fw_cache_open (fixture->path, NULL, &error);

  g_assert_no_error (error);
  fw_window_set_cache (fixture->window, cache, demo);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static gboolean
farm_shown (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (fw_window_get_state (fixture->window), "farm") == 0 &&
         g_list_model_get_n_items (fw_window_get_units (fixture->window)) == fw_demo_get_n_units ();
}

static gboolean
unit_page_ready (gpointer data)
{
  Fixture *fixture = data;

  FwUnitPage *page = fw_window_get_unit_page (fixture->window);

  return fw_unit_page_get_unit (page) != NULL &&
         !fw_unit_page_get_loading (page) &&
         g_list_model_get_n_items (fw_unit_page_get_sensors (page)) > 0;
}

static void
collect_descendants (GtkWidget *widget,
                     GType      type,
                     GPtrArray *found)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_descendants (child, type, found);
}

static GPtrArray *
find_mapped (GtkWidget *root,
             GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect_descendants (root, type, found);
  return found;
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  g_autoptr(GPtrArray) labels = find_mapped (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), text) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_window_shows_demo_farm (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) tiles = NULL;
  GListModel *units;
  FwUnitPage *page = fw_window_get_unit_page (fixture->window);

  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");
  fw_test_wait_until (unit_page_ready, fixture, "the first unit's sensors");

  /* The sidebar lists every unit, grouped under its site. */
  rows = find_mapped (GTK_WIDGET (fixture->window), FW_TYPE_UNIT_ROW);
  g_assert_cmpuint (rows->len, ==, fw_demo_get_n_units ());
  g_assert_true (has_label (GTK_WIDGET (fixture->window), "North Ponds"));
  g_assert_true (has_label (GTK_WIDGET (fixture->window), "Pond 4"));
  g_assert_true (has_label (GTK_WIDGET (fixture->window), "Willow Creek Fish Farm"));

  /* Selecting a unit shows one tile per sensor. */
  units = fw_window_get_units (fixture->window);
  for (guint i = 0; i < g_list_model_get_n_items (units); i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (units, i);

      if (g_str_equal (fw_unit_get_name (unit), "Raceway 2"))
        g_assert_true (fw_window_select_unit (fixture->window, fw_record_get_uuid (FW_RECORD (unit))));
    }

  g_assert_cmpstr (fw_unit_get_name (fw_unit_page_get_unit (page)), ==, "Raceway 2");
  fw_test_wait_until (unit_page_ready, fixture, "the raceway's sensors");
  g_assert_cmpuint (g_list_model_get_n_items (fw_unit_page_get_sensors (page)), ==, 3);

  while (g_main_context_iteration (NULL, FALSE));
  tiles = find_mapped (GTK_WIDGET (page), FW_TYPE_SENSOR_TILE);
  g_assert_cmpuint (tiles->len, ==, 3);
  g_assert_true (has_label (GTK_WIDGET (page), "Dissolved oxygen"));
  g_assert_true (has_label (GTK_WIDGET (page), "Rainbow trout"));
  g_assert_false (has_label (GTK_WIDGET (page), "Total ammonia nitrogen"));
}

static void
test_window_keyboard_steps_units (Fixture       *fixture,
                                  gconstpointer  data)
{
  FwUnitPage *page = fw_window_get_unit_page (fixture->window);
  GListModel *units;
  g_autoptr(FwUnit) first = NULL;
  g_autoptr(FwUnit) second = NULL;

  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");

  units = fw_window_get_units (fixture->window);
  first = g_list_model_get_item (units, 0);
  second = g_list_model_get_item (units, 1);
  g_assert_true (fw_window_select_unit (fixture->window, fw_record_get_uuid (FW_RECORD (first))));

  /* Ctrl+Page Down and Ctrl+Page Up move through the unit list. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.step-unit", "i", 1);
  g_assert_true (fw_unit_page_get_unit (page) == second);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.step-unit", "i", -1);
  g_assert_true (fw_unit_page_get_unit (page) == first);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.step-unit", "i", -1);
  g_assert_true (fw_unit_page_get_unit (page) == first);

  /* The last unit shown comes back after a restart. */
  g_assert_true (fw_window_select_unit (fixture->window, fw_record_get_uuid (FW_RECORD (second))));
  {
    g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
    g_autofree char *last = g_settings_get_string (settings, "last-unit");

    g_assert_cmpstr (last, ==, fw_record_get_uuid (FW_RECORD (second)));
  }
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static void
test_window_about_and_shortcuts (Fixture       *fixture,
                                 gconstpointer  data)
{
  GtkWindow *about;
  GtkWindow *shortcuts;

  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "about", NULL);
  while (g_main_context_iteration (NULL, FALSE));
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (fixture->window));
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Fish Watch");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  gtk_window_destroy (about);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-help-overlay", NULL));
  while (g_main_context_iteration (NULL, FALSE));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  gtk_window_destroy (shortcuts);
}

static gboolean
welcome_shown (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (fw_window_get_state (fixture->window), "welcome") == 0;
}

static void
test_window_welcome_then_demo (Fixture       *fixture,
                               gconstpointer  data)
{
  open_cache (fixture, FALSE);
  fw_test_wait_until (welcome_shown, fixture, "the welcome page");
  g_assert_true (has_label (GTK_WIDGET (fixture->window), "Welcome to Fish Watch"));

  /* The welcome page's button writes the demo farm, then shows it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-demo", NULL));
  fw_test_wait_until (farm_shown, fixture, "the demo farm to be written");
  fw_test_wait_until (unit_page_ready, fixture, "the first unit's sensors");
}

static gboolean
error_shown (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (fw_window_get_state (fixture->window), "error") == 0;
}

static void
test_window_error_names_file (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  FwCache *cache;
  gboolean named = FALSE;

  g_file_set_contents (fixture->path, "these are field notes, not a database", -1, &error);
  g_assert_no_error (error);
  cache = fw_cache_open (fixture->path, NULL, &error);
  g_assert_null (cache);

  fw_window_show_error (fixture->window, error);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fw_test_wait_until (error_shown, fixture, "the error page");

  pages = find_mapped (GTK_WIDGET (fixture->window), ADW_TYPE_STATUS_PAGE);
  for (guint i = 0; i < pages->len; i++)
    {
      const char *description = adw_status_page_get_description (g_ptr_array_index (pages, i));

      if (description != NULL && strstr (description, fixture->path) != NULL)
        named = TRUE;
    }
  g_assert_true (named);
}

static gboolean
folded (gpointer data)
{
  Fixture *fixture = data;

  gboolean is_folded = FALSE;

  g_object_get (fw_window_get_unit_page (fixture->window), "folded", &is_folded, NULL);
  return is_folded;
}

static gboolean
unit_page_mapped (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (GTK_WIDGET (fw_window_get_unit_page (fixture->window)));
}

static gboolean
unit_page_unmapped (gpointer data)
{
  Fixture *fixture = data;

  return !unit_page_mapped (fixture);
}

static void
test_window_narrow (Fixture       *fixture,
                    gconstpointer  data)
{
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 640);
  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");
  fw_test_wait_until (folded, fixture, "the window to fold");
  fw_test_wait_until (unit_page_ready, fixture, "the first unit's sensors");

  /* Folded, the unit list comes first; the unit page has a back button. */
  fw_test_wait_until (unit_page_unmapped, fixture, "the unit list alone");
  g_assert_true (has_label (GTK_WIDGET (fixture->window), "Pond 4"));

  /* Activating the selected row opens its page; Back returns to the list. */
  {
    g_autoptr(GPtrArray) rows = find_mapped (GTK_WIDGET (fixture->window), FW_TYPE_UNIT_ROW);
    FwUnit *shown = fw_unit_page_get_unit (fw_window_get_unit_page (fixture->window));

    for (guint i = 0; i < rows->len; i++)
      {
        if (fw_unit_row_get_unit (g_ptr_array_index (rows, i)) == shown)
          gtk_widget_activate (g_ptr_array_index (rows, i));
      }
  }
  fw_test_wait_until (unit_page_mapped, fixture, "the unit page to slide in");

  gtk_widget_activate_action (GTK_WIDGET (fw_window_get_unit_page (fixture->window)), "page.go-back", NULL);
  fw_test_wait_until (unit_page_unmapped, fixture, "the unit list to come back");
}

typedef struct
{
  GdkPaintable  *paintable;
  GskRenderNode *node;
} Capture;

/* A widget's paintable holds an image once a frame has drawn it. */
static gboolean
captured (gpointer data)
{
  Capture *capture = data;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (capture->paintable, GDK_SNAPSHOT (snapshot),
                          gdk_paintable_get_intrinsic_width (capture->paintable),
                          gdk_paintable_get_intrinsic_height (capture->paintable));
  capture->node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  return capture->node != NULL;
}

/* Renders @widget as it is on screen and saves it beside the test log. */
static GdkTexture *
render (GtkWidget  *widget,
        const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  Capture capture = { paintable, NULL };
  g_autofree char *path = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkTexture *texture;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  fw_test_wait_until (captured, &capture, "a frame with the widget drawn");
  node = capture.node;

  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  gdk_texture_save_to_png (texture, path);
  g_test_message ("rendered %s", path);

  return texture;
}

static void
test_window_renders_unit_page (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  FwUnitPage *page = fw_window_get_unit_page (fixture->window);
  int width, height;
  gsize stride;
  guint ink = 0;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 720);
  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");
  fw_test_wait_until (unit_page_ready, fixture, "the first unit's sensors");
  while (g_main_context_iteration (NULL, FALSE));

  texture = render (GTK_WIDGET (page), "unit-page.png");
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  stride = (gsize) width * 4;
  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);

  /* Not blank: text and cards give many colours and much non-background. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel = *(guint32 *) (pixels + y * stride + x * 4);

        g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
        if (pixel != *(guint32 *) pixels)
          ink++;
      }

  g_assert_cmpuint (g_hash_table_size (colours), >, 50);
  g_assert_cmpuint (ink, >, (guint) (width * height / 20));
}

static gboolean
charts_idle (gpointer data)
{
  Fixture *fixture = data;
  FwUnitCharts *charts = fw_unit_page_get_charts (fw_window_get_unit_page (fixture->window));

  return gtk_widget_get_mapped (GTK_WIDGET (charts)) &&
         fw_unit_charts_get_charts (charts)->len > 0 &&
         !fw_unit_charts_get_loading (charts);
}

static gboolean
charts_wide (gpointer data)
{
  GPtrArray *list = fw_unit_charts_get_charts (data);

  for (guint i = 0; i < list->len; i++)
    if (fw_chart_get_plot_width (g_ptr_array_index (list, i)) <= 300)
      return FALSE;

  return list->len > 0;
}

/* The Charts view of the first unit opens on the last day, a chart per
 * sensor, without a warning (they are fatal here). */
static void
test_window_charts_view (Fixture       *fixture,
                         gconstpointer  data)
{
  FwUnitPage *page = fw_window_get_unit_page (fixture->window);
  FwUnitCharts *charts = fw_unit_page_get_charts (page);
  GPtrArray *list;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 720);
  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");
  fw_test_wait_until (unit_page_ready, fixture, "the first unit's sensors");

  fw_unit_page_show_view (page, "charts");
  fw_test_wait_until (charts_idle, fixture, "the charts of the first unit");

  list = fw_unit_charts_get_charts (charts);
  g_assert_cmpuint (list->len, ==, g_list_model_get_n_items (fw_unit_page_get_sensors (page)));
  g_assert_cmpint (fw_time_range_get_span (fw_unit_charts_get_range (charts)), ==, 86400);
  /* Widths settle once the window is laid out at its size. */
  fw_test_wait_until (charts_wide, charts, "the charts to take the window's width");

  fw_unit_page_show_view (page, "overview");
}

static FwEntryDialog *
find_entry_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (FW_IS_ENTRY_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return FW_ENTRY_DIALOG (window);
    }

  return NULL;
}

static gboolean
entry_dialog_gone (gpointer data)
{
  return find_entry_dialog () == NULL;
}

static gboolean
entry_dialog_refused (gpointer data)
{
  FwEntryDialog *dialog = data;

  return !fw_entry_dialog_get_saving (dialog) && *fw_entry_dialog_get_problems (dialog) != '\0';
}

/* Enter in a field of the form, as the keyboard sends it. */
static void
type_into (FwEntryDialog *dialog,
           const char    *key,
           const char    *text)
{
  GtkWidget *row = fw_entry_dialog_get_row (dialog, key);

  g_assert_nonnull (row);
  gtk_widget_grab_focus (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "entry-activated");
}

static gboolean
logbook_lists_one (gpointer data)
{
  Fixture *fixture = data;
  FwUnitLogbook *logbook = fw_unit_page_get_logbook (fw_window_get_unit_page (fixture->window));

  return !fw_unit_logbook_get_loading (logbook) &&
         g_list_model_get_n_items (fw_unit_logbook_get_entries (logbook)) == 1;
}

/* Ctrl+N, type, Enter, Enter: a feeding is saved for the unit on screen,
 * listed in the Logbook view, changed from there, and still there, waiting
 * to sync, when the cache is opened again. A mistake is named in the form
 * and nothing is saved. */
static void
test_window_quick_entry (Fixture       *fixture,
                         gconstpointer  data)
{
  FwUnitPage *page = fw_window_get_unit_page (fixture->window);
  g_autoptr(FwCache) reopened = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  FwEntryDialog *dialog;
  const char *unit_uuid;

  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");
  fw_test_wait_until (unit_page_ready, fixture, "the first unit's sensors");
  unit_uuid = fw_record_get_uuid (FW_RECORD (fw_unit_page_get_unit (page)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-entry", NULL));
  dialog = find_entry_dialog ();
  g_assert_nonnull (dialog);

  /* A negative amount: said next to the form, the dialog stays. */
  type_into (dialog, "feed_type", "Grower 32");
  type_into (dialog, "kg", "-3");
  fw_test_wait_until (entry_dialog_refused, dialog, "the form to name the mistake");
  g_assert_cmpstr (fw_entry_dialog_get_problems (dialog), ==,
                   "Amount of -3 kg is not plausible: expect 0 to 10000 kg");
  g_assert_true (gtk_widget_has_css_class (fw_entry_dialog_get_row (dialog, "kg"), "error"));

  /* Put right, with a decimal comma as people type it. */
  type_into (dialog, "kg", "12,5");
  fw_test_wait_until (entry_dialog_gone, NULL, "the entry to be saved");

  /* Listed in the Logbook view; activating the row changes it. */
  fw_test_wait_until (logbook_lists_one, fixture, "the entry in the Logbook view");
  {
    FwLogbookEntry *listed = g_list_model_get_item (fw_unit_logbook_get_entries (fw_unit_page_get_logbook (page)), 0);
    g_autofree char *uuid = g_strdup (fw_record_get_uuid (FW_RECORD (listed)));

    g_object_unref (listed);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.edit-entry", "s", uuid));
    dialog = find_entry_dialog ();
    g_assert_nonnull (dialog);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fw_entry_dialog_get_row (dialog, "kg"))), ==, "12.5");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fw_entry_dialog_get_row (dialog, "feed_type"))), ==, "Grower 32");
    type_into (dialog, "kg", "13");
    fw_test_wait_until (entry_dialog_gone, NULL, "the change to be saved");
  }

  /* Opened afresh, as after a restart: there, and waiting. */
  reopened = fw_cache_open (fixture->path, NULL, &error);
  g_assert_no_error (error);
  entries = fw_cache_list_logbook (reopened, unit_uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (fw_logbook_entry_get_kind (g_ptr_array_index (entries, 0)), ==, "feeding");
  g_assert_nonnull (strstr (fw_logbook_entry_get_payload (g_ptr_array_index (entries, 0)), "\"kg\":13"));
  pending = fw_cache_list_outbox (reopened, FW_OUTBOX_PENDING, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, >=, 1);
  g_assert_cmpstr (((FwOutboxEntry *) g_ptr_array_index (pending, 0))->record_uuid, ==,
                   fw_record_get_uuid (g_ptr_array_index (entries, 0)));
}

static gboolean
farm_stock_ready (gpointer data)
{
  FwFarmStock *stock = data;

  return !fw_farm_stock_get_loading (stock) && g_list_model_get_n_items (fw_farm_stock_get_rows (stock)) > 0;
}

/* Farm Stock: a row per unit, sortable by any figure. */
static void
test_window_farm_stock (Fixture       *fixture,
                        gconstpointer  data)
{
  FwFarmStock *stock = NULL;
  GtkColumnView *table;
  GListModel *columns;

  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-farm-stock", NULL));
  {
    g_autoptr(GPtrArray) found = g_ptr_array_new ();

    collect_descendants (GTK_WIDGET (fixture->window), FW_TYPE_FARM_STOCK, found);
    g_assert_cmpuint (found->len, ==, 1);
    stock = g_ptr_array_index (found, 0);
  }
  fw_test_wait_until (farm_stock_ready, stock, "every unit's stock");
  g_assert_cmpuint (g_list_model_get_n_items (fw_farm_stock_get_rows (stock)), ==, fw_demo_get_n_units ());

  table = fw_farm_stock_get_table (stock);
  columns = gtk_column_view_get_columns (table);
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 11);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      gtk_column_view_sort_by_column (table, column, GTK_SORT_DESCENDING);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (table))), ==,
                        fw_demo_get_n_units ());
    }
}

static FwImportDialog *
find_import_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (FW_IS_IMPORT_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return FW_IMPORT_DIALOG (window);
    }

  return NULL;
}

static gboolean
import_columns_shown (gpointer data)
{
  return fw_import_dialog_get_can_check (data);
}

static gboolean
import_checked (gpointer data)
{
  return fw_import_dialog_get_can_import (data);
}

static gboolean
import_refused (gpointer data)
{
  return strstr (fw_import_dialog_get_report (data), "no Turbidity sensor") != NULL;
}

static gboolean
import_dialog_gone (gpointer data)
{
  return find_import_dialog () == NULL;
}

/* Import KU-MWQ into the first tank: its columns guessed from their names,
 * the report of every row, a column no sensor takes refused by name, and
 * once it is skipped, the readings saved. */
static void
test_window_import (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "kumwq_30cm.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  FwImportDialog *dialog;

  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");
  fw_test_wait_until (unit_page_ready, fixture, "the first unit's sensors");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import-history", NULL));
  dialog = find_import_dialog ();
  g_assert_nonnull (dialog);

  fw_import_dialog_load (dialog, file);
  fw_test_wait_until (import_columns_shown, dialog, "the file's columns");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.check", NULL));
  fw_test_wait_until (import_checked, dialog, "the file to be checked");
  g_assert_nonnull (strstr (fw_import_dialog_get_report (dialog), "rows imported: 9623\n"));
  g_assert_nonnull (strstr (fw_import_dialog_get_report (dialog), "values imported: 28869\n"));

  /* Tanks have no turbidity probe. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.import", NULL));
  fw_test_wait_until (import_refused, dialog, "the unit to refuse turbidity");

  fw_import_dialog_map_column (dialog, "Turbidity", -1);
  g_assert_false (fw_import_dialog_get_can_import (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.check", NULL));
  fw_test_wait_until (import_checked, dialog, "the file to be checked again");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.import", NULL));
  fw_test_wait_until (import_dialog_gone, NULL, "the readings to be saved");
}


typedef struct
{
  Fixture    *fixture;
  char       *uuid;
  FwCache    *cache;
  const char *farm_uuid;
} AlertCheck;

static gboolean
alert_listed (gpointer data)
{
  AlertCheck *check = data;
  FwAlertsPage *page = fw_window_get_alerts_page (check->fixture->window);
  GListModel *alerts = fw_alerts_page_get_alerts (page);

  if (fw_alerts_page_get_loading (page))
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (alerts); i++)
    {
      g_autoptr(FwRecord) alert = g_list_model_get_item (alerts, i);

      if (g_str_equal (fw_record_get_uuid (alert), check->uuid))
        return TRUE;
    }

  return FALSE;
}

static gboolean
notification_sent (gpointer data)
{
  return notifications_sent > 0;
}

static GtkLabel *
find_badge (GtkWidget *root)
{
  g_autoptr(GPtrArray) labels = find_mapped (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), "alert-badge"))
      return g_ptr_array_index (labels, i);

  return NULL;
}

static guint
count_firing (FwCache    *cache,
              const char *farm_uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = fw_cache_list_alerts (cache, farm_uuid, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < alerts->len; i++)
    n += fw_alert_get_state (g_ptr_array_index (alerts, i)) == FW_ALERT_STATE_FIRING;
  return n;
}

static gboolean
badge_shows (gpointer data)
{
  AlertCheck *check = data;
  GtkLabel *badge = find_badge (GTK_WIDGET (check->fixture->window));
  g_autofree char *expected = g_strdup_printf ("%u", count_firing (check->cache, check->farm_uuid));

  return badge != NULL && g_strcmp0 (gtk_label_get_label (badge), expected) == 0;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static FwAlert *
cached_alert (AlertCheck *check)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = fw_cache_list_alerts (check->cache, check->farm_uuid, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < alerts->len; i++)
    if (g_str_equal (fw_record_get_uuid (g_ptr_array_index (alerts, i)), check->uuid))
      return g_object_ref (g_ptr_array_index (alerts, i));

  return NULL;
}

static gboolean
alert_acknowledged (gpointer data)
{
  g_autoptr(FwAlert) alert = cached_alert (data);

  return alert != NULL && fw_alert_get_state (alert) == FW_ALERT_STATE_ACKNOWLEDGED;
}

static FwAlertRulesDialog *
find_rules_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (FW_IS_ALERT_RULES_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return FW_ALERT_RULES_DIALOG (window);
    }

  return NULL;
}

static gboolean
rules_dialog_gone (gpointer data)
{
  return find_rules_dialog () == NULL;
}

static GtkEditable *
find_rule_entry (GtkWidget  *dialog,
                 const char *parameter,
                 const char *field)
{
  g_autoptr(GPtrArray) expanders = find_mapped (dialog, ADW_TYPE_EXPANDER_ROW);

  for (guint i = 0; i < expanders->len; i++)
    {
      AdwExpanderRow *expander = g_ptr_array_index (expanders, i);
      g_autoptr(GPtrArray) entries = NULL;

      if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (expander)), parameter) != 0)
        continue;

      adw_expander_row_set_expanded (expander, TRUE);
      while (g_main_context_iteration (NULL, FALSE));
      entries = find_mapped (GTK_WIDGET (expander), ADW_TYPE_ENTRY_ROW);
      for (guint e = 0; e < entries->len; e++)
        if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (entries, e)), field) == 0)
          return g_ptr_array_index (entries, e);
    }

  return NULL;
}

/* A critical alert in the cache: the sidebar counts it, the alerts page
 * lists it in words, and acknowledging it with a note from the keyboard
 * writes the acknowledgement and queues it for the server. Then the rule
 * editor: a bad value is named and nothing is saved; a good one becomes
 * the unit's own rule, which the charts' bands follow. */
static void
test_window_alerts (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FwCache) cache = NULL;
  g_autoptr(FwUnit) unit = NULL;
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(FwAlert) alert = NULL;
  g_autoptr(FwAlert) acknowledged = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  AlertCheck check = { fixture, NULL, NULL, NULL };
  FwAlertEvent event = { FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_LOW, FW_SEVERITY_CRITICAL,
                         DEMO_NOW - 600, 1.6, 2.0 };
  const FwAlertFields *f;
  AdwMessageDialog *dialog;
  GtkWidget *note;
  FwAlertRulesDialog *rules_dialog;
  GtkEditable *entry;
  guint pending_before = 0, pending_after = 0;
  const char *farm_uuid;

  open_cache (fixture, FALSE);
  fw_test_wait_until (farm_shown, fixture, "the demo farm");
  fw_test_wait_until (unit_page_ready, fixture, "the first unit's sensors");

  unit = g_list_model_get_item (fw_window_get_units (fixture->window), 0);
  cache = fw_cache_open (fixture->path, NULL, &error);
  g_assert_no_error (error);

  farms = fw_cache_list_farms (cache, &error);
  g_assert_no_error (error);
  farm_uuid = fw_record_get_uuid (g_ptr_array_index (farms, 0));
  check.farm_uuid = farm_uuid;

  alert = fw_alert_new_for_event (fw_record_get_uuid (FW_RECORD (unit)), NULL,
                                  FW_PARAMETER_DISSOLVED_OXYGEN, &event, FALSE);
  g_assert_true (fw_cache_save_record (cache, FW_RECORD (alert), &error));
  g_assert_no_error (error);
  check.uuid = g_strdup (fw_record_get_uuid (FW_RECORD (alert)));
  check.cache = cache;

  notifications_sent = 0;
  g_signal_connect (fw_window_get_alert_monitor (fixture->window), "send-notification",
                    G_CALLBACK (on_send_notification_cb), NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reload", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-alerts", NULL));
  fw_test_wait_until (alert_listed, &check, "the alert on the alerts page");
  fw_test_wait_until (badge_shows, &check, "the sidebar's count of firing alerts");
  /* A critical alert new since the farm was first read is news. */
  fw_test_wait_until (notification_sent, NULL, "a desktop notification");
  {
    g_autofree char *id = g_strconcat ("alert-", check.uuid, NULL);

    g_assert_cmpuint (notifications_sent, ==, 1);
    g_assert_cmpstr (last_notification, ==, id);
  }
  g_assert_cmpint (atoi (gtk_label_get_label (find_badge (GTK_WIDGET (fixture->window)))), ==,
                   count_firing (cache, farm_uuid));

  {
    g_autofree char *title = g_strdup_printf ("%s: Dissolved oxygen — Too low", fw_unit_get_name (unit));

    g_assert_true (has_label (GTK_WIDGET (fw_window_get_alerts_page (fixture->window)), title));
  }

  g_assert_true (fw_cache_count_outbox (cache, &pending_before, NULL, NULL, &error));
  g_assert_no_error (error);

  fw_alerts_page_acknowledge (fw_window_get_alerts_page (fixture->window), check.uuid);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  note = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_ENTRY (note));
  gtk_editable_set_text (GTK_EDITABLE (note), "Aerator 2 started");
  /* Enter in the note answers the default: acknowledge. */
  adw_message_dialog_response (dialog, adw_message_dialog_get_default_response (dialog));
  fw_test_wait_until (alert_acknowledged, &check, "the acknowledgement in the cache");

  acknowledged = cached_alert (&check);
  f = fw_alert_get_fields (acknowledged);
  g_assert_cmpstr (f->acknowledge_note, ==, "Aerator 2 started");
  g_assert_nonnull (f->acknowledged_by);
  g_assert_cmpint (f->acknowledged_at, >, 0);
  g_assert_true (fw_cache_count_outbox (cache, &pending_after, NULL, NULL, &error));
  g_assert_cmpint (pending_after, ==, pending_before + 1);

  /* The rule editor opens on the unit on screen. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.edit-alert-rules", NULL));
  rules_dialog = find_rules_dialog ();
  g_assert_nonnull (rules_dialog);
  entry = find_rule_entry (GTK_WIDGET (rules_dialog), "Dissolved oxygen", "Warning below (mg/L)");
  g_assert_nonnull (entry);

  gtk_editable_set_text (entry, "three");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (rules_dialog), "rules.save", NULL));
  g_assert_true (has_label (GTK_WIDGET (rules_dialog),
                            "Dissolved oxygen, “Warning below”: is not a number"));
  rules = fw_cache_list_alert_rules (cache, farm_uuid, &error);
  g_assert_cmpuint (rules->len, ==, 0);
  g_clear_pointer (&rules, g_ptr_array_unref);

  gtk_editable_set_text (entry, "1.0");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (rules_dialog), "rules.save", NULL));
  g_assert_true (has_label (GTK_WIDGET (rules_dialog),
                            "Dissolved oxygen, “Warning below”: is out of order with the other limits"));

  gtk_editable_set_text (entry, "3.5");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (rules_dialog), "rules.save", NULL));
  fw_test_wait_until (rules_dialog_gone, NULL, "the rules to be saved");

  rules = fw_cache_list_alert_rules (cache, farm_uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 1);
  {
    const FwAlertRuleFields *rf = fw_alert_rule_get_fields (g_ptr_array_index (rules, 0));

    g_assert_cmpstr (rf->unit_uuid, ==, fw_record_get_uuid (FW_RECORD (fw_unit_page_get_unit (fw_window_get_unit_page (fixture->window)))));
    g_assert_cmpint (rf->parameter, ==, FW_PARAMETER_DISSOLVED_OXYGEN);
    g_assert_cmpfloat (rf->settings.limits.warning_low, ==, 3.5);
    g_assert_true (rf->enabled);
  }

  /* Four critical alerts at once are one notification. */
  for (guint i = 0; i < 4; i++)
    {
      FwAlertEvent burst = { FW_ALERT_EVENT_FIRE, FW_ALERT_CONDITION_SILENT, FW_SEVERITY_CRITICAL,
                             DEMO_NOW - 60, NAN, NAN };
      g_autoptr(FwAlert) quiet = fw_alert_new_for_event (fw_record_get_uuid (FW_RECORD (unit)), NULL,
                                                         FW_PARAMETER_DISSOLVED_OXYGEN, &burst, FALSE);

      g_assert_true (fw_cache_save_record (cache, FW_RECORD (quiet), &error));
      g_assert_no_error (error);
    }
  notifications_sent = 0;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reload", NULL));
  fw_test_wait_until (notification_sent, NULL, "a notification of the burst");
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpuint (notifications_sent, ==, 1);
  g_assert_cmpstr (last_notification, ==, "alerts-many");

  g_free (check.uuid);
}

static void
test_window_remembers_size (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  GtkWindow *window;
  int width = 0, height = 0;

  window = GTK_WINDOW (fw_window_new (GTK_APPLICATION (shared_app)));
  gtk_window_set_default_size (window, 900, 610);
  gtk_window_present (window);
  while (g_main_context_iteration (NULL, FALSE));
  gtk_window_close (window);
  while (g_main_context_iteration (NULL, FALSE));

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  window = GTK_WINDOW (fw_window_new (GTK_APPLICATION (shared_app)));
  gtk_window_get_default_size (window, &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 610);
  gtk_window_destroy (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
test_types_create_destroy (void)
{
  g_autoptr(FwSensor) sensor = fw_sensor_new ("0b8c6d1e-1111-4111-8111-111111111111", FW_PARAMETER_DISSOLVED_OXYGEN, 300);
  g_autoptr(FwUnit) unit = g_object_new (FW_TYPE_UNIT, "name", "Pond 1", "species", "nile_tilapia", NULL);
  g_autoptr(GTimeZone) zone = g_time_zone_new_utc ();
  GtkWidget *tile, *row, *page;
  FwApplication *app;

  app = fw_application_new ();
  g_assert_finalize_object (app);

  fw_sensor_set_latest (sensor, 1000, 6.4, -0.5, 1100);
  tile = g_object_ref_sink (fw_sensor_tile_new (sensor, zone));
  g_assert_true (fw_sensor_tile_get_sensor (FW_SENSOR_TILE (tile)) == sensor);
  g_assert_true (has_label (tile, "6.4") || !gtk_widget_get_mapped (tile));
  g_assert_finalize_object (tile);

  row = g_object_ref_sink (fw_unit_row_new (unit));
  g_assert_true (fw_unit_row_get_unit (FW_UNIT_ROW (row)) == unit);
  g_assert_finalize_object (row);

  page = g_object_ref_sink (g_object_new (FW_TYPE_UNIT_PAGE, NULL));
  g_assert_null (fw_unit_page_get_unit (FW_UNIT_PAGE (page)));
  g_assert_finalize_object (page);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  /* No G_TEST_OPTION_ISOLATE_DIRS: GTK needs the system's icon theme and
   * MIME database from XDG_DATA_DIRS. Settings live in memory, and every
   * cache is in a folder of the test's own. */
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run the UI tests under xvfb-run");
      return 77;
    }
  adw_init ();

  g_test_add_func ("/window/types-create-destroy", test_types_create_destroy);

  shared_app = fw_application_new ();
  g_application_set_flags (G_APPLICATION (shared_app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (shared_app), NULL, NULL))
    g_error ("Cannot register the application");

  g_test_add_func ("/window/remembers-size", test_window_remembers_size);

#define ADD(name, days, func) \
  g_test_add ("/window/" name, Fixture, GUINT_TO_POINTER (days), fixture_set_up, func, fixture_tear_down)

  ADD ("shows-demo-farm", 2, test_window_shows_demo_farm);
  ADD ("keyboard-steps-units", 1, test_window_keyboard_steps_units);
  ADD ("about-and-shortcuts", 1, test_window_about_and_shortcuts);
  ADD ("welcome-then-demo", 0, test_window_welcome_then_demo);
  ADD ("error-names-file", 0, test_window_error_names_file);
  ADD ("narrow", 1, test_window_narrow);
  ADD ("renders-unit-page", 2, test_window_renders_unit_page);
  ADD ("charts-view", 2, test_window_charts_view);
  ADD ("quick-entry", 2, test_window_quick_entry);
  ADD ("farm-stock", 2, test_window_farm_stock);
  ADD ("import", 2, test_window_import);
  ADD ("alerts", 2, test_window_alerts);

#undef ADD

  {
    int status = g_test_run ();

    g_object_unref (shared_app);
    return status;
  }
}
