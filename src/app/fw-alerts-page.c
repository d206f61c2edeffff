/* fw-alerts-page.c — the farm's alerts: what is wrong now, and what was
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Open alerts first, each saying what is wrong in words, since when, and
 * who has seen to it; filters by state, severity and unit, three sort
 * orders. From a row: acknowledge with a note, or open the unit's chart
 * at the moment the alert began, with its limit drawn. The alerts are
 * read from the cache in a worker thread; an acknowledgement is written to
 * the cache and its outbox in one transaction, and syncs like any change.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fw-alerts-page.h"
#include "fw-app-util.h"

typedef enum
{
  SHOW_ACTIVE,
  SHOW_FIRING,
  SHOW_ACKNOWLEDGED,
  SHOW_RESOLVED,
  SHOW_ALL,
} StateFilter;

typedef enum
{
  SORT_NEWEST,
  SORT_SEVERITY,
  SORT_UNIT,
} SortOrder;

struct _FwAlertsPage
{
  FwPage              parent_instance;

  FwCache            *cache;
  char               *farm_uuid;
  GListModel         *units;
  GTimeZone          *timezone;
  GListStore         *alerts;
  GtkStringList      *unit_names;
  GtkFilterListModel *filtered;
  GtkSortListModel   *sorted;
  GtkCustomFilter    *filter;
  GtkCustomSorter    *sorter;
  GCancellable       *cancellable;
  gboolean            loading;
  char               *pending_acknowledge;

  AdwWindowTitle     *title;
  GtkWidget          *rules_button;
  GtkDropDown        *state_filter;
  GtkDropDown        *severity_filter;
  GtkDropDown        *unit_filter;
  GtkDropDown        *sort_order;
  GtkListBox         *list;
  GtkStack           *stack;
  AdwStatusPage      *empty_page;
};

G_DEFINE_FINAL_TYPE (FwAlertsPage, fw_alerts_page, FW_TYPE_PAGE)

enum {
  SHOW_ON_CHART,
  ACKNOWLEDGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static FwUnit *
find_unit (GListModel *units,
           const char *uuid)
{
  for (guint i = 0; units != NULL && i < g_list_model_get_n_items (units); i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (units, i);

      if (g_strcmp0 (fw_record_get_uuid (FW_RECORD (unit)), uuid) == 0)
        return unit;
    }

  return NULL;
}

/**
 * fw_alert_dup_title:
 * @units: (element-type FwUnit): the farm's units, to name the alert's
 *
 * Returns: (transfer full): such as "Pond 4: Dissolved oxygen too low"
 */
char *
fw_alert_dup_title (FwAlert    *alert,
                    GListModel *units)
{
  const FwAlertFields *f = fw_alert_get_fields (alert);
  FwUnit *unit = find_unit (units, f->unit_uuid);

  /* TRANSLATORS: an alert's title: the unit, the parameter and what is
   * wrong, such as "Pond 4: Dissolved oxygen — Too low" */
  return g_strdup_printf (_("%s: %s — %s"),
                          unit != NULL ? fw_unit_get_name (unit) : _("Unknown unit"),
                          fw_parameter_get_label (f->parameter),
                          fw_alert_condition_get_label (f->condition));
}

static const char *
unit_name_of (FwAlertsPage *self,
              FwAlert      *alert)
{
  FwUnit *unit = find_unit (self->units, fw_alert_get_unit_uuid (alert));

  return unit != NULL ? fw_unit_get_name (unit) : "";
}

