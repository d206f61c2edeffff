/* fw-deploy-page.c — the deployment environments, for administrators
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One card per environment, from a GListStore of FwDeployStatus that the
 * page owns. The environments live in GSettings ("deployment-environments")
 * and their tokens in the keyring. While the page is on screen it
 * refreshes every "deployment-refresh-interval" seconds, backing off as
 * sync does while nothing answers, and on Ctrl+R.
 *
 * The page asks the signed-in server whether the user is an administrator
 * (GET /api/v1/status answers 403 to anyone else), and says so through
 * "available", which the window's sidebar row follows.
 */

#include "config.h"

#include <libsecret/secret.h>
#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-deploy-card.h"
#include "fw-deploy-environment-dialog.h"
#include "fw-deploy-page.h"

#define ENVIRONMENTS_KEY "deployment-environments"
#define INTERVAL_KEY "deployment-refresh-interval"

struct _FwDeployPage
{
  FwPage            parent_instance;

  GSettings        *settings;
  FwSyncController *sync;
  GListStore       *environments;
  GCancellable     *cancellable;
  GCancellable     *admin_cancellable;
  char             *checked;        /* server and token last asked */
  guint             refresh_source;
  guint             tick_source;
  guint             in_flight;
  gboolean          available;
  gboolean          refused;
  gboolean          loaded;

  AdwWindowTitle   *title;
  GtkStack         *stack;
  GtkFlowBox       *cards;
};

G_DEFINE_FINAL_TYPE (FwDeployPage, fw_deploy_page, FW_TYPE_PAGE)

enum {
  PROP_0,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void refresh_all (FwDeployPage *self);
static void keep_snapshots (FwDeployPage *self);

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    BASE_ID ".Deployment", SECRET_SCHEMA_NONE,
    {
      { "environment", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
set_available (FwDeployPage *self,
               gboolean      available)
{
  available = !!available;
  if (self->available == available)
    return;

  self->available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

static void
append_state_count (GString       *text,
                    FwDeployState  state,
                    guint          count)
{
  switch (state)
    {
    case FW_DEPLOY_STATE_DOWN:
      /* TRANSLATORS: environments down, in the header's subtitle */
      g_string_append_printf (text, _("%u down"), count);
      break;
    case FW_DEPLOY_STATE_DEGRADED:
      g_string_append_printf (text, _("%u degraded"), count);
      break;
    case FW_DEPLOY_STATE_HEALTHY:
      g_string_append_printf (text, _("%u healthy"), count);
      break;
    case FW_DEPLOY_STATE_UNKNOWN:
    default:
      g_string_append_printf (text, _("%u unknown"), count);
      break;
    }
}

static void
update_view (FwDeployPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->environments));
  guint counts[FW_DEPLOY_STATE_DOWN + 1] = { 0, };
  g_autofree char *subtitle = NULL;

  if (self->refused)
    {
      gtk_stack_set_visible_child_name (self->stack, "forbidden");
      adw_window_title_set_subtitle (self->title, NULL);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "cards" : "empty");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FwDeployStatus) status = g_list_model_get_item (G_LIST_MODEL (self->environments), i);

      counts[fw_deploy_status_get_state (status)]++;
    }

  if (n > 0)
    {
      static const FwDeployState worst_first[] = {
        FW_DEPLOY_STATE_DOWN, FW_DEPLOY_STATE_DEGRADED, FW_DEPLOY_STATE_UNKNOWN, FW_DEPLOY_STATE_HEALTHY,
      };
      g_autoptr(GString) text = g_string_new (NULL);

      /* TRANSLATORS: header subtitle, followed by the states, e.g.
       * "3 environments: 1 down, 2 healthy" */
      g_string_printf (text, ngettext ("%u environment: ", "%u environments: ", n), n);
      for (guint i = 0; i < G_N_ELEMENTS (worst_first); i++)
        {
          FwDeployState state = worst_first[i];

          if (counts[state] == 0)
            continue;
          if (!g_str_has_suffix (text->str, ": "))
            g_string_append (text, ", ");
          append_state_count (text, state, counts[state]);
        }
      subtitle = g_string_free (g_steal_pointer (&text), FALSE);
    }
  adw_window_title_set_subtitle (self->title, subtitle);
}

