/* fw-sync-controller.c — when the app syncs, and what it says about it
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the core sync engine in a worker thread: at start, on an interval
 * (GSettings "sync-interval"), when the network comes back, and when the
 * user asks. After a failure it backs off with jitter, never sooner than
 * the server asked. The session token lives in the user's keyring; when
 * no keyring answers, it is kept in memory for this run only, and the
 * user is told.
 *
 * Its properties are what the window shows: the state, the words for it,
 * how many changes wait.
 */

#include "config.h"

#include <libsecret/secret.h>
#include <glib/gi18n.h>

#include "fw-enums.h"
#include "fw-sync-controller.h"


struct _FwSyncController
{
  GObject          parent_instance;

  FwCache         *cache;
  GSettings       *settings;
  GNetworkMonitor *monitor;
  GCancellable    *cancellable;

  char            *server_url;
  char            *username;
  char            *token;

  FwSyncState      state;
  char            *description;
  char            *reason;
  guint            pending;
  FwTime           last_success;
  guint            failures;
  guint            timer;
  guint            counts_serial;
  gboolean         running;
  gboolean         again;
};

G_DEFINE_FINAL_TYPE (FwSyncController, fw_sync_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_DESCRIPTION,
  PROP_PENDING,
  PROP_SERVER_URL,
  PROP_USERNAME,
  N_PROPS
};

enum {
  SYNCED,
  KEYRING_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    BASE_ID ".Session", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
update_description (FwSyncController *self)
{
  g_autofree char *text = fw_sync_describe (self->state, self->pending, self->last_success, NULL, self->reason);

  if (g_strcmp0 (text, self->description) != 0)
    {
      g_free (self->description);
      self->description = g_steal_pointer (&text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
    }
}

static void
set_state (FwSyncController *self,
           FwSyncState       state,
           const char       *reason)
{
  g_free (self->reason);
  self->reason = g_strdup (reason);

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }

  update_description (self);
}

static void
set_pending (FwSyncController *self,
             guint             pending)
{
  if (pending != self->pending)
    {
      self->pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }

  update_description (self);
}

/* What the cache says of the sync, read on a worker thread. */
typedef struct
{
  guint  serial;        /* answers to an older question are dropped */
  guint  pending;
  FwTime last_success;
} Counts;

static void
count_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FwSyncController *self = source_object;
  Counts *counts = task_data;
  GError *error = NULL;

  if (!fw_cache_count_outbox (self->cache, &counts->pending, NULL, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  counts->last_success = fw_sync_get_last_success (self->cache);
  g_task_return_boolean (task, TRUE);
}

static void
on_counted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FwSyncController *self = FW_SYNC_CONTROLLER (source);
  Counts *counts = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || counts->serial != self->counts_serial)
    return;

  /* The time of the last success is part of the description. */
  if (counts->last_success > self->last_success)
    {
      self->last_success = counts->last_success;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
    }
  set_pending (self, counts->pending);
}

/**
 * fw_sync_controller_refresh:
 *
 * Reads again, off the main thread, how many changes wait.
 */
void
fw_sync_controller_refresh (FwSyncController *self)
{
  g_autoptr(GTask) task = NULL;
  Counts *counts;

  g_return_if_fail (FW_IS_SYNC_CONTROLLER (self));

  counts = g_new0 (Counts, 1);
  counts->serial = ++self->counts_serial;

  task = g_task_new (self, self->cancellable, on_counted_cb, NULL);
  g_task_set_source_tag (task, fw_sync_controller_refresh);
  g_task_set_task_data (task, counts, g_free);
  g_task_run_in_thread (task, count_thread);
}

static gboolean
timer_cb (gpointer user_data)
{
  FwSyncController *self = user_data;

  self->timer = 0;
  fw_sync_controller_sync_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (FwSyncController *self,
          guint             seconds)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  self->timer = g_timeout_add_seconds (MAX (seconds, 1), timer_cb, self);
}

/* A new interval applies at once to the wait for the next regular sync;
 * a wait after a failure keeps its backoff. */
