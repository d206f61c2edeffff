/* fw-window.c — the main window: farm, units, and the selected unit
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window shows one of four states: loading, error (the cache cannot be
 * opened), welcome (no farm yet) and farm. Every read of the cache runs in
 * a worker thread; the window only swaps what comes back into its list
 * models, updating records in place where nothing was added or removed so
 * that selection and focus stay where the user left them.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fw-alert-monitor.h"
#include "fw-alert-rules-dialog.h"
#include "fw-alerts-page.h"
#include "fw-app-util.h"
#include "fw-compare-page.h"
#include "fw-deploy-page.h"
#include "fw-entry-dialog.h"
#include "fw-farm-stock.h"
#include "fw-import-dialog.h"
#include "fw-unit-logbook.h"
#include "fw-sign-in-dialog.h"
#include "fw-sync-page.h"
#include "fw-unit-row.h"
#include "fw-window.h"

/* Readings arrive every few minutes: a minute is fresh enough, and cheap. */
#define RELOAD_INTERVAL_SECONDS 60
/* In demo mode the farm keeps "measuring" at the sensors' own pace. */
#define DEMO_TOP_UP_SECONDS 300

struct _FwWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  FwCache              *cache;
  FwSyncController     *sync;
  GCancellable         *cancellable;
  GCancellable         *units_cancellable;
  GListStore           *farms;
  GListStore           *units;
  FwFarm               *farm;
  GTimeZone            *timezone;
  guint                 reload_source;
  guint                 demo_source;
  gboolean              demo;
  gboolean              populating;
  gboolean              selected_once;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  GtkSpinner           *loading_spinner;
  AdwStatusPage        *error_page;
  AdwStatusPage        *welcome_page;
  GtkButton            *demo_button;
  GtkProgressBar       *demo_progress;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkStack             *farm_title_stack;
  AdwWindowTitle       *farm_title;
  GtkDropDown          *farm_dropdown;
  GtkListBox           *unit_list;
  GtkStack             *content_stack;
  AdwStatusPage        *no_selection_page;
  FwUnitPage           *unit_page;
  GtkMenuButton        *error_menu_button;
  GtkMenuButton        *welcome_menu_button;
  GtkMenuButton        *farm_menu_button;
  GtkStack             *sync_icon_stack;
  GtkImage             *sync_icon;
  GtkSpinner           *sync_spinner;
  GtkLabel             *sync_label;
  GtkWidget            *sync_button;
  FwSyncPage           *sync_page;
  FwDeployPage         *deploy_page;
  FwComparePage        *compare_page;
  FwFarmStock          *farm_stock;
  FwUnitLogbook        *farm_logbook;
  FwAlertsPage         *alerts_page;
  GtkLabel             *alerts_badge;
  GtkWidget            *alerts_button;

  FwAlertMonitor       *alert_monitor;
  char                 *pending_alert;     /* to show once the farm is */
  gboolean              pending_acknowledge;
};

G_DEFINE_FINAL_TYPE (FwWindow, fw_window, ADW_TYPE_APPLICATION_WINDOW)

static void load_farms (FwWindow *self);
static void load_units (FwWindow *self);

static void
show_toast (FwWindow   *self,
            const char *message)
{
  fw_toast_overlay_add_text (self->toast_overlay, message);
}

static void
set_state (FwWindow   *self,
           const char *state)
{
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (state, "loading"));
  gtk_stack_set_visible_child_name (self->main_stack, state);
}

static GtkWidget *
create_unit_row_cb (gpointer item,
                    gpointer user_data)
{
  return fw_unit_row_new (item);
}

/* A site's name above its first unit. */
static void
unit_list_header_cb (GtkListBoxRow *row,
                     GtkListBoxRow *before,
                     gpointer       user_data)
{
  FwUnit *unit = fw_unit_row_get_unit (FW_UNIT_ROW (row));
  FwUnit *previous = before != NULL ? fw_unit_row_get_unit (FW_UNIT_ROW (before)) : NULL;
  GtkWidget *header;

  if (previous != NULL && g_strcmp0 (fw_unit_get_site_uuid (previous), fw_unit_get_site_uuid (unit)) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (fw_unit_get_site_name (unit));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_label_set_ellipsize (GTK_LABEL (header), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_widget_add_css_class (header, "sidebar-site-header");
  if (before == NULL)
    gtk_widget_add_css_class (header, "first");
  gtk_list_box_row_set_header (row, header);
}

static void
update_farm_title (FwWindow *self)
{
  guint n_units = g_list_model_get_n_items (G_LIST_MODEL (self->units));
  guint n_attention = 0;
  g_autofree char *units_text = NULL;
  g_autofree char *subtitle = NULL;

  if (self->farm == NULL)
    return;

  for (guint i = 0; i < n_units; i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (G_LIST_MODEL (self->units), i);

      if (fw_unit_get_status (unit) >= FW_STATUS_SILENT)
        n_attention++;
    }

  units_text = g_strdup_printf (ngettext ("%u unit", "%u units", n_units), n_units);
  if (n_attention == 0)
    /* TRANSLATORS: sidebar subtitle, e.g. "13 units, all normal" */
    subtitle = g_strdup_printf (_("%s, all normal"), units_text);
  else
    /* TRANSLATORS: sidebar subtitle, e.g. "13 units, 2 need attention";
     * the first %s is "N units" */
    subtitle = g_strdup_printf (ngettext ("%s, %u needs attention", "%s, %u need attention", n_attention),
                                units_text, n_attention);

  adw_window_title_set_title (self->farm_title, fw_farm_get_name (self->farm));
  adw_window_title_set_subtitle (self->farm_title, subtitle);
}

static FwUnitRow *
find_row (FwWindow   *self,
          const char *uuid)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->unit_list, i);

      if (row == NULL)
        return NULL;

      if (g_strcmp0 (fw_record_get_uuid (FW_RECORD (fw_unit_row_get_unit (FW_UNIT_ROW (row)))), uuid) == 0)
        return FW_UNIT_ROW (row);
    }
}