static gboolean
filter_cb (gpointer item,
           gpointer user_data)
{
  FwAlertsPage *self = user_data;
  FwAlert *alert = item;
  FwAlertState state = fw_alert_get_state (alert);
  guint severity = gtk_drop_down_get_selected (self->severity_filter);
  guint unit = gtk_drop_down_get_selected (self->unit_filter);

  switch ((StateFilter) gtk_drop_down_get_selected (self->state_filter))
    {
    case SHOW_ACTIVE:
      if (state == FW_ALERT_STATE_RESOLVED)
        return FALSE;
      break;
    case SHOW_FIRING:
      if (state != FW_ALERT_STATE_FIRING)
        return FALSE;
      break;
    case SHOW_ACKNOWLEDGED:
      if (state != FW_ALERT_STATE_ACKNOWLEDGED)
        return FALSE;
      break;
    case SHOW_RESOLVED:
      if (state != FW_ALERT_STATE_RESOLVED)
        return FALSE;
      break;
    case SHOW_ALL:
    default:
      break;
    }

  if (severity == 1 && fw_alert_get_severity (alert) != FW_SEVERITY_CRITICAL)
    return FALSE;
  if (severity == 2 && fw_alert_get_severity (alert) != FW_SEVERITY_WARNING)
    return FALSE;

  /* The first unit entry is "All Units". */
  if (unit != GTK_INVALID_LIST_POSITION && unit > 0)
    {
      const char *name = gtk_string_list_get_string (self->unit_names, unit);

      if (g_strcmp0 (name, unit_name_of (self, alert)) != 0)
        return FALSE;
    }

  return TRUE;
}

static int
compare_times (FwAlert *a,
               FwAlert *b)
{
  FwTime ta = fw_alert_get_fields (a)->started_at;
  FwTime tb = fw_alert_get_fields (b)->started_at;

  return (tb > ta) - (tb < ta);
}

static int
compare_severities (FwAlert *a,
                    FwAlert *b)
{
  return (int) fw_alert_get_severity (b) - (int) fw_alert_get_severity (a);
}

static int
compare_units (FwAlertsPage *self,
               FwAlert      *a,
               FwAlert      *b)
{
  return g_utf8_collate (unit_name_of (self, a), unit_name_of (self, b));
}

static int
sort_cb (gconstpointer a,
         gconstpointer b,
         gpointer      user_data)
{
  FwAlertsPage *self = user_data;
  FwAlert *alert_a = FW_ALERT ((gpointer) a);
  FwAlert *alert_b = FW_ALERT ((gpointer) b);
  int order;

  /* Open alerts always before resolved ones: the list is a to-do list. */
  order = (int) !fw_alert_is_open (alert_a) - (int) !fw_alert_is_open (alert_b);
  if (order != 0)
    return order;

  /* Each order falls back on the others: alerts raised together (a
   * gateway gone quiet) still read worst first, then by unit. */
  switch ((SortOrder) gtk_drop_down_get_selected (self->sort_order))
    {
    case SORT_SEVERITY:
      order = compare_severities (alert_a, alert_b);
      if (order == 0)
        order = compare_times (alert_a, alert_b);
      break;
    case SORT_UNIT:
      order = compare_units (self, alert_a, alert_b);
      if (order == 0)
        order = compare_severities (alert_a, alert_b);
      break;
    case SORT_NEWEST:
    default:
      order = compare_times (alert_a, alert_b);
      if (order == 0)
        order = compare_severities (alert_a, alert_b);
      break;
    }

  if (order == 0)
    order = compare_units (self, alert_a, alert_b);
  if (order == 0)
    order = (int) fw_alert_get_fields (alert_a)->parameter - (int) fw_alert_get_fields (alert_b)->parameter;
  return order;
}