static GtkWidget *
create_card_cb (gpointer item,
                gpointer user_data)
{
  return fw_deploy_card_new (item);
}

static gboolean
tick_cb (gpointer user_data)
{
  FwDeployPage *self = user_data;
  FwTime now = fw_now ();

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (FW_IS_DEPLOY_CARD (card))
        fw_deploy_card_update_age (FW_DEPLOY_CARD (card), now);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  FwDeployPage *self = user_data;

  self->refresh_source = 0;
  refresh_all (self);
  return G_SOURCE_REMOVE;
}

/* The next round: the interval while something answers, longer and
 * longer while nothing does. */
static void
schedule_refresh (FwDeployPage *self)
{
  guint interval = g_settings_get_uint (self->settings, INTERVAL_KEY);
  guint failures = 0;
  guint delay;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->environments)); i++)
    {
      g_autoptr(FwDeployStatus) status = g_list_model_get_item (G_LIST_MODEL (self->environments), i);

      failures = MAX (failures, fw_deploy_status_get_failures (status));
    }

  delay = fw_deploy_next_refresh_delay (interval, failures, g_random_double ());
  self->refresh_source = g_timeout_add_seconds (delay, refresh_timeout_cb, self);
}

static void
on_refreshed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FwDeployPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fw_deploy_status_refresh_finish (FW_DEPLOY_STATUS (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->in_flight--;
  update_view (self);
  if (self->in_flight == 0)
    {
      keep_snapshots (self);
      schedule_refresh (self);
    }
}

/* Without a token of its own, an environment whose API is the server the
 * user signed in to is asked with the user's session. */
static void
lend_session (FwDeployPage   *self,
              FwDeployConfig *config)
{
  const char *server = self->sync != NULL ? fw_sync_controller_get_server_url (self->sync) : NULL;
  const char *token = self->sync != NULL ? fw_sync_controller_get_token (self->sync) : NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (config->api_token != NULL || server == NULL || token == NULL || config->api_url == NULL)
    return;

  a = g_strdup (server);
  b = g_strdup (config->api_url);
  while (g_str_has_suffix (a, "/"))
    a[strlen (a) - 1] = '\0';
  while (g_str_has_suffix (b, "/"))
    b[strlen (b) - 1] = '\0';

  if (g_ascii_strcasecmp (a, b) == 0)
    config->api_token = g_strdup (token);
}

static void
refresh_all (FwDeployPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->environments));

  g_clear_handle_id (&self->refresh_source, g_source_remove);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FwDeployStatus) status = g_list_model_get_item (G_LIST_MODEL (self->environments), i);

      if (fw_deploy_status_get_refreshing (status))
        continue;

      self->in_flight++;
      fw_deploy_status_refresh_async (status, self->cancellable, on_refreshed_cb, g_object_ref (self));
    }

  if (self->in_flight == 0)
    schedule_refresh (self);
}

static FwDeployStatus *
status_for_config (FwDeployPage         *self,
                   const FwDeployConfig *config)
{
  g_autoptr(FwDeployConfig) lent = fw_deploy_config_copy (config);

  lend_session (self, lent);
  return fw_deploy_status_new (lent);
}

/* Environments and their tokens */

typedef struct
{
  GPtrArray *configs;   /* FwDeployConfig */
  JsonNode  *kept;      /* id → snapshot, from the last run */
  gboolean   keyring_failed;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_ptr_array_unref (loaded->configs);
  g_clear_pointer (&loaded->kept, json_node_unref);
  g_free (loaded);
}

