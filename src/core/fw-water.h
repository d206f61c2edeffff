/* fw-water.h — what a water sample says beyond its numbers
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FW_WATER_ERROR (fw_water_error_quark ())

typedef enum
{
  FW_WATER_ERROR_OUT_OF_RANGE,
} FwWaterError;

GQuark   fw_water_error_quark               (void);

gboolean fw_water_unionised_ammonia_fraction (double   temperature_c,
                                              double   ph,
                                              double  *fraction,
                                              GError **error);
gboolean fw_water_oxygen_saturation          (double   temperature_c,
                                              double   salinity_ppt,
                                              double  *saturation_mg_l,
                                              GError **error);

G_END_DECLS
