/* fw-sensor-tile.c — one sensor at a glance: value, status, trend, age
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-chart.h"
#include "fw-sensor-tile.h"

struct _FwSensorTile
{
  GtkBox     parent_instance;

  FwSensor  *sensor;
  GTimeZone *timezone;

  GtkLabel  *parameter_label;
  GtkWidget *status_dot;
  GtkLabel  *status_label;
  GtkLabel  *value_label;
  GtkLabel  *unit_label;
  GtkImage  *trend_icon;
  GtkLabel  *trend_label;
  GtkLabel  *age_label;
  FwChart   *sparkline;
};

G_DEFINE_FINAL_TYPE (FwSensorTile, fw_sensor_tile, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_SENSOR,
  PROP_TIMEZONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
trend_icon_name (FwTrend trend)
{
  switch (trend)
    {
    case FW_TREND_RISING:
      return "fw-trend-rising-symbolic";
    case FW_TREND_FALLING:
      return "fw-trend-falling-symbolic";
    case FW_TREND_STEADY:
      return "fw-trend-steady-symbolic";
    case FW_TREND_UNKNOWN:
    default:
      return "fw-trend-unknown-symbolic";
    }
}

/* Everything on the tile follows from the sensor and the clock. */
void
fw_sensor_tile_refresh (FwSensorTile *self)
{
  FwParameter parameter;
  FwStatus status;
  FwTrend trend;
  FwTime latest;
  double value;
  g_autofree char *number = NULL;
  g_autofree char *slope = NULL;
  g_autofree char *trend_text = NULL;
  g_autofree char *age = NULL;
  g_autofree char *taken = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *with_unit = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (FW_IS_SENSOR_TILE (self));

  if (self->sensor == NULL)
    return;

  parameter = fw_sensor_get_parameter (self->sensor);
  status = fw_sensor_get_status (self->sensor);
  trend = fw_sensor_get_trend (self->sensor);
  latest = fw_sensor_get_latest_time (self->sensor);
  value = fw_sensor_get_latest_value (self->sensor);

  gtk_label_set_label (self->parameter_label, fw_parameter_get_label (parameter));
  gtk_label_set_label (self->status_label, fw_status_get_label (status));
  fw_widget_set_status_class (self->status_dot, status);
  fw_widget_set_status_class (GTK_WIDGET (self->status_label), status);
  fw_widget_set_status_class (GTK_WIDGET (self), status);

  number = fw_format_value (parameter, value);
  gtk_label_set_label (self->value_label, number);
  gtk_label_set_label (self->unit_label, fw_sensor_get_unit_of_measure (self->sensor));
  gtk_widget_set_visible (GTK_WIDGET (self->unit_label),
                          latest != 0 && *fw_sensor_get_unit_of_measure (self->sensor) != '\0');

  gtk_image_set_from_icon_name (self->trend_icon, trend_icon_name (trend));
  slope = fw_format_slope (parameter, fw_sensor_get_slope (self->sensor));
  if (trend == FW_TREND_UNKNOWN)
    trend_text = g_strdup (slope);
  else if (trend == FW_TREND_STEADY)
    trend_text = g_strdup (fw_trend_get_label (trend));
  else
    /* TRANSLATORS: a trend and its rate, such as "Falling, -0.4 mg/L per hour" */
    trend_text = g_strdup_printf (_("%s, %s"), fw_trend_get_label (trend), slope);
  gtk_label_set_label (self->trend_label, trend_text);

  age = fw_format_age (latest, fw_now ());
  gtk_label_set_label (self->age_label, age);

  if (latest != 0)
    {
      taken = fw_format_local_time (latest, self->timezone);
      /* TRANSLATORS: tooltip of a reading, with its date and time */
      tooltip = g_strdup_printf (_("Measured %s"), taken);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);

  /* One sentence for screen readers instead of six scattered labels. */
  with_unit = fw_format_value_with_unit (parameter, value);
  description = g_strdup_printf ("%s, %s, %s, %s",
                                 with_unit, fw_status_get_label (status), trend_text, age);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, fw_parameter_get_label (parameter),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
on_sensor_notify_cb (FwSensorTile *self)
{
  fw_sensor_tile_refresh (self);
}

static void
fw_sensor_tile_set_sensor (FwSensorTile *self,
                           FwSensor     *sensor)
{
  g_assert (self->sensor == NULL);

  self->sensor = g_object_ref (sensor);
  g_signal_connect_object (sensor, "notify", G_CALLBACK (on_sensor_notify_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
fw_sensor_tile_constructed (GObject *object)
{
  FwSensorTile *self = FW_SENSOR_TILE (object);
  g_autoptr(FwChartSeries) series = NULL;
  FwParameter parameter;
  FwLimits limits;

  G_OBJECT_CLASS (fw_sensor_tile_parent_class)->constructed (object);

  /* The last day at a glance, drawn by the same code as the Charts view;
   * the unit page reads its data. */
  parameter = fw_sensor_get_parameter (self->sensor);
  series = fw_chart_series_new (fw_record_get_id (FW_RECORD (self->sensor)), parameter,
                                fw_parameter_get_label (parameter),
                                fw_sensor_get_interval (self->sensor));
  fw_chart_add_series (self->sparkline, series);
  fw_parameter_get_limits (parameter, &limits);
  fw_chart_set_limits (self->sparkline, &limits);
  if (self->timezone == NULL)
    self->timezone = g_time_zone_new_utc ();
  fw_chart_set_timezone (self->sparkline, self->timezone);

  fw_sensor_tile_refresh (self);
}

static void
fw_sensor_tile_dispose (GObject *object)
{
  FwSensorTile *self = FW_SENSOR_TILE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_SENSOR_TILE);

  g_clear_object (&self->sensor);
  g_clear_pointer (&self->timezone, g_time_zone_unref);

  G_OBJECT_CLASS (fw_sensor_tile_parent_class)->dispose (object);
}

static void
fw_sensor_tile_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FwSensorTile *self = FW_SENSOR_TILE (object);

  switch (prop_id)
    {
    case PROP_SENSOR:
      g_value_set_object (value, self->sensor);
      break;

    case PROP_TIMEZONE:
      g_value_set_boxed (value, self->timezone);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_sensor_tile_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FwSensorTile *self = FW_SENSOR_TILE (object);

  switch (prop_id)
    {
    case PROP_SENSOR:
      fw_sensor_tile_set_sensor (self, g_value_get_object (value));
      break;

    case PROP_TIMEZONE:
      self->timezone = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_sensor_tile_class_init (FwSensorTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fw_sensor_tile_constructed;
  object_class->dispose = fw_sensor_tile_dispose;
  object_class->get_property = fw_sensor_tile_get_property;
  object_class->set_property = fw_sensor_tile_set_property;

  properties[PROP_SENSOR] =
    g_param_spec_object ("sensor", NULL, NULL,
                         FW_TYPE_SENSOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIMEZONE] =
    g_param_spec_boxed ("timezone", NULL, NULL,
                        G_TYPE_TIME_ZONE,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-sensor-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, FwSensorTile, parameter_label);
  gtk_widget_class_bind_template_child (widget_class, FwSensorTile, status_dot);
  gtk_widget_class_bind_template_child (widget_class, FwSensorTile, status_label);
  gtk_widget_class_bind_template_child (widget_class, FwSensorTile, value_label);
  gtk_widget_class_bind_template_child (widget_class, FwSensorTile, unit_label);
  gtk_widget_class_bind_template_child (widget_class, FwSensorTile, trend_icon);
  gtk_widget_class_bind_template_child (widget_class, FwSensorTile, trend_label);
  gtk_widget_class_bind_template_child (widget_class, FwSensorTile, age_label);
  gtk_widget_class_bind_template_child (widget_class, FwSensorTile, sparkline);
}

static void
fw_sensor_tile_init (FwSensorTile *self)
{
  g_type_ensure (FW_TYPE_CHART);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fw_sensor_tile_new (FwSensor  *sensor,
                    GTimeZone *timezone)
{
  g_return_val_if_fail (FW_IS_SENSOR (sensor), NULL);

  return g_object_new (FW_TYPE_SENSOR_TILE,
                       "sensor", sensor,
                       "timezone", timezone,
                       NULL);
}

FwSensor *
fw_sensor_tile_get_sensor (FwSensorTile *self)
{
  g_return_val_if_fail (FW_IS_SENSOR_TILE (self), NULL);

  return self->sensor;
}

/**
 * fw_sensor_tile_get_sparkline:
 *
 * Returns: (transfer none): the chart of the last day on the tile
 */
FwChart *
fw_sensor_tile_get_sparkline (FwSensorTile *self)
{
  g_return_val_if_fail (FW_IS_SENSOR_TILE (self), NULL);

  return self->sparkline;
}