/* The last snapshots, so that an admin who opens Fish Watch offline still
 * sees how things stood (marked stale). */
static char *
dup_kept_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "fishwatch", "deployments.json", NULL);
}

static void
on_kept_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("The deployments' last snapshots were not kept: %s", error->message);
}

static void
keep_snapshots (FwDeployPage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = dup_kept_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  json_builder_begin_object (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->environments)); i++)
    {
      g_autoptr(FwDeployStatus) status = g_list_model_get_item (G_LIST_MODEL (self->environments), i);
      const FwDeploySnapshot *snapshot = fw_deploy_status_get_snapshot (status);
      const char *id = fw_deploy_status_get_config (status)->id;

      if (snapshot == NULL || id == NULL || snapshot->state == FW_DEPLOY_STATE_UNKNOWN)
        continue;
      json_builder_set_member_name (builder, id);
      json_builder_add_value (builder, fw_deploy_snapshot_to_json (snapshot));
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  text = json_to_string (root, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));
  g_mkdir_with_parents (dir, 0700);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                       self->cancellable, on_kept_cb, NULL);
}

static JsonNode *
read_kept (void)
{
  g_autofree char *path = dup_kept_path ();
  g_autofree char *text = NULL;
  gsize length = 0;
  JsonNode *root;

  if (!g_file_get_contents (path, &text, &length, NULL))
    return NULL;

  root = json_from_string (text, NULL);
  if (root != NULL && !JSON_NODE_HOLDS_OBJECT (root))
    g_clear_pointer (&root, json_node_unref);
  return root;
}

static void
restore_kept (FwDeployStatus *status,
              JsonNode       *kept)
{
  const char *id = fw_deploy_status_get_config (status)->id;
  JsonNode *node;
  FwDeploySnapshot *snapshot;

  if (kept == NULL || id == NULL)
    return;

  node = json_object_get_member (json_node_get_object (kept), id);
  snapshot = node != NULL ? fw_deploy_snapshot_from_json (node, NULL) : NULL;
  if (snapshot != NULL)
    fw_deploy_status_restore (status, snapshot, _("Kept from the last time Fish Watch was open"));
}

static char *
lookup_token (const char  *id,
              const char  *kind,
              gboolean    *failed)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (token_schema (), NULL, &error,
                                              "environment", id, "kind", kind, NULL);
  char *token;

  if (error != NULL)
    *failed = TRUE;
  token = g_strdup (secret);
  secret_password_free (secret);
  return token;
}

static void
load_tokens_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Loaded *loaded = task_data;

  loaded->kept = read_kept ();
  for (guint i = 0; i < loaded->configs->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      FwDeployConfig *config = g_ptr_array_index (loaded->configs, i);

      config->api_token = lookup_token (config->id, "api", &loaded->keyring_failed);
      if (config->gitlab_url != NULL)
        config->gitlab_token = lookup_token (config->id, "gitlab", &loaded->keyring_failed);
      if (config->elastic_url != NULL)
        config->elastic_api_key = lookup_token (config->id, "elasticsearch", &loaded->keyring_failed);
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_tokens_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  FwDeployPage *self = FW_DEPLOY_PAGE (source);
  Loaded *loaded = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func (g_object_unref);

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;

  for (guint i = 0; i < loaded->configs->len; i++)
    {
      FwDeployStatus *status = status_for_config (self, g_ptr_array_index (loaded->configs, i));

      restore_kept (status, loaded->kept);
      g_ptr_array_add (statuses, status);
    }

  g_list_store_splice (self->environments, 0, g_list_model_get_n_items (G_LIST_MODEL (self->environments)),
                       statuses->pdata, statuses->len);

  if (loaded->keyring_failed)
    fw_widget_add_toast (GTK_WIDGET (self), _("The keyring did not answer: environments are asked without their tokens"));

  update_view (self);
  refresh_all (self);
}