static void
on_interval_changed_cb (FwSyncController *self)
{
  if (self->timer != 0 && self->state == FW_SYNC_STATE_UP_TO_DATE)
    schedule (self, g_settings_get_uint (self->settings, "sync-interval"));
}

typedef struct
{
  FwSyncConfig config;
  char        *server_url;
  char        *token;
  char        *ca_file;
  FwSyncReport report;
  guint        pending;      /* counted after the sync, in its thread */
} SyncJob;

static void
sync_job_free (SyncJob *job)
{
  g_free (job->server_url);
  g_free (job->token);
  g_free (job->ca_file);
  g_free (job);
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FwSyncController *self = source_object;
  SyncJob *job = task_data;
  GError *error = NULL;

  gboolean ok = fw_sync_run (self->cache, &job->config, &job->report, cancellable, &error);

  fw_cache_count_outbox (self->cache, &job->pending, NULL, NULL, NULL);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_synced_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FwSyncController *self = FW_SYNC_CONTROLLER (source);
  SyncJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  self->running = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The count made after the sync is newer than any asked before. */
  self->counts_serial++;
  set_pending (self, job->pending);

  if (ok)
    {
      self->failures = 0;
      self->last_success = g_get_real_time () / G_USEC_PER_SEC;
      set_state (self, FW_SYNC_STATE_UP_TO_DATE, NULL);
      g_signal_emit (self, signals[SYNCED], 0);
      schedule (self, g_settings_get_uint (self->settings, "sync-interval"));
    }
  else
    {
      if (g_error_matches (error, FW_SYNC_ERROR, FW_SYNC_ERROR_UNAUTHORIZED))
        /* Nothing is lost: the outbox waits for the next sign-in. */
        set_state (self, FW_SYNC_STATE_NEEDS_SIGN_IN, error->message);
      else
        {
          self->failures++;
          set_state (self,
                     g_error_matches (error, FW_SYNC_ERROR, FW_SYNC_ERROR_UNREACHABLE) ? FW_SYNC_STATE_OFFLINE
                                                                                     : FW_SYNC_STATE_FAILING,
                     error->message);

          /* Settings the user must fix are not retried on a timer. */
          if (fw_sync_error_is_transient (error))
            schedule (self, fw_sync_backoff_delay (self->failures, job->report.retry_after,
                                                   g_random_double ()));
        }

      /* Whatever did get through (a pull page, an answer) is shown. */
      g_signal_emit (self, signals[SYNCED], 0);
    }

  if (self->again)
    {
      self->again = FALSE;
      fw_sync_controller_sync_now (self);
    }
}

/**
 * fw_sync_controller_sync_now:
 *
 * Syncs at once, or right after the sync under way.
 */
void
fw_sync_controller_sync_now (FwSyncController *self)
{
  g_autoptr(GTask) task = NULL;
  SyncJob *job;

  g_return_if_fail (FW_IS_SYNC_CONTROLLER (self));

  fw_sync_controller_refresh (self);

  if (self->token == NULL)
    return;

  if (self->running)
    {
      self->again = TRUE;
      return;
    }

  g_clear_handle_id (&self->timer, g_source_remove);

  job = g_new0 (SyncJob, 1);
  job->server_url = g_strdup (self->server_url);
  job->token = g_strdup (self->token);
  job->ca_file = g_settings_get_string (self->settings, "custom-ca-file");
  job->config.server_url = job->server_url;
  job->config.token = job->token;
  job->config.ca_file = job->ca_file;
  job->config.raw_history_days = g_settings_get_uint (self->settings, "raw-history-days");

  self->running = TRUE;
  set_state (self, FW_SYNC_STATE_SYNCING, NULL);

  task = g_task_new (self, self->cancellable, on_synced_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) sync_job_free);
  g_task_run_in_thread (task, sync_thread);
}

static void
on_network_changed_cb (FwSyncController *self,
                       gboolean          available)
{
  /* The link is back: no need to wait out the backoff. */
  if (available && (self->state == FW_SYNC_STATE_OFFLINE || self->state == FW_SYNC_STATE_FAILING))
    fw_sync_controller_sync_now (self);
}

