/* test-deploy-ui.c — the Deployments page on a real display
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page with one healthy and one degraded environment, and the window
 * signed in to a real fishwatch-server: a worker never sees the page, an
 * admin does.
 */

#include "config.h"

#include <math.h>
#include <adwaita.h>

#include "fw-application.h"
#include "fw-deploy-card.h"
#include "fw-deploy-environment-dialog.h"
#include "fw-deploy-page.h"
#include "fw-sync-controller.h"
#include "fw-test-server.h"
#include "fw-test-util.h"
#include "fw-window.h"

/* The isolated test directories hide the shared MIME database, without
 * which GdkPixbuf cannot tell an SVG icon (the expander rows' arrows) from
 * noise: each test gets the system's data directories back. */
static char *system_data_dirs;

static void
restore_data_dirs (void)
{
  if (system_data_dirs != NULL)
    g_setenv ("XDG_DATA_DIRS", system_data_dirs, TRUE);
  else
    g_unsetenv ("XDG_DATA_DIRS");
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (!gtk_widget_get_visible (widget))
    return;

  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_label (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static guint
count_labels (GtkWidget  *root,
              const char *prefix)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  guint n = 0;

  collect_labels (root, texts);
  for (guint i = 0; i < texts->len; i++)
    {
      if (g_str_has_prefix (g_ptr_array_index (texts, i), prefix))
        n++;
    }

  return n;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Nothing answers on the environments' addresses: a refresh keeps the
 * snapshot and marks it stale. */
static FwDeployConfig *
unreachable_config (const char   *name,
                    FwDeployTier  tier)
{
  FwDeployConfig *config = fw_deploy_config_new ();

  config->id = g_uuid_string_random ();
  config->name = g_strdup (name);
  config->tier = tier;
  config->api_url = g_strdup ("http://127.0.0.1:9");
  config->prometheus_url = g_strdup ("http://127.0.0.1:9");
  config->timeout = 2;
  return config;
}

static FwDeploySnapshot *
make_snapshot (gboolean healthy)
{
  FwDeploySnapshot *snapshot = fw_deploy_snapshot_new ();

  snapshot->fetched_at = g_get_real_time () / G_USEC_PER_SEC - 30;
  snapshot->api_reachable = TRUE;
  snapshot->ready = TRUE;
  snapshot->version = g_strdup ("0.4.0");
  snapshot->commit = g_strdup ("1a2b3c4d");
  snapshot->environment = g_strdup (healthy ? "production" : "staging");
  snapshot->uptime_s = 3 * 3600 + 20 * 60;
  snapshot->prometheus_reachable = TRUE;
  snapshot->instances_expected = 2;
  snapshot->instances_up = healthy ? 2 : 1;
  snapshot->request_rate = 14.2;
  snapshot->error_ratio = 0.002;
  snapshot->latency_p95 = 0.085;
  snapshot->ingest_per_minute = 1240;

  if (!healthy)
    {
      FwDeployAlert *alert = g_new0 (FwDeployAlert, 1);
      FwDeployTarget *target = g_new0 (FwDeployTarget, 1);

      alert->name = g_strdup ("FishWatchInstanceDown");
      alert->state = g_strdup ("firing");
      alert->severity = g_strdup ("critical");
      alert->summary = g_strdup ("Instance 10.0.2.12:8082 is down");
      g_ptr_array_add (snapshot->alerts, alert);
      target->instance = g_strdup ("10.0.2.12:8082");
      target->last_error = g_strdup ("connect: connection refused");
      g_ptr_array_add (snapshot->targets_down, target);

      snapshot->gitlab_configured = TRUE;
      snapshot->gitlab_error = g_strdup ("GitLab: token refused (401)");
      snapshot->elastic_configured = TRUE;
      snapshot->error_logs = 7;
      g_ptr_array_add (snapshot->error_messages, g_strdup ("The store does not answer: database is locked"));
      snapshot->kibana_link = g_strdup ("https://kibana.example.org/app/discover");
    }

  fw_deploy_snapshot_evaluate (snapshot);
  return snapshot;
}

/* FW_TEST_SHOTS=1 leaves the window up a while for `import -window root`. */
static void
hold_for_screenshot (void)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  if (g_getenv ("FW_TEST_SHOTS") == NULL)
    return;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
has_snapshot (gpointer data)
{
  GListModel *environments = fw_deploy_page_get_environments (data);
  g_autoptr(FwDeployStatus) status = NULL;

  if (g_list_model_get_n_items (environments) == 0)
    return FALSE;

  status = g_list_model_get_item (environments, 0);
  return fw_deploy_status_get_snapshot (status) != NULL && !fw_deploy_status_get_refreshing (status);
}

typedef struct
{
  const char *id;
} KeptSnapshot;

static gboolean
snapshot_kept (gpointer data)
{
  KeptSnapshot *kept = data;
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "fishwatch", "deployments.json", NULL);
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && strstr (text, kept->id) != NULL &&
         strstr (text, "\"ready\":true") != NULL;
}

static gboolean
both_stale (gpointer data)
{
  GListModel *model = data;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FwDeployStatus) status = g_list_model_get_item (model, i);

      if (!fw_deploy_status_get_stale (status) || fw_deploy_status_get_refreshing (status))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
test_render (void)
{
  g_autoptr(FwDeployConfig) production = unreachable_config ("Production", FW_DEPLOY_TIER_PRODUCTION);
  g_autoptr(FwDeployConfig) staging = unreachable_config ("Staging", FW_DEPLOY_TIER_STAGING);
  g_autoptr(FwDeployStatus) healthy = fw_deploy_status_new (production);
  g_autoptr(FwDeployStatus) degraded = fw_deploy_status_new (staging);
  g_autoptr(GtkCssProvider) style = gtk_css_provider_new ();
  GListModel *environments;
  GtkWidget *overlay;
  GtkWidget *window;
  FwDeployPage *page;

  restore_data_dirs ();

  /* Styled as the application styles it. */
  gtk_css_provider_load_from_resource (style, RESOURCE_PATH "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (style),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  window = adw_window_new ();
  overlay = adw_toast_overlay_new ();
  page = g_object_new (FW_TYPE_DEPLOY_PAGE, NULL);
  environments = fw_deploy_page_get_environments (page);

  fw_deploy_status_set_snapshot (healthy, make_snapshot (TRUE));
  fw_deploy_status_set_snapshot (degraded, make_snapshot (FALSE));
  g_assert_cmpint (fw_deploy_status_get_state (healthy), ==, FW_DEPLOY_STATE_HEALTHY);
  g_assert_cmpint (fw_deploy_status_get_state (degraded), ==, FW_DEPLOY_STATE_DEGRADED);

  fw_deploy_page_add_status (page, healthy);
  fw_deploy_page_add_status (page, degraded);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (page));
  adw_window_set_content (ADW_WINDOW (window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_window_present (GTK_WINDOW (window));
  fw_test_wait_until (is_mapped, page, "the page on screen");

  /* Two cards, each with its verdict and its reason. */
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Healthy"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Degraded"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "All 2 instances up, no alert firing"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "1 of 2 instances up; 1 alert firing: FishWatchInstanceDown"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "0.4.0 · 1a2b3c4d · up 3 h 20 min"), ==, 2);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "14.20 req/s · 0.2% 5xx · p95 85 ms"), ==, 2);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "GitLab: token refused (401)"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "7 errors in the last 15 minutes"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Updated "), ==, 2);

  /* Shown, the page refreshes; nothing answers there, so both keep their
   * figures and say they are stale, and why. */
  fw_test_wait_until (both_stale, environments, "both environments to go stale");
  g_assert_cmpint (fw_deploy_status_get_state (healthy), ==, FW_DEPLOY_STATE_HEALTHY);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Stale"), ==, 2);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Healthy"), ==, 1);
  g_assert_nonnull (strstr (fw_deploy_status_get_stale_reason (healthy), "connection refused"));

  hold_for_screenshot ();

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (style));
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

