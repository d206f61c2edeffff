/* fw-stock.h — the fish in a unit, from its logbook
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fw-logbook-entry.h"
#include "fw-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64   stocked;            /* fish put in: stockings and transfers in */
  gint64   dead;
  gint64   harvested;
  gint64   transferred_out;
  gint64   alive;
  gint64   shortfall;          /* fish entries took out that were not there */

  double   stocked_kg;         /* biomass put in */
  double   removed_kg;         /* biomass taken out: harvests, transfers out */
  double   dead_kg;            /* estimated at each day's mean weight */
  double   feed_kg;

  double   mean_weight_g;      /* now: NAN when never weighed nor stocked */
  double   biomass_kg;
  double   density;            /* kg/m³, or kg/m² for a pond without volume */
  gboolean density_per_m3;
  double   fcr_economic;       /* NAN without a gain to divide by */
  double   fcr_biological;
  double   sgr;                /* % a day; NAN with fewer than two weights */
  double   survival_percent;   /* NAN before any stocking */
  double   days_in_culture;    /* since the first stocking; NAN before */
} FwStock;

gint64 fw_stock_check_entry (const char     *unit_uuid,
                             GPtrArray      *history,
                             FwLogbookEntry *entry);

gboolean fw_logbook_check (FwCache         *cache,
                           FwLogbookEntry  *entry,
                           FwTime           now,
                           GPtrArray      **problems,
                           GError         **error);

void fw_stock_compute (const char *unit_uuid,
                       GPtrArray  *entries,
                       double      volume_m3,
                       double      area_m2,
                       FwTime      now,
                       FwStock    *stock);

G_END_DECLS