/**
 * fw_window_select_unit:
 * @uuid: the unit to show
 *
 * Returns: %TRUE when the current farm has that unit
 */
gboolean
fw_window_select_unit (FwWindow   *self,
                       const char *uuid)
{
  FwUnitRow *row;

  g_return_val_if_fail (FW_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  row = find_row (self, uuid);
  if (row == NULL)
    return FALSE;

  gtk_list_box_select_row (self->unit_list, GTK_LIST_BOX_ROW (row));
  return TRUE;
}

static void
on_units_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FwWindow) self = user_data;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *selected_uuid = NULL;
  FwUnit *shown;

  units = fw_cache_list_finish (FW_CACHE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (units == NULL)
    {
      if (g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "farm"))
        show_toast (self, error->message);
      else
        fw_window_show_error (self, error);
      return;
    }

  shown = fw_unit_page_get_unit (self->unit_page);
  if (shown != NULL)
    selected_uuid = g_strdup (fw_record_get_uuid (FW_RECORD (shown)));

  if (fw_record_lists_match (G_LIST_MODEL (self->units), units))
    {
      for (guint i = 0; i < units->len; i++)
        {
          g_autoptr(FwUnit) current = g_list_model_get_item (G_LIST_MODEL (self->units), i);
          FwUnit *fresh = g_ptr_array_index (units, i);

          fw_unit_set_summary (current,
                               fw_unit_get_status (fresh),
                               fw_unit_get_key_parameter (fresh),
                               fw_unit_get_key_time (fresh),
                               fw_unit_get_key_value (fresh));
        }

      if (shown != NULL)
        fw_unit_page_reload (self->unit_page);
      fw_compare_page_refresh (self->compare_page, fw_now ());
    }
  else
    {
      g_list_store_splice (self->units, 0, g_list_model_get_n_items (G_LIST_MODEL (self->units)),
                           units->pdata, units->len);

      if (!self->selected_once)
        {
          g_autofree char *last = g_settings_get_string (self->settings, "last-unit");

          g_free (selected_uuid);
          selected_uuid = g_steal_pointer (&last);
        }

      if (selected_uuid == NULL || !fw_window_select_unit (self, selected_uuid))
        {
          GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->unit_list, 0);

          if (first != NULL)
            gtk_list_box_select_row (self->unit_list, first);
        }
    }

  self->selected_once = TRUE;

  if (units->len == 0)
    {
      adw_status_page_set_title (self->no_selection_page, _("No Units Yet"));
      adw_status_page_set_description (self->no_selection_page,
                                       _("This farm has no ponds, tanks, cages or raceways yet"));
      gtk_stack_set_visible_child_name (self->content_stack, "no-selection");
    }

  update_farm_title (self);
  set_state (self, "farm");

  fw_alert_monitor_watch (self->alert_monitor, self->cache,
                          fw_record_get_uuid (FW_RECORD (self->farm)), G_LIST_MODEL (self->units));

  if (self->pending_alert != NULL)
    {
      g_autofree char *uuid = g_steal_pointer (&self->pending_alert);

      fw_window_show_alert (self, uuid, self->pending_acknowledge);
    }
}

static void
load_units (FwWindow *self)
{
  if (self->cache == NULL || self->farm == NULL)
    return;

  /* Only the newest answer counts: an older one may be another farm's. */
  g_cancellable_cancel (self->units_cancellable);
  g_clear_object (&self->units_cancellable);
  self->units_cancellable = g_cancellable_new ();

  fw_cache_list_units_async (self->cache,
                             fw_record_get_id (FW_RECORD (self->farm)),
                             fw_now (),
                             self->units_cancellable,
                             on_units_loaded_cb,
                             g_object_ref (self));
}

static void
show_farm (FwWindow *self,
           FwFarm   *farm)
{
  if (self->farm != NULL &&
      g_str_equal (fw_record_get_uuid (FW_RECORD (self->farm)), fw_record_get_uuid (FW_RECORD (farm))))
    {
      load_units (self);
      return;
    }

  g_set_object (&self->farm, farm);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  /* An unknown zone name falls back to UTC, which is at least stated. */
  self->timezone = g_time_zone_new_identifier (fw_farm_get_timezone (farm));
  if (self->timezone == NULL)
    self->timezone = g_time_zone_new_utc ();

  g_settings_set_string (self->settings, "last-farm", fw_record_get_uuid (FW_RECORD (farm)));

  self->selected_once = FALSE;
  g_list_store_remove_all (self->units);
  gtk_stack_set_visible_child_name (self->content_stack, "no-selection");
  load_units (self);
}

