/* fw-unit-charts.h — a chart per sensor of one unit, over a shared range
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_UNIT_CHARTS (fw_unit_charts_get_type ())

G_DECLARE_FINAL_TYPE (FwUnitCharts, fw_unit_charts, FW, UNIT_CHARTS, GtkBox)

void       fw_unit_charts_show        (FwUnitCharts *self,
                                       FwCache      *cache,
                                       FwUnit       *unit,
                                       GListModel   *sensors,
                                       GTimeZone    *timezone);
void       fw_unit_charts_refresh     (FwUnitCharts *self,
                                       FwTime        now);
GPtrArray *fw_unit_charts_get_charts  (FwUnitCharts *self);
FwTimeRange *fw_unit_charts_get_range (FwUnitCharts *self);
void       fw_unit_charts_set_rules   (FwUnitCharts *self,
                                       GPtrArray    *rules);
gboolean   fw_unit_charts_get_loading (FwUnitCharts *self);

G_END_DECLS
