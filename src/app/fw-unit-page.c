/* fw-unit-page.c — one unit: a tile per sensor, and what the unit is
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page owns a list of the unit's sensors that the flow box shows.
 * Reloading updates the sensors in place when the set is the same, so that
 * focus and scroll position survive the refresh every minute.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-chart-group.h"
#include "fw-sensor-tile.h"
#include "fw-unit-charts.h"
#include "fw-unit-logbook.h"
#include "fw-unit-page.h"

/* How much history a tile's sparkline shows. */
#define SPARKLINE_SPAN 86400

struct _FwUnitPage
{
  GtkBox          parent_instance;

  FwCache        *cache;
  FwUnit         *unit;
  GTimeZone      *timezone;
  GListStore     *sensors;
  FwChartGroup   *sparklines;
  GCancellable   *cancellable;
  gboolean        loading;

  AdwViewSwitcherTitle *title;
  AdwViewStack   *view_stack;
  GtkStack       *stack;
  GtkSpinner     *spinner;
  GtkFlowBox     *tiles;
  GtkLabel       *kind_value;
  GtkLabel       *species_value;
  GtkLabel       *area_value;
  GtkLabel       *volume_value;
  AdwStatusPage  *error_page;
  FwUnitCharts   *charts;
  FwUnitLogbook  *logbook;
  FwUnitStock    *stock;
  AdwPreferencesGroup *alerts_group;
  GPtrArray      *alert_rows;
  GPtrArray      *alerts;
  GPtrArray      *rules;
};

G_DEFINE_FINAL_TYPE (FwUnitPage, fw_unit_page, FW_TYPE_PAGE)

enum {
  PROP_0,
  PROP_UNIT,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A sparkline's bands are the limits the unit's alerts fire at. */
static void
set_tile_limits (FwUnitPage   *self,
                 FwSensorTile *tile)
{
  FwSensor *sensor = fw_sensor_tile_get_sensor (tile);
  FwAlertSettings settings;

  if (self->unit == NULL)
    return;

  fw_alert_rules_resolve (self->rules, fw_record_get_uuid (FW_RECORD (self->unit)),
                          fw_unit_get_species (self->unit), fw_sensor_get_parameter (sensor), &settings);
  fw_chart_set_limits (fw_sensor_tile_get_sparkline (tile), &settings.limits);
}

static GtkWidget *
create_tile_cb (gpointer item,
                gpointer user_data)
{
  FwUnitPage *self = user_data;
  GtkWidget *tile = fw_sensor_tile_new (item, self->timezone);

  set_tile_limits (self, FW_SENSOR_TILE (tile));
  return tile;
}

static void
notify_loading (FwUnitPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_loading (FwUnitPage *self,
             gboolean    loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  notify_loading (self);
}

static void
refresh_tiles (FwUnitPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->tiles));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *tile = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      fw_sensor_tile_refresh (FW_SENSOR_TILE (tile));
    }
}

/* The tiles' sparklines share the last day; new tiles join the group. */
static void
gather_sparklines (FwUnitPage *self)
{
  fw_chart_group_remove_all (self->sparklines);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->tiles));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *tile = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      fw_chart_group_add_chart (self->sparklines, fw_sensor_tile_get_sparkline (FW_SENSOR_TILE (tile)));
    }
}

static void
on_sensors_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FwUnitPage) self = user_data;
  g_autoptr(GPtrArray) sensors = NULL;
  g_autoptr(GError) error = NULL;
  FwTime now = fw_now ();

  sensors = fw_cache_list_finish (FW_CACHE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);

  if (sensors == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  if (fw_record_lists_match (G_LIST_MODEL (self->sensors), sensors))
    {
      for (guint i = 0; i < sensors->len; i++)
        {
          g_autoptr(FwSensor) current = g_list_model_get_item (G_LIST_MODEL (self->sensors), i);
          FwSensor *fresh = g_ptr_array_index (sensors, i);

          fw_sensor_set_latest (current,
                                fw_sensor_get_latest_time (fresh),
                                fw_sensor_get_latest_value (fresh),
                                fw_sensor_get_slope (fresh),
                                now);
        }
      refresh_tiles (self);
    }
  else
    {
      g_list_store_splice (self->sensors, 0, g_list_model_get_n_items (G_LIST_MODEL (self->sensors)),
                           sensors->pdata, sensors->len);
      gather_sparklines (self);
    }

  gtk_stack_set_visible_child_name (self->stack, sensors->len > 0 ? "sensors" : "empty");

  fw_chart_group_set_cache (self->sparklines, self->cache);
  fw_time_range_show_last (fw_chart_group_get_range (self->sparklines), SPARKLINE_SPAN);
  fw_chart_group_refresh (self->sparklines, now);
  fw_unit_charts_show (self->charts, self->cache, self->unit, G_LIST_MODEL (self->sensors), self->timezone);
}