static void
on_farm_selected_cb (FwWindow *self)
{
  FwFarm *farm = gtk_drop_down_get_selected_item (self->farm_dropdown);

  if (farm != NULL)
    show_farm (self, farm);
}

static void
on_demo_progress_cb (double   fraction,
                     gpointer user_data)
{
  FwWindow *self = user_data;
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->demo_progress, fraction);
  /* TRANSLATORS: progress while the demo farm's history is written */
  text = g_strdup_printf (_("Writing sensor history… %.0f%%"), fraction * 100);
  gtk_progress_bar_set_text (self->demo_progress, text);
}

static void
on_demo_populated_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FwWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fw_demo_populate_finish (FW_CACHE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_toast (self, error->message);
    }

  self->populating = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->demo_progress), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->demo_button), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-demo", TRUE);

  load_farms (self);
}

static void
populate_demo (FwWindow *self,
               gboolean  show_progress)
{
  if (self->populating || self->cache == NULL)
    return;

  self->populating = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-demo", FALSE);

  if (show_progress)
    {
      on_demo_progress_cb (0.0, self);
      gtk_widget_set_visible (GTK_WIDGET (self->demo_progress), TRUE);
    }

  fw_demo_populate_async (self->cache, fw_now (), FW_DEMO_DEFAULT_DAYS,
                          show_progress ? on_demo_progress_cb : NULL,
                          show_progress ? g_object_ref (self) : NULL,
                          show_progress ? g_object_unref : NULL,
                          self->cancellable,
                          on_demo_populated_cb,
                          g_object_ref (self));
}

static gboolean
demo_top_up_cb (gpointer user_data)
{
  populate_demo (user_data, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
on_farms_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FwWindow) self = user_data;
  g_autoptr(GPtrArray) farms = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last = NULL;
  guint chosen = 0;

  farms = fw_cache_list_finish (FW_CACHE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (farms == NULL)
    {
      fw_window_show_error (self, error);
      return;
    }

  if (farms->len == 0)
    {
      set_state (self, "welcome");
      if (self->demo)
        populate_demo (self, TRUE);
      return;
    }

  last = g_settings_get_string (self->settings, "last-farm");
  for (guint i = 0; i < farms->len; i++)
    {
      if (g_str_equal (fw_record_get_uuid (g_ptr_array_index (farms, i)), last))
        chosen = i;
    }

  g_signal_handlers_block_by_func (self->farm_dropdown, on_farm_selected_cb, self);
  g_list_store_splice (self->farms, 0, g_list_model_get_n_items (G_LIST_MODEL (self->farms)),
                       farms->pdata, farms->len);
  gtk_drop_down_set_selected (self->farm_dropdown, chosen);
  g_signal_handlers_unblock_by_func (self->farm_dropdown, on_farm_selected_cb, self);

  gtk_stack_set_visible_child_name (self->farm_title_stack, farms->len > 1 ? "switcher" : "single");
  show_farm (self, g_ptr_array_index (farms, chosen));
}

static void
load_farms (FwWindow *self)
{
  if (self->cache == NULL)
    return;

  fw_cache_list_farms_async (self->cache, self->cancellable,
                             on_farms_loaded_cb, g_object_ref (self));
}

static gboolean
reload_cb (gpointer user_data)
{
  FwWindow *self = user_data;

  if (!self->populating)
    load_units (self);

  return G_SOURCE_CONTINUE;
}

static const char *
sync_icon_name (FwSyncState state,
                guint       pending)
{
  switch (state)
    {
    case FW_SYNC_STATE_UP_TO_DATE:
      return pending > 0 ? "emblem-synchronizing-symbolic" : "emblem-ok-symbolic";
    case FW_SYNC_STATE_OFFLINE:
      return "network-offline-symbolic";
    case FW_SYNC_STATE_FAILING:
    case FW_SYNC_STATE_NEEDS_SIGN_IN:
      return "dialog-warning-symbolic";
    case FW_SYNC_STATE_SIGNED_OUT:
      return "dialog-password-symbolic";
    case FW_SYNC_STATE_SYNCING:
    default:
      return "emblem-synchronizing-symbolic";
    }
}

/* The sidebar's foot always says how sync stands: the header bar of a
 * narrow sidebar has no room for "Offline, 3 changes waiting". */
static void
update_sync_status (FwWindow *self)
{
  FwSyncState state = fw_sync_controller_get_state (self->sync);
  const char *description = fw_sync_controller_get_description (self->sync);
  gboolean syncing = state == FW_SYNC_STATE_SYNCING;

  gtk_image_set_from_icon_name (self->sync_icon, sync_icon_name (state, fw_sync_controller_get_pending (self->sync)));
  gtk_spinner_set_spinning (self->sync_spinner, syncing);
  gtk_stack_set_visible_child_name (self->sync_icon_stack, syncing ? "spinner" : "icon");
  gtk_label_set_label (self->sync_label, description);
  gtk_widget_set_tooltip_text (self->sync_button, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sync_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

static void
on_sync_changed_cb (FwWindow *self)
{
  update_sync_status (self);
}

static void
on_synced_cb (FwWindow *self)
{
  if (self->cache != NULL && !self->populating)
    load_farms (self);
}

static void
on_keyring_failed_cb (FwWindow   *self,
                      const char *reason)
{
  /* The reason is for whoever looks after the machine; the toast says
   * what it means for the user. */
  g_message ("The keyring did not keep the session: %s", reason);
  show_toast (self, _("No keyring kept your session: sign in again next time"));
}

/**
 * fw_window_set_sync_controller:
 *
 * Shows how sync stands and offers signing in, syncing now and the sync
 * page. A window has one controller, given once.
 */
void
fw_window_set_sync_controller (FwWindow         *self,
                               FwSyncController *controller)
{
  g_return_if_fail (FW_IS_WINDOW (self));
  g_return_if_fail (FW_IS_SYNC_CONTROLLER (controller));
  g_return_if_fail (self->sync == NULL);

  self->sync = g_object_ref (controller);
  g_signal_connect_object (controller, "notify", G_CALLBACK (on_sync_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "synced", G_CALLBACK (on_synced_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "keyring-failed", G_CALLBACK (on_keyring_failed_cb), self, G_CONNECT_SWAPPED);
  fw_sync_page_set_controller (self->sync_page, controller, self->cache);
  fw_deploy_page_set_sync_controller (self->deploy_page, controller);
  gtk_widget_set_visible (self->sync_button, TRUE);
  update_sync_status (self);
}

FwSyncController *
fw_window_get_sync_controller (FwWindow *self)
{
  g_return_val_if_fail (FW_IS_WINDOW (self), NULL);

  return self->sync;
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);
  GtkWidget *dialog;

  if (self->sync == NULL)
    return;

  dialog = fw_sign_in_dialog_new (GTK_WINDOW (self), self->sync);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);

  /* Ctrl+R on the Deployments page refreshes what it shows. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "deployments") == 0)
    {
      fw_deploy_page_refresh (self->deploy_page);
      return;
    }

  if (self->sync == NULL)
    return;

  /* Nothing to sync with yet: the first step is signing in. */
  if (fw_sync_controller_get_state (self->sync) == FW_SYNC_STATE_SIGNED_OUT ||
      fw_sync_controller_get_state (self->sync) == FW_SYNC_STATE_NEEDS_SIGN_IN)
    sign_in_action (widget, NULL, NULL);
  else
    fw_sync_controller_sync_now (self->sync);
}

static void
show_sync_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);

  if (self->sync == NULL)
    return;

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "farm"))
    {
      sign_in_action (widget, NULL, NULL);
      return;
    }

  gtk_list_box_unselect_all (self->unit_list);
  fw_sync_page_reload (self->sync_page);
  gtk_stack_set_visible_child_name (self->content_stack, "sync");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* A farm is on screen, with its cache and zone. */
