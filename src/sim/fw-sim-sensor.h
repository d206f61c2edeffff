/* fw-sim-sensor.h — one simulated probe: the pond model plus its faults
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "fw-core.h"
#include "fw-sim-fault.h"

G_BEGIN_DECLS

/* What a gateway has for a sensor at a time: a value, a dropout it reports
 * as null, or nothing at all because the probe went silent. */
typedef enum
{
  FW_SIM_READING_VALUE,
  FW_SIM_READING_DROPOUT,
  FW_SIM_READING_SILENT,
} FwSimReading;

typedef struct
{
  char        *id;
  char        *unit_id;
  char        *unit_name;
  FwUnitKind   unit_kind;
  FwParameter  parameter;
  guint        interval;
  FwPondSpec   spec;
  GArray      *faults;     /* FwSimActiveFault */
} FwSimSensor;

/* A fault resolved against one sensor and pinned to the clock. */
typedef struct
{
  FwSimFaultKind kind;
  FwTime         start;
  FwTime         end;      /* FW_SIM_FAULT_OPEN_END when it lasts */
  guint64        seed;
} FwSimActiveFault;

FwSimSensor  *fw_sim_sensor_new        (const char          *id,
                                        const char          *unit_id,
                                        const char          *unit_name,
                                        FwUnitKind           unit_kind,
                                        FwParameter          parameter,
                                        guint                interval,
                                        guint64              seed);
void          fw_sim_sensor_free       (FwSimSensor         *sensor);
gboolean      fw_sim_sensor_matches    (const FwSimSensor   *sensor,
                                        const FwSimFault    *fault);
void          fw_sim_sensor_add_fault  (FwSimSensor         *sensor,
                                        FwSimFaultKind       kind,
                                        FwTime               start,
                                        FwTime               end);
FwSimReading  fw_sim_sensor_read       (const FwSimSensor   *sensor,
                                        FwTime               t,
                                        double              *value);
guint         fw_sim_sensor_get_decimals (const FwSimSensor *sensor);

double        fw_sim_unit_load         (const char          *unit_id);
FwTime        fw_sim_oxygen_crash_start (FwTime              fault_start);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwSimSensor, fw_sim_sensor_free)

G_END_DECLS
