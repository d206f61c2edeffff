/* test-sync-ui.c — the window tells the truth about sync
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real window (under xvfb-run) signed in to a real fishwatch-server on
 * loopback: with the server stopped, a change waits and the window says
 * so; with the server back, it goes out and the window says that too.
 */

#include "config.h"

#include <locale.h>
#include <adwaita.h>

#include "fw-application.h"
#include "fw-sign-in-dialog.h"
#include "fw-sync-page.h"
#include "fw-sync-controller.h"
#include "fw-test-server.h"
#include "fw-test-util.h"
#include "fw-window.h"

static gboolean
is_up_to_date (gpointer data)
{
  return fw_sync_controller_get_state (data) == FW_SYNC_STATE_UP_TO_DATE;
}

static gboolean
is_offline (gpointer data)
{
  return fw_sync_controller_get_state (data) == FW_SYNC_STATE_OFFLINE;
}

static gboolean
farm_shown (gpointer data)
{
  return g_strcmp0 (fw_window_get_state (data), "farm") == 0 &&
         g_list_model_get_n_items (fw_window_get_units (data)) == fw_demo_get_n_units ();
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_label (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static gboolean
shows_label (GtkWidget  *root,
             const char *prefix)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  collect_labels (root, texts);
  for (guint i = 0; i < texts->len; i++)
    {
      if (g_str_has_prefix (g_ptr_array_index (texts, i), prefix))
        return TRUE;
    }

  return FALSE;
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (fw_sync_controller_sign_in_finish (FW_SYNC_CONTROLLER (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_offline_then_online (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fw_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autoptr(FwApplication) app = fw_application_new ();
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autoptr(FwCache) cache = NULL;
  g_autoptr(FwSyncController) controller = NULL;
  g_autoptr(FwRecord) entry = NULL;
  g_autoptr(FwUnit) unit = NULL;
  g_autoptr(JsonNode) logbook = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *logbook_path = NULL;
  FwTestServer *server = fw_test_server_start (NULL);
  FwWindow *window;
  gboolean signed_in = FALSE;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  cache = fw_cache_open (path, NULL, &error);
  g_assert_no_error (error);
  controller = fw_sync_controller_new (cache, settings);

  window = fw_window_new (GTK_APPLICATION (app));
  fw_window_set_cache (window, cache, FALSE);
  fw_window_set_sync_controller (window, controller);
  gtk_window_present (GTK_WINDOW (window));

  /* Signed in, the farm arrives from the server. */
  fw_sync_controller_sign_in_async (controller, server->base_url, "worker",
                                    fw_test_server_password (server, "worker"),
                                    NULL, NULL, on_signed_in_cb, &signed_in);
  fw_test_wait_until (is_true, &signed_in, "signing in");
  fw_test_wait_until (is_up_to_date, controller, "the first sync");
  fw_test_wait_until (farm_shown, window, "the farm from the server");
  g_assert_true (shows_label (GTK_WIDGET (window), "Up to date at "));

  /* The server goes away; a change is made; a sync fails. */
  g_assert_cmpint (fw_test_server_halt (server), ==, 0);
  unit = g_list_model_get_item (fw_window_get_units (window), 0);
  entry = g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                        "unit-uuid", fw_record_get_uuid (FW_RECORD (unit)),
                        "kind", "feeding",
                        "occurred-at", g_get_real_time () / G_USEC_PER_SEC,
                        "payload", "{\"kg\":8}",
                        NULL);
  g_assert_true (fw_cache_record_change (cache, entry, FALSE, &error));
  g_assert_no_error (error);
  fw_sync_controller_sync_now (controller);
  fw_test_wait_until (is_offline, controller, "sync to fail");
  g_assert_cmpuint (fw_sync_controller_get_pending (controller), ==, 1);
  g_assert_true (shows_label (GTK_WIDGET (window), "Offline, 1 change waiting"));

  /* The server is back: the change goes out, and the window says so. */
  fw_test_server_restart (server);
  fw_sync_controller_sync_now (controller);
  fw_test_wait_until (is_up_to_date, controller, "sync to succeed");
  g_assert_cmpuint (fw_sync_controller_get_pending (controller), ==, 0);
  g_assert_true (shows_label (GTK_WIDGET (window), "Up to date at "));

  admin = fw_test_server_login (server, "admin");
  logbook_path = g_strdup_printf ("/api/v1/units/%s/logbook", fw_record_get_uuid (FW_RECORD (unit)));
  g_assert_cmpuint (fw_test_server_call (server, "GET", logbook_path, admin, NULL, &logbook, NULL), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (logbook), "items")), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (fw_test_server_stop (server), ==, 0);
  fw_test_remove_tree (dir);
}

static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  GtkWidget  *dialog;
  const char *text;
} ShownLabel;

static gboolean
dialog_shows (gpointer data)
{
  ShownLabel *shown = data;

  return shows_label (shown->dialog, shown->text);
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* The sign-in dialog with a farm's own certificate authority: the file
 * chosen before is shown; one that cannot be read is named in the error;
 * back to the system's certificates, the sign-in succeeds, the dialog
 * closes and the choice is kept. */
static void
test_sign_in_dialog (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fw_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autofree char *missing = g_build_filename (dir, "R&D <farm> ca.pem", NULL);
  g_autofree char *kept = NULL;
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autoptr(FwCache) cache = NULL;
  g_autoptr(FwSyncController) controller = NULL;
  FwTestServer *server = fw_test_server_start (NULL);
  GtkWidget *dialog;
  GtkWidget *ca_row;
  ShownLabel shown;

  g_settings_set_string (settings, "custom-ca-file", missing);
  cache = fw_cache_open (path, NULL, &error);
  g_assert_no_error (error);
  controller = fw_sync_controller_new (cache, settings);

  dialog = fw_sign_in_dialog_new (NULL, controller);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  ca_row = find_row (dialog, "Certificate Authority");
  g_assert_nonnull (ca_row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ca_row)), ==, "R&D <farm> ca.pem");

  gtk_editable_set_text (GTK_EDITABLE (find_row (dialog, "Server Address")), server->base_url);
  gtk_editable_set_text (GTK_EDITABLE (find_row (dialog, "User Name")), "worker");
  gtk_editable_set_text (GTK_EDITABLE (find_row (dialog, "Password")), fw_test_server_password (server, "worker"));
  g_assert_true (gtk_widget_activate_action (dialog, "sign-in.submit", NULL));
  shown = (ShownLabel) { dialog, "Cannot read the certificate authority file" };
  fw_test_wait_until (dialog_shows, &shown, "the certificate error");
  g_assert_nonnull (dialog);

  g_assert_true (gtk_widget_activate_action (dialog, "sign-in.clear-ca", NULL));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ca_row)), ==, "System certificates only");
  g_assert_true (gtk_widget_activate_action (dialog, "sign-in.submit", NULL));
  fw_test_wait_until (is_null, &dialog, "the dialog to close");
  fw_test_wait_until (is_up_to_date, controller, "the first sync");

  kept = g_settings_get_string (settings, "custom-ca-file");
  g_assert_cmpstr (kept, ==, "");

  g_assert_cmpint (fw_test_server_stop (server), ==, 0);
  fw_test_remove_tree (dir);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
  gboolean    shown;
} LabelState;