static GPtrArray *
read_settings (FwDeployPage *self)
{
  g_autoptr(GVariant) list = g_settings_get_value (self->settings, ENVIRONMENTS_KEY);
  GPtrArray *configs = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_deploy_config_free);
  GVariantIter iter;
  GVariant *child;

  g_variant_iter_init (&iter, list);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_ptr_array_add (configs, fw_deploy_config_from_variant (child));
      g_variant_unref (child);
    }

  return configs;
}

static void
write_settings (FwDeployPage *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->environments)); i++)
    {
      g_autoptr(FwDeployStatus) status = g_list_model_get_item (G_LIST_MODEL (self->environments), i);

      g_variant_builder_add_value (&builder, fw_deploy_config_to_variant (fw_deploy_status_get_config (status)));
    }

  g_settings_set_value (self->settings, ENVIRONMENTS_KEY, g_variant_builder_end (&builder));
}

static void
on_token_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FwDeployPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_message ("The keyring did not keep a deployment token: %s", error->message);
      fw_widget_add_toast (GTK_WIDGET (self), _("No keyring kept the token: enter it again next time"));
    }
}

static void
store_token (FwDeployPage *self,
             const char   *id,
             const char   *name,
             const char   *kind,
             const char   *token)
{
  g_autofree char *label = NULL;

  if (token == NULL)
    {
      secret_password_clear (token_schema (), NULL, NULL, NULL, "environment", id, "kind", kind, NULL);
      return;
    }

  /* TRANSLATORS: the keyring entry's name: the kind of token, then the environment */
  label = g_strdup_printf (_("Fish Watch %s token for %s"), kind, name);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                         self->cancellable, on_token_stored_cb, g_object_ref (self),
                         "environment", id, "kind", kind, NULL);
}

static gboolean
find_environment (FwDeployPage *self,
                  const char   *id,
                  guint        *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->environments)); i++)
    {
      g_autoptr(FwDeployStatus) status = g_list_model_get_item (G_LIST_MODEL (self->environments), i);

      if (g_strcmp0 (fw_deploy_status_get_config (status)->id, id) == 0)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
on_environment_saved_cb (FwDeployPage   *self,
                         FwDeployConfig *config)
{
  g_autoptr(FwDeployStatus) status = status_for_config (self, config);
  guint position;

  if (find_environment (self, config->id, &position))
    g_list_store_splice (self->environments, position, 1, (gpointer *) &status, 1);
  else
    g_list_store_append (self->environments, status);

  g_signal_handlers_block_by_func (self->settings, fw_deploy_page_reload, self);
  write_settings (self);
  g_signal_handlers_unblock_by_func (self->settings, fw_deploy_page_reload, self);

  store_token (self, config->id, config->name, "api", config->api_token);
  store_token (self, config->id, config->name, "gitlab", config->gitlab_token);
  store_token (self, config->id, config->name, "elasticsearch", config->elastic_api_key);

  update_view (self);
  self->in_flight++;
  fw_deploy_status_refresh_async (status, self->cancellable, on_refreshed_cb, g_object_ref (self));
}

static void
on_environment_removed_cb (FwDeployPage *self,
                           const char   *id)
{
  guint position;

  if (!find_environment (self, id, &position))
    return;

  g_list_store_remove (self->environments, position);
  g_signal_handlers_block_by_func (self->settings, fw_deploy_page_reload, self);
  write_settings (self);
  g_signal_handlers_unblock_by_func (self->settings, fw_deploy_page_reload, self);
  store_token (self, id, NULL, "api", NULL);
  store_token (self, id, NULL, "gitlab", NULL);
  store_token (self, id, NULL, "elasticsearch", NULL);
  update_view (self);
}

static void
open_dialog (FwDeployPage         *self,
             const FwDeployConfig *config)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  FwDeployEnvironmentDialog *dialog;

  dialog = fw_deploy_environment_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, config);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_environment_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "removed", G_CALLBACK (on_environment_removed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_dialog (FW_DEPLOY_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FwDeployPage *self = FW_DEPLOY_PAGE (widget);
  g_autoptr(FwDeployStatus) status = NULL;
  g_autoptr(FwDeployConfig) config = NULL;
  guint position;

  if (!find_environment (self, g_variant_get_string (parameter, NULL), &position))
    return;

  status = g_list_model_get_item (G_LIST_MODEL (self->environments), position);
  config = fw_deploy_config_copy (fw_deploy_status_get_config (status));

  /* The session lent for this run is not the environment's own token. */
  if (self->sync != NULL && g_strcmp0 (config->api_token, fw_sync_controller_get_token (self->sync)) == 0)
    g_clear_pointer (&config->api_token, g_free);

  open_dialog (self, config);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fw_deploy_page_refresh (FW_DEPLOY_PAGE (widget));
}

/* Whether the user is an administrator */

static void
on_admin_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FwDeployPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean admin = fw_deploy_check_admin_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* A server out of reach says nothing about the user: keep what we
   * knew, and ask again next time sync moves. */
  if (error != NULL)
    {
      g_clear_pointer (&self->checked, g_free);
      return;
    }

  self->refused = !admin;
  set_available (self, admin);
  update_view (self);
}

