/* fw-sensor.c — a probe in a unit that reports one parameter
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fw-enums.h"
#include "fw-reading.h"
#include "fw-sensor.h"

struct _FwSensor
{
  FwRecord     parent_instance;

  char        *unit_uuid;
  FwParameter  parameter;
  char        *unit_of_measure;
  guint        interval;

  FwTime       latest_time;
  double       latest_value;
  double       slope;
  FwStatus     status;
};

G_DEFINE_FINAL_TYPE (FwSensor, fw_sensor, FW_TYPE_RECORD)

enum {
  PROP_0,
  PROP_UNIT_UUID,
  PROP_PARAMETER,
  PROP_UNIT_OF_MEASURE,
  PROP_INTERVAL,
  PROP_LATEST_TIME,
  PROP_LATEST_VALUE,
  PROP_SLOPE,
  PROP_TREND,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fw_sensor_constructed (GObject *object)
{
  FwSensor *self = FW_SENSOR (object);

  G_OBJECT_CLASS (fw_sensor_parent_class)->constructed (object);

  if (self->unit_of_measure == NULL)
    self->unit_of_measure = g_strdup (fw_parameter_get_unit (self->parameter));
}

static void
fw_sensor_finalize (GObject *object)
{
  FwSensor *self = FW_SENSOR (object);

  g_clear_pointer (&self->unit_uuid, g_free);
  g_clear_pointer (&self->unit_of_measure, g_free);

  G_OBJECT_CLASS (fw_sensor_parent_class)->finalize (object);
}

static void
fw_sensor_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FwSensor *self = FW_SENSOR (object);

  switch (prop_id)
    {
    case PROP_UNIT_UUID:
      g_value_set_string (value, self->unit_uuid);
      break;

    case PROP_PARAMETER:
      g_value_set_enum (value, self->parameter);
      break;

    case PROP_UNIT_OF_MEASURE:
      g_value_set_string (value, self->unit_of_measure);
      break;

    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;

    case PROP_LATEST_TIME:
      g_value_set_int64 (value, self->latest_time);
      break;

    case PROP_LATEST_VALUE:
      g_value_set_double (value, self->latest_value);
      break;

    case PROP_SLOPE:
      g_value_set_double (value, self->slope);
      break;

    case PROP_TREND:
      g_value_set_enum (value, fw_sensor_get_trend (self));
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_sensor_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FwSensor *self = FW_SENSOR (object);

  switch (prop_id)
    {
    case PROP_UNIT_UUID:
      self->unit_uuid = g_value_dup_string (value);
      break;

    case PROP_PARAMETER:
      self->parameter = g_value_get_enum (value);
      break;

    case PROP_UNIT_OF_MEASURE:
      self->unit_of_measure = g_value_dup_string (value);
      break;

    case PROP_INTERVAL:
      self->interval = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_sensor_class_init (FwSensorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct_flags =
    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags latest_flags =
    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = fw_sensor_constructed;
  object_class->finalize = fw_sensor_finalize;
  object_class->get_property = fw_sensor_get_property;
  object_class->set_property = fw_sensor_set_property;

  properties[PROP_UNIT_UUID] =
    g_param_spec_string ("unit-uuid", NULL, NULL, NULL, construct_flags);

  properties[PROP_PARAMETER] =
    g_param_spec_enum ("parameter", NULL, NULL,
                       FW_TYPE_PARAMETER, FW_PARAMETER_TEMPERATURE, construct_flags);

  properties[PROP_UNIT_OF_MEASURE] =
    g_param_spec_string ("unit-of-measure", NULL, NULL, NULL, construct_flags);

  /* Expected seconds between readings: what "silent" is measured against. */
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, 7 * 24 * 3600, 300, construct_flags);

  properties[PROP_LATEST_TIME] =
    g_param_spec_int64 ("latest-time", NULL, NULL, 0, G_MAXINT64, 0, latest_flags);

  properties[PROP_LATEST_VALUE] =
    g_param_spec_double ("latest-value", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0, latest_flags);

  properties[PROP_SLOPE] =
    g_param_spec_double ("slope", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0, latest_flags);

  properties[PROP_TREND] =
    g_param_spec_enum ("trend", NULL, NULL,
                       FW_TYPE_TREND, FW_TREND_UNKNOWN, latest_flags);

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       FW_TYPE_STATUS, FW_STATUS_NO_DATA, latest_flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fw_sensor_init (FwSensor *self)
{
  self->interval = 300;
  self->latest_value = NAN;
  self->slope = NAN;
  self->status = FW_STATUS_NO_DATA;
}

