/* fw-alert-monitor.c — the farm's open alerts, counted, and told to people
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After every sync (and every local change to an alert) the monitor reads
 * the farm's alerts and rules from the cache in a worker thread. It keeps
 * what the window shows beside the units: how many alerts are firing, and
 * the worst open one of each unit. A critical alert seen for the first
 * time becomes a desktop notification with "Acknowledge" and "Open"; a
 * minute timer repeats it while nobody has acknowledged it, as often as
 * the rule says (fw_alert_next_reminder()). Acknowledging, here or on
 * another machine, withdraws the notification.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fw-alert-monitor.h"

#define REMINDER_CHECK_SECONDS 60

struct _FwAlertMonitor
{
  GObject        parent_instance;

  GApplication  *application;
  FwCache       *cache;
  char          *farm_uuid;
  GListModel    *units;
  GPtrArray     *alerts;      /* FwAlert */
  GPtrArray     *rules;       /* FwAlertRule */
  GHashTable    *notified;    /* uuid → FwTime of the last notification */
  char          *account_role;
  gboolean       first_load;
  GCancellable  *cancellable;
  guint          reminder_source;
  guint          n_firing;
};

G_DEFINE_FINAL_TYPE (FwAlertMonitor, fw_alert_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_FIRING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  SEND_NOTIFICATION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
notification_id (FwAlert *alert)
{
  return g_strconcat ("alert-", fw_record_get_uuid (FW_RECORD (alert)), NULL);
}

static const char *
unit_name (FwAlertMonitor *self,
           const char     *uuid)
{
  for (guint i = 0; self->units != NULL && i < g_list_model_get_n_items (self->units); i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (self->units, i);

      if (g_strcmp0 (fw_record_get_uuid (FW_RECORD (unit)), uuid) == 0)
        return fw_unit_get_name (unit);
    }

  return _("Unknown unit");
}

/* The default handler of ::send-notification: to the desktop. */
static void
fw_alert_monitor_real_send_notification (FwAlertMonitor *self,
                                         const char     *id,
                                         GNotification  *notification)
{
  if (self->application != NULL)
    g_application_send_notification (self->application, id, notification);
}

static void
notify_alert (FwAlertMonitor *self,
              FwAlert        *alert,
              gboolean        reminder)
{
  const FwAlertFields *f = fw_alert_get_fields (alert);
  const char *uuid = fw_record_get_uuid (FW_RECORD (alert));
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GIcon) icon = g_themed_icon_new ("dialog-error-symbolic");
  g_autofree char *title = NULL;
  g_autofree char *body = fw_alert_describe (alert);
  g_autofree char *id = notification_id (alert);

  /* TRANSLATORS: a desktop notification's title: the unit and the
   * parameter, such as "Pond 4: Dissolved oxygen" */
  title = g_strdup_printf (reminder ? _("Still unacknowledged — %s: %s") : _("%s: %s"),
                           unit_name (self, f->unit_uuid), fw_parameter_get_label (f->parameter));

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_set_default_action_and_target (notification, "app.open-alert", "s", uuid);
  g_notification_add_button_with_target (notification, _("Acknowledge"), "app.acknowledge-alert", "s", uuid);
  g_notification_add_button_with_target (notification, _("Open"), "app.open-alert", "s", uuid);

  g_signal_emit (self, signals[SEND_NOTIFICATION], 0, id, notification);
}

/* Reminders of critical alerts nobody has acknowledged yet. Warnings wait
 * for people to look at the window. */
