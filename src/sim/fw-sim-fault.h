/* fw-sim-fault.h — what can go wrong with a simulated sensor, and when
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "fw-core.h"

G_BEGIN_DECLS

typedef enum
{
  FW_SIM_FAULT_OXYGEN_CRASH,
  FW_SIM_FAULT_SILENT,
  FW_SIM_FAULT_STUCK,
  FW_SIM_FAULT_SPIKES,
} FwSimFaultKind;

/* Times are seconds from the simulator's start, where the backfill ends
 * and streaming begins: negative ones lie in the backfilled history. */
#define FW_SIM_FAULT_OPEN_END G_MAXINT64

typedef struct
{
  FwSimFaultKind  kind;
  char           *target;         /* a sensor id, a unit's name or id */
  gboolean        has_parameter;  /* the target was UNIT/PARAMETER */
  FwParameter     parameter;
  gint64          start;
  gint64          end;            /* FW_SIM_FAULT_OPEN_END when it lasts */
} FwSimFault;

#define FW_TYPE_SIM_FAULT (fw_sim_fault_get_type ())

GType       fw_sim_fault_get_type      (void) G_GNUC_CONST;
FwSimFault *fw_sim_fault_parse         (const char        *text,
                                        GError           **error);
FwSimFault *fw_sim_fault_copy          (const FwSimFault  *fault);
void        fw_sim_fault_free          (FwSimFault        *fault);
const char *fw_sim_fault_kind_to_id    (FwSimFaultKind     kind);

gboolean    fw_sim_parse_duration      (const char        *text,
                                        gboolean           allow_sign,
                                        gint64            *seconds,
                                        GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwSimFault, fw_sim_fault_free)

G_END_DECLS
