/* fw-pond-model.h — deterministic water of ponds, tanks, raceways and cages
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The physics behind the demo farm and the sensor simulator. Every value is
 * a pure function of the sensor's spec and the time, so two programs that
 * agree on a spec agree on every reading.
 */

#pragma once

#include <glib.h>

#include "fw-types.h"
#include "fw-parameter.h"
#include "fw-unit.h"

G_BEGIN_DECLS

/* How a body of water behaves, which is not quite the kind of unit: a cage
 * hangs in a lake, and a lake is neither a pond nor a tank. */
typedef enum
{
  FW_POND_REGIME_POND,
  FW_POND_REGIME_TANK,
  FW_POND_REGIME_RACEWAY,
  FW_POND_REGIME_CAGE,
} FwPondRegime;

/* The spacing of probe noise when a spec names no interval: the demo
 * farm's five minutes. */
#define FW_POND_DEFAULT_INTERVAL 300

typedef struct
{
  FwPondRegime regime;
  double       load;      /* stocking and feeding pressure, 1 = typical */
  guint64      seed;      /* one per sensor, from fw_pond_seed_for() */
  guint        interval;  /* seconds between readings; 0 for the default */
} FwPondSpec;

FwPondRegime fw_pond_regime_for_kind     (FwUnitKind         kind);

guint64      fw_pond_mix                 (guint64            x);
double       fw_pond_hash01              (guint64            seed,
                                          gint64             key);
guint64      fw_pond_seed_for            (const char        *a,
                                          const char        *b);

double       fw_pond_solar_hour          (FwTime             t);
FwTime       fw_pond_solar_midnight      (FwTime             t);
double       fw_pond_oxygen_saturation   (double             celsius);

double       fw_pond_model_value         (const FwPondSpec  *spec,
                                          FwParameter        parameter,
                                          FwTime             t);
gboolean     fw_pond_model_missing       (const FwPondSpec  *spec,
                                          FwTime             t);

G_END_DECLS