static void
load_sensors (FwUnitPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->cache == NULL || self->unit == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  fw_cache_list_sensors_async (self->cache,
                               fw_record_get_id (FW_RECORD (self->unit)),
                               fw_now (),
                               self->cancellable,
                               on_sensors_loaded_cb,
                               g_object_ref (self));
}

static void
show_unit_details (FwUnitPage *self)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *area = fw_format_area (fw_unit_get_area (self->unit));
  g_autofree char *volume = fw_format_volume (fw_unit_get_volume (self->unit));
  const char *kind = fw_unit_kind_get_label (fw_unit_get_kind (self->unit));
  const char *species = fw_species_get_label (fw_unit_get_species (self->unit));

  /* TRANSLATORS: under a unit's name: its site and kind, e.g. "North Ponds · Pond" */
  subtitle = g_strdup_printf (_("%s · %s"), fw_unit_get_site_name (self->unit), kind);

  adw_view_switcher_title_set_title (self->title, fw_unit_get_name (self->unit));
  adw_view_switcher_title_set_subtitle (self->title, subtitle);
  gtk_label_set_label (self->kind_value, kind);
  gtk_label_set_label (self->species_value, *species ? species : _("Not recorded"));
  gtk_label_set_label (self->area_value, area);
  gtk_label_set_label (self->volume_value, volume);
}

/* The open alerts of the unit on screen, with a way to acknowledge. */
static void
show_alerts (FwUnitPage *self)
{
  guint shown = 0;

  for (guint i = 0; i < self->alert_rows->len; i++)
    adw_preferences_group_remove (self->alerts_group, g_ptr_array_index (self->alert_rows, i));
  g_ptr_array_set_size (self->alert_rows, 0);

  for (guint i = 0; self->unit != NULL && self->alerts != NULL && i < self->alerts->len; i++)
    {
      FwAlert *alert = g_ptr_array_index (self->alerts, i);
      const FwAlertFields *f = fw_alert_get_fields (alert);
      g_autofree char *title = NULL;
      g_autofree char *what = NULL;
      GtkWidget *row, *icon;

      if (!fw_alert_is_open (alert) ||
          g_strcmp0 (f->unit_uuid, fw_record_get_uuid (FW_RECORD (self->unit))) != 0)
        continue;

      /* TRANSLATORS: an open alert on a unit's page: the parameter and what is wrong */
      title = g_strdup_printf (_("%s — %s"), fw_parameter_get_label (f->parameter),
                               fw_alert_condition_get_label (f->condition));
      what = fw_alert_describe (alert);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), what);

      icon = gtk_image_new_from_icon_name (f->severity == FW_SEVERITY_CRITICAL ? "dialog-error-symbolic"
                                                                             : "dialog-warning-symbolic");
      gtk_widget_add_css_class (icon, f->severity == FW_SEVERITY_CRITICAL ? "error" : "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      fw_severity_get_label (f->severity), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

      if (f->state == FW_ALERT_STATE_FIRING)
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Acknowledge…"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.acknowledge-alert");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", fw_record_get_uuid (FW_RECORD (alert)));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      else
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_label_new (fw_alert_state_get_label (f->state)));

      adw_preferences_group_add (self->alerts_group, row);
      g_ptr_array_add (self->alert_rows, row);
      shown++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->alerts_group), shown > 0);
}

/**
 * fw_unit_page_show_unit:
 * @timezone: (nullable): the farm's zone, in which times are shown
 *
 * Shows @unit and loads its sensors off the main thread.
 */
void
fw_unit_page_show_unit (FwUnitPage *self,
                        FwCache    *cache,
                        FwUnit     *unit,
                        GTimeZone  *timezone)
{
  gboolean same_unit;

  g_return_if_fail (FW_IS_UNIT_PAGE (self));
  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (FW_IS_UNIT (unit));

  same_unit = self->unit != NULL &&
              g_str_equal (fw_record_get_uuid (FW_RECORD (self->unit)), fw_record_get_uuid (FW_RECORD (unit)));

  g_set_object (&self->cache, cache);
  if (g_set_object (&self->unit, unit))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT]);

  if (!same_unit)
    {
      /* Tiles keep the zone they were made with: start them afresh. */
      g_clear_pointer (&self->timezone, g_time_zone_unref);
      self->timezone = timezone != NULL ? g_time_zone_ref (timezone) : g_time_zone_new_utc ();
      g_list_store_remove_all (self->sensors);
      fw_chart_group_remove_all (self->sparklines);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  show_unit_details (self);
  show_alerts (self);
  load_sensors (self);
  fw_unit_logbook_show (self->logbook, cache, unit, self->timezone);
}

/* Reads the sensors again, keeping what is on screen until they arrive. */
void
fw_unit_page_reload (FwUnitPage *self)
{
  g_return_if_fail (FW_IS_UNIT_PAGE (self));

  load_sensors (self);
  fw_unit_logbook_reload (self->logbook);
}