static char *
dup_subtitle (FwAlertsPage *self,
              FwAlert      *alert)
{
  const FwAlertFields *f = fw_alert_get_fields (alert);
  g_autofree char *what = fw_alert_describe (alert);
  g_autofree char *since = fw_format_local_time (f->started_at, self->timezone);
  GString *text = g_string_new (what);

  g_string_append_c (text, '\n');
  if (f->state == FW_ALERT_STATE_RESOLVED)
    {
      g_autofree char *until = fw_format_local_time (f->resolved_at, self->timezone);

      /* TRANSLATORS: when a resolved alert began and ended */
      g_string_append_printf (text, _("From %s to %s"), since, until);
    }
  else
    /* TRANSLATORS: when an open alert began */
    g_string_append_printf (text, _("Since %s"), since);

  if (f->acknowledged_at != 0)
    {
      g_autofree char *at = fw_format_local_time (f->acknowledged_at, self->timezone);

      g_string_append (text, " · ");
      if (f->acknowledge_note != NULL)
        /* TRANSLATORS: who acknowledged an alert, when, and their note */
        g_string_append_printf (text, _("Acknowledged by %s at %s: “%s”"),
                                f->acknowledged_by, at, f->acknowledge_note);
      else
        g_string_append_printf (text, _("Acknowledged by %s at %s"), f->acknowledged_by, at);
    }

  if (f->raised_offline)
    {
      g_string_append (text, " · ");
      g_string_append (text, _("Raised on this computer while offline"));
    }

  return g_string_free (text, FALSE);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  FwAlertsPage *self = user_data;
  FwAlert *alert = item;
  const FwAlertFields *f = fw_alert_get_fields (alert);
  const char *uuid = fw_record_get_uuid (FW_RECORD (alert));
  g_autofree char *title = fw_alert_dup_title (alert, self->units);
  g_autofree char *subtitle = dup_subtitle (self, alert);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  GtkWidget *chart;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);

  icon = gtk_image_new_from_icon_name (f->state == FW_ALERT_STATE_RESOLVED ? "emblem-ok-symbolic"
                                       : f->severity == FW_SEVERITY_CRITICAL ? "dialog-error-symbolic"
                                       : "dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, f->state == FW_ALERT_STATE_RESOLVED ? "dim-label"
                            : f->severity == FW_SEVERITY_CRITICAL ? "error" : "warning");
  gtk_widget_set_tooltip_text (icon, fw_alert_state_get_label (f->state));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  f->state == FW_ALERT_STATE_RESOLVED ? fw_alert_state_get_label (f->state)
                                  : fw_severity_get_label (f->severity),
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  if (f->state == FW_ALERT_STATE_FIRING)
    {
      GtkWidget *acknowledge = gtk_button_new_with_mnemonic (_("_Acknowledge…"));

      gtk_widget_set_valign (acknowledge, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (acknowledge), "alerts.acknowledge");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (acknowledge), "s", uuid);
      if (f->severity == FW_SEVERITY_CRITICAL)
        gtk_widget_add_css_class (acknowledge, "suggested-action");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), acknowledge);
    }

  chart = gtk_button_new_from_icon_name ("fw-chart-symbolic");
  gtk_widget_set_valign (chart, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (chart, "flat");
  gtk_widget_set_tooltip_text (chart, _("Show on Chart"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Show on chart"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (chart), "alerts.show-on-chart");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (chart), "s", uuid);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), chart);

  return row;
}

static void
update_view (FwAlertsPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  guint firing = 0, open = 0;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->alerts)); i++)
    {
      g_autoptr(FwAlert) alert = g_list_model_get_item (G_LIST_MODEL (self->alerts), i);

      firing += fw_alert_get_state (alert) == FW_ALERT_STATE_FIRING;
      open += fw_alert_is_open (alert);
    }

  if (firing > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u firing", "%u firing", firing), firing);
  else if (open > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u acknowledged", "%u acknowledged", open), open);
  else
    subtitle = g_strdup (_("All clear"));
  adw_window_title_set_subtitle (self->title, subtitle);

  if (shown == 0 && open == 0 && gtk_drop_down_get_selected (self->state_filter) <= SHOW_FIRING)
    {
      adw_status_page_set_title (self->empty_page, _("All Clear"));
      adw_status_page_set_description (self->empty_page,
                                       g_list_model_get_n_items (G_LIST_MODEL (self->alerts)) == 0
                                       ? _("Every unit has stayed within its limits")
                                       : _("No alert is open. Past alerts are under “Resolved”."));
    }
  else if (shown == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Alerts"));
      adw_status_page_set_description (self->empty_page, _("No alert matches the filters"));
    }
  gtk_stack_set_visible_child_name (self->stack, shown > 0 ? "list" : "empty");
}

static void
on_filters_changed_cb (FwAlertsPage *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_view (self);
}

static void
on_sort_changed_cb (FwAlertsPage *self)
{
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
}

static void
fill_unit_names (FwAlertsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->unit_names));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_ptr_array_add (names, (gpointer) _("All Units"));
  for (guint i = 0; self->units != NULL && i < g_list_model_get_n_items (self->units); i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (self->units, i);

      g_ptr_array_add (names, (gpointer) fw_unit_get_name (unit));
    }
  g_ptr_array_add (names, NULL);

  gtk_string_list_splice (self->unit_names, 0, n, (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->unit_filter, 0);
}

