/* fw-unit-page.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fw-core.h"
#include "fw-page.h"
#include "fw-unit-charts.h"
#include "fw-unit-logbook.h"

G_BEGIN_DECLS

#define FW_TYPE_UNIT_PAGE (fw_unit_page_get_type ())

G_DECLARE_FINAL_TYPE (FwUnitPage, fw_unit_page, FW, UNIT_PAGE, FwPage)

void        fw_unit_page_show_unit   (FwUnitPage *self,
                                      FwCache    *cache,
                                      FwUnit     *unit,
                                      GTimeZone  *timezone);
void        fw_unit_page_reload      (FwUnitPage *self);
FwUnit     *fw_unit_page_get_unit    (FwUnitPage *self);
GListModel *fw_unit_page_get_sensors (FwUnitPage *self);
gboolean    fw_unit_page_get_loading (FwUnitPage *self);
void        fw_unit_page_show_view   (FwUnitPage *self,
                                      const char *name);
FwUnitCharts *fw_unit_page_get_charts (FwUnitPage *self);
void        fw_unit_page_set_alerts  (FwUnitPage *self,
                                      GPtrArray  *alerts,
                                      GPtrArray  *rules);
FwUnitLogbook *fw_unit_page_get_logbook (FwUnitPage *self);

G_END_DECLS