static void
fill (GtkWidget  *dialog,
      const char *title,
      const char *text)
{
  GtkWidget *row = find_row (dialog, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
on_saved_cb (FwDeployEnvironmentDialog  *dialog,
             FwDeployConfig             *config,
             FwDeployConfig            **saved)
{
  *saved = fw_deploy_config_copy (config);
}

/* A form that does not read as an environment says which field to fix,
 * and stays; one that does is saved, tokens and all. */
static void
test_environment_dialog (void)
{
  g_autoptr(FwDeployConfig) saved = NULL;
  FwDeployEnvironmentDialog *dialog = fw_deploy_environment_dialog_new (NULL, NULL);

  restore_data_dirs ();

  g_object_ref_sink (dialog);
  g_signal_connect (dialog, "saved", G_CALLBACK (on_saved_cb), &saved);
  gtk_window_present (GTK_WINDOW (dialog));

  fill (GTK_WIDGET (dialog), "Name", "Staging");
  fill (GTK_WIDGET (dialog), "API URL", "staging.example.org");
  g_assert_false (fw_deploy_environment_dialog_save (dialog));
  g_assert_null (saved);
  g_assert_cmpuint (count_labels (GTK_WIDGET (dialog), "API URL: “staging.example.org” is not an address"), ==, 1);
  hold_for_screenshot ();

  fill (GTK_WIDGET (dialog), "API URL", "https://staging.example.org");
  fill (GTK_WIDGET (dialog), "API Token (optional)", "session-token");
  fill (GTK_WIDGET (dialog), "Prometheus URL", "http://prometheus.staging.example.org:9090");
  fill (GTK_WIDGET (dialog), "GitLab URL", "https://gitlab.example.org");
  fill (GTK_WIDGET (dialog), "Project", "fishwatch/fishwatch");
  fill (GTK_WIDGET (dialog), "Access Token", "glpat-example");
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (GTK_WIDGET (dialog), "Tier")), FW_DEPLOY_TIER_STAGING);
  g_assert_true (fw_deploy_environment_dialog_save (dialog));

  g_assert_nonnull (saved);
  g_assert_true (g_uuid_string_is_valid (saved->id));
  g_assert_cmpstr (saved->name, ==, "Staging");
  g_assert_cmpint (saved->tier, ==, FW_DEPLOY_TIER_STAGING);
  g_assert_cmpstr (saved->api_token, ==, "session-token");
  g_assert_cmpstr (saved->gitlab_token, ==, "glpat-example");
  g_assert_null (saved->elastic_url);
  g_object_unref (dialog);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
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
is_forbidden (gpointer data)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_last_child (data));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "forbidden") == 0;
}