void
fw_alert_monitor_remind (FwAlertMonitor *self,
                         FwTime          now)
{
  g_return_if_fail (FW_IS_ALERT_MONITOR (self));

  for (guint i = 0; self->alerts != NULL && i < self->alerts->len; i++)
    {
      FwAlert *alert = g_ptr_array_index (self->alerts, i);
      const FwAlertFields *f = fw_alert_get_fields (alert);
      const char *uuid = fw_record_get_uuid (FW_RECORD (alert));
      gpointer last;
      FwAlertSettings settings;
      FwTime due;

      if (f->severity != FW_SEVERITY_CRITICAL || f->state != FW_ALERT_STATE_FIRING)
        continue;
      if (!g_hash_table_lookup_extended (self->notified, uuid, NULL, &last))
        continue;

      fw_alert_rules_resolve (self->rules, f->unit_uuid, NULL, f->parameter, &settings);
      due = fw_alert_next_reminder (alert, GPOINTER_TO_SIZE (last), settings.remind_every);
      if (due != 0 && now >= due)
        {
          g_hash_table_insert (self->notified, g_strdup (uuid), GSIZE_TO_POINTER ((gsize) now));
          notify_alert (self, alert, TRUE);
        }
    }
}

static gboolean
on_reminder_check_cb (gpointer user_data)
{
  fw_alert_monitor_remind (FW_ALERT_MONITOR (user_data), g_get_real_time () / G_USEC_PER_SEC);
  return G_SOURCE_CONTINUE;
}

/* Many critical alerts at once (a gateway gone quiet at night) are one
 * notification, not a wall of them. */
#define MAX_SINGLE_NOTIFICATIONS 3

static void
notify_many (FwAlertMonitor *self,
             guint           n_new)
{
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GIcon) icon = g_themed_icon_new ("dialog-error-symbolic");
  g_autofree char *title = NULL;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new critical alert", "%u new critical alerts", n_new),
                           n_new);
  notification = g_notification_new (title);
  g_notification_set_body (notification, _("Open Fish Watch to see them and acknowledge each"));
  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_set_default_action_and_target (notification, "app.open-alert", "s", "");
  g_notification_add_button_with_target (notification, _("Open"), "app.open-alert", "s", "");

  g_signal_emit (self, signals[SEND_NOTIFICATION], 0, "alerts-many", notification);
}

/* New critical alerts become notifications; alerts that are no longer
 * firing take theirs back. The first read after start-up only takes note:
 * what was firing before is in the window already, not news. */
static void
tell_people (FwAlertMonitor *self)
{
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < self->alerts->len; i++)
    {
      FwAlert *alert = g_ptr_array_index (self->alerts, i);
      const char *uuid = fw_record_get_uuid (FW_RECORD (alert));

      if (fw_alert_get_state (alert) != FW_ALERT_STATE_FIRING ||
          fw_alert_get_severity (alert) != FW_SEVERITY_CRITICAL ||
          g_hash_table_contains (self->notified, uuid))
        continue;

      g_hash_table_insert (self->notified, g_strdup (uuid), GSIZE_TO_POINTER ((gsize) now));
      if (!self->first_load)
        g_ptr_array_add (fresh, alert);
    }

  if (fresh->len > MAX_SINGLE_NOTIFICATIONS)
    notify_many (self, fresh->len);
  else
    for (guint i = 0; i < fresh->len; i++)
      notify_alert (self, g_ptr_array_index (fresh, i), FALSE);

  g_hash_table_iter_init (&iter, self->notified);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      FwAlert *alert = fw_alert_monitor_find (self, key);

      if (alert == NULL || fw_alert_get_state (alert) != FW_ALERT_STATE_FIRING)
        {
          g_autofree char *id = g_strconcat ("alert-", (const char *) key, NULL);

          if (self->application != NULL)
            g_application_withdraw_notification (self->application, id);
          g_hash_table_iter_remove (&iter);
        }
    }

  self->first_load = FALSE;
}