static void
on_token_found_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FwSyncController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = secret_password_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (token == NULL)
    {
      set_state (self, FW_SYNC_STATE_NEEDS_SIGN_IN,
                 error != NULL ? error->message : _("No saved session"));
      return;
    }

  self->token = g_steal_pointer (&token);
  fw_sync_controller_sync_now (self);
}

static void
fw_sync_controller_dispose (GObject *object)
{
  FwSyncController *self = FW_SYNC_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (fw_sync_controller_parent_class)->dispose (object);
}

static void
fw_sync_controller_finalize (GObject *object)
{
  FwSyncController *self = FW_SYNC_CONTROLLER (object);

  g_free (self->server_url);
  g_free (self->username);
  if (self->token != NULL)
    secret_password_free (self->token);
  g_free (self->description);
  g_free (self->reason);

  G_OBJECT_CLASS (fw_sync_controller_parent_class)->finalize (object);
}

static void
fw_sync_controller_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FwSyncController *self = FW_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;

    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;

    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_sync_controller_class_init (FwSyncControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fw_sync_controller_dispose;
  object_class->finalize = fw_sync_controller_finalize;
  object_class->get_property = fw_sync_controller_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FW_TYPE_SYNC_STATE, FW_SYNC_STATE_SIGNED_OUT, flags);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL, flags);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After every sync run, so that views read the cache again. */
  signals[SYNCED] =
    g_signal_new ("synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* The session could not be saved in the keyring (with the reason). */
  signals[KEYRING_FAILED] =
    g_signal_new ("keyring-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fw_sync_controller_init (FwSyncController *self)
{
  self->cancellable = g_cancellable_new ();
  self->state = FW_SYNC_STATE_SIGNED_OUT;
}

FwSyncController *
fw_sync_controller_new (FwCache   *cache,
                        GSettings *settings)
{
  FwSyncController *self;
  g_return_val_if_fail (FW_IS_CACHE (cache), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (FW_TYPE_SYNC_CONTROLLER, NULL);
  self->cache = g_object_ref (cache);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::sync-interval",
                           G_CALLBACK (on_interval_changed_cb), self, G_CONNECT_SWAPPED);
  self->server_url = g_settings_get_string (settings, "server-url");
  self->username = g_settings_get_string (settings, "username");

  self->monitor = g_network_monitor_get_default ();
  g_signal_connect_object (self->monitor, "network-changed",
                           G_CALLBACK (on_network_changed_cb), self, G_CONNECT_SWAPPED);

  fw_sync_controller_refresh (self);

  if (*self->server_url != '\0' && *self->username != '\0')
    {
      set_state (self, FW_SYNC_STATE_SYNCING, NULL);
      secret_password_lookup (token_schema (), self->cancellable, on_token_found_cb, g_object_ref (self),
                              "server", self->server_url, "username", self->username, NULL);
    }
  else
    set_state (self, FW_SYNC_STATE_SIGNED_OUT, NULL);

  return self;
}

/**
 * fw_sync_controller_get_settings:
 *
 * Returns: (transfer none): the settings this controller syncs by: the
 *   interval, the history kept, the account
 */
GSettings *
fw_sync_controller_get_settings (FwSyncController *self)
{
  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (self), NULL);

  return self->settings;
}

FwSyncState
fw_sync_controller_get_state (FwSyncController *self)
{
  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (self), FW_SYNC_STATE_SIGNED_OUT);

  return self->state;
}

const char *
fw_sync_controller_get_description (FwSyncController *self)
{
  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (self), NULL);

  return self->description;
}

guint
fw_sync_controller_get_pending (FwSyncController *self)
{
  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (self), 0);

  return self->pending;
}

FwTime
fw_sync_controller_get_last_success (FwSyncController *self)
{
  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (self), 0);

  return self->last_success;
}

const char *
fw_sync_controller_get_server_url (FwSyncController *self)
{
  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (self), NULL);

  return self->server_url;
}

const char *
fw_sync_controller_get_username (FwSyncController *self)
{
  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (self), NULL);

  return self->username;
}