static gboolean
farm_shown (FwWindow *self)
{
  return self->cache != NULL && self->timezone != NULL &&
         g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "farm");
}

/* A page about the whole farm beside the unit list, which lets go of its
 * selection. */
static void
present_farm_page (FwWindow   *self,
                   const char *name)
{
  gtk_list_box_unselect_all (self->unit_list);
  gtk_stack_set_visible_child_name (self->content_stack, name);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_sample_alerts_saved_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(FwWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fw_alert_save_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not raise the sample’s alert: %s"), error->message);

      show_toast (self, text);
      return;
    }

  fw_alert_monitor_refresh (self->alert_monitor);
}

/* A water sample is checked against the unit's limits here, so that a
 * pond worker without a link still gets the alert (the server checks
 * sensor readings, not the logbook). */
static void
check_water_sample (FwWindow       *self,
                    FwLogbookEntry *entry)
{
  g_autoptr(GPtrArray) changed = NULL;
  FwUnit *unit = NULL;
  gboolean offline;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->units)); i++)
    {
      g_autoptr(FwUnit) each = g_list_model_get_item (G_LIST_MODEL (self->units), i);

      if (g_str_equal (fw_record_get_uuid (FW_RECORD (each)), fw_logbook_entry_get_unit_uuid (entry)))
        unit = each;
    }

  offline = self->sync == NULL ||
            (fw_sync_controller_get_state (self->sync) != FW_SYNC_STATE_UP_TO_DATE &&
             fw_sync_controller_get_state (self->sync) != FW_SYNC_STATE_SYNCING);
  changed = fw_alert_check_water_sample (entry, fw_alert_monitor_get_rules (self->alert_monitor),
                                         unit != NULL ? fw_unit_get_species (unit) : NULL,
                                         fw_alert_monitor_get_alerts (self->alert_monitor), offline);
  if (changed->len == 0)
    return;

  for (guint i = 0; i < changed->len; i++)
    {
      FwAlert *alert = g_ptr_array_index (changed, i);

      if (fw_alert_get_state (alert) == FW_ALERT_STATE_FIRING && fw_record_get_revision (FW_RECORD (alert)) == 0)
        {
          g_autofree char *what = fw_alert_describe (alert);
          g_autofree char *text = NULL;

          /* TRANSLATORS: a toast when a water sample is past a limit */
          text = g_strdup_printf (_("Alert: %s %s"), fw_parameter_get_label (fw_alert_get_fields (alert)->parameter), what);
          show_toast (self, text);

        }
    }

  fw_alert_save_async (self->cache, changed, NULL, on_sample_alerts_saved_cb, g_object_ref (self));
}