static void
check_admin (FwDeployPage *self)
{
  const char *server = fw_sync_controller_get_server_url (self->sync);
  const char *token = fw_sync_controller_get_token (self->sync);
  g_autofree char *key = NULL;

  if (server == NULL || *server == '\0' || token == NULL)
    {
      g_cancellable_cancel (self->admin_cancellable);
      g_clear_pointer (&self->checked, g_free);
      self->refused = self->sync != NULL && fw_sync_controller_get_state (self->sync) == FW_SYNC_STATE_SIGNED_OUT;
      set_available (self, FALSE);
      update_view (self);
      return;
    }

  key = g_strconcat (server, "\n", token, NULL);
  if (g_strcmp0 (key, self->checked) == 0)
    return;

  g_free (self->checked);
  self->checked = g_steal_pointer (&key);

  g_cancellable_cancel (self->admin_cancellable);
  g_clear_object (&self->admin_cancellable);
  self->admin_cancellable = g_cancellable_new ();
  fw_deploy_check_admin_async (server, token, self->admin_cancellable, on_admin_checked_cb, g_object_ref (self));
}

static void
on_sync_changed_cb (FwDeployPage *self)
{
  check_admin (self);
}

static void
fw_deploy_page_map (GtkWidget *widget)
{
  FwDeployPage *self = FW_DEPLOY_PAGE (widget);

  GTK_WIDGET_CLASS (fw_deploy_page_parent_class)->map (widget);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  self->tick_source = g_timeout_add_seconds (1, tick_cb, self);

  /* The environments are read when first shown, and kept: a snapshot
   * outlives a failed refresh. */
  if (!self->loaded)
    fw_deploy_page_reload (self);
  else
    refresh_all (self);
}

static void
fw_deploy_page_unmap (GtkWidget *widget)
{
  FwDeployPage *self = FW_DEPLOY_PAGE (widget);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_handle_id (&self->refresh_source, g_source_remove);

  GTK_WIDGET_CLASS (fw_deploy_page_parent_class)->unmap (widget);
}

static void
fw_deploy_page_dispose (GObject *object)
{
  FwDeployPage *self = FW_DEPLOY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->admin_cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_handle_id (&self->refresh_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_DEPLOY_PAGE);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->admin_cancellable);
  g_clear_object (&self->sync);
  g_clear_object (&self->environments);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->checked, g_free);

  G_OBJECT_CLASS (fw_deploy_page_parent_class)->dispose (object);
}

