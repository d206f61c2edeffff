/* fw-chart.h — sensor history drawn over time
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_CHART (fw_chart_get_type ())

G_DECLARE_FINAL_TYPE (FwChart, fw_chart, FW, CHART, GtkWidget)

GtkWidget     *fw_chart_new              (void);

FwTimeRange   *fw_chart_get_range        (FwChart       *self);
void           fw_chart_set_range        (FwChart       *self,
                                          FwTimeRange   *range);
GTimeZone     *fw_chart_get_timezone     (FwChart       *self);
void           fw_chart_set_timezone     (FwChart       *self,
                                          GTimeZone     *timezone);
gboolean       fw_chart_get_compact      (FwChart       *self);
void           fw_chart_set_compact      (FwChart       *self,
                                          gboolean       compact);
const char    *fw_chart_get_title        (FwChart       *self);
void           fw_chart_set_title        (FwChart       *self,
                                          const char    *title);

void           fw_chart_add_series       (FwChart       *self,
                                          FwChartSeries *series);
void           fw_chart_remove_all_series (FwChart      *self);
guint          fw_chart_get_n_series     (FwChart       *self);
FwChartSeries *fw_chart_get_series       (FwChart       *self,
                                          guint          index);
void           fw_chart_set_limits       (FwChart       *self,
                                          const FwLimits *limits);
void           fw_chart_clear_limits     (FwChart       *self);
void           fw_chart_data_changed     (FwChart       *self);

guint          fw_chart_get_plot_width   (FwChart       *self);
gboolean       fw_chart_get_point        (FwChart       *self,
                                          FwTime         time,
                                          double         value,
                                          graphene_point_t *point);
GskRenderNode *fw_chart_create_node      (FwChart       *self,
                                          int            width,
                                          int            height);
char          *fw_chart_dup_description  (FwChart       *self);

const GdkRGBA *fw_chart_get_series_color (guint          index);

G_END_DECLS