static gboolean
label_is (gpointer data)
{
  LabelState *state = data;

  return shows_label (state->root, state->text) == state->shown;
}

static void
wait_for_label (GtkWidget  *root,
                const char *text,
                gboolean    shown)
{
  LabelState state = { root, text, shown };

  fw_test_wait_until (label_is, &state, text);
}

static gboolean
has_pending (gpointer data)
{
  return fw_sync_controller_get_pending (data) == 101;
}

/* The sync page after a long day offline: the oldest waiting changes are
 * listed and the rest counted; a refused change can be discarded and a
 * conflict settled, each from its own row, without blocking the window. */
static void
test_sync_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fw_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autoptr(FwCache) cache = NULL;
  g_autoptr(FwSyncController) controller = NULL;
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  GtkWidget *window, *overlay, *page;
  guint pending = 0, rejected = 0, conflicts = 0;

  cache = fw_cache_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fw_demo_populate (cache, g_get_real_time () / G_USEC_PER_SEC, 1, NULL, NULL, NULL, &error));
  farms = fw_cache_list_farms (cache, &error);
  units = fw_cache_list_units (cache, fw_record_get_id (g_ptr_array_index (farms, 0)), 0, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 103; i++)
    {
      g_autofree char *payload = g_strdup_printf ("{\"kg\":%u}", i + 1);
      g_autoptr(FwRecord) entry = g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                                                "unit-uuid", fw_record_get_uuid (g_ptr_array_index (units, i % units->len)),
                                                "kind", "feeding",
                                                "occurred-at", g_get_real_time () / G_USEC_PER_SEC - 3600 + i,
                                                "payload", payload,
                                                NULL);

      g_assert_true (fw_cache_record_change (cache, entry, FALSE, &error));
      g_assert_no_error (error);
    }

  /* The server refused one and found another in conflict. */
  outbox = fw_cache_list_outbox (cache, FW_OUTBOX_PENDING, 2, &error);
  g_assert_true (fw_cache_outbox_refused (cache, g_ptr_array_index (outbox, 0), FW_OUTBOX_REJECTED,
                                          "The record it belongs to is archived", NULL, 0, &error));
  g_assert_true (fw_cache_outbox_refused (cache, g_ptr_array_index (outbox, 1), FW_OUTBOX_CONFLICT,
                                          "Changed on the server", "{\"kind\":\"mortality\"}", 4, &error));
  g_assert_no_error (error);

  controller = fw_sync_controller_new (cache, settings);
  fw_sync_controller_refresh (controller);
  fw_test_wait_until (has_pending, controller, "the count of waiting changes");

  window = gtk_window_new ();
  overlay = adw_toast_overlay_new ();
  page = g_object_new (FW_TYPE_SYNC_PAGE, NULL);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
  gtk_window_present (GTK_WINDOW (window));
  fw_sync_page_set_controller (FW_SYNC_PAGE (page), controller, cache);

  wait_for_label (window, "And 1 more change", TRUE);
  /* Entries are named by kind and unit, in the order they were made. */
  {
    g_autofree char *first = g_strdup_printf ("Feeding · %s", fw_unit_get_name (g_ptr_array_index (units, 2)));

    g_assert_true (shows_label (window, first));
  }
  g_assert_true (shows_label (window, "The record it belongs to is archived"));
  g_assert_true (shows_label (window, "Server’s version: "));

  /* The settings of this sync, both ways. */
  {
    GtkWidget *interval = find_row (window, "Sync _Every");
    GtkWidget *history = find_row (window, "Days of _Detailed History");
    GtkWidget *spin = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (history));

    adw_combo_row_set_selected (ADW_COMBO_ROW (interval), 3);
    g_assert_cmpuint (g_settings_get_uint (settings, "sync-interval"), ==, 3600);
    g_settings_set_uint (settings, "sync-interval", 250);
    g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (interval)), ==, 1);
    g_assert_cmpuint (g_settings_get_uint (settings, "sync-interval"), ==, 250);

    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 14);
    g_assert_cmpuint (g_settings_get_uint (settings, "raw-history-days"), ==, 14);
    g_settings_set_uint (settings, "raw-history-days", 400);
    g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 400);
    g_settings_reset (settings, "sync-interval");
    g_settings_reset (settings, "raw-history-days");
  }

  g_signal_emit_by_name (find_button (window, "_Discard"), "clicked");
  wait_for_label (window, "The record it belongs to is archived", FALSE);
  g_assert_true (fw_cache_count_outbox (cache, &pending, &rejected, &conflicts, &error));
  g_assert_cmpuint (rejected, ==, 0);
  g_assert_cmpuint (conflicts, ==, 1);

  /* Keeping mine puts it back in the queue, to be sent over the server's. */
  g_signal_emit_by_name (find_button (window, "Keep _Mine"), "clicked");
  wait_for_label (window, "Server’s version: ", FALSE);
  g_assert_true (fw_cache_count_outbox (cache, &pending, &rejected, &conflicts, &error));
  g_assert_cmpuint (conflicts, ==, 0);
  g_assert_cmpuint (pending, ==, 102);

  gtk_window_destroy (GTK_WINDOW (window));
  fw_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  /* No directory isolation: GTK needs the system's icons and MIME data;
   * settings are in memory and every file in a folder of the test's own. */
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run the UI tests under xvfb-run");
      return 77;
    }
  adw_init ();
  /* Xvfb has no window manager to move focus between windows; a blinking
   * cursor that outlives its focus would make GTK warn. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/sync-ui/offline-then-online", test_offline_then_online);
  g_test_add_func ("/sync-ui/sign-in-dialog", test_sign_in_dialog);
  g_test_add_func ("/sync-ui/sync-page", test_sync_page);

  return g_test_run ();
}
