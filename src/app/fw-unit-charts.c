/* fw-unit-charts.c — a chart per sensor of one unit, over a shared range
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Charts view of a unit page: the range bar, then one chart for each
 * sensor, stacked so that their time axes line up. The charts read their
 * data only while the view is on screen.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-chart-export.h"
#include "fw-chart-group.h"
#include "fw-range-bar.h"
#include "fw-unit-charts.h"

struct _FwUnitCharts
{
  GtkBox        parent_instance;

  FwChartGroup *group;
  FwUnit       *unit;
  GTimeZone    *timezone;
  GPtrArray    *rules;       /* FwAlertRule */

  FwRangeBar   *range_bar;
  GtkSpinner   *spinner;
  GtkStack     *stack;
  GtkBox       *charts_box;
};

G_DEFINE_FINAL_TYPE (FwUnitCharts, fw_unit_charts, GTK_TYPE_BOX)

/* A chart's title: the parameter and its unit of measure. */
static char *
chart_title (FwSensor *sensor)
{
  const char *label = fw_parameter_get_label (fw_sensor_get_parameter (sensor));
  const char *unit = fw_sensor_get_unit_of_measure (sensor);

  if (*unit == '\0')
    return g_strdup (label);

  /* TRANSLATORS: a chart's title: a parameter and its unit, "Dissolved oxygen · mg/L" */
  return g_strdup_printf (_("%s · %s"), label, unit);
}

static gboolean
shows_sensors (FwUnitCharts *self,
               GListModel   *sensors)
{
  GPtrArray *charts = fw_chart_group_get_charts (self->group);

  if (charts->len != g_list_model_get_n_items (sensors))
    return FALSE;

  for (guint i = 0; i < charts->len; i++)
    {
      g_autoptr(FwSensor) sensor = g_list_model_get_item (sensors, i);
      FwChartSeries *series = fw_chart_get_series (g_ptr_array_index (charts, i), 0);

      if (fw_chart_series_get_sensor_id (series) != fw_record_get_id (FW_RECORD (sensor)))
        return FALSE;
    }

  return TRUE;
}

/* The bands are the limits the unit's alerts fire at: its own rule, the
 * farm's, or its species' defaults. */
static void
set_chart_limits (FwUnitCharts *self,
                  FwChart      *chart)
{
  FwChartSeries *series = fw_chart_get_series (chart, 0);
  FwAlertSettings settings;

  fw_alert_rules_resolve (self->rules, fw_record_get_uuid (FW_RECORD (self->unit)),
                          fw_unit_get_species (self->unit),
                          fw_chart_series_get_parameter (series), &settings);
  fw_chart_set_limits (chart, &settings.limits);
}

static void
build_charts (FwUnitCharts *self,
              GListModel   *sensors)
{
  fw_chart_group_remove_all (self->group);
  fw_box_remove_all (self->charts_box);

  for (guint i = 0; i < g_list_model_get_n_items (sensors); i++)
    {
      g_autoptr(FwSensor) sensor = g_list_model_get_item (sensors, i);
      g_autoptr(FwChartSeries) series = NULL;
      g_autofree char *title = chart_title (sensor);
      FwParameter parameter = fw_sensor_get_parameter (sensor);
      GtkWidget *chart = fw_chart_new ();
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

      series = fw_chart_series_new (fw_record_get_id (FW_RECORD (sensor)), parameter,
                                    fw_unit_get_name (self->unit),
                                    fw_sensor_get_interval (sensor));

      fw_chart_set_title (FW_CHART (chart), title);
      fw_chart_set_timezone (FW_CHART (chart), self->timezone);
      fw_chart_add_series (FW_CHART (chart), series);
      set_chart_limits (self, FW_CHART (chart));
      gtk_widget_set_size_request (chart, -1, 200);

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "chart-card");
      gtk_box_append (GTK_BOX (card), chart);
      gtk_box_append (self->charts_box, card);

      fw_chart_group_add_chart (self->group, FW_CHART (chart));
    }
}

/**
 * fw_unit_charts_show:
 * @sensors: (element-type FwSensor): the unit's sensors, one chart each
 * @timezone: the farm's zone, in which the time axis is labelled
 *
 * Shows the charts of @unit's sensors, keeping the range and what was
 * read when the sensors are the same as before.
 */
void
fw_unit_charts_show (FwUnitCharts *self,
                     FwCache      *cache,
                     FwUnit       *unit,
                     GListModel   *sensors,
                     GTimeZone    *timezone)
{
  g_return_if_fail (FW_IS_UNIT_CHARTS (self));
  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (FW_IS_UNIT (unit));
  g_return_if_fail (G_IS_LIST_MODEL (sensors));
  g_return_if_fail (timezone != NULL);

  fw_chart_group_set_cache (self->group, cache);
  g_set_object (&self->unit, unit);
  if (self->timezone != timezone)
    {
      g_clear_pointer (&self->timezone, g_time_zone_unref);
      self->timezone = g_time_zone_ref (timezone);
      fw_range_bar_set_timezone (self->range_bar, timezone);
    }

  if (!shows_sensors (self, sensors))
    build_charts (self, sensors);

  gtk_stack_set_visible_child_name (self->stack, g_list_model_get_n_items (sensors) > 0 ? "charts" : "empty");

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    fw_chart_group_refresh (self->group, fw_now ());
}