typedef struct
{
  FwCache *cache;
  char    *farm_uuid;
} Load;

static void
load_free (Load *load)
{
  g_clear_object (&load->cache);
  g_free (load->farm_uuid);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  GError *error = NULL;
  GPtrArray *alerts = fw_cache_list_alerts (load->cache, load->farm_uuid, &error);

  if (alerts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, alerts, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FwAlertsPage *self = FW_ALERTS_PAGE (source);
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;

  alerts = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (alerts == NULL)
    {
      fw_widget_add_toast (GTK_WIDGET (self), error->message);
      return;
    }

  if (!fw_record_lists_match (G_LIST_MODEL (self->alerts), alerts))
    g_list_store_splice (self->alerts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->alerts)),
                         alerts->pdata, alerts->len);
  update_view (self);

  if (self->pending_acknowledge != NULL)
    {
      g_autofree char *uuid = g_steal_pointer (&self->pending_acknowledge);

      fw_alerts_page_acknowledge (self, uuid);
    }
}

/**
 * fw_alerts_page_reload:
 *
 * Reads the farm's alerts again, off the main thread: after a sync, or
 * an acknowledgement.
 */
void
fw_alerts_page_reload (FwAlertsPage *self)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (FW_IS_ALERTS_PAGE (self));

  if (self->cache == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  load = g_new0 (Load, 1);
  load->cache = g_object_ref (self->cache);
  load->farm_uuid = g_strdup (self->farm_uuid);

  self->loading = TRUE;
  task = g_task_new (self, self->cancellable, on_loaded_cb, NULL);
  g_task_set_source_tag (task, fw_alerts_page_reload);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * fw_alerts_page_show:
 * @units: (element-type FwUnit): the farm's units
 * @timezone: the farm's zone, for times
 */
void
fw_alerts_page_show (FwAlertsPage *self,
                     FwCache      *cache,
                     const char   *farm_uuid,
                     GListModel   *units,
                     GTimeZone    *timezone)
{
  g_return_if_fail (FW_IS_ALERTS_PAGE (self));
  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (farm_uuid != NULL);
  g_return_if_fail (G_IS_LIST_MODEL (units));
  g_return_if_fail (timezone != NULL);

  g_set_object (&self->cache, cache);
  g_set_object (&self->units, units);
  g_free (self->farm_uuid);
  self->farm_uuid = g_strdup (farm_uuid);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  self->timezone = g_time_zone_ref (timezone);

  fill_unit_names (self);
  fw_alerts_page_reload (self);
}

/* Saving acknowledgements, alerts raised here or rules: each record and
 * its outbox row, all in one transaction, off the main thread. */
static gboolean
save_records_cb (FwCache   *cache,
                 gpointer   user_data,
                 GError   **error)
{
  GPtrArray *records = user_data;

  for (guint i = 0; i < records->len; i++)
    {
      if (!fw_cache_record_change (cache, g_ptr_array_index (records, i), FALSE, error))
        return FALSE;
    }

  return TRUE;
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FwCache *cache = g_object_get_data (G_OBJECT (task), "cache");
  GError *error = NULL;

  if (fw_cache_run_in_transaction (cache, save_records_cb, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * fw_alert_save_async:
 * @records: (element-type FwRecord): alerts and alert rules
 *
 * Writes @records and queues them for the server, all or none. The
 * write is not cancellable: @cancellable only silences the answer.
 */
void
fw_alert_save_async (FwCache             *cache,
                     GPtrArray           *records,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (records != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fw_alert_save_async);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, g_ptr_array_ref (records), (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (task), "cache", g_object_ref (cache), g_object_unref);
  g_task_run_in_thread (task, save_thread);
}

gboolean
fw_alert_save_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_acknowledge_saved_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(FwAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fw_alert_save_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not acknowledge the alert: %s"), error->message);

      fw_widget_add_toast (GTK_WIDGET (self), text);
      return;
    }

  fw_widget_add_toast (GTK_WIDGET (self), _("Alert acknowledged, waiting to sync"));
  fw_alerts_page_reload (self);
  g_signal_emit (self, signals[ACKNOWLEDGED], 0);
}

static FwAlert *
find_alert (FwAlertsPage *self,
            const char   *uuid)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->alerts)); i++)
    {
      g_autoptr(FwAlert) alert = g_list_model_get_item (G_LIST_MODEL (self->alerts), i);

      if (g_str_equal (fw_record_get_uuid (FW_RECORD (alert)), uuid))
        return alert;
    }

  return NULL;
}

