/* fw-farm.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-record.h"

G_BEGIN_DECLS

#define FW_TYPE_FARM (fw_farm_get_type ())

G_DECLARE_FINAL_TYPE (FwFarm, fw_farm, FW, FARM, FwRecord)

FwFarm     *fw_farm_new          (const char *name,
                                  const char *timezone);
const char *fw_farm_get_name     (FwFarm     *self);
const char *fw_farm_get_timezone (FwFarm     *self);

G_END_DECLS