static gboolean
is_available (gpointer data)
{
  return fw_deploy_page_get_available (data);
}

static void
sign_in (FwSyncController *controller,
         FwTestServer     *server,
         const char       *username)
{
  gboolean signed_in = FALSE;

  fw_sync_controller_sign_in_async (controller, server->base_url, username,
                                    fw_test_server_password (server, username),
                                    NULL, NULL, on_signed_in_cb, &signed_in);
  fw_test_wait_until (is_true, &signed_in, "signing in");
}

/* The server refuses the status to a worker (403): no Deployments row. An
 * admin gets it, and the row. */
static void
test_admins_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = fw_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autoptr(FwApplication) app = fw_application_new ();
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autoptr(FwCache) cache = NULL;
  g_autoptr(FwSyncController) controller = NULL;
  FwTestServer *server = fw_test_server_start (NULL);
  g_autoptr(FwDeployConfig) environment = NULL;
  g_autoptr(FwDeployStatus) status = NULL;
  KeptSnapshot kept = { NULL, };
  GtkWidget *next_run;
  GtkWidget *overlay;
  FwDeployPage *page;
  GtkWidget *button;
  FwWindow *window;

  restore_data_dirs ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  cache = fw_cache_open (path, NULL, &error);
  g_assert_no_error (error);
  controller = fw_sync_controller_new (cache, settings);

  window = fw_window_new (GTK_APPLICATION (app));
  fw_window_set_cache (window, cache, FALSE);
  fw_window_set_sync_controller (window, controller);
  gtk_window_present (GTK_WINDOW (window));

  page = FW_DEPLOY_PAGE (find_widget (GTK_WIDGET (window), FW_TYPE_DEPLOY_PAGE));
  button = find_actionable (GTK_WIDGET (window), "win.show-deployments");
  g_assert_nonnull (page);
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_visible (button));

  sign_in (controller, server, "worker");
  fw_test_wait_until (is_forbidden, page, "the server's answer for a worker");
  g_assert_false (fw_deploy_page_get_available (page));
  g_assert_false (gtk_widget_get_visible (button));

  fw_sync_controller_sign_out (controller);
  sign_in (controller, server, "admin");
  fw_test_wait_until (is_available, page, "the server's answer for an admin");
  g_assert_true (gtk_widget_get_visible (button));

  /* The environment of the server signed in to is asked with the admin's
   * own session; its Prometheus does not answer, and the card says so. */
  environment = fw_deploy_config_new ();
  environment->id = g_uuid_string_random ();
  environment->name = g_strdup ("Staging");
  environment->tier = FW_DEPLOY_TIER_DEVELOPMENT;
  environment->api_url = g_strdup_printf ("%s/", server->base_url);
  environment->prometheus_url = g_strdup ("http://127.0.0.1:9");
  g_settings_set_value (settings, "deployment-environments",
                        g_variant_new_array (G_VARIANT_TYPE_VARDICT,
                                             (GVariant *[]) { fw_deploy_config_to_variant (environment) }, 1));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-deployments", NULL);
  fw_test_wait_until (has_snapshot, page, "the environment's first snapshot");
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Reachable and ready"), ==, 1);
  /* In the verdict's reason, and in the source's own row. */
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Prometheus: connection refused"), ==, 2);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Degraded"), ==, 1);
  /* The server was started as "development", the card's tier. */
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Development · 127.0.0.1"), ==, 1);

  /* Ctrl+R, which syncs elsewhere, refreshes the page it is pressed on. */
  {
    g_autoptr(FwDeployStatus) shown = g_list_model_get_item (fw_deploy_page_get_environments (page), 0);

    gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL);
    g_assert_true (fw_deploy_status_get_refreshing (shown));
    fw_test_wait_until (has_snapshot, page, "the refresh Ctrl+R asked for");
  }

  hold_for_screenshot ();

  /* The snapshot is kept; the next run opens offline and shows it, stale. */
  kept.id = environment->id;
  fw_test_wait_until (snapshot_kept, &kept, "the snapshot to be kept");
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (fw_test_server_halt (server), ==, 0);

  next_run = adw_window_new ();
  page = g_object_new (FW_TYPE_DEPLOY_PAGE, NULL);
  overlay = adw_toast_overlay_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (page));
  adw_window_set_content (ADW_WINDOW (next_run), overlay);
  gtk_window_present (GTK_WINDOW (next_run));
  fw_test_wait_until (has_snapshot, page, "the kept snapshot");
  status = g_list_model_get_item (fw_deploy_page_get_environments (page), 0);
  g_assert_true (fw_deploy_status_get_stale (status));
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Reachable and ready"), ==, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (page), "Stale"), ==, 1);

  gtk_window_destroy (GTK_WINDOW (next_run));
  /* Halted cleanly above; this only clears up after it. */
  fw_test_server_stop (server);
  fw_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  system_data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));
  fw_test_init (&argc, &argv);
  adw_init ();

  g_test_add_func ("/deploy-ui/render", test_render);
  g_test_add_func ("/deploy-ui/environment-dialog", test_environment_dialog);
  g_test_add_func ("/deploy-ui/admins-only", test_admins_only);

  return g_test_run ();
}
