/* fw-sensor-tile.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fw-chart.h"
#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_SENSOR_TILE (fw_sensor_tile_get_type ())

G_DECLARE_FINAL_TYPE (FwSensorTile, fw_sensor_tile, FW, SENSOR_TILE, GtkBox)

GtkWidget *fw_sensor_tile_new         (FwSensor     *sensor,
                                       GTimeZone    *timezone);
FwSensor  *fw_sensor_tile_get_sensor  (FwSensorTile *self);
FwChart   *fw_sensor_tile_get_sparkline (FwSensorTile *self);
void       fw_sensor_tile_refresh     (FwSensorTile *self);

G_END_DECLS
