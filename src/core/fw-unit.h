/* fw-unit.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-parameter.h"
#include "fw-record.h"

G_BEGIN_DECLS

typedef enum
{
  FW_UNIT_KIND_POND,
  FW_UNIT_KIND_TANK,
  FW_UNIT_KIND_CAGE,
  FW_UNIT_KIND_RACEWAY,
} FwUnitKind;

#define FW_TYPE_UNIT (fw_unit_get_type ())

G_DECLARE_FINAL_TYPE (FwUnit, fw_unit, FW, UNIT, FwRecord)

const char *fw_unit_kind_to_id        (FwUnitKind   kind);
gboolean    fw_unit_kind_from_id      (const char  *id,
                                       FwUnitKind  *kind);
const char *fw_unit_kind_get_label    (FwUnitKind   kind);
const char *fw_species_get_label      (const char  *species);

const char *fw_unit_get_name          (FwUnit      *self);
const char *fw_unit_get_site_uuid     (FwUnit      *self);
const char *fw_unit_get_site_name     (FwUnit      *self);
FwUnitKind  fw_unit_get_kind          (FwUnit      *self);
double      fw_unit_get_area          (FwUnit      *self);
double      fw_unit_get_volume        (FwUnit      *self);
const char *fw_unit_get_species       (FwUnit      *self);

FwStatus    fw_unit_get_status        (FwUnit      *self);
FwParameter fw_unit_get_key_parameter (FwUnit      *self);
FwTime      fw_unit_get_key_time      (FwUnit      *self);
double      fw_unit_get_key_value     (FwUnit      *self);
void        fw_unit_set_summary       (FwUnit      *self,
                                       FwStatus     status,
                                       FwParameter  key_parameter,
                                       FwTime       key_time,
                                       double       key_value);

G_END_DECLS
