/* fw-chart-series.h — one line of a chart: its data and what it says
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-parameter.h"
#include "fw-reading.h"
#include "fw-types.h"

G_BEGIN_DECLS

/* What one pixel column of a chart holds: the extremes of every reading
 * in it, so that no spike is lost however far the chart is zoomed out,
 * and their mean for the line. */
typedef struct
{
  FwTime first;     /* the earliest and latest data in the column */
  FwTime last;
  double min;
  double max;
  double sum;
  gint64 count;     /* readings; 0 for an empty column */
  gboolean joined;  /* a line comes in from the previous column with data */
} FwChartColumn;

/* The chart's summary, as a screen reader says it. */
typedef struct
{
  gint64  count;    /* 0 when the range holds nothing */
  double  min;
  FwTime  min_time;
  double  max;
  FwTime  max_time;
  double  latest;
  FwTime  latest_time;
  FwTrend trend;
} FwChartSummary;

#define FW_TYPE_CHART_SERIES (fw_chart_series_get_type ())

G_DECLARE_FINAL_TYPE (FwChartSeries, fw_chart_series, FW, CHART_SERIES, GObject)

FwChartSeries *fw_chart_series_new                (gint64          sensor_id,
                                                   FwParameter     parameter,
                                                   const char     *label,
                                                   guint           interval_s);

gint64         fw_chart_series_get_sensor_id      (FwChartSeries  *self);
FwParameter    fw_chart_series_get_parameter      (FwChartSeries  *self);
const char    *fw_chart_series_get_label          (FwChartSeries  *self);
guint          fw_chart_series_get_interval       (FwChartSeries  *self);
FwSpan         fw_chart_series_get_span           (FwChartSeries  *self);
guint          fw_chart_series_get_generation     (FwChartSeries  *self);

const FwBucket *fw_chart_series_get_buckets       (FwChartSeries  *self,
                                                   guint          *n_buckets);

gboolean       fw_chart_series_plan_load          (FwChartSeries  *self,
                                                   FwTime          from,
                                                   FwTime          to,
                                                   FwSpan          span,
                                                   FwTime          now,
                                                   FwTime         *load_from,
                                                   FwTime         *load_to);
void           fw_chart_series_add_buckets        (FwChartSeries  *self,
                                                   FwSpan          span,
                                                   FwTime          from,
                                                   FwTime          to,
                                                   FwTime          now,
                                                   const FwBucket *buckets,
                                                   guint           n_buckets);
void           fw_chart_series_invalidate_after   (FwChartSeries  *self,
                                                   FwTime          time);

FwTime         fw_chart_series_get_gap            (FwChartSeries  *self);
guint          fw_chart_series_decimate           (FwChartSeries  *self,
                                                   FwTime          from,
                                                   FwTime          to,
                                                   FwChartColumn  *columns,
                                                   guint           n_columns);
void           fw_chart_series_summarize          (FwChartSeries  *self,
                                                   FwTime          from,
                                                   FwTime          to,
                                                   FwChartSummary *summary);
char          *fw_chart_series_describe           (FwChartSeries  *self,
                                                   FwTime          from,
                                                   FwTime          to,
                                                   GTimeZone      *tz);
void           fw_chart_series_get_range          (FwChartSeries  *self,
                                                   FwTime          from,
                                                   FwTime          to,
                                                   double         *min,
                                                   double         *max);

gboolean       fw_chart_series_load               (FwChartSeries  *self,
                                                   FwCache        *cache,
                                                   FwTime          from,
                                                   FwTime          to,
                                                   guint           n_pixels,
                                                   FwTime          now,
                                                   GError        **error);
void           fw_chart_series_load_async         (FwChartSeries  *self,
                                                   FwCache        *cache,
                                                   FwTime          from,
                                                   FwTime          to,
                                                   guint           n_pixels,
                                                   FwTime          now,
                                                   GCancellable   *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer        user_data);
gboolean       fw_chart_series_load_finish        (FwChartSeries  *self,
                                                   GAsyncResult   *result,
                                                   GError        **error);

const char    *fw_chart_csv_get_header            (void);
void           fw_chart_series_append_csv         (FwChartSeries  *self,
                                                   FwTime          from,
                                                   FwTime          to,
                                                   GTimeZone      *tz,
                                                   GString        *csv);

G_END_DECLS