static void
on_acknowledge_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            FwAlertsPage     *self)
{
  GtkEditable *note = g_object_get_data (G_OBJECT (dialog), "note");
  const char *uuid = g_object_get_data (G_OBJECT (dialog), "uuid");
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) records = NULL;
  FwAlert *alert;

  if (!g_str_equal (response, "acknowledge") || self->cache == NULL)
    return;

  alert = find_alert (self, uuid);
  if (alert == NULL)
    return;

  /* Signed with the account's name; before the first sync, with the
   * name of whoever is at this computer. */
  if (!fw_sync_dup_account (self->cache, &name, NULL) || name == NULL)
    name = g_strdup (g_get_real_name ());

  records = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (records, fw_alert_acknowledge (alert, name, gtk_editable_get_text (note), fw_now ()));
  fw_alert_save_async (self->cache, records, NULL, on_acknowledge_saved_cb, g_object_ref (self));
}

/**
 * fw_alerts_page_acknowledge:
 * @uuid: the alert
 *
 * Asks for a note and acknowledges the alert.
 */
void
fw_alerts_page_acknowledge (FwAlertsPage *self,
                            const char   *uuid)
{
  g_autofree char *title = NULL;
  g_autofree char *what = NULL;
  GtkWidget *dialog;
  GtkWidget *note;
  FwAlert *alert;

  g_return_if_fail (FW_IS_ALERTS_PAGE (self));
  g_return_if_fail (uuid != NULL);

  alert = find_alert (self, uuid);
  if (alert == NULL)
    {
      fw_widget_add_toast (GTK_WIDGET (self), _("That alert is not in this farm"));
      return;
    }

  title = fw_alert_dup_title (alert, self->units);
  what = fw_alert_describe (alert);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Acknowledge Alert?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), "%s\n%s", title, what);

  note = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (note), _("What is being done (optional)"));
  gtk_entry_set_activates_default (GTK_ENTRY (note), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (note), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), note);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "acknowledge", _("_Acknowledge"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "acknowledge",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "acknowledge");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  g_object_set_data (G_OBJECT (dialog), "note", note);
  g_object_set_data_full (G_OBJECT (dialog), "uuid", g_strdup (uuid), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_acknowledge_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (note);
}

/**
 * fw_alerts_page_acknowledge_when_loaded:
 *
 * Asks for the acknowledgement of @uuid once the alerts being read are
 * in: a notification's button may come before them.
 */
void
fw_alerts_page_acknowledge_when_loaded (FwAlertsPage *self,
                                        const char   *uuid)
{
  g_return_if_fail (FW_IS_ALERTS_PAGE (self));
  g_return_if_fail (uuid != NULL);

  if (!self->loading)
    {
      fw_alerts_page_acknowledge (self, uuid);
      return;
    }

  g_free (self->pending_acknowledge);
  self->pending_acknowledge = g_strdup (uuid);
}