/**
 * fw_unit_page_show_view:
 * @name: "overview" or "charts"
 *
 * Switches the page to one of its views, as the view switcher does.
 */
void
fw_unit_page_show_view (FwUnitPage *self,
                        const char *name)
{
  g_return_if_fail (FW_IS_UNIT_PAGE (self));
  g_return_if_fail (name != NULL);

  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/**
 * fw_unit_page_set_alerts:
 * @alerts: (nullable) (element-type FwAlert): the farm's alerts
 * @rules: (nullable) (element-type FwAlertRule): the farm's alert rules
 *
 * Shows the open alerts of the unit on screen on its overview, and its
 * limits in the sparklines.
 */
void
fw_unit_page_set_alerts (FwUnitPage *self,
                         GPtrArray  *alerts,
                         GPtrArray  *rules)
{
  g_return_if_fail (FW_IS_UNIT_PAGE (self));

  if (alerts != NULL)
    g_ptr_array_ref (alerts);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  self->alerts = alerts;

  if (rules != NULL)
    g_ptr_array_ref (rules);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  self->rules = rules;

  show_alerts (self);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->tiles));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    set_tile_limits (self, FW_SENSOR_TILE (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child))));
}

/**
 * fw_unit_page_get_logbook:
 *
 * Returns: (transfer none): the Logbook view
 */
FwUnitLogbook *
fw_unit_page_get_logbook (FwUnitPage *self)
{
  g_return_val_if_fail (FW_IS_UNIT_PAGE (self), NULL);

  return self->logbook;
}

/**
 * fw_unit_page_get_charts:
 *
 * Returns: (transfer none): the Charts view
 */
FwUnitCharts *
fw_unit_page_get_charts (FwUnitPage *self)
{
  g_return_val_if_fail (FW_IS_UNIT_PAGE (self), NULL);

  return self->charts;
}

FwUnit *
fw_unit_page_get_unit (FwUnitPage *self)
{
  g_return_val_if_fail (FW_IS_UNIT_PAGE (self), NULL);

  return self->unit;
}

/**
 * fw_unit_page_get_sensors:
 *
 * Returns: (transfer none): the sensors on the page
 */
GListModel *
fw_unit_page_get_sensors (FwUnitPage *self)
{
  g_return_val_if_fail (FW_IS_UNIT_PAGE (self), NULL);

  return G_LIST_MODEL (self->sensors);
}

/**
 * fw_unit_page_get_loading:
 *
 * Returns: whether the sensors, or the history of their sparklines, are
 *   still being read
 */
gboolean
fw_unit_page_get_loading (FwUnitPage *self)
{
  g_return_val_if_fail (FW_IS_UNIT_PAGE (self), FALSE);

  return self->loading || fw_chart_group_get_loading (self->sparklines);
}

static void
fw_unit_page_dispose (GObject *object)
{
  FwUnitPage *self = FW_UNIT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_UNIT_PAGE);

  g_clear_pointer (&self->alert_rows, g_ptr_array_unref);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_object (&self->sensors);
  g_clear_object (&self->sparklines);
  g_clear_object (&self->unit);
  g_clear_object (&self->cache);
  g_clear_pointer (&self->timezone, g_time_zone_unref);

  G_OBJECT_CLASS (fw_unit_page_parent_class)->dispose (object);
}

static void
fw_unit_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FwUnitPage *self = FW_UNIT_PAGE (object);

  switch (prop_id)
    {
    case PROP_UNIT:
      g_value_set_object (value, self->unit);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, fw_unit_page_get_loading (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_unit_page_class_init (FwUnitPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_unit_page_dispose;
  object_class->get_property = fw_unit_page_get_property;

  properties[PROP_UNIT] =
    g_param_spec_object ("unit", NULL, NULL,
                         FW_TYPE_UNIT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-unit-page.ui");
  g_type_ensure (FW_TYPE_UNIT_CHARTS);
  g_type_ensure (FW_TYPE_UNIT_LOGBOOK);
  g_type_ensure (FW_TYPE_UNIT_STOCK);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, title);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, alerts_group);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, charts);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, logbook);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, stock);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, tiles);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, kind_value);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, species_value);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, area_value);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, volume_value);
  gtk_widget_class_bind_template_child (widget_class, FwUnitPage, error_page);
}

static void
fw_unit_page_init (FwUnitPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->alert_rows = g_ptr_array_new ();

  self->sensors = g_list_store_new (FW_TYPE_SENSOR);
  self->sparklines = fw_chart_group_new ();
  fw_unit_logbook_set_stock_view (self->logbook, self->stock);
  g_signal_connect_object (self->sparklines, "failed", G_CALLBACK (fw_widget_add_toast),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sparklines, "notify::loading", G_CALLBACK (notify_loading),
                           self, G_CONNECT_SWAPPED);
  gtk_flow_box_bind_model (self->tiles, G_LIST_MODEL (self->sensors),
                           create_tile_cb, self, NULL);
}