static void
on_entry_saved_cb (FwWindow       *self,
                   FwLogbookEntry *entry)
{
  g_autofree char *text = NULL;
  FwUnit *shown = fw_unit_page_get_unit (self->unit_page);
  const char *unit_name = "";

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->units)); i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (G_LIST_MODEL (self->units), i);

      if (g_str_equal (fw_record_get_uuid (FW_RECORD (unit)), fw_logbook_entry_get_unit_uuid (entry)))
        unit_name = fw_unit_get_name (unit);
    }

  /* TRANSLATORS: a toast once an entry is saved: its kind and unit */
  text = g_strdup_printf (_("%s saved for %s, waiting to sync"),
                          fw_logbook_kind_get_label (fw_logbook_entry_get_kind (entry)), unit_name);
  show_toast (self, text);

  if (shown != NULL)
    fw_unit_page_reload (self->unit_page);
  if (g_str_equal (gtk_stack_get_visible_child_name (self->content_stack), "farm-logbook"))
    fw_unit_logbook_reload (self->farm_logbook);
  check_water_sample (self, entry);
  if (self->sync != NULL)
    fw_sync_controller_sync_now (self->sync);
}

/* Ctrl+N: a new logbook entry for the unit on screen, from anywhere. */
static void
new_entry_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);
  FwEntryDialog *dialog;

  if (!farm_shown (self) || g_list_model_get_n_items (G_LIST_MODEL (self->units)) == 0)
    return;

  dialog = fw_entry_dialog_new (GTK_WINDOW (self), self->cache, G_LIST_MODEL (self->units),
                                fw_unit_page_get_unit (self->unit_page), self->timezone);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_entry_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A logbook row activated: the entry shown to change. */
static void
edit_entry_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);
  GListModel *entries = fw_unit_logbook_get_entries (
    g_str_equal (gtk_stack_get_visible_child_name (self->content_stack), "farm-logbook")
    ? self->farm_logbook : fw_unit_page_get_logbook (self->unit_page));
  const char *uuid = g_variant_get_string (parameter, NULL);

  if (self->cache == NULL || self->timezone == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(FwLogbookEntry) entry = g_list_model_get_item (entries, i);
      FwEntryDialog *dialog;

      if (!g_str_equal (fw_record_get_uuid (FW_RECORD (entry)), uuid))
        continue;

      dialog = fw_entry_dialog_new_for_entry (GTK_WINDOW (self), self->cache, G_LIST_MODEL (self->units),
                                              entry, self->timezone);
      g_signal_connect_object (dialog, "saved", G_CALLBACK (on_entry_saved_cb), self, G_CONNECT_SWAPPED);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
}

static void
on_imported_cb (FwWindow   *self,
                const char *message)
{
  show_toast (self, message);
  if (fw_unit_page_get_unit (self->unit_page) != NULL)
    fw_unit_page_reload (self->unit_page);
}

static void
import_history_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);
  FwImportDialog *dialog;

  if (!farm_shown (self))
    return;

  dialog = fw_import_dialog_new (GTK_WINDOW (self), self->cache, G_LIST_MODEL (self->units),
                                 fw_unit_page_get_unit (self->unit_page), self->timezone);
  g_signal_connect_object (dialog, "imported", G_CALLBACK (on_imported_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The monitor read the alerts again: the badge, the units' dots, the
 * charts' limits and the alerts page follow. */
static void
on_alerts_changed_cb (FwWindow *self)
{
  guint n_firing = fw_alert_monitor_get_n_firing (self->alert_monitor);
  g_autofree char *count = g_strdup_printf ("%u", n_firing);
  g_autofree char *label = NULL;

  gtk_label_set_label (self->alerts_badge, count);
  gtk_widget_set_visible (GTK_WIDGET (self->alerts_badge), n_firing > 0);
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Alerts, %u firing", "Alerts, %u firing", n_firing),
                           n_firing);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->alerts_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->units)); i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (G_LIST_MODEL (self->units), i);
      FwSeverity severity = fw_alert_monitor_get_unit_severity (self->alert_monitor,
                                                                fw_record_get_uuid (FW_RECORD (unit)));

      if (severity == FW_SEVERITY_NONE)
        continue;

      fw_unit_set_summary (unit,
                           fw_status_worst (fw_unit_get_status (unit), fw_severity_to_status (severity)),
                           fw_unit_get_key_parameter (unit),
                           fw_unit_get_key_time (unit),
                           fw_unit_get_key_value (unit));
    }

  fw_unit_charts_set_rules (fw_unit_page_get_charts (self->unit_page),
                            fw_alert_monitor_get_rules (self->alert_monitor));
  fw_unit_page_set_alerts (self->unit_page, fw_alert_monitor_get_alerts (self->alert_monitor),
                           fw_alert_monitor_get_rules (self->alert_monitor));
  fw_compare_page_set_rules (self->compare_page, fw_alert_monitor_get_rules (self->alert_monitor));
  fw_alerts_page_set_can_edit_rules (self->alerts_page,
                                     fw_alert_monitor_get_can_edit_rules (self->alert_monitor));
  update_farm_title (self);

  if (g_str_equal (gtk_stack_get_visible_child_name (self->content_stack), "alerts"))
    fw_alerts_page_reload (self->alerts_page);
}

