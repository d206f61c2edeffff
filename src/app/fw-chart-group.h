/* fw-chart-group.h — charts that share a range, and their data loading
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-chart.h"

G_BEGIN_DECLS

#define FW_TYPE_CHART_GROUP (fw_chart_group_get_type ())

G_DECLARE_FINAL_TYPE (FwChartGroup, fw_chart_group, FW, CHART_GROUP, GObject)

FwChartGroup *fw_chart_group_new            (void);

FwTimeRange  *fw_chart_group_get_range      (FwChartGroup *self);
void          fw_chart_group_set_cache      (FwChartGroup *self,
                                             FwCache      *cache);
void          fw_chart_group_add_chart      (FwChartGroup *self,
                                             FwChart      *chart);
void          fw_chart_group_remove_all     (FwChartGroup *self);
GPtrArray    *fw_chart_group_get_charts     (FwChartGroup *self);
gboolean      fw_chart_group_get_loading    (FwChartGroup *self);
FwTime        fw_chart_group_get_earliest   (FwChartGroup *self);

void          fw_chart_group_load           (FwChartGroup *self);
void          fw_chart_group_refresh        (FwChartGroup *self,
                                             FwTime        now);

G_END_DECLS