/**
 * fw_sync_controller_get_token:
 *
 * Returns: (nullable): the session token, %NULL when signed out or while
 *   the keyring has not answered yet. The admin view asks the server with
 *   it whether the user is an administrator.
 */
const char *
fw_sync_controller_get_token (FwSyncController *self)
{
  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (self), NULL);

  return self->token;
}

/**
 * fw_sync_controller_dup_ca_file:
 *
 * Returns: (transfer full): the certificate authority file trusted for the
 *   server, or "" for the system's certificates only
 */
char *
fw_sync_controller_dup_ca_file (FwSyncController *self)
{
  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (self), NULL);

  return g_settings_get_string (self->settings, "custom-ca-file");
}

typedef struct
{
  char *server_url;
  char *ca_file;
  char *username;
  char *password;
  char *token;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->server_url);
  g_free (sign_in->ca_file);
  g_free (sign_in->username);
  if (sign_in->password != NULL)
    secret_password_free (sign_in->password);
  g_free (sign_in->token);
  g_free (sign_in);
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SignIn *sign_in = task_data;
  FwSyncConfig config = { sign_in->server_url, NULL, sign_in->ca_file, 15, 0 };
  GError *error = NULL;

  sign_in->token = fw_sync_sign_in (&config, sign_in->username, sign_in->password, cancellable, &error);
  if (sign_in->token == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_token_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FwSyncController) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[KEYRING_FAILED], 0, error->message);
}

/**
 * fw_sync_controller_sign_in_async:
 * @ca_file: (nullable): a certificate authority file to trust for this
 *   server, "" for the system's certificates only, or %NULL to keep the
 *   current choice; kept once the sign-in succeeds
 */
void
fw_sync_controller_sign_in_async (FwSyncController    *self,
                                  const char          *server_url,
                                  const char          *username,
                                  const char          *password,
                                  const char          *ca_file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *sign_in;

  g_return_if_fail (FW_IS_SYNC_CONTROLLER (self));

  sign_in = g_new0 (SignIn, 1);
  sign_in->server_url = g_strstrip (g_strdup (server_url));
  sign_in->ca_file = ca_file != NULL ? g_strdup (ca_file) : g_settings_get_string (self->settings, "custom-ca-file");
  sign_in->username = g_strstrip (g_strdup (username));
  sign_in->password = g_strdup (password);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fw_sync_controller_sign_in_async);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  g_task_run_in_thread (task, sign_in_thread);
}

gboolean
fw_sync_controller_sign_in_finish (FwSyncController  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  SignIn *sign_in;
  g_autofree char *label = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  sign_in = g_task_get_task_data (G_TASK (result));

  g_free (self->server_url);
  g_free (self->username);
  self->server_url = g_strdup (sign_in->server_url);
  self->username = g_strdup (sign_in->username);
  if (self->token != NULL)
    secret_password_free (self->token);
  self->token = g_strdup (sign_in->token);

  g_settings_set_string (self->settings, "server-url", self->server_url);
  g_settings_set_string (self->settings, "username", self->username);
  g_settings_set_string (self->settings, "custom-ca-file", sign_in->ca_file);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);

  /* TRANSLATORS: the keyring entry's name, with the user and the server */
  label = g_strdup_printf (_("Fish Watch session of %s on %s"), self->username, self->server_url);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, self->token,
                         self->cancellable, on_token_stored_cb, g_object_ref (self),
                         "server", self->server_url, "username", self->username, NULL);

  self->failures = 0;
  fw_sync_controller_sync_now (self);
  return TRUE;
}

/* Forgets the session; local data and waiting changes stay. */
void
fw_sync_controller_sign_out (FwSyncController *self)
{
  g_return_if_fail (FW_IS_SYNC_CONTROLLER (self));

  if (self->token != NULL)
    {
      secret_password_clear (token_schema (), NULL, NULL, NULL,
                             "server", self->server_url, "username", self->username, NULL);
      secret_password_free (self->token);
      self->token = NULL;
    }

  g_clear_handle_id (&self->timer, g_source_remove);
  g_settings_set_string (self->settings, "username", "");
  set_state (self, FW_SYNC_STATE_SIGNED_OUT, NULL);
}
