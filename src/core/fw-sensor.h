/* fw-sensor.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-parameter.h"
#include "fw-record.h"

G_BEGIN_DECLS

/* A sensor that misses this many of its expected readings is silent. */
#define FW_SILENT_AFTER_INTERVALS 3

#define FW_TYPE_SENSOR (fw_sensor_get_type ())

G_DECLARE_FINAL_TYPE (FwSensor, fw_sensor, FW, SENSOR, FwRecord)

FwSensor    *fw_sensor_new                (const char  *unit_uuid,
                                           FwParameter  parameter,
                                           guint        interval);
const char  *fw_sensor_get_unit_uuid      (FwSensor    *self);
FwParameter  fw_sensor_get_parameter      (FwSensor    *self);
const char  *fw_sensor_get_unit_of_measure (FwSensor   *self);
guint        fw_sensor_get_interval       (FwSensor    *self);

FwTime       fw_sensor_get_latest_time    (FwSensor    *self);
double       fw_sensor_get_latest_value   (FwSensor    *self);
double       fw_sensor_get_slope          (FwSensor    *self);
FwTrend      fw_sensor_get_trend          (FwSensor    *self);
FwStatus     fw_sensor_get_status         (FwSensor    *self);
void         fw_sensor_set_latest         (FwSensor    *self,
                                           FwTime       time,
                                           double       value,
                                           double       slope_per_hour,
                                           FwTime       now);

FwStatus     fw_sensor_status_at          (FwParameter  parameter,
                                           guint        interval,
                                           FwTime       latest_time,
                                           double       latest_value,
                                           FwTime       now);

G_END_DECLS