static void
show_alerts_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);

  if (!farm_shown (self))
    return;

  fw_alerts_page_show (self->alerts_page, self->cache, fw_record_get_uuid (FW_RECORD (self->farm)),
                       G_LIST_MODEL (self->units), self->timezone);
  present_farm_page (self, "alerts");
}

/* The unit's charts around the alert: from some hours before it began to
 * its end, with the limits that fired it drawn. */
static void
on_alert_show_on_chart_cb (FwWindow *self,
                           FwAlert  *alert)
{
  const FwAlertFields *f = fw_alert_get_fields (alert);
  FwTimeRange *range;
  FwTime end = f->resolved_at != 0 ? f->resolved_at : fw_now ();
  FwTime lead = MAX ((end - f->started_at) / 2, 3 * 3600);

  if (!fw_window_select_unit (self, f->unit_uuid))
    {
      show_toast (self, _("The alert’s unit is not in this farm any more"));
      return;
    }

  fw_unit_page_show_view (self->unit_page, "charts");
  range = fw_unit_charts_get_range (fw_unit_page_get_charts (self->unit_page));
  fw_time_range_set (range, f->started_at - lead, MIN (end + lead / 2, fw_now ()));
}

static void
on_alert_acknowledged_cb (FwWindow *self)
{
  fw_alert_monitor_refresh (self->alert_monitor);
  if (self->sync != NULL)
    fw_sync_controller_sync_now (self->sync);
}

/**
 * fw_window_show_alert:
 * @uuid: an alert of the farm on screen, or "" for the alerts page alone
 * @acknowledge: whether to ask for the acknowledgement at once
 *
 * What a notification's buttons do: the alerts page, and the alert.
 */
void
fw_window_show_alert (FwWindow   *self,
                      const char *uuid,
                      gboolean    acknowledge)
{
  g_return_if_fail (FW_IS_WINDOW (self));
  g_return_if_fail (uuid != NULL);

  gtk_window_present (GTK_WINDOW (self));

  /* Started by the notification: the farm is still being read. */
  if (!farm_shown (self))
    {
      g_free (self->pending_alert);
      self->pending_alert = g_strdup (uuid);
      self->pending_acknowledge = acknowledge;
      return;
    }

  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-alerts", NULL);
  if (acknowledge && *uuid != '\0')
    fw_alerts_page_acknowledge_when_loaded (self->alerts_page, uuid);
}

static void
acknowledge_alert_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  fw_window_show_alert (FW_WINDOW (widget), g_variant_get_string (parameter, NULL), TRUE);
}

static void
on_rules_saved_cb (FwWindow *self)
{
  show_toast (self, _("Alert rules saved, waiting to sync"));
  fw_alert_monitor_refresh (self->alert_monitor);
  if (self->sync != NULL)
    fw_sync_controller_sync_now (self->sync);
}

static void
edit_alert_rules_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);
  FwAlertRulesDialog *dialog;

  if (!farm_shown (self))
    return;

  if (!fw_alert_monitor_get_can_edit_rules (self->alert_monitor))
    {
      show_toast (self, _("Only managers can change alert rules"));
      return;
    }

  dialog = fw_alert_rules_dialog_new (GTK_WINDOW (self), self->cache,
                                      fw_record_get_uuid (FW_RECORD (self->farm)),
                                      G_LIST_MODEL (self->units),
                                      fw_alert_monitor_get_rules (self->alert_monitor),
                                      fw_unit_page_get_unit (self->unit_page),
                                      self->timezone);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_rules_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_farm_logbook_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);

  if (!farm_shown (self))
    return;

  fw_unit_logbook_show_farm (self->farm_logbook, self->cache, G_LIST_MODEL (self->units), self->timezone);
  present_farm_page (self, "farm-logbook");
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  adw_leaflet_navigate (FW_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
show_farm_stock_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);

  if (!farm_shown (self))
    return;

  fw_farm_stock_show (self->farm_stock, self->cache, G_LIST_MODEL (self->units));
  present_farm_page (self, "farm-stock");
}

static void
show_compare_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);

  if (!farm_shown (self))
    return;

  fw_compare_page_show (self->compare_page, self->cache, G_LIST_MODEL (self->units), self->timezone);
  present_farm_page (self, "compare");
}

static void
show_deployments_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);

  if (!fw_deploy_page_get_available (self->deploy_page) ||
      !g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "farm"))
    return;

  present_farm_page (self, "deployments");
}

