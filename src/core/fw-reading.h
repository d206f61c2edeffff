/* fw-reading.h — one sensor value at one time, and what a run of them says
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fw-types.h"
#include "fw-parameter.h"

G_BEGIN_DECLS

struct _FwReading
{
  FwTime time;
  double value;
};

/* A span of readings summed up: an hourly or daily rollup, or a raw
 * reading as a bucket of one. */
typedef struct
{
  FwTime  time;              /* the start of the span */
  double  min;
  double  max;
  double  sum;
  gint64  count;
} FwBucket;

/* The resolutions a sensor's history is kept at: every reading, and
 * summaries over an hour and a (UTC) day. */
typedef enum
{
  FW_SPAN_RAW  = 0,
  FW_SPAN_HOUR = 3600,
  FW_SPAN_DAY  = 86400,
} FwSpan;

FwSpan  fw_span_for_range          (FwTime           from,
                                    FwTime           to,
                                    guint            n_pixels);

double  fw_readings_slope_per_hour (const FwReading *readings,
                                    gsize            n_readings);
FwTrend fw_trend_from_slope        (FwParameter      parameter,
                                    double           slope_per_hour);

G_END_DECLS