typedef struct
{
  GPtrArray *alerts;
  GPtrArray *rules;
  char      *role;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_free (loaded->role);
  g_clear_pointer (&loaded->alerts, g_ptr_array_unref);
  g_clear_pointer (&loaded->rules, g_ptr_array_unref);
  g_free (loaded);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FwAlertMonitor *self = source_object;
  g_autoptr(FwCache) cache = g_object_ref (self->cache);
  const char *farm_uuid = task_data;
  Loaded *loaded = g_new0 (Loaded, 1);
  GError *error = NULL;

  loaded->alerts = fw_cache_list_alerts (cache, farm_uuid, &error);
  if (loaded->alerts != NULL)
    loaded->rules = fw_cache_list_alert_rules (cache, farm_uuid, &error);

  if (loaded->rules == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
      return;
    }

  fw_sync_dup_account (cache, NULL, &loaded->role);

  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FwAlertMonitor *self = FW_ALERT_MONITOR (source);
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);
  guint n_firing = 0;

  if (loaded == NULL)
    {
      /* The window's own reads report a broken cache; this one is a
       * background refresh and keeps what it had. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the farm's alerts: %s", error->message);
      return;
    }

  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  self->alerts = g_steal_pointer (&loaded->alerts);
  self->rules = g_steal_pointer (&loaded->rules);
  g_free (self->account_role);
  self->account_role = g_steal_pointer (&loaded->role);
  loaded_free (loaded);

  for (guint i = 0; i < self->alerts->len; i++)
    n_firing += fw_alert_get_state (g_ptr_array_index (self->alerts, i)) == FW_ALERT_STATE_FIRING;

  tell_people (self);

  if (n_firing != self->n_firing)
    {
      self->n_firing = n_firing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FIRING]);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * fw_alert_monitor_refresh:
 *
 * Reads the alerts and rules again, off the main thread.
 */
void
fw_alert_monitor_refresh (FwAlertMonitor *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FW_IS_ALERT_MONITOR (self));

  if (self->cache == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  task = g_task_new (self, self->cancellable, on_loaded_cb, NULL);
  g_task_set_source_tag (task, fw_alert_monitor_refresh);
  g_task_set_task_data (task, g_strdup (self->farm_uuid), g_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * fw_alert_monitor_watch:
 * @units: (element-type FwUnit): the farm's units, to name alerts by
 *
 * Watches another farm, or the same one after a sync.
 */
void
fw_alert_monitor_watch (FwAlertMonitor *self,
                        FwCache        *cache,
                        const char     *farm_uuid,
                        GListModel     *units)
{
  g_return_if_fail (FW_IS_ALERT_MONITOR (self));
  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (farm_uuid != NULL);

  if (self->cache != cache || g_strcmp0 (self->farm_uuid, farm_uuid) != 0)
    {
      g_hash_table_remove_all (self->notified);
      self->first_load = TRUE;
    }

  g_set_object (&self->cache, cache);
  g_set_object (&self->units, units);
  g_free (self->farm_uuid);
  self->farm_uuid = g_strdup (farm_uuid);

  fw_alert_monitor_refresh (self);
}

guint
fw_alert_monitor_get_n_firing (FwAlertMonitor *self)
{
  g_return_val_if_fail (FW_IS_ALERT_MONITOR (self), 0);

  return self->n_firing;
}

/**
 * fw_alert_monitor_get_unit_severity:
 *
 * Returns: the worst open alert of the unit, %FW_SEVERITY_NONE for none
 */
FwSeverity
fw_alert_monitor_get_unit_severity (FwAlertMonitor *self,
                                    const char     *unit_uuid)
{
  FwSeverity worst = FW_SEVERITY_NONE;

  g_return_val_if_fail (FW_IS_ALERT_MONITOR (self), FW_SEVERITY_NONE);

  for (guint i = 0; self->alerts != NULL && i < self->alerts->len; i++)
    {
      FwAlert *alert = g_ptr_array_index (self->alerts, i);

      if (fw_alert_is_open (alert) && g_strcmp0 (fw_alert_get_unit_uuid (alert), unit_uuid) == 0)
        worst = MAX (worst, fw_alert_get_severity (alert));
    }

  return worst;
}

/**
 * fw_alert_monitor_get_alerts:
 *
 * Returns: (transfer none) (nullable) (element-type FwAlert): the farm's
 *   alerts, once read
 */
GPtrArray *
fw_alert_monitor_get_alerts (FwAlertMonitor *self)
{
  g_return_val_if_fail (FW_IS_ALERT_MONITOR (self), NULL);

  return self->alerts;
}

/**
 * fw_alert_monitor_get_rules:
 *
 * Returns: (transfer none) (nullable) (element-type FwAlertRule): the
 *   farm's rules, once read
 */
GPtrArray *
fw_alert_monitor_get_rules (FwAlertMonitor *self)
{
  g_return_val_if_fail (FW_IS_ALERT_MONITOR (self), NULL);

  return self->rules;
}

/**
 * fw_alert_monitor_get_can_edit_rules:
 *
 * Only managers and admins may change rules; the server refuses others.
 * A cache that never synced belongs to nobody but its user.
 */
gboolean
fw_alert_monitor_get_can_edit_rules (FwAlertMonitor *self)
{
  g_return_val_if_fail (FW_IS_ALERT_MONITOR (self), FALSE);

  return self->account_role == NULL ||
         g_str_equal (self->account_role, "manager") || g_str_equal (self->account_role, "admin");
}

/**
 * fw_alert_monitor_find:
 *
 * Returns: (transfer none) (nullable): the alert with @uuid
 */
FwAlert *
fw_alert_monitor_find (FwAlertMonitor *self,
                       const char     *uuid)
{
  g_return_val_if_fail (FW_IS_ALERT_MONITOR (self), NULL);

  for (guint i = 0; self->alerts != NULL && i < self->alerts->len; i++)
    {
      FwAlert *alert = g_ptr_array_index (self->alerts, i);

      if (g_strcmp0 (fw_record_get_uuid (FW_RECORD (alert)), uuid) == 0)
        return alert;
    }

  return NULL;
}

static void
fw_alert_monitor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FwAlertMonitor *self = FW_ALERT_MONITOR (object);

  switch (prop_id)
    {
    case PROP_N_FIRING:
      g_value_set_uint (value, self->n_firing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_alert_monitor_dispose (GObject *object)
{
  FwAlertMonitor *self = FW_ALERT_MONITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reminder_source, g_source_remove);

  G_OBJECT_CLASS (fw_alert_monitor_parent_class)->dispose (object);
}

static void
fw_alert_monitor_finalize (GObject *object)
{
  FwAlertMonitor *self = FW_ALERT_MONITOR (object);

  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->cache);
  g_clear_object (&self->units);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->notified, g_hash_table_unref);
  g_free (self->farm_uuid);
  g_free (self->account_role);

  G_OBJECT_CLASS (fw_alert_monitor_parent_class)->finalize (object);
}

static void
fw_alert_monitor_class_init (FwAlertMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fw_alert_monitor_get_property;
  object_class->dispose = fw_alert_monitor_dispose;
  object_class->finalize = fw_alert_monitor_finalize;

  properties[PROP_N_FIRING] =
    g_param_spec_uint ("n-firing", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FwAlertMonitor::changed:
   *
   * The alerts or rules were read again.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * FwAlertMonitor::send-notification:
   * @id: the notification's id, one per alert
   * @notification: what to show
   *
   * A critical alert is news, or still waits for someone. The default
   * handler sends @notification to the desktop.
   */
  signals[SEND_NOTIFICATION] =
    g_signal_new_class_handler ("send-notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                G_CALLBACK (fw_alert_monitor_real_send_notification),
                                NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_NOTIFICATION);
}

static void
fw_alert_monitor_init (FwAlertMonitor *self)
{
  self->notified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->first_load = TRUE;
  self->reminder_source = g_timeout_add_seconds (REMINDER_CHECK_SECONDS, on_reminder_check_cb, self);
}

/**
 * fw_alert_monitor_new:
 * @application: (nullable): where notifications go
 */
FwAlertMonitor *
fw_alert_monitor_new (GApplication *application)
{
  FwAlertMonitor *self = g_object_new (FW_TYPE_ALERT_MONITOR, NULL);

  g_set_weak_pointer (&self->application, application);
  return self;
}