/**
 * fw_unit_charts_refresh:
 *
 * Brings new readings into view, if the charts are on screen.
 */
void
fw_unit_charts_refresh (FwUnitCharts *self,
                        FwTime        now)
{
  g_return_if_fail (FW_IS_UNIT_CHARTS (self));

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    fw_chart_group_refresh (self->group, now);
}

/**
 * fw_unit_charts_set_rules:
 * @rules: (nullable) (element-type FwAlertRule): the farm's alert rules
 *
 * Draws the limits that the rules set, from now on.
 */
void
fw_unit_charts_set_rules (FwUnitCharts *self,
                          GPtrArray    *rules)
{
  GPtrArray *charts;

  g_return_if_fail (FW_IS_UNIT_CHARTS (self));

  if (rules != NULL)
    g_ptr_array_ref (rules);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  self->rules = rules;

  if (self->unit == NULL)
    return;

  charts = fw_unit_charts_get_charts (self);
  for (guint i = 0; i < charts->len; i++)
    set_chart_limits (self, g_ptr_array_index (charts, i));
}

/**
 * fw_unit_charts_get_charts:
 *
 * Returns: (transfer none) (element-type FwChart): the charts, top to bottom
 */
GPtrArray *
fw_unit_charts_get_charts (FwUnitCharts *self)
{
  g_return_val_if_fail (FW_IS_UNIT_CHARTS (self), NULL);

  return fw_chart_group_get_charts (self->group);
}

gboolean
fw_unit_charts_get_loading (FwUnitCharts *self)
{
  g_return_val_if_fail (FW_IS_UNIT_CHARTS (self), FALSE);

  return fw_chart_group_get_loading (self->group);
}

/**
 * fw_unit_charts_get_range:
 *
 * Returns: (transfer none): the range the charts show
 */
FwTimeRange *
fw_unit_charts_get_range (FwUnitCharts *self)
{
  g_return_val_if_fail (FW_IS_UNIT_CHARTS (self), NULL);

  return fw_chart_group_get_range (self->group);
}

static void
on_map_cb (FwUnitCharts *self)
{
  fw_chart_group_refresh (self->group, fw_now ());
}

static void
on_loading_cb (FwUnitCharts *self)
{
  gboolean loading = fw_chart_group_get_loading (self->group);

  fw_spinner_set_active (self->spinner, loading);
}

static void
on_earliest_cb (FwUnitCharts *self)
{
  fw_range_bar_set_earliest (self->range_bar, fw_chart_group_get_earliest (self->group));
}

static void
on_failed_cb (FwUnitCharts *self,
              const char   *message)
{
  fw_widget_add_toast (GTK_WIDGET (self), message);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FwUnitCharts *self = FW_UNIT_CHARTS (widget);
  g_autofree char *title = NULL;
  FwChartExportFormat format;

  if (self->unit == NULL ||
      !fw_chart_export_format_from_string (g_variant_get_string (parameter, NULL), &format))
    return;

  /* TRANSLATORS: the heading of an exported chart: a unit, and the range shown */
  title = g_strdup_printf (_("%s, %s"), fw_unit_get_name (self->unit), fw_range_bar_get_label (self->range_bar));
  fw_chart_export_run (widget, fw_chart_group_get_charts (self->group), format,
                       fw_unit_get_name (self->unit), title);
}

static void
fw_unit_charts_dispose (GObject *object)
{
  FwUnitCharts *self = FW_UNIT_CHARTS (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_UNIT_CHARTS);
  g_clear_pointer (&self->rules, g_ptr_array_unref);

  g_clear_object (&self->group);
  g_clear_object (&self->unit);
  g_clear_pointer (&self->timezone, g_time_zone_unref);

  G_OBJECT_CLASS (fw_unit_charts_parent_class)->dispose (object);
}

static void
fw_unit_charts_class_init (FwUnitChartsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_unit_charts_dispose;

  gtk_widget_class_install_action (widget_class, "charts.export", "s", export_action);

  g_type_ensure (FW_TYPE_RANGE_BAR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-unit-charts.ui");
  gtk_widget_class_bind_template_child (widget_class, FwUnitCharts, range_bar);
  gtk_widget_class_bind_template_child (widget_class, FwUnitCharts, spinner);
  gtk_widget_class_bind_template_child (widget_class, FwUnitCharts, stack);
  gtk_widget_class_bind_template_child (widget_class, FwUnitCharts, charts_box);
}

static void
fw_unit_charts_init (FwUnitCharts *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->group = fw_chart_group_new ();
  fw_range_bar_set_range (self->range_bar, fw_chart_group_get_range (self->group));

  g_signal_connect_object (self->group, "notify::loading", G_CALLBACK (on_loading_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->group, "notify::earliest", G_CALLBACK (on_earliest_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->group, "failed", G_CALLBACK (on_failed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);
}