/**
 * fw_window_set_cache:
 * @demo: whether to make the demo farm when there is none, and keep its
 *   history growing while the window is open
 */
void
fw_window_set_cache (FwWindow *self,
                     FwCache  *cache,
                     gboolean  demo)
{
  g_return_if_fail (FW_IS_WINDOW (self));
  g_return_if_fail (FW_IS_CACHE (cache));

  g_set_object (&self->cache, cache);
  self->demo = demo;

  g_clear_handle_id (&self->reload_source, g_source_remove);
  self->reload_source = g_timeout_add_seconds (RELOAD_INTERVAL_SECONDS, reload_cb, self);

  if (demo)
    {
      g_clear_handle_id (&self->demo_source, g_source_remove);
      self->demo_source = g_timeout_add_seconds (DEMO_TOP_UP_SECONDS, demo_top_up_cb, self);
    }

  set_state (self, "loading");

  /* An existing demo farm is first brought up to now, then shown. */
  if (demo)
    populate_demo (self, FALSE);
  else
    load_farms (self);
}

void
fw_window_show_error (FwWindow     *self,
                      const GError *error)
{
  g_autofree char *description = NULL;

  g_return_if_fail (FW_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  /* The next step depends on what is wrong with the file. */
  if (g_error_matches (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FOREIGN) ||
      g_error_matches (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_CORRUPT))
    /* TRANSLATORS: under the reason the cache could not be opened */
    description = g_strdup_printf (_("%s\n\nThe file was left as it was. Move it away, and Fish Watch starts with an empty cache."),
                                   error->message);
  else
    /* TRANSLATORS: under the reason the cache could not be opened */
    description = g_strdup_printf (_("%s\n\nThe file was left as it was."), error->message);
  adw_status_page_set_description (self->error_page, description);
  set_state (self, "error");
}

const char *
fw_window_get_state (FwWindow *self)
{
  g_return_val_if_fail (FW_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->main_stack);
}

/**
 * fw_window_get_units:
 *
 * Returns: (transfer none): the current farm's units, as the sidebar shows them
 */
GListModel *
fw_window_get_units (FwWindow *self)
{
  g_return_val_if_fail (FW_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->units);
}

FwAlertMonitor *
fw_window_get_alert_monitor (FwWindow *self)
{
  g_return_val_if_fail (FW_IS_WINDOW (self), NULL);

  return self->alert_monitor;
}

FwAlertsPage *
fw_window_get_alerts_page (FwWindow *self)
{
  g_return_val_if_fail (FW_IS_WINDOW (self), NULL);

  return self->alerts_page;
}

FwUnitPage *
fw_window_get_unit_page (FwWindow *self)
{
  g_return_val_if_fail (FW_IS_WINDOW (self), NULL);

  return self->unit_page;
}

static void
on_unit_row_selected_cb (FwWindow      *self,
                         GtkListBoxRow *row)
{
  FwUnit *unit;

  if (row == NULL || self->cache == NULL)
    return;

  unit = fw_unit_row_get_unit (FW_UNIT_ROW (row));
  fw_unit_page_show_unit (self->unit_page, self->cache, unit, self->timezone);
  gtk_stack_set_visible_child_name (self->content_stack, "unit");
  g_settings_set_string (self->settings, "last-unit", fw_record_get_uuid (FW_RECORD (unit)));
}

static void
on_unit_row_activated_cb (FwWindow      *self,
                          GtkListBoxRow *row)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_unit_page_go_back_cb (FwWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);

  if (self->cache != NULL && !self->populating)
    load_farms (self);
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);

  gtk_widget_set_sensitive (GTK_WIDGET (self->demo_button), FALSE);
  self->demo = TRUE;
  populate_demo (self, TRUE);
}

static void
show_primary_menu_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);
  const char *state = gtk_stack_get_visible_child_name (self->main_stack);
  GtkMenuButton *button = NULL;

  if (g_str_equal (state, "error"))
    button = self->error_menu_button;
  else if (g_str_equal (state, "welcome"))
    button = self->welcome_menu_button;
  else if (g_str_equal (state, "farm"))
    {
      /* In a narrow window the menu lives on the unit list. */
      if (adw_leaflet_get_folded (self->leaflet))
        adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
      button = self->farm_menu_button;
    }

  if (button != NULL)
    gtk_menu_button_popup (button);
}

static void
focus_units_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->unit_list);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "farm"))
    return;

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (row != NULL ? GTK_WIDGET (row) : GTK_WIDGET (self->unit_list));
}

static void
step_unit_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FwWindow *self = FW_WINDOW (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->unit_list);
  int step = g_variant_get_int32 (parameter);
  GtkListBoxRow *next;

  if (row == NULL)
    return;

  next = gtk_list_box_get_row_at_index (self->unit_list, gtk_list_box_row_get_index (row) + step);
  if (next != NULL)
    gtk_list_box_select_row (self->unit_list, next);
}

static void
save_window_state (FwWindow *self)
{
  int width, height;

  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));

  if (gtk_window_is_maximized (GTK_WINDOW (self)))
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
}

