/* fw-application.c — the Fish Watch application
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application opens the cache once, off the main thread, and hands it
 * to every window. AdwApplication loads style.css and the shortcuts window
 * from the resource base path by itself.
 */

#include "config.h"

#include <glib/gi18n.h>

#include <stdio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "fw-application.h"
#include "fw-sync-controller.h"
#include "fw-window.h"

struct _FwApplication
{
  AdwApplication  parent_instance;

  char           *cache_path;
  gboolean        demo;
  char           *sign_in_server;
  char           *sign_in_user;
  char           *sign_in_password;
  FwCache        *cache;
  FwSyncController *sync;
  GError         *cache_error;
  gboolean        opening;
};

G_DEFINE_FINAL_TYPE (FwApplication, fw_application, ADW_TYPE_APPLICATION)

static void
hand_cache_to_window (FwApplication *self,
                      FwWindow      *window)
{
  if (self->cache != NULL)
    {
      fw_window_set_cache (window, self->cache, self->demo);
      if (self->sync != NULL && fw_window_get_sync_controller (window) == NULL)
        fw_window_set_sync_controller (window, self->sync);
    }
  else if (self->cache_error != NULL)
    fw_window_show_error (window, self->cache_error);
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FwApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fw_sync_controller_sign_in_finish (FW_SYNC_CONTROLLER (source), result, &error))
    g_printerr ("fishwatch: %s\n", error->message);
}

/* The account settings of the user's own cache are the user's; another
 * cache (--cache, --demo) keeps its own, for this run only, so that a demo
 * never syncs with the real server nor the real cache with a demo one. */
static GSettings *
sync_settings (FwApplication *self)
{
  if (self->cache_path == NULL && !self->demo)
    return g_settings_new (BASE_ID);
  else
    {
      g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

      return g_settings_new_with_backend (BASE_ID, backend);
    }
}

static void
on_cache_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FwApplication) self = user_data;

  self->opening = FALSE;
  self->cache = fw_cache_open_finish (result, &self->cache_error);

  if (self->cache != NULL)
    {
      g_autoptr(GSettings) settings = sync_settings (self);

      self->sync = fw_sync_controller_new (self->cache, settings);
      if (self->sign_in_server != NULL && self->sign_in_user != NULL)
        fw_sync_controller_sign_in_async (self->sync, self->sign_in_server, self->sign_in_user,
                                          self->sign_in_password ?: "", NULL, NULL,
                                          on_signed_in_cb, g_object_ref (self));
      g_clear_pointer (&self->sign_in_password, g_free);
    }

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (FW_IS_WINDOW (l->data))
        hand_cache_to_window (self, l->data);
    }

  g_application_release (G_APPLICATION (self));
}

static void
fw_application_activate (GApplication *application)
{
  FwApplication *self = FW_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (fw_window_new (GTK_APPLICATION (self)));
      hand_cache_to_window (self, FW_WINDOW (window));
    }

  gtk_window_present (window);

  if (self->cache == NULL && self->cache_error == NULL && !self->opening)
    {
      g_autofree char *path = NULL;

      if (self->cache_path != NULL)
        path = g_strdup (self->cache_path);
      else if (self->demo)
        /* The demo farm never mixes with a real farm's cache. */
        path = g_build_filename (g_get_user_data_dir (), "fishwatch", "demo.sqlite", NULL);
      else
        path = fw_cache_get_default_path ();

      self->opening = TRUE;
      g_application_hold (application);
      fw_cache_open_async (path, NULL, on_cache_opened_cb, g_object_ref (self));
    }
}

static int
fw_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  FwApplication *self = FW_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("fishwatch %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "cache", "^ay", &self->cache_path);
  self->demo = g_variant_dict_contains (options, "demo");
  g_variant_dict_lookup (options, "server", "s", &self->sign_in_server);
  g_variant_dict_lookup (options, "user", "s", &self->sign_in_user);

  /* A password never goes on the command line, where others can read it. */
  if (g_variant_dict_contains (options, "password-stdin"))
    {
      char line[1024];

      if (fgets (line, sizeof line, stdin) != NULL)
        self->sign_in_password = g_strdup (g_strchomp (line));
    }

  if ((self->sign_in_server == NULL) != (self->sign_in_user == NULL))
    {
      g_printerr ("fishwatch: --server and --user go together\n");
      return 2;
    }

  /* A window on another cache is another instance, not a second window of
   * the one already running. */
  if (self->cache_path != NULL || self->demo || self->sign_in_server != NULL)
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  return -1;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  FwApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Fish Watch Team", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-icon", BASE_ID,
                        "application-name", _("Fish Watch"),
                        "developer-name", _("The Fish Watch Team"),
                        "version", PACKAGE_VERSION,
                        "website", "https://gitlab.com/fishwatch/fishwatch",
                        "issue-url", "https://gitlab.com/fishwatch/fishwatch/-/issues",
                        "copyright", "© 2026 The Fish Watch Team",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* TRANSLATORS: put your name here to be credited */
                        "translator-credits", _("translator-credits"),
                        NULL);

  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *application = user_data;

  /* Closing each window first lets it save its size. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (application);
}

/* A notification's buttons: they may come when no window is open, or
 * when the app was started by them. */
static void
show_alert (GApplication *application,
            GVariant     *parameter,
            gboolean      acknowledge)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    {
      g_application_activate (application);
      window = gtk_application_get_active_window (GTK_APPLICATION (application));
    }

  if (FW_IS_WINDOW (window))
    fw_window_show_alert (FW_WINDOW (window), g_variant_get_string (parameter, NULL), acknowledge);
}

static void
open_alert_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  show_alert (G_APPLICATION (user_data), parameter, FALSE);
}

static void
acknowledge_alert_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  show_alert (G_APPLICATION (user_data), parameter, TRUE);
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
  { "open-alert", open_alert_action, "s" },
  { "acknowledge-alert", acknowledge_alert_action, "s" },
};

static void
fw_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *reload_accels[] = { "F5", NULL };

  G_APPLICATION_CLASS (fw_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   application);

  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "win.reload", reload_accels);

  gtk_window_set_default_icon_name (APP_ID);
}

static void
fw_application_finalize (GObject *object)
{
  FwApplication *self = FW_APPLICATION (object);

  g_clear_object (&self->sync);
  g_clear_object (&self->cache);
  g_clear_error (&self->cache_error);
  g_clear_pointer (&self->cache_path, g_free);
  g_clear_pointer (&self->sign_in_server, g_free);
  g_clear_pointer (&self->sign_in_user, g_free);
  g_clear_pointer (&self->sign_in_password, g_free);

  G_OBJECT_CLASS (fw_application_parent_class)->finalize (object);
}

static void
fw_application_class_init (FwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = fw_application_finalize;
  app_class->activate = fw_application_activate;
  app_class->startup = fw_application_startup;
  app_class->handle_local_options = fw_application_handle_local_options;
}

static void
fw_application_init (FwApplication *self)
{
  static const GOptionEntry entries[] = {
    { "cache", 'c', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Use FILE as the local cache instead of the one in your data folder"), N_("FILE") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Open the demo farm, creating it on first use"), NULL },
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Sign in to the Fish Watch server at URL (with --user)"), N_("URL") },
    { "user", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("The user name to sign in with"), N_("NAME") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Read the password for --user from standard input"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

FwApplication *
fw_application_new (void)
{
  /* One resource path for every profile: the shortcuts window, styles and
   * icons do not depend on the app id. */
  return g_object_new (FW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}