/* Only managers and admins see the rule editor's button. */
void
fw_alerts_page_set_can_edit_rules (FwAlertsPage *self,
                                   gboolean      can_edit)
{
  g_return_if_fail (FW_IS_ALERTS_PAGE (self));

  gtk_widget_set_visible (self->rules_button, can_edit);
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  fw_alerts_page_acknowledge (FW_ALERTS_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
show_on_chart_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FwAlertsPage *self = FW_ALERTS_PAGE (widget);
  FwAlert *alert = find_alert (self, g_variant_get_string (parameter, NULL));

  if (alert != NULL)
    g_signal_emit (self, signals[SHOW_ON_CHART], 0, alert);
}

GListModel *
fw_alerts_page_get_alerts (FwAlertsPage *self)
{
  g_return_val_if_fail (FW_IS_ALERTS_PAGE (self), NULL);

  return G_LIST_MODEL (self->alerts);
}

gboolean
fw_alerts_page_get_loading (FwAlertsPage *self)
{
  g_return_val_if_fail (FW_IS_ALERTS_PAGE (self), FALSE);

  return self->loading;
}

static void
fw_alerts_page_dispose (GObject *object)
{
  FwAlertsPage *self = FW_ALERTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_ALERTS_PAGE);

  G_OBJECT_CLASS (fw_alerts_page_parent_class)->dispose (object);
}

static void
fw_alerts_page_finalize (GObject *object)
{
  FwAlertsPage *self = FW_ALERTS_PAGE (object);

  g_clear_object (&self->cache);
  g_clear_object (&self->units);
  g_clear_object (&self->alerts);
  g_clear_object (&self->sorted);
  g_clear_object (&self->unit_names);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  g_free (self->farm_uuid);
  g_free (self->pending_acknowledge);

  G_OBJECT_CLASS (fw_alerts_page_parent_class)->finalize (object);
}

static void
fw_alerts_page_class_init (FwAlertsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_alerts_page_dispose;
  object_class->finalize = fw_alerts_page_finalize;

  /**
   * FwAlertsPage::show-on-chart:
   * @alert: the alert to show where it began
   */
  signals[SHOW_ON_CHART] =
    g_signal_new ("show-on-chart", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FW_TYPE_ALERT);

  /**
   * FwAlertsPage::acknowledged:
   *
   * An acknowledgement is saved and waits to sync.
   */
  signals[ACKNOWLEDGED] =
    g_signal_new ("acknowledged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fishwatch/FishWatch/fw-alerts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FwAlertsPage, title);
  gtk_widget_class_bind_template_child (widget_class, FwAlertsPage, rules_button);
  gtk_widget_class_bind_template_child (widget_class, FwAlertsPage, state_filter);
  gtk_widget_class_bind_template_child (widget_class, FwAlertsPage, severity_filter);
  gtk_widget_class_bind_template_child (widget_class, FwAlertsPage, unit_filter);
  gtk_widget_class_bind_template_child (widget_class, FwAlertsPage, sort_order);
  gtk_widget_class_bind_template_child (widget_class, FwAlertsPage, list);
  gtk_widget_class_bind_template_child (widget_class, FwAlertsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FwAlertsPage, empty_page);

  gtk_widget_class_install_action (widget_class, "alerts.acknowledge", "s", acknowledge_action);
  gtk_widget_class_install_action (widget_class, "alerts.show-on-chart", "s", show_on_chart_action);
}

static void
fw_alerts_page_init (FwAlertsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->alerts = g_list_store_new (FW_TYPE_ALERT);
  self->unit_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->unit_filter, G_LIST_MODEL (self->unit_names));

  self->filter = gtk_custom_filter_new (filter_cb, self, NULL);
  self->sorter = gtk_custom_sorter_new (sort_cb, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->alerts)),
                                              GTK_FILTER (self->filter));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered), GTK_SORTER (self->sorter));
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->sorted), create_row_cb, self, NULL);

  g_signal_connect_object (self->state_filter, "notify::selected",
                           G_CALLBACK (on_filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->severity_filter, "notify::selected",
                           G_CALLBACK (on_filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->unit_filter, "notify::selected",
                           G_CALLBACK (on_filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sort_order, "notify::selected",
                           G_CALLBACK (on_sort_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sorted, "items-changed",
                           G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);
}