static gboolean
fw_window_close_request (GtkWindow *window)
{
  save_window_state (FW_WINDOW (window));

  return GTK_WINDOW_CLASS (fw_window_parent_class)->close_request (window);
}

static void
fw_window_constructed (GObject *object)
{
  FwWindow *self = FW_WINDOW (object);

  G_OBJECT_CLASS (fw_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
fw_window_dispose (GObject *object)
{
  FwWindow *self = FW_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->units_cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->demo_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_WINDOW);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->units_cancellable);
  g_clear_object (&self->sync);
  g_clear_object (&self->cache);
  g_clear_object (&self->farm);
  g_clear_object (&self->farms);
  g_clear_object (&self->units);
  g_clear_object (&self->settings);
  g_clear_object (&self->alert_monitor);
  g_clear_pointer (&self->pending_alert, g_free);
  g_clear_pointer (&self->timezone, g_time_zone_unref);

  G_OBJECT_CLASS (fw_window_parent_class)->dispose (object);
}

static void
fw_window_class_init (FwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fw_window_constructed;
  object_class->dispose = fw_window_dispose;
  window_class->close_request = fw_window_close_request;

  g_type_ensure (FW_TYPE_FARM);
  g_type_ensure (FW_TYPE_UNIT_PAGE);
  g_type_ensure (FW_TYPE_SYNC_PAGE);
  g_type_ensure (FW_TYPE_DEPLOY_PAGE);
  g_type_ensure (FW_TYPE_COMPARE_PAGE);
  g_type_ensure (FW_TYPE_FARM_STOCK);
  g_type_ensure (FW_TYPE_UNIT_LOGBOOK);
  g_type_ensure (FW_TYPE_ALERTS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, demo_button);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, demo_progress);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, farm_title_stack);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, farm_title);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, farm_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, unit_list);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, no_selection_page);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, unit_page);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, error_menu_button);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, welcome_menu_button);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, farm_menu_button);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, sync_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, sync_page);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, compare_page);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, alerts_page);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, alerts_badge);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, alerts_button);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, farm_stock);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, farm_logbook);
  gtk_widget_class_bind_template_child (widget_class, FwWindow, deploy_page);
  gtk_widget_class_bind_template_callback (widget_class, on_unit_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_unit_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_unit_page_go_back_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_alert_show_on_chart_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_alert_acknowledged_cb);

  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "win.show-sync", NULL, show_sync_action);
  gtk_widget_class_install_action (widget_class, "win.show-compare", NULL, show_compare_action);
  gtk_widget_class_install_action (widget_class, "win.show-alerts", NULL, show_alerts_action);
  gtk_widget_class_install_action (widget_class, "win.edit-alert-rules", NULL, edit_alert_rules_action);
  gtk_widget_class_install_action (widget_class, "win.acknowledge-alert", "s", acknowledge_alert_action);
  gtk_widget_class_install_action (widget_class, "win.new-entry", NULL, new_entry_action);
  gtk_widget_class_install_action (widget_class, "win.show-farm-stock", NULL, show_farm_stock_action);
  gtk_widget_class_install_action (widget_class, "win.show-farm-logbook", NULL, show_farm_logbook_action);
  gtk_widget_class_install_action (widget_class, "win.show-deployments", NULL, show_deployments_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.import-history", NULL, import_history_action);
  gtk_widget_class_install_action (widget_class, "win.edit-entry", "s", edit_entry_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.show-primary-menu", NULL, show_primary_menu_action);
  gtk_widget_class_install_action (widget_class, "win.focus-units", NULL, focus_units_action);
  gtk_widget_class_install_action (widget_class, "win.step-unit", "i", step_unit_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.sync-now", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, 0, "win.show-primary-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.show-compare", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-entry", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.show-alerts", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.focus-units", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK, "win.step-unit", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK, "win.step-unit", "i", 1);
}

static void
fw_window_init (FwWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new (BASE_ID);
  self->cancellable = g_cancellable_new ();
  self->farms = g_list_store_new (FW_TYPE_FARM);
  self->units = g_list_store_new (FW_TYPE_UNIT);
  self->alert_monitor = fw_alert_monitor_new (G_APPLICATION (g_application_get_default ()));
  g_signal_connect_object (self->alert_monitor, "changed", G_CALLBACK (on_alerts_changed_cb),
                           self, G_CONNECT_SWAPPED);

  gtk_drop_down_set_model (self->farm_dropdown, G_LIST_MODEL (self->farms));
  g_signal_connect_swapped (self->farm_dropdown, "notify::selected",
                            G_CALLBACK (on_farm_selected_cb), self);

  gtk_list_box_bind_model (self->unit_list, G_LIST_MODEL (self->units),
                           create_unit_row_cb, NULL, NULL);
  gtk_list_box_set_header_func (self->unit_list, unit_list_header_cb, NULL, NULL);

  /* Without a sync controller (tests of the window alone) there is
   * nothing to say about sync. */
  gtk_widget_set_visible (self->sync_button, FALSE);

  adw_status_page_set_icon_name (self->welcome_page, BASE_ID);
}

FwWindow *
fw_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (FW_TYPE_WINDOW, "application", application, NULL);
}