static void
fw_deploy_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, FW_DEPLOY_PAGE (object)->available);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_deploy_page_class_init (FwDeployPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_deploy_page_dispose;
  object_class->get_property = fw_deploy_page_get_property;
  widget_class->map = fw_deploy_page_map;
  widget_class->unmap = fw_deploy_page_unmap;

  /* Whether the signed-in user is an administrator, as the server said. */
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-deploy-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FwDeployPage, title);
  gtk_widget_class_bind_template_child (widget_class, FwDeployPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FwDeployPage, cards);

  gtk_widget_class_install_action (widget_class, "deploy.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "deploy.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "deploy.edit", "s", edit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "deploy.refresh", NULL);
}

static void
fw_deploy_page_init (FwDeployPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_ID);
  self->cancellable = g_cancellable_new ();
  self->environments = g_list_store_new (FW_TYPE_DEPLOY_STATUS);
  gtk_flow_box_bind_model (self->cards, G_LIST_MODEL (self->environments), create_card_cb, NULL, NULL);
  g_signal_connect_object (self->settings, "changed::" ENVIRONMENTS_KEY, G_CALLBACK (fw_deploy_page_reload),
                           self, G_CONNECT_SWAPPED);
  update_view (self);
}

/**
 * fw_deploy_page_set_sync_controller:
 *
 * The page asks the server the user signed in to whether they are an
 * administrator, and lends their session to the environment of that
 * server.
 */
void
fw_deploy_page_set_sync_controller (FwDeployPage     *self,
                                    FwSyncController *controller)
{
  g_return_if_fail (FW_IS_DEPLOY_PAGE (self));
  g_return_if_fail (FW_IS_SYNC_CONTROLLER (controller));
  g_return_if_fail (self->sync == NULL);

  self->sync = g_object_ref (controller);
  g_signal_connect_object (controller, "notify", G_CALLBACK (on_sync_changed_cb), self, G_CONNECT_SWAPPED);
  check_admin (self);
}

gboolean
fw_deploy_page_get_available (FwDeployPage *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_PAGE (self), FALSE);

  return self->available;
}

/**
 * fw_deploy_page_reload:
 *
 * Reads the environments from the settings and their tokens from the
 * keyring, then refreshes them.
 */
void
fw_deploy_page_reload (FwDeployPage *self)
{
  g_autoptr(GTask) task = NULL;
  Loaded *loaded;

  g_return_if_fail (FW_IS_DEPLOY_PAGE (self));

  self->loaded = TRUE;
  loaded = g_new0 (Loaded, 1);
  loaded->configs = read_settings (self);
  task = g_task_new (self, self->cancellable, on_tokens_loaded_cb, NULL);
  g_task_set_source_tag (task, fw_deploy_page_reload);
  g_task_set_task_data (task, loaded, (GDestroyNotify) loaded_free);
  g_task_run_in_thread (task, load_tokens_thread);
}

/**
 * fw_deploy_page_refresh:
 *
 * Asks every environment again now (Ctrl+R).
 */
void
fw_deploy_page_refresh (FwDeployPage *self)
{
  g_return_if_fail (FW_IS_DEPLOY_PAGE (self));

  refresh_all (self);
}

/**
 * fw_deploy_page_get_environments:
 *
 * Returns: (transfer none): the environments shown, FwDeployStatus items
 */
GListModel *
fw_deploy_page_get_environments (FwDeployPage *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_PAGE (self), NULL);

  return G_LIST_MODEL (self->environments);
}

/**
 * fw_deploy_page_add_status:
 *
 * Shows one more environment, as it is; the settings are not touched.
 */
void
fw_deploy_page_add_status (FwDeployPage   *self,
                           FwDeployStatus *status)
{
  g_return_if_fail (FW_IS_DEPLOY_PAGE (self));
  g_return_if_fail (FW_IS_DEPLOY_STATUS (status));

  self->loaded = TRUE;
  g_list_store_append (self->environments, status);
  update_view (self);
}