FwSensor *
fw_sensor_new (const char  *unit_uuid,
               FwParameter  parameter,
               guint        interval)
{
  g_return_val_if_fail (unit_uuid != NULL, NULL);
  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, NULL);
  g_return_val_if_fail (interval > 0, NULL);

  return g_object_new (FW_TYPE_SENSOR,
                       "unit-uuid", unit_uuid,
                       "parameter", parameter,
                       "interval", interval,
                       NULL);
}

const char *
fw_sensor_get_unit_uuid (FwSensor *self)
{
  g_return_val_if_fail (FW_IS_SENSOR (self), NULL);

  return self->unit_uuid;
}

FwParameter
fw_sensor_get_parameter (FwSensor *self)
{
  g_return_val_if_fail (FW_IS_SENSOR (self), FW_PARAMETER_TEMPERATURE);

  return self->parameter;
}

const char *
fw_sensor_get_unit_of_measure (FwSensor *self)
{
  g_return_val_if_fail (FW_IS_SENSOR (self), NULL);

  return self->unit_of_measure;
}

guint
fw_sensor_get_interval (FwSensor *self)
{
  g_return_val_if_fail (FW_IS_SENSOR (self), 0);

  return self->interval;
}

FwTime
fw_sensor_get_latest_time (FwSensor *self)
{
  g_return_val_if_fail (FW_IS_SENSOR (self), 0);

  return self->latest_time;
}

double
fw_sensor_get_latest_value (FwSensor *self)
{
  g_return_val_if_fail (FW_IS_SENSOR (self), NAN);

  return self->latest_value;
}

double
fw_sensor_get_slope (FwSensor *self)
{
  g_return_val_if_fail (FW_IS_SENSOR (self), NAN);

  return self->slope;
}

FwTrend
fw_sensor_get_trend (FwSensor *self)
{
  g_return_val_if_fail (FW_IS_SENSOR (self), FW_TREND_UNKNOWN);

  return fw_trend_from_slope (self->parameter, self->slope);
}

FwStatus
fw_sensor_get_status (FwSensor *self)
{
  g_return_val_if_fail (FW_IS_SENSOR (self), FW_STATUS_NO_DATA);

  return self->status;
}

/**
 * fw_sensor_set_latest:
 * @time: when the latest reading was taken, 0 for none
 * @value: its value
 * @slope_per_hour: the recent trend, NAN when unknown
 * @now: the time against which silence is judged
 */
void
fw_sensor_set_latest (FwSensor *self,
                      FwTime    time,
                      double    value,
                      double    slope_per_hour,
                      FwTime    now)
{
  FwTrend old_trend;
  FwStatus status;

  g_return_if_fail (FW_IS_SENSOR (self));

  old_trend = fw_sensor_get_trend (self);
  status = fw_sensor_status_at (self->parameter, self->interval, time, value, now);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->latest_time != time)
    {
      self->latest_time = time;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATEST_TIME]);
    }

  if (!(self->latest_value == value || (isnan (self->latest_value) && isnan (value))))
    {
      self->latest_value = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATEST_VALUE]);
    }

  if (!(self->slope == slope_per_hour || (isnan (self->slope) && isnan (slope_per_hour))))
    {
      self->slope = slope_per_hour;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SLOPE]);
    }

  if (old_trend != fw_sensor_get_trend (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TREND]);

  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * fw_sensor_status_at:
 *
 * What a sensor's latest reading says at @now. A silent sensor whose last
 * value was critical stays critical: going quiet must never make a pond
 * look better than it was.
 */
FwStatus
fw_sensor_status_at (FwParameter parameter,
                     guint       interval,
                     FwTime      latest_time,
                     double      latest_value,
                     FwTime      now)
{
  FwStatus status;

  if (latest_time == 0 || isnan (latest_value))
    return FW_STATUS_NO_DATA;

  status = fw_parameter_classify (parameter, latest_value);

  if (now - latest_time > (FwTime) interval * FW_SILENT_AFTER_INTERVALS)
    status = fw_status_worst (status, FW_STATUS_SILENT);

  return status;
}
